// function_runtime.h — runs a CloudFront Function's handler on an event (SPEC 15).
//
// The code compiles once per thread (cached by name, runtime and a hash of the code, so an updated
// function compiles afresh) and each run gets the compute budget, the log limit and the error
// classes CloudFront's TestFunction reports: ComputeUtilization, FunctionExecutionLogs,
// FunctionErrorMessage, FunctionOutput.
//
//   CloudFrontFunctionCode code{"spa", policy::FunctionRuntime::kJs2, source};
//   FunctionRun run = RunCloudFrontFunction(code, policy::ViewerRequestEvent(ctx, request), {});
//   if (run.ok()) next = policy::ApplyViewerRequestResult(run.output, request);
//   else answer = policy::AnswerForFunctionFailure(run.failure());   // 503 / 502
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/time/time.h"
#include "core/key_value_lookup.h"
#include "policy/cloudfront_function.h"

namespace edgesim::core {

struct CloudFrontFunctionCode {
  std::string name;
  policy::FunctionRuntime runtime = policy::FunctionRuntime::kJs2;
  std::string code;
  // The Id of the key value store FunctionConfig.KeyValueStoreAssociations names ("": none), the
  // one cloudfront.kvs() reads (SPEC 15.8).
  std::string key_value_store_id;
};

struct FunctionRuntimeLimits {
  // Thread CPU time one run may use: CloudFront publishes none ("submillisecond"), 1 ms is
  // edgesim's choice (SPEC 15.5, UNCONFIRMED). ComputeUtilization is measured against it.
  absl::Duration compute_budget = absl::Milliseconds(1);
  // Wall-clock cap of one run, for a thread the machine does not schedule.
  absl::Duration wall_limit = absl::Seconds(1);
  // console.log output kept per run (SPEC 15.5).
  size_t max_log_bytes = 10 * 1024;
  // Where cloudfront.kvs() reads the function's store; null: its reads reject (SPEC 15.8).
  const KeyValueLookup* key_values = nullptr;
  // FunctionRun::compute_utilization measured (TestFunction); false leaves it 0 and spares each
  // run two reads of the thread's CPU clock (JsCallLimits::measure_cpu_time).
  bool measure_compute_utilization = true;
};

enum class FunctionRunError {
  kNone,
  kCompileError,    // the code does not compile or defines no handler
  kException,       // the handler threw (or its promise rejected)
  kBudgetExceeded,  // stopped at the compute budget
  kInvalidReturn,   // returned something other than an object
};

struct FunctionRun {
  FunctionRunError error = FunctionRunError::kNone;
  // TestResult.FunctionErrorMessage: "" on success.
  std::string error_message;
  // The object the handler returned (kNone only).
  policy::FunctionJson output;
  // TestResult.ComputeUtilization: CPU time as a percentage of the budget, 0 to 100.
  int compute_utilization = 0;
  std::vector<std::string> logs;

  bool ok() const { return error == FunctionRunError::kNone; }
  // What the viewer gets for a failed run: a returned non-object fails validation (502), the rest
  // fails execution (503) (SPEC 15.6).
  policy::FunctionFailure failure() const;
};

FunctionRun RunCloudFrontFunction(const CloudFrontFunctionCode& function,
                                  const policy::FunctionJson& event,
                                  const FunctionRuntimeLimits& limits);
// The same run with the event written by `write_event` (policy::VisitViewerRequestEvent, say),
// which builds it directly as the engine's objects: no FunctionJson or JSON text on the way in.
FunctionRun RunCloudFrontFunction(const CloudFrontFunctionCode& function,
                                  absl::FunctionRef<void(policy::FunctionValueVisitor&)> write_event,
                                  const FunctionRuntimeLimits& limits);

}  // namespace edgesim::core
