// ControlPlane's distributions: Create (WithTags), Get, GetConfig, Update, Delete and List, and
// the deployment every change of a distribution goes through (control_plane_state.h).
#include <algorithm>
#include <mutex>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "emulator/api_error.h"
#include "emulator/api_shape.h"
#include "emulator/control_plane.h"
#include "emulator/control_plane_state.h"
#include "emulator/distribution_config_shape.h"
#include "emulator/policy_resource.h"
#include "policy/distribution_json_reader.h"
#include "policy/partition.h"

namespace edgesim::emulator {
namespace {

using nlohmann::json;

// The members a DistributionSummary copies from the config (service model order aside).
constexpr const char* kSummaryMembers[] = {"Aliases",        "Origins",
                                           "OriginGroups",   "DefaultCacheBehavior",
                                           "CacheBehaviors", "CustomErrorResponses",
                                           "Comment",        "PriceClass",
                                           "Enabled",        "ViewerCertificate",
                                           "Restrictions",   "WebACLId",
                                           "HttpVersion",    "IsIPV6Enabled",
                                           "Staging"};

// CloudFront's words, which name no alias (API 1.6).
constexpr absl::string_view kCnameAlreadyExists =
    "One or more of the CNAMEs you provided are already associated with a different resource.";

bool SameHost(absl::string_view a, absl::string_view b) { return absl::EqualsIgnoreCase(a, b); }

// CNAMEAlreadyExists when a distribution other than `self` answers one of `aliases`.
absl::Status CheckAliases(const ControlPlaneState& s, const std::vector<std::string>& aliases,
                          absl::string_view self) {
  for (const DistributionRecord& r : s.distributions) {
    if (r.id == self) continue;
    for (const std::string& alias : aliases) {
      if (std::any_of(r.aliases.begin(), r.aliases.end(),
                      [&](const std::string& a) { return SameHost(a, alias); })) {
        return MakeApiError("CNAMEAlreadyExists", kCnameAlreadyExists);
      }
    }
  }
  return absl::OkStatus();
}

json DistributionJson(const ControlPlaneState& s, const DistributionRecord& r, absl::Time now,
                      bool just_changed, absl::string_view partition) {
  const bool deployed =
      !just_changed && now >= r.last_modified + s.options.distribution_deploy_delay;
  const auto in_progress = std::count_if(r.invalidations.begin(), r.invalidations.end(),
                                         [&](const auto& i) { return i.InProgress(now); });
  const json no_signers = {{"Enabled", false}, {"Quantity", 0}};
  return {{"Id", r.id},
          {"ARN", policy::DistributionArn(partition, s.options.account_id, r.id)},
          {"Status", deployed ? "Deployed" : "InProgress"},
          {"LastModifiedTime", ApiTime(r.last_modified)},
          {"InProgressInvalidationBatches", in_progress},
          {"DomainName", r.domain_name},
          {"ActiveTrustedSigners", no_signers},
          {"ActiveTrustedKeyGroups", no_signers},
          {"DistributionConfig", r.config}};
}

json DistributionSummary(const ControlPlaneState& s, const DistributionRecord& r, absl::Time now,
                         absl::string_view partition) {
  json summary = DistributionJson(s, r, now, false, partition);
  for (const char* key : {"InProgressInvalidationBatches", "ActiveTrustedSigners",
                          "ActiveTrustedKeyGroups", "DistributionConfig"}) {
    summary.erase(key);
  }
  summary["ETag"] = r.etag;
  for (const char* key : kSummaryMembers) {
    if (const auto it = r.config.find(key); it != r.config.end()) summary[key] = *it;
  }
  return summary;
}

// Deploys `config` for the record `r` (a new one: r.live null) and commits it there.
absl::Status Apply(ControlPlaneState& s, DistributionRecord& r, const json& config,
                   absl::Time now) {
  EDGESIM_ASSIGN_OR_RETURN(policy::Distribution d, s.LoadConfig(r, config, s.Resources()));
  EDGESIM_RETURN_IF_ERROR(CheckAliases(s, d.config.aliases, r.id));
  std::vector<std::string> aliases = d.config.aliases;
  EDGESIM_ASSIGN_OR_RETURN(std::shared_ptr<LiveDistribution> live,
                           s.Build(std::move(d), r.live.get()));
  EDGESIM_RETURN_IF_ERROR(s.Publish(r.id, r.live, live));
  r.config = WithDistributionConfigDefaults(config);
  r.aliases = std::move(aliases);
  r.live = std::move(live);
  r.etag = s.NewETag(r.etag);
  r.last_modified = now;
  return absl::OkStatus();
}

std::string NewDistributionId(ControlPlaneState& s) {
  const std::shared_ptr<const RegistrySnapshot> snapshot = s.registry.Snapshot();
  std::string id;
  do id = s.ids.DistributionId();
  while (s.Find(s.distributions, id) != nullptr || snapshot->Find(id) != nullptr);
  return id;
}

// DistributionAlreadyExists when a distribution has `config`'s CallerReference.
absl::Status CheckCallerReference(const ControlPlaneState& s, const json& config) {
  if (!config.is_object() || !config.contains("CallerReference")) return absl::OkStatus();
  for (const DistributionRecord& r : s.distributions) {
    if (r.config.value("CallerReference", json()) == config["CallerReference"]) {
      return MakeApiError("DistributionAlreadyExists",
                          absl::StrCat("The caller reference that you are using to create a "
                                       "distribution is associated with another distribution. "
                                       "Already exists: ",
                                       r.id));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<policy::Distribution> ControlPlaneState::LoadConfig(
    const DistributionRecord& r, const json& config,
    const policy::AccountResources& account) const {
  EDGESIM_RETURN_IF_ERROR(CheckQuantities(config, "DistributionConfig"));
  EDGESIM_RETURN_IF_ERROR(CheckDistributionConfigShape(config, [&](absl::string_view id) {
    return policy::FindManagedCachePolicy(id) != nullptr || account.cache_policies.contains(id);
  }));
  EDGESIM_RETURN_IF_ERROR(
      PolicyResource<OriginRequestPolicyKind>::CheckReferences(config, account));
  EDGESIM_RETURN_IF_ERROR(
      PolicyResource<ResponseHeadersPolicyKind>::CheckReferences(config, account));
  EDGESIM_RETURN_IF_ERROR(CheckOriginAccess(config, account, distributions, r.id));
  absl::StatusOr<policy::DistributionConfig> loaded =
      policy::LoadDistributionConfigJson(Dump(WithDistributionConfigDefaults(config)), &account);
  if (!loaded.ok()) return AsInvalidArgument(loaded.status());
  policy::Distribution d;
  d.id = r.id;
  d.domain_name = r.domain_name;
  d.config = *std::move(loaded);
  EDGESIM_RETURN_IF_ERROR(AttachFunctions(*this, config, d.config));
  return d;
}

absl::StatusOr<std::shared_ptr<LiveDistribution>> ControlPlaneState::Build(
    policy::Distribution d, const LiveDistribution* current) const {
  if (!d.config.enabled) return nullptr;
  absl::StatusOr<std::shared_ptr<LiveDistribution>> live = deploy(std::move(d));
  if (!live.ok()) {
    return MakeApiError("InvalidArgument", absl::StrCat("The distribution cannot be deployed: ",
                                                        live.status().message()));
  }
  if (current != nullptr) (*live)->KeepCachesOf(*current);
  return *std::move(live);
}

absl::Status ControlPlaneState::Publish(absl::string_view id,
                                        const std::shared_ptr<LiveDistribution>& current,
                                        const std::shared_ptr<LiveDistribution>& next) {
  absl::Status status;
  if (next != nullptr && current != nullptr) {
    status = registry.Replace(next);
  } else if (next != nullptr) {
    status = registry.Add(next);
  } else if (current != nullptr) {
    status = registry.Remove(id);
  }
  if (status.ok()) return status;
  if (absl::IsAlreadyExists(status)) {
    return MakeApiError("CNAMEAlreadyExists", kCnameAlreadyExists);
  }
  return MakeApiError("InvalidArgument", status.message());
}

absl::StatusOr<Versioned> ControlPlane::CreateDistribution(const json& config, const json* tags,
                                                           absl::Time now,
                                                           absl::string_view partition) {
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  Tags parsed_tags;
  if (tags != nullptr) {
    EDGESIM_ASSIGN_OR_RETURN(parsed_tags, ParseTags(*tags));
  }
  EDGESIM_RETURN_IF_ERROR(CheckCallerReference(s, config));
  DistributionRecord r;
  r.id = NewDistributionId(s);
  r.domain_name = s.ids.DomainName(policy::DistributionDomainSuffix(partition));
  EDGESIM_RETURN_IF_ERROR(Apply(s, r, config, now));
  r.tags = std::move(parsed_tags);
  s.distributions.push_back(std::move(r));
  const DistributionRecord& created = s.distributions.back();
  return Versioned{DistributionJson(s, created, now, true, partition), created.etag};
}

absl::StatusOr<Versioned> ControlPlane::GetDistribution(absl::string_view id, absl::Time now,
                                                        absl::string_view partition) const {
  ControlPlaneState& s = *state_;
  return s.Read(s.distributions, id, [&](const DistributionRecord& r) {
    return DistributionJson(s, r, now, false, partition);
  });
}

absl::StatusOr<Versioned> ControlPlane::GetDistributionConfig(absl::string_view id) const {
  return state_->Read(state_->distributions, id, &DistributionRecord::config);
}

absl::StatusOr<Versioned> ControlPlane::UpdateDistribution(absl::string_view id, const json& config,
                                                           absl::string_view if_match,
                                                           absl::Time now,
                                                           absl::string_view partition) {
  ControlPlaneState& s = *state_;
  EDGESIM_RETURN_IF_ERROR(CheckIfMatchPresent(if_match));
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(DistributionRecord * r, s.Lookup(s.distributions, id));
  EDGESIM_RETURN_IF_ERROR(CheckIfMatch(if_match, r->etag));
  if (config.is_object() && config.contains("CallerReference") &&
      config["CallerReference"] != r->config["CallerReference"]) {
    return MakeApiError("IllegalUpdate", "You cannot update Origin or CallerReference.");
  }
  EDGESIM_RETURN_IF_ERROR(Apply(s, *r, config, now));
  return Versioned{DistributionJson(s, *r, now, true, partition), r->etag};
}

absl::Status ControlPlane::DeleteDistribution(absl::string_view id, absl::string_view if_match) {
  ControlPlaneState& s = *state_;
  EDGESIM_RETURN_IF_ERROR(CheckIfMatchPresent(if_match));
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(DistributionRecord * r, s.Lookup(s.distributions, id));
  EDGESIM_RETURN_IF_ERROR(CheckIfMatch(if_match, r->etag));
  if (r->config.value("Enabled", false)) {
    return MakeApiError("DistributionNotDisabled",
                        "The distribution you are trying to delete has not been disabled.");
  }
  EDGESIM_RETURN_IF_ERROR(s.Publish(r->id, r->live, nullptr));
  s.distributions.erase(s.distributions.begin() + (r - s.distributions.data()));
  return absl::OkStatus();
}

absl::StatusOr<json> ControlPlane::ListDistributions(absl::string_view marker, int max_items,
                                                     absl::Time now,
                                                     absl::string_view partition) const {
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  std::vector<std::string> ids;
  for (const DistributionRecord& r : s.distributions) ids.push_back(r.id);
  EDGESIM_ASSIGN_OR_RETURN(const ListPage page, Paginate(ids, marker, max_items));
  json items = json::array();
  for (size_t i = page.begin; i < page.end; ++i) {
    items.push_back(DistributionSummary(s, s.distributions[i], now, partition));
  }
  return page.ToJson(std::move(items));
}

}  // namespace edgesim::emulator
