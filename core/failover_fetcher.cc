#include "core/failover_fetcher.h"

#include <utility>

#include "policy/origin_failover.h"

namespace edgesim::core {

absl::StatusOr<OriginResponse> FailoverFetcher::Fetch(const OriginRequest& request,
                                                      absl::Time now) {
  absl::StatusOr<OriginResponse> primary = origin_.Fetch(request, now);
  if (request.group == nullptr || request.secondary == nullptr) return primary;
  const absl::StatusOr<int> answer =
      primary.ok() ? absl::StatusOr<int>(primary->head.status) : primary.status();
  if (!policy::AnswerFailsOver(*request.group, answer)) return primary;

  OriginRequest to_secondary;
  to_secondary.viewer = request.viewer;
  to_secondary.forwarded = request.secondary_forwarded;
  to_secondary.behavior = request.behavior;
  to_secondary.origin = request.secondary;
  to_secondary.conditional = request.conditional;
  absl::StatusOr<OriginResponse> secondary = origin_.Fetch(to_secondary, now);
  if (secondary.ok()) secondary->failed_over = true;
  return secondary;
}

}  // namespace edgesim::core
