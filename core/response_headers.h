// response_headers.h — a behavior's response headers policy (SPEC 11) on one viewer answer.
//
// The policy changes the viewer's copy of the headers (EdgeResult::viewer.headers), never the
// stored object: what the cache keeps and its TTL are decided before (SPEC 11.2). It applies to
// answers from the cache or the origin (hits, refreshes, misses, origin and cached errors, custom
// error pages); not to the answers CloudFront makes up itself (redirects, its own 4xx/5xx for a
// bad request or an unreachable origin), SPEC 11.2's UNCONFIRMED choice.
//
//   AddPolicyHeaders(distribution.config, viewer, answer);
//   ViewerHeaders(answer).Get("X-Content-Type-Options");   // "nosniff" with SecurityHeadersPolicy
#pragma once

#include "core/edge_cache.h"
#include "policy/distribution.h"
#include "policy/http_message.h"
#include "policy/response_headers_policy.h"

namespace edgesim::core {

// The response headers policy of the behavior that answered `answer`; null for none.
const policy::ResponseHeadersPolicy* ResponseHeadersPolicyOf(
    const policy::DistributionConfig& config, const EdgeResult& answer);

// Applies ResponseHeadersPolicyOf(config, answer) to `answer` for `viewer`, when the answer came
// from the cache or the origin.
void AddPolicyHeaders(const policy::DistributionConfig& config, const policy::Request& viewer,
                      EdgeResult& answer);

}  // namespace edgesim::core
