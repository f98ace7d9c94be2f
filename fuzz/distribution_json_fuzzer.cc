// Distribution and cache-policy JSON as users and the AWS CLI write them
// (policy/distribution_json_reader.h): any text loads or fails with a Status, and whatever loads
// saves (policy/distribution_json_writer.h) to JSON that loads back to the same model and saves to
// the same text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "policy/distribution_json_reader.h"
#include "policy/distribution_json_writer.h"

namespace {

namespace policy = edgesim::policy;

// The cache policies `config`'s behaviors name, for loading what was saved from it (the saved
// JSON names them by Id only).
policy::AccountResources PoliciesOf(const policy::DistributionConfig& config) {
  policy::AccountResources account;
  const auto add = [&](const policy::CacheBehavior& b) {
    if (!b.cache_policy_id.empty())
      account.cache_policies.emplace(b.cache_policy_id, b.cache_policy);
  };
  add(config.default_behavior);
  for (const policy::CacheBehavior& b : config.behaviors) add(b);
  return account;
}

void CheckDistribution(absl::string_view text) {
  absl::StatusOr<policy::DistributionConfig> first = policy::LoadDistributionConfigJson(text);
  if (!first.ok()) return;
  const policy::AccountResources policies = PoliciesOf(*first);
  const std::string saved = policy::DistributionConfigToJson(*first);
  absl::StatusOr<policy::DistributionConfig> second =
      policy::LoadDistributionConfigJson(saved, &policies);
  if (!second.ok() || !(*second == *first)) abort();
  if (policy::DistributionConfigToJson(*second) != saved) abort();
}

void CheckCachePolicy(absl::string_view text) {
  absl::StatusOr<policy::CachePolicy> first = policy::LoadCachePolicyConfigJson(text);
  if (!first.ok()) return;
  absl::StatusOr<policy::CachePolicy> second =
      policy::LoadCachePolicyConfigJson(policy::CachePolicyConfigToJson(*first));
  if (!second.ok()) abort();
  second->id = first->id;  // a CachePolicyConfig has no Id
  if (!(*second == *first)) abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  CheckDistribution(text);
  CheckCachePolicy(text);
  return 0;
}
