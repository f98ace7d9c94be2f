// ControlPlane's cache policies: the managed ones (listed and readable, never changed) and custom
// ones (Create, Get, GetConfig, Update, Delete, List); an update redeploys the distributions that
// use the policy.
#include <algorithm>
#include <mutex>
#include <utility>

#include "absl/strings/str_cat.h"
#include "emulator/api_error.h"
#include "emulator/api_shape.h"
#include "emulator/control_plane.h"
#include "emulator/control_plane_state.h"
#include "emulator/distribution_config_shape.h"

namespace edgesim::emulator {
namespace {

using nlohmann::json;

json CachePolicyJson(const CachePolicyRecord& r) {
  return {{"Id", r.id},
          {"LastModifiedTime", ApiTime(r.last_modified)},
          {"CachePolicyConfig", r.config}};
}

// The config as read back: the TTLs CloudFront fills in when they are absent.
json WithCachePolicyDefaults(json config, const policy::CachePolicy& p) {
  for (const auto& [key, ttl] :
       {std::pair<const char*, absl::Duration>{"DefaultTTL", p.default_ttl},
        {"MaxTTL", p.max_ttl}}) {
    if (!config.contains(key)) config[key] = absl::ToInt64Seconds(ttl);
  }
  return config;
}

// A CachePolicyConfig through policy's loader (which also takes the get-cache-policy wrappers).
absl::StatusOr<policy::CachePolicy> LoadCachePolicy(const json& config) {
  EDGESIM_RETURN_IF_ERROR(CheckQuantities(config, "CachePolicyConfig"));
  absl::StatusOr<policy::CachePolicy> p = policy::LoadCachePolicyConfigJson(Dump(config));
  if (!p.ok()) return AsInvalidArgument(p.status());
  return p;
}

bool UsesCachePolicy(const json& config, absl::string_view id) {
  const std::vector<std::string> ids = CachePolicyIdsOf(config);
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// CachePolicyAlreadyExists when a policy other than `self` is called `name`.
absl::Status CheckPolicyName(const ControlPlaneState& s, absl::string_view name,
                             absl::string_view self) {
  for (const CachePolicyRecord& r : s.cache_policies) {
    if (r.id != self && r.policy.name == name) {
      return MakeApiError(
          "CachePolicyAlreadyExists",
          absl::StrCat("A cache policy with the name \"", name, "\" already exists."));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Versioned> ControlPlane::CreateCachePolicy(const json& config, absl::Time now) {
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(policy::CachePolicy p, LoadCachePolicy(config));
  EDGESIM_RETURN_IF_ERROR(CheckPolicyName(s, p.name, ""));
  do p.id = s.ids.CachePolicyId();
  while (s.Find(s.cache_policies, p.id) != nullptr);
  CachePolicyRecord r = CachePolicyRecord::Of(p, s.NewETag(""), now, /*managed=*/false);
  r.config = WithCachePolicyDefaults(config, p);
  s.cache_policies.push_back(std::move(r));
  return Versioned{CachePolicyJson(s.cache_policies.back()), s.cache_policies.back().etag};
}

absl::StatusOr<Versioned> ControlPlane::GetCachePolicy(absl::string_view id) const {
  return state_->Read(state_->cache_policies, id, CachePolicyJson);
}

absl::StatusOr<Versioned> ControlPlane::GetCachePolicyConfig(absl::string_view id) const {
  return state_->Read(state_->cache_policies, id, &CachePolicyRecord::config);
}

absl::StatusOr<Versioned> ControlPlane::UpdateCachePolicy(absl::string_view id, const json& config,
                                                          absl::string_view if_match,
                                                          absl::Time now) {
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(CachePolicyRecord * r, s.Lookup(s.cache_policies, id));
  if (r->managed) return MakeApiError("IllegalUpdate", "A managed cache policy cannot be updated.");
  EDGESIM_RETURN_IF_ERROR(CheckIfMatch(if_match, r->etag));
  EDGESIM_ASSIGN_OR_RETURN(policy::CachePolicy p, LoadCachePolicy(config));
  EDGESIM_RETURN_IF_ERROR(CheckPolicyName(s, p.name, r->id));
  p.id = r->id;
  policy::AccountResources account = s.Resources();
  account.cache_policies[p.id] = p;
  EDGESIM_RETURN_IF_ERROR(
      s.RedeployUsers(account, [&](const json& c) { return UsesCachePolicy(c, p.id); }));
  r->config = WithCachePolicyDefaults(config, p);
  r->policy = std::move(p);
  r->etag = s.NewETag(r->etag);
  r->last_modified = now;
  return Versioned{CachePolicyJson(*r), r->etag};
}

absl::Status ControlPlane::DeleteCachePolicy(absl::string_view id, absl::string_view if_match) {
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(CachePolicyRecord * r, s.Lookup(s.cache_policies, id));
  if (r->managed) return MakeApiError("IllegalDelete", "A managed cache policy cannot be deleted.");
  EDGESIM_RETURN_IF_ERROR(CheckIfMatch(if_match, r->etag));
  for (const DistributionRecord& d : s.distributions) {
    if (UsesCachePolicy(d.config, r->id)) {
      return MakeApiError("CachePolicyInUse",
                          absl::StrCat("Cannot delete this cache policy because it is attached to "
                                       "one or more cache behaviors (distribution ",
                                       d.id, ")."));
    }
  }
  s.cache_policies.erase(s.cache_policies.begin() + (r - s.cache_policies.data()));
  return absl::OkStatus();
}

absl::StatusOr<json> ControlPlane::ListCachePolicies(absl::string_view type,
                                                     absl::string_view marker,
                                                     int max_items) const {
  if (type != "" && type != "managed" && type != "custom") {
    return MakeApiError("InvalidArgument",
                        absl::StrCat("Type \"", type, "\" is not one of managed, custom."));
  }
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  std::vector<const CachePolicyRecord*> listed;
  std::vector<std::string> ids;
  for (const CachePolicyRecord& r : s.cache_policies) {
    if (type.empty() || (type == "managed") == r.managed) {
      listed.push_back(&r);
      ids.push_back(r.id);
    }
  }
  EDGESIM_ASSIGN_OR_RETURN(const ListPage page, Paginate(ids, marker, max_items));
  json items = json::array();
  for (size_t i = page.begin; i < page.end; ++i) {
    items.push_back({{"Type", listed[i]->managed ? "managed" : "custom"},
                     {"CachePolicy", CachePolicyJson(*listed[i])}});
  }
  // CachePolicyList has no Marker or IsTruncated: NextMarker alone says there is more.
  json list = page.ToJson(std::move(items));
  list.erase("Marker");
  list.erase("IsTruncated");
  return list;
}

}  // namespace edgesim::emulator
