// distribution_json_writer.h — the model written back as CloudFront's own JSON.
//
// What `aws cloudfront create-distribution --distribution-config file://...` takes and
// `get-distribution-config` prints: Quantity/Items lists, CloudFront's field order. What is
// written loads back to the same model (distribution_json_reader.h).
//
//   std::string text = DistributionConfigToJson(config);
//   assert(*LoadDistributionConfigJson(text, &account) == config);
#pragma once

#include <string>

#include "policy/cache_policy.h"
#include "policy/distribution.h"
#include "policy/origin_request_policy.h"

namespace edgesim::policy {

// A bare DistributionConfig. Behaviors with a cache policy are written as their CachePolicyId,
// legacy ones as ForwardedValues + TTLs, so LoadDistributionConfigJson(DistributionConfigToJson(c),
// &account) == c given c's custom resources in `account`.
std::string DistributionConfigToJson(const DistributionConfig& config);

// A cache policy (not a legacy one) as a bare CachePolicyConfig: Comment, Name, the three TTLs and
// ParametersInCacheKeyAndForwardedToOrigin. LoadCachePolicyConfigJson gives `policy` back, Id
// aside. REQUIRES: !policy.legacy.
std::string CachePolicyConfigToJson(const CachePolicy& policy);

// An origin request policy as a bare OriginRequestPolicyConfig: Comment, Name, HeadersConfig,
// CookiesConfig, QueryStringsConfig, each list written when its behavior takes one.
// LoadOriginRequestPolicyConfigJson gives `policy` back, Id aside.
std::string OriginRequestPolicyConfigToJson(const OriginRequestPolicy& policy);

}  // namespace edgesim::policy
