#include "core/response_headers.h"

#include "core/viewer_head.h"
#include "policy/outcome.h"

namespace edgesim::core {
namespace {

// SPEC 11.2: answers from the cache or the origin; CloudFront's own (redirects, refused requests,
// origin connection failures) are left as they are.
bool FromCacheOrOrigin(const EdgeResult& answer) {
  switch (answer.outcome) {
    case policy::CacheOutcome::kHit:
    case policy::CacheOutcome::kRefreshHit:
    case policy::CacheOutcome::kMiss:
      return true;
    case policy::CacheOutcome::kError:
      return answer.error_detail == policy::ErrorDetail::kError;
    default:
      return false;
  }
}

// SPEC 5: Server-Timing's cache metric.
absl::string_view CacheMetric(policy::CacheOutcome outcome) {
  switch (outcome) {
    case policy::CacheOutcome::kHit:
      return "cdn-cache-hit";
    case policy::CacheOutcome::kRefreshHit:
      return "cdn-cache-refresh";
    default:
      return "cdn-cache-miss";
  }
}

}  // namespace

const policy::ResponseHeadersPolicy* ResponseHeadersPolicyOf(
    const policy::DistributionConfig& config, const EdgeResult& answer) {
  const policy::CacheBehavior& b =
      answer.behavior_index >= 0 &&
              static_cast<size_t>(answer.behavior_index) < config.behaviors.size()
          ? config.behaviors[static_cast<size_t>(answer.behavior_index)]
          : config.default_behavior;
  return b.response_headers_policy.has_value() ? &*b.response_headers_policy : nullptr;
}

void AddPolicyHeaders(const policy::DistributionConfig& config, const policy::Request& viewer,
                      EdgeResult& answer) {
  const policy::ResponseHeadersPolicy* p = ResponseHeadersPolicyOf(config, answer);
  if (p == nullptr || !FromCacheOrOrigin(answer)) return;
  // The viewer's own copy: the stored object keeps the origin's headers.
  policy::Headers headers = HeadersOf(answer);
  const policy::ServerTimingFacts timing{CacheMetric(answer.outcome),
                                         answer.pop != nullptr ? absl::string_view(*answer.pop)
                                                               : absl::string_view(),
                                         answer.request_id.view()};
  policy::ApplyResponseHeadersPolicy(*p, viewer, timing, &headers);
  answer.viewer.headers = std::move(headers);
}

}  // namespace edgesim::core
