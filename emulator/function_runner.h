// function_runner.h — what TestFunction (API 1.11) runs a CloudFront function's code with. The
// control plane stores functions; running them is the JavaScript runtime's work, plugged in
// through ControlPlaneOptions::function_runner. Without one, TestFunction answers
// UnsupportedOperation rather than a made-up result.
//
//   class Runtime : public FunctionRunner { ... };
//   options.function_runner = std::make_shared<Runtime>();
//   absl::StatusOr<FunctionTestResult> r = runner.Test({"cloudfront-js-2.0", code}, event_json);
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/key_value_lookup.h"

namespace edgesim::emulator {

// TestResult's members besides FunctionSummary (botocore's model).
struct FunctionTestResult {
  std::string compute_utilization;  // "0".."100"
  std::vector<std::string> execution_logs;
  std::string error_message;  // "" when the function returned
  std::string output;         // the returned object as JSON text
};

// The stage TestFunction runs: its FunctionConfig.Runtime, its code, and the key value store its
// config associates ("" for none), which cloudfront.kvs() reads through `key_values` (SPEC 15.8).
struct FunctionUnderTest {
  std::string runtime;
  std::string code;
  std::string key_value_store_id;
  const core::KeyValueLookup* key_values = nullptr;
};

class FunctionRunner {
 public:
  virtual ~FunctionRunner() = default;
  // Runs `function` on the event object `event` (JSON text, as TestFunction's EventObject). A
  // function that throws is a result with an error_message; an error status is the runner's own
  // failure (TestFunctionFailed).
  virtual absl::StatusOr<FunctionTestResult> Test(const FunctionUnderTest& function,
                                                  absl::string_view event) = 0;
};

}  // namespace edgesim::emulator
