// distribution_json.h — CloudFront's own DistributionConfig / CachePolicyConfig JSON in and out.
//
// Reads exactly what the AWS CLI prints and takes (DESIGN 1): a bare DistributionConfig
// (`create-distribution --distribution-config file://...`), `{"DistributionConfig": {...}}`, the
// `get-distribution-config` output (`{"ETag", "DistributionConfig"}`) and the `get-distribution`
// output (`{"ETag", "Distribution": {"Id", "DomainName", "DistributionConfig"}}`). Custom cache
// policies the behaviors reference ride beside it as an edgesim extension:
//   "CachePolicies": [ {"Id": "...", "CachePolicyConfig": {...}} ]   (or get-cache-policy items)
// Unknown fields are ignored. Loading validates (SPEC 1.1 rules 10-12, 2.2, 2.5, 4.1, 7.3, 7.4) and
// reports every problem at once, one `location: message` line each, the location being a JSON path
// such as `DistributionConfig.CacheBehaviors.Items[2].TargetOriginId`.
//
//   absl::StatusOr<DistributionConfig> config = LoadDistributionConfigJson(text);
//   if (!config.ok()) std::cerr << config.status().message();   // every problem, one per line
//   std::string again = DistributionConfigToJson(*config);      // loads back to *config
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "policy/cache_policy.h"
#include "policy/distribution.h"

namespace edgesim::policy {

struct ConfigProblem {
  std::string location;  // JSON path, e.g. "DistributionConfig.Origins.Items[0].Id"
  std::string message;

  bool operator==(const ConfigProblem&) const = default;
};

// "location: message".
std::ostream& operator<<(std::ostream& os, const ConfigProblem& problem);

// Custom cache policies by Id.
using CustomCachePolicies = absl::flat_hash_map<std::string, CachePolicy>;

// Loads any of the shapes above. `Id` and `DomainName` come from a get-distribution output, and
// keep `Distribution`'s defaults otherwise. A behavior's CachePolicyId may name a managed policy
// (by ID, API or console name), a policy in the file's "CachePolicies", or one in `custom` (the
// file wins on a shared Id). InvalidArgumentError lists every problem; malformed JSON gives one
// line with the parser's position.
absl::StatusOr<Distribution> LoadDistributionJson(absl::string_view json_text,
                                                  const CustomCachePolicies* custom = nullptr);

// LoadDistributionJson(...).config.
absl::StatusOr<DistributionConfig> LoadDistributionConfigJson(
    absl::string_view json_text, const CustomCachePolicies* custom = nullptr);

// A bare CachePolicyConfig, `{"CachePolicyConfig": ...}` (get-cache-policy-config) or
// `{"CachePolicy": {"Id", "CachePolicyConfig"}}` (get-cache-policy, which also sets the Id).
// Absent TTLs take the SPEC 2.2 defaults; TTL order and behaviors are validated.
absl::StatusOr<CachePolicy> LoadCachePolicyConfigJson(absl::string_view json_text);

// Every semantic problem of a loaded or hand-built config; locations as the JSON would spell them.
// Path-pattern syntax is PathPattern's business (policy/path_pattern.h).
std::vector<ConfigProblem> ValidateDistributionConfig(const DistributionConfig& config);

// CloudFront's JSON shape (Quantity/Items lists), as a bare DistributionConfig. Behaviors with a
// cache policy are written as their CachePolicyId, legacy ones as ForwardedValues + TTLs, so
// LoadDistributionConfigJson(DistributionConfigToJson(c), custom) == c given c's custom policies.
std::string DistributionConfigToJson(const DistributionConfig& config);

// A cache policy (not a legacy one) as a bare CachePolicyConfig: Comment, Name, the three TTLs and
// ParametersInCacheKeyAndForwardedToOrigin. LoadCachePolicyConfigJson gives `policy` back, Id
// aside. REQUIRES: !policy.legacy.
std::string CachePolicyConfigToJson(const CachePolicy& policy);

}  // namespace edgesim::policy
