// failover_fetcher.h — origin failover for origin groups (SPEC 12.2), in front of the driver's
// origin.
//
// Every tier's misses end at the origin through this fetcher (tiers.h builds one per request), so
// the failover happens where CloudFront's does: after the caches, before any of them stores the
// answer. A request for a group goes to its primary; when policy/origin_failover.h says the
// primary's answer fails over, the same request goes to the secondary, whose answer (any status,
// or its failure) is the one the caches see, marked `failed_over`. Requests for plain origins, and
// methods that never fail over, pass through untouched.
//
//   FailoverFetcher to_origin(driver_origin);
//   absl::StatusOr<OriginResponse> r = to_origin.Fetch(request, now);
#pragma once

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/origin_fetcher.h"

namespace edgesim::core {

class FailoverFetcher final : public OriginFetcher {
 public:
  explicit FailoverFetcher(OriginFetcher& origin) : origin_(origin) {}

  absl::StatusOr<OriginResponse> Fetch(const OriginRequest& request, absl::Time now) override;
  // Reads only the method of what it passes on.
  bool WantsBareRequests() const override { return origin_.WantsBareRequests(); }

 private:
  OriginFetcher& origin_;
};

}  // namespace edgesim::core
