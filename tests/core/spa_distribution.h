// spa_distribution.h — SPEC 7.4's single-page-app pattern for core's tests: one origin behind
// Managed-CachingOptimized, and a 403 answered with /index.html and a 200.
#pragma once

#include "policy/cache_policy.h"
#include "policy/distribution.h"

namespace edgesim::core {

inline policy::Distribution SpaDistribution() {
  policy::Distribution d = policy::SingleOriginDistribution(
      "origin", *policy::FindManagedCachePolicy("Managed-CachingOptimized"));
  policy::CustomErrorResponse spa;
  spa.error_code = 403;
  spa.response_page_path = "/index.html";
  spa.response_code = 200;
  d.config.custom_error_responses.push_back(spa);
  return d;
}

}  // namespace edgesim::core
