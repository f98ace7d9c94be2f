#include "emulator/js_function_runner.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "policy/cloudfront_function.h"

namespace edgesim::emulator {

absl::StatusOr<FunctionTestResult> JsFunctionRunner::Test(const FunctionUnderTest& function,
                                                          absl::string_view event) {
  const absl::optional<policy::FunctionRuntime> parsed_runtime =
      policy::ParseFunctionRuntime(function.runtime);
  if (!parsed_runtime.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("Unknown function runtime ", function.runtime, "."));
  }
  const policy::FunctionJson parsed_event =
      policy::FunctionJson::parse(event, nullptr, /*allow_exceptions=*/false);
  if (!parsed_event.is_object()) {
    return absl::InvalidArgumentError("The event object is not a JSON object.");
  }
  absl::StatusOr<policy::FunctionEventType> type = policy::TestEventType(parsed_event);
  if (!type.ok()) return type.status();
  // One name for every test: the runtime's program cache tells code apart by its hash.
  core::FunctionRuntimeLimits limits = limits_;
  limits.key_values = function.key_values;
  core::FunctionRun run = core::RunCloudFrontFunction(
      {"TestFunction", *parsed_runtime, function.code, function.key_value_store_id}, parsed_event,
      limits);
  FunctionTestResult result;
  result.compute_utilization = absl::StrCat(run.compute_utilization);
  result.execution_logs = std::move(run.logs);
  // TestFunction reports execution errors only: the returned object is not validated (SPEC 15.5).
  if (run.ok()) {
    result.output = policy::TestFunctionOutput(*type, run.output);
  } else {
    result.error_message = policy::TestFunctionErrorMessage(run.error_message);
  }
  return result;
}

}  // namespace edgesim::emulator
