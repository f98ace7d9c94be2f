#include "policy/distribution.h"

#include <utility>

namespace edgesim::policy {

const Origin* DistributionConfig::FindOrigin(absl::string_view id) const {
  for (const Origin& o : origins) {
    if (o.id == id) return &o;
  }
  return nullptr;
}

const CustomErrorResponse* DistributionConfig::FindCustomErrorResponse(int status) const {
  for (const CustomErrorResponse& r : custom_error_responses) {
    if (r.error_code == status) return &r;
  }
  return nullptr;
}

Distribution SingleOriginDistribution(absl::string_view origin_domain, CachePolicy policy) {
  Distribution d;
  Origin origin;
  origin.id = "origin";
  origin.domain_name = std::string(origin_domain);
  d.config.origins.push_back(std::move(origin));
  d.config.default_behavior.target_origin_id = "origin";
  d.config.default_behavior.cache_policy = std::move(policy);
  return d;
}

}  // namespace edgesim::policy
