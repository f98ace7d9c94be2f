// ControlPlane's lifecycle: the state every resource's file works on (control_plane_state.h),
// the distributions adopted from the registry, and Reset back to them.
#include "emulator/control_plane.h"

#include <algorithm>
#include <mutex>
#include <utility>

#include "absl/strings/str_cat.h"
#include "emulator/api_shape.h"
#include "emulator/control_plane_state.h"
#include "emulator/distribution_config_shape.h"
#include "emulator/policy_resource.h"
#include "policy/distribution_json_writer.h"

namespace edgesim::emulator {

ControlPlane::ControlPlane(DistributionRegistry& registry, DeployFunction deploy,
                           ControlPlaneOptions options)
    : state_(std::make_unique<ControlPlaneState>(registry, std::move(deploy), std::move(options))) {
}

ControlPlane::~ControlPlane() = default;

void ControlPlane::AdoptRegistered(absl::Time now) {
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  for (const std::shared_ptr<LiveDistribution>& live : s.registry.Snapshot()->distributions()) {
    if (s.Find(s.distributions, live->id()) != nullptr) continue;
    const policy::Distribution& d = live->distribution();
    nlohmann::json config = nlohmann::json::parse(policy::DistributionConfigToJson(d.config));
    config["CallerReference"] = absl::StrCat("edgesim-config-", d.id);
    DistributionRecord r;
    r.id = d.id;
    r.domain_name = d.domain_name;
    r.etag = s.NewETag("");
    r.config = WithDistributionConfigDefaults(std::move(config));
    r.aliases = d.config.aliases;
    r.last_modified = now;
    r.live = live;
    // Custom policies from the config file become the API's, so a read config can be sent back.
    std::vector<const policy::CacheBehavior*> behaviors = {&d.config.default_behavior};
    for (const policy::CacheBehavior& b : d.config.behaviors) behaviors.push_back(&b);
    for (const policy::CacheBehavior* b : behaviors) {
      if (!b->cache_policy_id.empty()) {
        PolicyResource<CachePolicyKind>::Adopt(s, b->cache_policy, now);
      }
      if (b->origin_request_policy.has_value()) {
        PolicyResource<OriginRequestPolicyKind>::Adopt(s, *b->origin_request_policy, now);
      }
      if (b->response_headers_policy.has_value()) {
        PolicyResource<ResponseHeadersPolicyKind>::Adopt(s, *b->response_headers_policy, now);
      }
    }
    s.adopted.push_back(r);
    s.distributions.push_back(std::move(r));
  }
}

nlohmann::json ControlPlane::CustomPolicies() const {
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  nlohmann::json state = nlohmann::json::object();
  ForEachPolicyKind([&]<typename Kind>() {
    state[std::string(Kind::kStateKey)] = PolicyResource<Kind>::CustomJson(s);
  });
  // Functions and key value stores (API 1.11), by Name.
  nlohmann::json& functions = state["functions"] = nlohmann::json::array();
  for (const FunctionRecord& f : s.functions) {
    functions.push_back({{"Name", f.id},
                         {"ETag", f.development.etag},
                         {"LiveETag", f.live.has_value() ? f.live->etag : ""},
                         {"LastModifiedTime", ApiTime(f.development.last_modified)}});
  }
  nlohmann::json& stores = state["key_value_stores"] = nlohmann::json::array();
  for (const KeyValueStoreRecord& k : s.key_value_stores) {
    stores.push_back({{"Name", k.id},
                      {"Id", k.uuid},
                      {"ETag", k.etag},
                      {"LastModifiedTime", ApiTime(k.last_modified)}});
  }
  return state;
}

void ControlPlane::Reset(absl::Time now) {
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  for (const DistributionRecord& r : s.distributions) {
    // Best effort: the registry refuses only what it does not hold, which needs no undoing.
    if (s.Find(s.adopted, r.id) == nullptr) s.Publish(r.id, r.live, nullptr).IgnoreError();
  }
  for (DistributionRecord& a : s.adopted) {
    const DistributionRecord* current = s.Find(s.distributions, a.id);
    const std::shared_ptr<LiveDistribution> live = current != nullptr ? current->live : nullptr;
    if (live == a.live) continue;
    s.Publish(a.id, live, a.live).IgnoreError();
    a.last_modified = now;  // redeployed
  }
  s.distributions = s.adopted;
  ForEachPolicyKind([&]<typename Kind>() { PolicyResource<Kind>::Reset(s); });
  s.functions.clear();
  s.key_value_stores.clear();
  s.ledger = policy::InvalidationLedger(s.options.model);
}

}  // namespace edgesim::emulator
