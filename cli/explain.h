// explain.h — walks one request through the CloudFront model and keeps every decision.
//
// The teacher's view of the model: which behavior patterns were tried and which matched, the cache
// key and its parts, the TTL derivation step by step, what each invalidation path would do to
// this object, what the response headers policy changes for the viewer, and last what the viewer
// gets. A behavior's viewer-request CloudFront Function runs first (SPEC 15.7): the key and the
// origin path are those of the request it returns. The rules are policy/'s and the answer is the request pipeline's
// (core/request_pipeline.h), run once against an origin that answers `origin_status` (and 200 for
// a custom error page): explain only renders them, as text or JSON.
//
//   ExplainInput in;
//   in.request = policy::Request::Get("/images/a.jpg?w=1");
//   in.origin_headers.Add("Cache-Control", "max-age=600");
//   absl::StatusOr<Explanation> e = Explain(distribution, in);
//   e->ttl.fresh_for;   // 600 s, clamped per the matched behavior's policy
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "nlohmann/json.hpp"
#include "policy/cache_key.h"
#include "policy/cache_policy.h"
#include "policy/distribution.h"
#include "policy/http_message.h"
#include "policy/model_options.h"
#include "policy/ttl.h"

namespace edgesim::cli {

struct ExplainInput {
  policy::Request request;
  int origin_status = 200;
  policy::Headers origin_headers;
  std::vector<std::string> invalidation_paths;
  // What-if overrides of the matched behavior's policy, in seconds.
  absl::optional<int64_t> min_ttl, default_ttl, max_ttl;
  // Overrides the ErrorCachingMinTTL of the CustomErrorResponse for origin_status, in seconds.
  absl::optional<int64_t> error_caching_min_ttl;
  absl::Time now = absl::UnixEpoch();
};

struct InvalidationVerdict {
  std::string path;
  bool valid = false;
  std::string error;  // why the path is invalid, when it is
  bool matches = false;
};

// SPEC 15.7: what the matched behavior's viewer-request function did before the cache key was
// built.
struct FunctionEffect {
  std::string name;  // empty: the behavior runs none
  // The request target (path and query) before and after it.
  std::string target_before, target_after;
  std::vector<std::string> headers_added;    // "Name: value", new or changed
  std::vector<std::string> headers_removed;  // names
  // The status of the response it returned instead of a request (0: it returned a request).
  int response_status = 0;
  // Set when it failed: "FunctionExecutionError (503)".
  std::string failure;
};

struct Explanation {
  // Behavior patterns in the order they were tried; the last one matched.
  std::vector<std::string> patterns_tried;
  std::string matched_path;  // the normalized path the patterns saw
  int behavior_index = -1;   // -1 for the default behavior
  policy::CacheBehavior behavior;
  // The policy the TTL and key rules ran with, overrides applied.
  policy::CachePolicy policy;
  std::vector<std::string> overrides;
  FunctionEffect viewer_request_function;
  // The path the origin is asked for (the default root object replaces "/").
  std::string origin_path;
  policy::CacheKey key;
  policy::TtlDecision ttl;
  // Empty when the TTL rules decided the response's fate; otherwise why they never ran (the
  // request never reached the origin, or the behavior does not cache its method).
  std::string ttl_not_applied;
  std::vector<InvalidationVerdict> invalidations;
  // SPEC 11: the behavior's response headers policy (its name; empty for none) and what it does
  // to the origin's headers on the way to this viewer: the names it removes, and the
  // "Name: value" fields it adds or replaces.
  std::string response_headers_policy;
  std::vector<std::string> headers_removed;
  std::vector<std::string> headers_set;
  // What the viewer finally gets, from the request pipeline itself (core/answer_summary.h):
  // "403 (method not allowed by the behavior, SPEC 4.1)".
  int viewer_status = 0;
  std::string viewer_gets;
};

absl::StatusOr<Explanation> Explain(const policy::Distribution& distribution,
                                    const ExplainInput& input,
                                    const policy::ModelOptions& options = {});

std::string RenderExplanationText(const Explanation& e, const policy::Distribution& distribution);
nlohmann::json RenderExplanationJson(const Explanation& e);

}  // namespace edgesim::cli
