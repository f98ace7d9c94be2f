// ControlPlane's origin access controls and legacy origin access identities (SPEC 10): Create,
// Get, GetConfig, Update, Delete, List, and the checks of the distributions that name them.
#include <mutex>
#include <utility>

#include "absl/strings/str_cat.h"
#include "emulator/api_error.h"
#include "emulator/api_shape.h"
#include "emulator/control_plane.h"
#include "emulator/control_plane_state.h"
#include "emulator/sigv4_signer.h"

namespace edgesim::emulator {
namespace {

using nlohmann::json;

// Quotas: OACs and OAIs per account (SPEC 10.1, 10.3).
constexpr size_t kMaxOriginAccessControls = 100;
constexpr size_t kMaxOriginAccessIdentities = 100;

constexpr absl::string_view kIdentityPrefix = "origin-access-identity/cloudfront/";

json OriginAccessControlJson(const OriginAccessControlRecord& r) {
  return {{"Id", r.id}, {"OriginAccessControlConfig", r.config}};
}

json IdentityJson(const OriginAccessIdentityRecord& r) {
  return {{"Id", r.id},
          {"S3CanonicalUserId", r.s3_canonical_user_id},
          {"CloudFrontOriginAccessIdentityConfig", r.config}};
}

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

// The first distribution with an origin `uses` says yes to; null when none.
const DistributionRecord* FirstUser(const ControlPlaneState& s,
                                    const std::function<bool(const json&)>& uses) {
  for (const DistributionRecord& d : s.distributions) {
    for (const json& origin : OriginsOf(d.config)) {
      if (uses(origin)) return &d;
    }
  }
  return nullptr;
}

bool ConfigUses(const json& config, const std::function<bool(const json&)>& uses) {
  for (const json& origin : OriginsOf(config)) {
    if (uses(origin)) return true;
  }
  return false;
}

absl::StatusOr<policy::OriginAccessControl> LoadOriginAccessControl(const json& config) {
  absl::StatusOr<policy::OriginAccessControl> oac =
      policy::LoadOriginAccessControlConfigJson(Dump(config));
  if (!oac.ok()) return AsInvalidArgument(oac.status());
  return oac;
}

// OriginAccessControlAlreadyExists when an OAC other than `self` is called `name`.
absl::Status CheckOriginAccessControlName(const ControlPlaneState& s, absl::string_view name,
                                          absl::string_view self) {
  for (const OriginAccessControlRecord& r : s.origin_access_controls) {
    if (r.id != self && r.oac.name == name) {
      return MakeApiError(
          "OriginAccessControlAlreadyExists",
          absl::StrCat("An origin access control with the name \"", name, "\" already exists."));
    }
  }
  return absl::OkStatus();
}

// The config as read back: Description is always there.
json WithDescription(json config) {
  if (!config.contains("Description")) config["Description"] = "";
  return config;
}

// CallerReference and Comment, both required strings (the service model).
absl::Status CheckIdentityConfig(const json& config) {
  for (const char* key : {"CallerReference", "Comment"}) {
    if (!config.contains(key) || !config[key].is_string()) {
      return MakeApiError("InvalidArgument",
                          absl::StrCat("CloudFrontOriginAccessIdentityConfig.", key,
                                       " is required and must be a string."));
    }
  }
  if (config["Comment"].get_ref<const std::string&>().size() > 128) {
    return MakeApiError("InvalidArgument", "The comment is longer than 128 characters.");
  }
  return absl::OkStatus();
}

// CloudFront's check order for Update and Delete: a missing If-Match before the Id.
absl::Status RequireIfMatch(absl::string_view if_match) {
  return if_match.empty() ? CheckIfMatch(if_match, "") : absl::OkStatus();
}

template <typename Record>
absl::StatusOr<json> ListOf(const std::vector<Record>& records, absl::string_view marker,
                            int max_items, const std::function<json(const Record&)>& summary) {
  std::vector<std::string> ids;
  for (const Record& r : records) ids.push_back(r.id);
  EDGESIM_ASSIGN_OR_RETURN(const ListPage page, Paginate(ids, marker, max_items));
  json items = json::array();
  for (size_t i = page.begin; i < page.end; ++i) items.push_back(summary(records[i]));
  return page.ToJson(std::move(items));
}

}  // namespace

absl::Status OriginAccessControlRecord::NotFound() {
  return MakeApiError("NoSuchOriginAccessControl", "The origin access control does not exist.");
}

absl::Status OriginAccessIdentityRecord::NotFound() {
  return MakeApiError("NoSuchCloudFrontOriginAccessIdentity",
                      "The specified origin access identity does not exist.");
}

absl::Status CheckOriginAccess(const json& config, const policy::AccountResources& account) {
  for (const json& origin : OriginsOf(config)) {
    const std::string oac = StringMember(origin, "OriginAccessControlId");
    const std::string oai = IdentityOf(origin);
    if (!oac.empty() && !oai.empty()) {
      return MakeApiError("IllegalOriginAccessConfiguration",
                          "An origin cannot contain both an origin access control (OAC) and an "
                          "origin access identity (OAI).");
    }
    if (!oac.empty() && !account.origin_access_controls.contains(oac)) {
      return MakeApiError("InvalidOriginAccessControl",
                          absl::StrCat("The origin access control ", oac, " is not valid."));
    }
    const absl::optional<std::string> oai_id = policy::OriginAccessIdentityId(oai);
    if (!oai.empty() &&
        (!oai_id.has_value() || !account.origin_access_identities.contains(*oai_id))) {
      return MakeApiError("InvalidOriginAccessIdentity",
                          absl::StrCat("The origin access identity \"", oai,
                                       "\" is not valid or doesn't exist."));
    }
  }
  return absl::OkStatus();
}

absl::Status ControlPlaneState::RedeployUsers(const policy::AccountResources& account,
                                              const std::function<bool(const json&)>& uses) {
  std::vector<std::pair<DistributionRecord*, std::shared_ptr<LiveDistribution>>> next;
  for (DistributionRecord& r : distributions) {
    if (r.live == nullptr || !uses(r.config)) continue;
    EDGESIM_ASSIGN_OR_RETURN(policy::Distribution d, LoadConfig(r, r.config, account));
    EDGESIM_ASSIGN_OR_RETURN(std::shared_ptr<LiveDistribution> live,
                             Build(std::move(d), r.live.get()));
    next.emplace_back(&r, std::move(live));
  }
  for (auto& [r, live] : next) {
    EDGESIM_RETURN_IF_ERROR(Publish(r->id, r->live, live));
    r->live = std::move(live);
  }
  return absl::OkStatus();
}

// --- Origin access controls.

absl::StatusOr<Versioned> ControlPlane::CreateOriginAccessControl(const json& config) {
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(policy::OriginAccessControl oac, LoadOriginAccessControl(config));
  EDGESIM_RETURN_IF_ERROR(CheckOriginAccessControlName(s, oac.name, ""));
  if (s.origin_access_controls.size() >= kMaxOriginAccessControls) {
    return MakeApiError("TooManyOriginAccessControls",
                        absl::StrCat("An account can have at most ", kMaxOriginAccessControls,
                                     " origin access controls."));
  }
  do oac.id = s.ids.DistributionId();
  while (s.Find(s.origin_access_controls, oac.id) != nullptr);
  s.origin_access_controls.push_back(
      {.id = oac.id, .etag = s.NewETag(""), .config = WithDescription(config), .oac = oac});
  const OriginAccessControlRecord& r = s.origin_access_controls.back();
  return Versioned{OriginAccessControlJson(r), r.etag};
}

absl::StatusOr<Versioned> ControlPlane::GetOriginAccessControl(absl::string_view id) const {
  return state_->Read(state_->origin_access_controls, id, OriginAccessControlJson);
}

absl::StatusOr<Versioned> ControlPlane::GetOriginAccessControlConfig(absl::string_view id) const {
  return state_->Read(state_->origin_access_controls, id, &OriginAccessControlRecord::config);
}

absl::StatusOr<Versioned> ControlPlane::UpdateOriginAccessControl(absl::string_view id,
                                                                  const json& config,
                                                                  absl::string_view if_match) {
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_RETURN_IF_ERROR(RequireIfMatch(if_match));
  EDGESIM_ASSIGN_OR_RETURN(OriginAccessControlRecord * r, s.Lookup(s.origin_access_controls, id));
  EDGESIM_RETURN_IF_ERROR(CheckIfMatch(if_match, r->etag));
  EDGESIM_ASSIGN_OR_RETURN(policy::OriginAccessControl oac, LoadOriginAccessControl(config));
  EDGESIM_RETURN_IF_ERROR(CheckOriginAccessControlName(s, oac.name, r->id));
  oac.id = r->id;
  policy::AccountResources account = s.Resources();
  account.origin_access_controls[oac.id] = oac;
  EDGESIM_RETURN_IF_ERROR(s.RedeployUsers(account, [&](const json& c) {
    return ConfigUses(c, [&](const json& o) {
      return StringMember(o, "OriginAccessControlId") == oac.id;
    });
  }));
  r->config = WithDescription(config);
  r->oac = std::move(oac);
  r->etag = s.NewETag(r->etag);
  return Versioned{OriginAccessControlJson(*r), r->etag};
}

absl::Status ControlPlane::DeleteOriginAccessControl(absl::string_view id,
                                                     absl::string_view if_match) {
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_RETURN_IF_ERROR(RequireIfMatch(if_match));
  EDGESIM_ASSIGN_OR_RETURN(OriginAccessControlRecord * r, s.Lookup(s.origin_access_controls, id));
  EDGESIM_RETURN_IF_ERROR(CheckIfMatch(if_match, r->etag));
  if (const DistributionRecord* d = FirstUser(s, [&](const json& o) {
        return StringMember(o, "OriginAccessControlId") == r->id;
      })) {
    return MakeApiError("OriginAccessControlInUse",
                        absl::StrCat("Cannot delete the origin access control because it's in use "
                                     "by one or more distributions (distribution ",
                                     d->id, ")."));
  }
  s.origin_access_controls.erase(s.origin_access_controls.begin() +
                                 (r - s.origin_access_controls.data()));
  return absl::OkStatus();
}

absl::StatusOr<json> ControlPlane::ListOriginAccessControls(absl::string_view marker,
                                                            int max_items) const {
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  return ListOf<OriginAccessControlRecord>(
      s.origin_access_controls, marker, max_items, [](const OriginAccessControlRecord& r) {
        json summary = r.config;
        summary["Id"] = r.id;
        return summary;
      });
}

// --- Legacy origin access identities.

absl::StatusOr<Versioned> ControlPlane::CreateCloudFrontOriginAccessIdentity(const json& config) {
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_RETURN_IF_ERROR(CheckIdentityConfig(config));
  for (const OriginAccessIdentityRecord& r : s.origin_access_identities) {
    if (r.config["CallerReference"] != config["CallerReference"]) continue;
    if (r.config == config) return Versioned{IdentityJson(r), r.etag};
    return MakeApiError("CloudFrontOriginAccessIdentityAlreadyExists",
                        "The CallerReference you are using to create an origin access identity "
                        "is associated with another identity.");
  }
  if (s.origin_access_identities.size() >= kMaxOriginAccessIdentities) {
    return MakeApiError("TooManyCloudFrontOriginAccessIdentities",
                        absl::StrCat("An account can have at most ", kMaxOriginAccessIdentities,
                                     " origin access identities."));
  }
  OriginAccessIdentityRecord r{.etag = s.NewETag(""), .config = config};
  do r.id = s.ids.DistributionId();
  while (s.Find(s.origin_access_identities, r.id) != nullptr);
  // 64 hex digits like S3's canonical user ids; derived from the Id so it is stable.
  r.s3_canonical_user_id = Sha256Hex(absl::StrCat("edgesim-origin-access-identity/", r.id));
  s.origin_access_identities.push_back(std::move(r));
  const OriginAccessIdentityRecord& created = s.origin_access_identities.back();
  return Versioned{IdentityJson(created), created.etag};
}

absl::StatusOr<Versioned> ControlPlane::GetCloudFrontOriginAccessIdentity(
    absl::string_view id) const {
  return state_->Read(state_->origin_access_identities, id, IdentityJson);
}

absl::StatusOr<Versioned> ControlPlane::GetCloudFrontOriginAccessIdentityConfig(
    absl::string_view id) const {
  return state_->Read(state_->origin_access_identities, id, &OriginAccessIdentityRecord::config);
}

absl::StatusOr<Versioned> ControlPlane::UpdateCloudFrontOriginAccessIdentity(
    absl::string_view id, const json& config, absl::string_view if_match) {
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_RETURN_IF_ERROR(RequireIfMatch(if_match));
  EDGESIM_ASSIGN_OR_RETURN(OriginAccessIdentityRecord * r,
                           s.Lookup(s.origin_access_identities, id));
  EDGESIM_RETURN_IF_ERROR(CheckIfMatch(if_match, r->etag));
  EDGESIM_RETURN_IF_ERROR(CheckIdentityConfig(config));
  if (config["CallerReference"] != r->config["CallerReference"]) {
    return MakeApiError("IllegalUpdate",
                        "The CallerReference of an origin access identity cannot be changed.");
  }
  r->config = config;
  r->etag = s.NewETag(r->etag);
  return Versioned{IdentityJson(*r), r->etag};
}

absl::Status ControlPlane::DeleteCloudFrontOriginAccessIdentity(absl::string_view id,
                                                                absl::string_view if_match) {
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_RETURN_IF_ERROR(RequireIfMatch(if_match));
  EDGESIM_ASSIGN_OR_RETURN(OriginAccessIdentityRecord * r,
                           s.Lookup(s.origin_access_identities, id));
  EDGESIM_RETURN_IF_ERROR(CheckIfMatch(if_match, r->etag));
  const std::string value = absl::StrCat(kIdentityPrefix, r->id);
  if (const DistributionRecord* d =
          FirstUser(s, [&](const json& o) { return IdentityOf(o) == value; })) {
    return MakeApiError("CloudFrontOriginAccessIdentityInUse",
                        absl::StrCat("The Origin Access Identity specified is already in use "
                                     "(distribution ",
                                     d->id, ")."));
  }
  s.origin_access_identities.erase(s.origin_access_identities.begin() +
                                   (r - s.origin_access_identities.data()));
  return absl::OkStatus();
}

absl::StatusOr<json> ControlPlane::ListCloudFrontOriginAccessIdentities(absl::string_view marker,
                                                                        int max_items) const {
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  return ListOf<OriginAccessIdentityRecord>(
      s.origin_access_identities, marker, max_items, [](const OriginAccessIdentityRecord& r) {
        return json{{"Id", r.id},
                    {"S3CanonicalUserId", r.s3_canonical_user_id},
                    {"Comment", r.config["Comment"]}};
      });
}

json ControlPlane::OriginAccessState() const {
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  json state = {{"origin_access_controls", json::array()},
                {"origin_access_identities", json::array()}};
  for (const OriginAccessControlRecord& r : s.origin_access_controls) {
    state["origin_access_controls"].push_back(OriginAccessControlJson(r));
  }
  for (const OriginAccessIdentityRecord& r : s.origin_access_identities) {
    state["origin_access_identities"].push_back(IdentityJson(r));
  }
  return state;
}

}  // namespace edgesim::emulator
