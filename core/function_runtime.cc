#include "core/function_runtime.h"

#include <xxhash.h>

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "core/js_engine.h"
#include "policy/function_runtime_features.h"

namespace edgesim::core {
namespace {

// Runtime 1.0 is a script with require(); 2.0 an ES module that may import the cloudfront module
// and Buffer too (SPEC 15.2).
JsProgramSpec ProgramSpec(const CloudFrontFunctionCode& function) {
  if (function.runtime == policy::FunctionRuntime::kJs1) {
    return {function.code, JsSourceKind::kScript, {"crypto", "querystring"},
            [](absl::string_view source) {
              return policy::CheckRuntimeFeatures(policy::FunctionRuntime::kJs1, source);
            }};
  }
  return {function.code, JsSourceKind::kModule, {"cloudfront", "crypto", "querystring", "buffer"}};
}

std::string CacheKey(const CloudFrontFunctionCode& function) {
  return absl::StrCat(function.name, "\n", policy::FunctionRuntimeName(function.runtime), "\n",
                      XXH3_64bits(function.code.data(), function.code.size()), "\n",
                      function.code.size());
}

int ComputeUtilization(absl::Duration cpu_time, absl::Duration budget) {
  if (budget <= absl::ZeroDuration()) return 100;
  const double percent = std::ceil(absl::FDivDuration(cpu_time, budget) * 100);
  return static_cast<int>(std::clamp(percent, 0.0, 100.0));
}

FunctionRun Failed(FunctionRunError error, std::string message) {
  FunctionRun run;
  run.error = error;
  run.error_message = std::move(message);
  return run;
}

}  // namespace

policy::FunctionFailure FunctionRun::failure() const {
  return error == FunctionRunError::kInvalidReturn ? policy::FunctionFailure::kValidationError
                                                   : policy::FunctionFailure::kExecutionError;
}

FunctionRun RunCloudFrontFunction(const CloudFrontFunctionCode& function,
                                  const policy::FunctionJson& event,
                                  const FunctionRuntimeLimits& limits) {
  return RunCloudFrontFunction(
      function, [&](policy::FunctionValueVisitor& v) { policy::VisitFunctionJson(event, v); },
      limits);
}

FunctionRun RunCloudFrontFunction(
    const CloudFrontFunctionCode& function,
    absl::FunctionRef<void(policy::FunctionValueVisitor&)> write_event,
    const FunctionRuntimeLimits& limits) {
  const JsCallLimits call_limits{.cpu_budget = limits.compute_budget,
                                 .wall_limit = limits.wall_limit,
                                 .measure_cpu_time = limits.measure_compute_utilization,
                                 .max_log_bytes = limits.max_log_bytes,
                                 .key_values = limits.key_values,
                                 .key_value_store_id = function.key_value_store_id};
  JsEngine& engine = JsEngine::ForThisThread();
  // Compiling and the module's top level are not the invocation CloudFront's budget is about, and
  // a large function's parse alone may take longer: they get the wall-clock cap as their budget.
  const JsCallLimits compile_limits{.cpu_budget = limits.wall_limit,
                                    .wall_limit = limits.wall_limit,
                                    .max_log_bytes = limits.max_log_bytes};
  absl::StatusOr<JsProgram*> program =
      engine.Program(CacheKey(function), [&] { return ProgramSpec(function); }, compile_limits);
  if (!program.ok()) {
    return Failed(absl::IsDeadlineExceeded(program.status()) ? FunctionRunError::kBudgetExceeded
                                                             : FunctionRunError::kCompileError,
                  std::string(program.status().message()));
  }
  policy::FunctionJsonBuilder output;
  JsCallResult call = engine.Call(**program, write_event, output, call_limits);
  FunctionRun run;
  run.logs = std::move(call.logs);
  run.compute_utilization = ComputeUtilization(call.cpu_time, limits.compute_budget);
  switch (call.outcome) {
    case JsCallResult::Outcome::kBudgetExceeded:
      run.error = FunctionRunError::kBudgetExceeded;
      run.error_message = std::move(call.error);
      run.compute_utilization = 100;
      return run;
    case JsCallResult::Outcome::kThrew:
      run.error = FunctionRunError::kException;
      run.error_message = std::move(call.error);
      return run;
    case JsCallResult::Outcome::kReturned:
      break;
  }
  run.output = output.Take();
  if (call.value_not_unicode || !run.output.is_object()) {
    run.error = FunctionRunError::kInvalidReturn;
    run.error_message = "The function did not return an object";
    run.output = nullptr;
  }
  return run;
}

}  // namespace edgesim::core
