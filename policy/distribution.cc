#include "policy/distribution.h"

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

}  // namespace edgesim::policy
