// distribution_config_shape.h — what the ControlPlane checks and fills in a DistributionConfig's
// shape JSON (control_plane.h) before policy/distribution_json_reader.h loads it.
//
// The checks are the ones whose CloudFront error code is not InvalidArgument, so they must run on
// the JSON first (policy's loader reports everything as InvalidArgument): the model's required
// members the loader lets pass, a TargetOriginId naming no origin (NoSuchOrigin) and a
// CachePolicyId naming no policy (NoSuchCachePolicy). Quantity/Items: api_shape.h.
//
// Defaults are what a read answers for members the caller left out (API 1.7), merged into the
// caller's JSON, which is otherwise kept as sent. Those the model also reads (origin timeouts,
// Compress, AllowedMethods, PriceClass) come from policy/cloudfront_defaults.h, so a stored config
// and the model loaded from it agree; the rest are moto's.
//
//   EDGESIM_RETURN_IF_ERROR(CheckDistributionConfigShape(config, policy_exists));
//   nlohmann::json stored = WithDistributionConfigDefaults(config);
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace edgesim::emulator {

// InvalidArgument when `config` is not an object or misses CallerReference, Comment or Enabled
// (the service model's required members); NoSuchOrigin when a behavior's TargetOriginId is
// neither an Origins nor an OriginGroups Id; NoSuchCachePolicy when a behavior's non-empty
// CachePolicyId fails `cache_policy_exists`. Members of the wrong type are the loader's to report.
absl::Status CheckDistributionConfigShape(
    const nlohmann::json& config,
    const std::function<bool(absl::string_view id)>& cache_policy_exists);

// The non-empty CachePolicyIds of the default behavior and the CacheBehaviors, in that order.
std::vector<std::string> CachePolicyIdsOf(const nlohmann::json& config);
// The same for another behavior member naming a policy ("OriginRequestPolicyId").
std::vector<std::string> BehaviorPolicyIdsOf(const nlohmann::json& config,
                                             absl::string_view member);

// `config` with every default it lacks: top-level members (Aliases, Logging, PriceClass,
// ViewerCertificate, Restrictions, HttpVersion, IsIPV6Enabled, ...), each origin's
// (ConnectionAttempts, ConnectionTimeout, OriginShield, timeouts) and each behavior's (Compress,
// AllowedMethods HEAD first, TrustedSigners, ...; a legacy one's ForwardedValues Headers and
// QueryStringCacheKeys, DefaultTTL and MaxTTL). Members present are never changed.
nlohmann::json WithDistributionConfigDefaults(nlohmann::json config);

}  // namespace edgesim::emulator
