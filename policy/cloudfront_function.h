// cloudfront_function.h — the contract of a CloudFront Function (SPEC 15): the event object it is
// given, the rules its returned object must follow, and how that object maps back onto the request
// or the response. Pure: the engine that runs the code is core/function_runtime.h.
//
//   FunctionJson event = ViewerRequestEvent(context, request);        // event.request.uri == "/a"
//   // ... the function returns {"uri": "/a/index.html", ...} ...
//   absl::StatusOr<ViewerRequestResult> next = ApplyViewerRequestResult(output, request);
//   // std::get<Request>(*next).target == "/a/index.html"; a response object gives a
//   // FunctionResponse for the viewer; a bad object an InvalidArgument (a validation error, 502).
#pragma once

#include <string>
#include <variant>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "policy/function_value.h"
#include "policy/http_message.h"
#include "policy/outcome.h"

namespace edgesim::policy {

// FunctionConfig.Runtime (SPEC 15.2).
enum class FunctionRuntime { kJs1, kJs2 };
absl::optional<FunctionRuntime> ParseFunctionRuntime(absl::string_view name);
absl::string_view FunctionRuntimeName(FunctionRuntime runtime);

enum class FunctionEventType { kViewerRequest, kViewerResponse };
absl::string_view FunctionEventTypeName(FunctionEventType type);

// event.context; empty fields are left out, as in a TestFunction event (SPEC 15.3).
struct FunctionEventContext {
  std::string distribution_domain_name;
  std::string distribution_id;
  std::string request_id;
};

// The response a function generated (viewer-request) or rewrote (viewer-response).
struct FunctionResponse {
  Response head;
  std::string status_description;
  // The body the function set; nullopt when it set none (a viewer-response function then keeps the
  // original body, SPEC 15.4 rule 2).
  absl::optional<std::string> body;

  bool operator==(const FunctionResponse&) const = default;
};

FunctionJson ViewerRequestEvent(const FunctionEventContext& context, const Request& request);
FunctionJson ViewerResponseEvent(const FunctionEventContext& context, const Request& request,
                                 const Response& response, absl::string_view status_description);
// The same events as visitor streams, for a consumer that builds its own objects (the engine's, in
// core/function_runtime.h) without a FunctionJson in between.
void VisitViewerRequestEvent(const FunctionEventContext& context, const Request& request,
                             FunctionValueVisitor& visitor);
void VisitViewerResponseEvent(const FunctionEventContext& context, const Request& request,
                              const Response& response, absl::string_view status_description,
                              FunctionValueVisitor& visitor);

// What a viewer-request function decided: go on with this request, or answer with this response.
using ViewerRequestResult = std::variant<Request, FunctionResponse>;

// Maps a viewer-request function's returned object onto `viewer` (the request its event showed).
// InvalidArgument (with the reason) when the object breaks SPEC 15.4's rules.
absl::StatusOr<ViewerRequestResult> ApplyViewerRequestResult(const FunctionJson& output,
                                                             const Request& viewer);
// Maps a viewer-response function's returned object onto `original`.
absl::StatusOr<FunctionResponse> ApplyViewerResponseResult(const FunctionJson& output,
                                                           const Response& original,
                                                           absl::string_view status_description);

// TestResult.FunctionOutput: the returned object under "request" or "response", the key a
// response object (one with statusCode) or the viewer-response event takes (SPEC 15.5).
std::string TestFunctionOutput(FunctionEventType event, const FunctionJson& output);

// The event type a TestFunction event object is for: its context.eventType, else viewer-response
// when it carries a response object and viewer-request otherwise (SPEC 15.5). InvalidArgument for
// an eventType that is not a viewer event.
absl::StatusOr<FunctionEventType> TestEventType(const FunctionJson& event);

// TestResult.FunctionErrorMessage for a run that failed with the runtime's `error` (SPEC 15.5).
std::string TestFunctionErrorMessage(absl::string_view error);

// How a failed function answers the viewer (SPEC 15.6).
enum class FunctionFailure {
  kExecutionError,   // threw, did not compile, exceeded its compute budget
  kValidationError,  // returned an object that breaks SPEC 15.4's rules
};
struct FunctionFailureAnswer {
  int status;
  // The access log's x-edge-detailed-result-type (UNCONFIRMED names).
  ErrorDetail detail;
};
FunctionFailureAnswer AnswerForFunctionFailure(FunctionFailure failure);

}  // namespace edgesim::policy
