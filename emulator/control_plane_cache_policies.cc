// ControlPlane's cache policies: the managed ones (listed and readable, never changed) and custom
// ones (Create, Get, GetConfig, Update, Delete, List) through policy_resource.h; an update
// redeploys the distributions that use the policy.
#include <utility>

#include "emulator/api_shape.h"
#include "emulator/control_plane.h"
#include "emulator/control_plane_state.h"
#include "emulator/distribution_config_shape.h"
#include "emulator/policy_resource.h"
#include "policy/distribution_json_writer.h"

namespace edgesim::emulator {

using nlohmann::json;
using CachePolicyResource = PolicyResource<CachePolicyKind>;

const std::vector<policy::CachePolicy>& CachePolicyKind::Managed() {
  return policy::ManagedCachePolicies();
}

// Through policy's loader (which also takes the get-cache-policy wrappers).
absl::StatusOr<policy::CachePolicy> CachePolicyKind::Load(const json& config) {
  EDGESIM_RETURN_IF_ERROR(CheckQuantities(config, "CachePolicyConfig"));
  absl::StatusOr<policy::CachePolicy> p = policy::LoadCachePolicyConfigJson(Dump(config));
  if (!p.ok()) return AsInvalidArgument(p.status());
  return p;
}

json CachePolicyKind::ConfigOf(const policy::CachePolicy& p) {
  return json::parse(policy::CachePolicyConfigToJson(p));
}

// The TTLs CloudFront fills in when they are absent.
json CachePolicyKind::ReadBack(json config, const policy::CachePolicy& p) {
  for (const auto& [key, ttl] :
       {std::pair<const char*, absl::Duration>{"DefaultTTL", p.default_ttl},
        {"MaxTTL", p.max_ttl}}) {
    if (!config.contains(key)) config[key] = absl::ToInt64Seconds(ttl);
  }
  return config;
}

std::string CachePolicyKind::NewId(ResourceIds& ids) { return ids.CachePolicyId(); }

std::vector<std::string> CachePolicyKind::IdsIn(const json& distribution_config) {
  return CachePolicyIdsOf(distribution_config);
}

absl::StatusOr<Versioned> ControlPlane::CreateCachePolicy(const json& config, absl::Time now) {
  return CachePolicyResource::Create(*state_, config, now);
}

absl::StatusOr<Versioned> ControlPlane::GetCachePolicy(absl::string_view id) const {
  return CachePolicyResource::Get(*state_, id);
}

absl::StatusOr<Versioned> ControlPlane::GetCachePolicyConfig(absl::string_view id) const {
  return CachePolicyResource::GetConfig(*state_, id);
}

absl::StatusOr<Versioned> ControlPlane::UpdateCachePolicy(absl::string_view id, const json& config,
                                                          absl::string_view if_match,
                                                          absl::Time now) {
  return CachePolicyResource::Update(*state_, id, config, if_match, now);
}

absl::Status ControlPlane::DeleteCachePolicy(absl::string_view id, absl::string_view if_match) {
  return CachePolicyResource::Delete(*state_, id, if_match);
}

absl::StatusOr<json> ControlPlane::ListCachePolicies(absl::string_view type,
                                                     absl::string_view marker,
                                                     int max_items) const {
  return CachePolicyResource::List(*state_, type, marker, max_items);
}

}  // namespace edgesim::emulator
