// ControlPlane's origin access controls and legacy origin access identities (SPEC 10) through
// policy_resource.h: their kinds' traits, the ControlPlane methods, and the checks of the
// distributions that name them.
#include <algorithm>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/types/optional.h"
#include "emulator/api_error.h"
#include "emulator/api_shape.h"
#include "emulator/control_plane.h"
#include "emulator/control_plane_state.h"
#include "emulator/policy_resource.h"
#include "emulator/sigv4_signer.h"

namespace edgesim::emulator {
namespace {

using nlohmann::json;
using OriginAccessControlResource = PolicyResource<OriginAccessControlKind>;
using OriginAccessIdentityResource = PolicyResource<OriginAccessIdentityKind>;

// The origins of a DistributionConfig shape.
json OriginsOf(const json& config) {
  const auto origins = config.find("Origins");
  if (origins == config.end() || !origins->is_object()) return json::array();
  const json items = origins->value("Items", json::array());
  return items.is_array() ? items : json::array();
}

std::string StringMember(const json& object, const char* key) {
  if (!object.is_object()) return "";
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string IdentityOf(const json& origin) {
  return StringMember(origin.value("S3OriginConfig", json::object()), "OriginAccessIdentity");
}

// 64 hex digits like S3's canonical user ids; derived from the Id so it is stable.
std::string CanonicalUserId(absl::string_view id) {
  return Sha256Hex(absl::StrCat("edgesim-origin-access-identity/", id));
}

// The distributions other than `self` whose origins name the OAC `id`.
size_t DistributionsUsing(const std::vector<DistributionRecord>& distributions,
                          absl::string_view self, absl::string_view id) {
  size_t n = 0;
  for (const DistributionRecord& d : distributions) {
    const std::vector<std::string> ids = OriginAccessControlKind::IdsIn(d.config);
    if (d.id != self && std::find(ids.begin(), ids.end(), id) != ids.end()) ++n;
  }
  return n;
}

// The OAC checks of one origin naming `oac` (SPEC 10.1): its type fits the origin, and the OAC
// is not on the most distributions already.
absl::Status CheckOriginAccessControlUse(const json& origin, const policy::OriginAccessControl& oac,
                                         const std::vector<DistributionRecord>& distributions,
                                         absl::string_view self) {
  if (!policy::OriginAccessControlFits(oac.origin_type, StringMember(origin, "DomainName"),
                                       origin.contains("CustomOriginConfig"))) {
    return MakeApiError("InvalidDomainNameForOriginAccessControl",
                        absl::StrCat("An origin access control of type ", oac.origin_type,
                                     " is associated with an origin whose domain name is not "
                                     "supported."));
  }
  if (DistributionsUsing(distributions, self, oac.id) >=
      policy::kMaxDistributionsPerOriginAccessControl) {
    return MakeApiError(
        "TooManyDistributionsAssociatedToOriginAccessControl",
        absl::StrCat("The maximum number of distributions (",
                     policy::kMaxDistributionsPerOriginAccessControl,
                     ") have been associated with the origin access control ", oac.id, "."));
  }
  return absl::OkStatus();
}

}  // namespace

// --- The kinds' traits (control_plane_state.h).

absl::StatusOr<policy::OriginAccessControl> OriginAccessControlKind::Load(const json& config) {
  absl::StatusOr<policy::OriginAccessControl> oac =
      policy::LoadOriginAccessControlConfigJson(Dump(config));
  if (!oac.ok()) return AsInvalidArgument(oac.status());
  return oac;
}

// The config as read back: Description is always there.
json OriginAccessControlKind::ReadBack(json config, const policy::OriginAccessControl&) {
  if (!config.contains("Description")) config["Description"] = "";
  return config;
}

std::string OriginAccessControlKind::NewId(ResourceIds& ids) { return ids.DistributionId(); }

std::vector<std::string> OriginAccessControlKind::IdsIn(const json& distribution_config) {
  std::vector<std::string> ids;
  for (const json& origin : OriginsOf(distribution_config)) {
    std::string id = StringMember(origin, "OriginAccessControlId");
    if (!id.empty()) ids.push_back(std::move(id));
  }
  return ids;
}

json OriginAccessControlKind::View(const PolicyRecord<OriginAccessControlKind>& r) {
  return {{"Id", r.id}, {"OriginAccessControlConfig", r.config}};
}

// An OriginAccessControlSummary: the config's members and the Id.
json OriginAccessControlKind::ListItem(const PolicyRecord<OriginAccessControlKind>& r) {
  json summary = r.config;
  summary["Id"] = r.id;
  return summary;
}

// CallerReference and Comment, both required strings (the service model); Comment at most 128.
absl::StatusOr<OriginAccessIdentity> OriginAccessIdentityKind::Load(const json& config) {
  for (const char* key : {"CallerReference", "Comment"}) {
    if (!config.is_object() || !config.contains(key) || !config[key].is_string()) {
      return MakeApiError("InvalidArgument",
                          absl::StrCat("CloudFrontOriginAccessIdentityConfig.", key,
                                       " is required and must be a string."));
    }
  }
  if (config["Comment"].get_ref<const std::string&>().size() > 128) {
    return MakeApiError("InvalidArgument", "The comment is longer than 128 characters.");
  }
  return OriginAccessIdentity{.caller_reference = config["CallerReference"].get<std::string>()};
}

std::string OriginAccessIdentityKind::NewId(ResourceIds& ids) { return ids.DistributionId(); }

std::vector<std::string> OriginAccessIdentityKind::IdsIn(const json& distribution_config) {
  std::vector<std::string> ids;
  for (const json& origin : OriginsOf(distribution_config)) {
    if (absl::optional<std::string> id = policy::OriginAccessIdentityId(IdentityOf(origin))) {
      ids.push_back(*std::move(id));
    }
  }
  return ids;
}

json OriginAccessIdentityKind::View(const PolicyRecord<OriginAccessIdentityKind>& r) {
  return {{"Id", r.id},
          {"S3CanonicalUserId", CanonicalUserId(r.id)},
          {"CloudFrontOriginAccessIdentityConfig", r.config}};
}

// A CloudFrontOriginAccessIdentitySummary.
json OriginAccessIdentityKind::ListItem(const PolicyRecord<OriginAccessIdentityKind>& r) {
  return {
      {"Id", r.id}, {"S3CanonicalUserId", CanonicalUserId(r.id)}, {"Comment", r.config["Comment"]}};
}

// --- The distributions that name them.

absl::Status CheckOriginAccess(const json& config, const policy::AccountResources& account,
                               const std::vector<DistributionRecord>& distributions,
                               absl::string_view self) {
  for (const json& origin : OriginsOf(config)) {
    const std::string oac = StringMember(origin, "OriginAccessControlId");
    const std::string oai = IdentityOf(origin);
    if (!oac.empty() && !oai.empty()) {
      return MakeApiError("IllegalOriginAccessConfiguration",
                          "An origin cannot contain both an origin access control (OAC) and an "
                          "origin access identity (OAI).");
    }
    if (!oac.empty()) {
      const auto it = account.origin_access_controls.find(oac);
      if (it == account.origin_access_controls.end()) {
        return MakeApiError("InvalidOriginAccessControl",
                            absl::StrCat("The origin access control ", oac, " is not valid."));
      }
      EDGESIM_RETURN_IF_ERROR(CheckOriginAccessControlUse(origin, it->second, distributions, self));
    }
    const absl::optional<std::string> oai_id = policy::OriginAccessIdentityId(oai);
    if (!oai.empty() &&
        (!oai_id.has_value() || !account.origin_access_identities.contains(*oai_id))) {
      return MakeApiError(
          "InvalidOriginAccessIdentity",
          absl::StrCat("The origin access identity \"", oai, "\" is not valid or doesn't exist."));
    }
  }
  return absl::OkStatus();
}

// --- ControlPlane's methods.

absl::StatusOr<Versioned> ControlPlane::CreateOriginAccessControl(const json& config,
                                                                  absl::Time now) {
  return OriginAccessControlResource::Create(*state_, config, now);
}

absl::StatusOr<Versioned> ControlPlane::GetOriginAccessControl(absl::string_view id) const {
  return OriginAccessControlResource::Get(*state_, id);
}

absl::StatusOr<Versioned> ControlPlane::GetOriginAccessControlConfig(absl::string_view id) const {
  return OriginAccessControlResource::GetConfig(*state_, id);
}

absl::StatusOr<Versioned> ControlPlane::UpdateOriginAccessControl(absl::string_view id,
                                                                  const json& config,
                                                                  absl::string_view if_match,
                                                                  absl::Time now) {
  return OriginAccessControlResource::Update(*state_, id, config, if_match, now);
}

absl::Status ControlPlane::DeleteOriginAccessControl(absl::string_view id,
                                                     absl::string_view if_match) {
  return OriginAccessControlResource::Delete(*state_, id, if_match);
}

absl::StatusOr<json> ControlPlane::ListOriginAccessControls(absl::string_view marker,
                                                            int max_items) const {
  return OriginAccessControlResource::List(*state_, "", marker, max_items);
}

absl::StatusOr<Versioned> ControlPlane::CreateCloudFrontOriginAccessIdentity(const json& config,
                                                                             absl::Time now) {
  return OriginAccessIdentityResource::Create(*state_, config, now);
}

absl::StatusOr<Versioned> ControlPlane::GetCloudFrontOriginAccessIdentity(
    absl::string_view id) const {
  return OriginAccessIdentityResource::Get(*state_, id);
}

absl::StatusOr<Versioned> ControlPlane::GetCloudFrontOriginAccessIdentityConfig(
    absl::string_view id) const {
  return OriginAccessIdentityResource::GetConfig(*state_, id);
}

absl::StatusOr<Versioned> ControlPlane::UpdateCloudFrontOriginAccessIdentity(
    absl::string_view id, const json& config, absl::string_view if_match, absl::Time now) {
  return OriginAccessIdentityResource::Update(*state_, id, config, if_match, now);
}

absl::Status ControlPlane::DeleteCloudFrontOriginAccessIdentity(absl::string_view id,
                                                                absl::string_view if_match) {
  return OriginAccessIdentityResource::Delete(*state_, id, if_match);
}

absl::StatusOr<json> ControlPlane::ListCloudFrontOriginAccessIdentities(absl::string_view marker,
                                                                        int max_items) const {
  return OriginAccessIdentityResource::List(*state_, "", marker, max_items);
}

json ControlPlane::OriginAccessState() const {
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  return {
      {std::string(OriginAccessControlKind::kStateKey), OriginAccessControlResource::Views(s)},
      {std::string(OriginAccessIdentityKind::kStateKey), OriginAccessIdentityResource::Views(s)}};
}

}  // namespace edgesim::emulator
