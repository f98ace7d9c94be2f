// edge_functions.h — a distribution's CloudFront Functions at the edge (SPEC 15.1): which function
// each behavior runs on each viewer event, and what running it makes of the request or the
// response. The request pipeline (request_pipeline.h) calls it before the cache key is built and
// on the answer going back to the viewer.
//
//   EdgeFunctions functions = *EdgeFunctions::Create(distribution, model_options, limits);
//   const int behavior = functions.BehaviorFor(viewer.target);
//   absl::optional<ViewerRequestStep> step = functions.RunViewerRequest(behavior, viewer, id);
//   // step: nullopt (no function), the rewritten Request, a FunctionResponse or a FunctionFailure
//   functions.RunViewerResponse(viewer, id, answer);   // on hits and misses below 400
#pragma once

#include <array>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/optional.h"
#include "core/edge_cache.h"
#include "core/function_runtime.h"
#include "policy/behavior_table.h"
#include "policy/cloudfront_function.h"
#include "policy/distribution.h"
#include "policy/http_message.h"
#include "policy/model_options.h"

namespace edgesim::core {

// What a viewer-request function made of the request: go on with this (maybe rewritten) request,
// answer with this response, or fail.
using ViewerRequestStep =
    std::variant<policy::Request, policy::FunctionResponse, policy::FunctionFailure>;

class EdgeFunctions {
 public:
  // InvalidArgument for a behavior table that cannot be built or an association whose runtime
  // is not cloudfront-js-1.0 or -2.0. Every run gets `limits` (the compute budget, the key value
  // stores; their lookup must outlive this).
  static absl::StatusOr<EdgeFunctions> Create(const policy::Distribution& distribution,
                                              const policy::ModelOptions& model,
                                              const FunctionRuntimeLimits& limits = {});

  // Whether any behavior runs a function on the event.
  bool Any(policy::FunctionEventType event) const;
  // The behavior `target` matches (BehaviorTable order, -1 for the default one).
  int BehaviorFor(absl::string_view target) const;

  // Runs the behavior's viewer-request function on `viewer`; nullopt when it has none.
  // `request_id` is the event's context.requestId (may be empty).
  absl::optional<ViewerRequestStep> RunViewerRequest(int behavior_index,
                                                     const policy::Request& viewer,
                                                     absl::string_view request_id) const;

  // Runs the answering behavior's viewer-response function on `answer`, when CloudFront would:
  // an answer from the cache or the origin with a status below 400, not a custom error page
  // (SPEC 15.1). A failure replaces the answer by CloudFront's error (SPEC 15.6).
  void RunViewerResponse(const policy::Request& viewer, EdgeResult& answer) const;

 private:
  // A behavior's functions, by event (viewer-request, viewer-response).
  using BehaviorFunctions = std::array<absl::optional<CloudFrontFunctionCode>, 2>;

  EdgeFunctions(const policy::Distribution& distribution, policy::BehaviorTable table,
                std::vector<BehaviorFunctions> functions, const FunctionRuntimeLimits& limits);
  const absl::optional<CloudFrontFunctionCode>& FunctionOf(int behavior_index,
                                                          policy::FunctionEventType event) const;
  policy::FunctionEventContext Context(absl::string_view request_id) const;

  std::string distribution_id_;
  std::string domain_name_;
  policy::BehaviorTable table_;
  // The ordered behaviors, then the default one.
  std::vector<BehaviorFunctions> functions_;
  FunctionRuntimeLimits limits_;
};

}  // namespace edgesim::core
