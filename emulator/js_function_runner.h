// js_function_runner.h — the FunctionRunner `edgesim serve` gives TestFunction (API 1.11): the
// event object and the function's code go through the embedded JavaScript runtime
// (core/function_runtime.h), and its run comes back as TestResult's members (SPEC 15.5).
//
//   options.function_runner = std::make_shared<JsFunctionRunner>();
//   // TestFunction then answers FunctionOutput "{\"request\":{...}}", the console.log lines,
//   // ComputeUtilization and, for a function that fails, FunctionErrorMessage.
#pragma once

#include "core/function_runtime.h"
#include "emulator/function_runner.h"

namespace edgesim::emulator {

class JsFunctionRunner final : public FunctionRunner {
 public:
  explicit JsFunctionRunner(core::FunctionRuntimeLimits limits = {}) : limits_(limits) {}

  // An error status (TestFunctionFailed) for an unknown runtime, an event object that is not a
  // JSON object, or one whose context.eventType is not a viewer event.
  absl::StatusOr<FunctionTestResult> Test(const FunctionUnderTest& function,
                                          absl::string_view event) override;

 private:
  core::FunctionRuntimeLimits limits_;
};

}  // namespace edgesim::emulator
