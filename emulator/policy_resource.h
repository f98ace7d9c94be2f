// policy_resource.h — one mechanism for the control plane's policy-like resources (API 1.8,
// 1.10): cache policies, origin request policies, origin access controls, legacy origin access
// identities, and any resource of the same shape (an Id, an ETag, a config, records an account
// creates, perhaps managed ones). PolicyResource<Kind> implements their operations over the
// kind's records in ControlPlaneState (control_plane_state.h); a kind says only what differs, in
// its traits.
//
// The operations, with CloudFront's codes (API 1.6, 1.8, 1.10), <M> being Kind::kMember:
//   Create     load + validate through Kind::Load (its codes, InvalidArgument, TooMany...), the
//              kind's key (below), Kind::kQuota, a fresh Id.
//   Get        the kind's View of the record with its ETag (NoSuch<M>).
//   GetConfig  the config as read back, with its ETag.
//   Update     If-Match; a managed record: IllegalUpdate; Create's checks; the deployed
//              distributions naming the record are redeployed with the new value, all or none.
//   Delete     If-Match; a managed record: IllegalDelete; a distribution names it: <M>InUse.
//   List       Type "managed" | "custom" | "" (all; anything else InvalidArgument), Marker /
//              MaxItems, in the kind's list shape.
// The key: a Name unique among the kind's records, managed ones too (<M>AlreadyExists on Create
// and Update); or, for a kind with kCallerReferenceKeyed, the config's CallerReference: reused
// with the same config Create answers the existing record, with another <M>AlreadyExists, and
// Update may not change it (IllegalUpdate).
// Update and Delete check in this order (API 1.8): a missing If-Match (InvalidIfMatchVersion)
// before the Id is looked up, then NoSuch<M>, then managed (IllegalUpdate / IllegalDelete), then
// a stale If-Match (PreconditionFailed), then the rest.
//
// How to add a kind, say "widgets" (WidgetConfig, NoSuchWidget, ...):
//   1. policy/: the value (`struct Widget` with `id` and `name`), its loader and validation, and
//      a member `CustomWidgets widgets` of policy::AccountResources
//      (policy/distribution_json_reader.h) when distribution configs may name one.
//   2. control_plane_state.h: `struct WidgetKind` beside CachePolicyKind, two vectors of
//      PolicyRecord<WidgetKind> in ControlPlaneState (`widgets`, `initial_widgets`), and WidgetKind
//      in PolicyKinds (the managed records at the start, Resources, the admin state and Reset then
//      cover it).
//   3. control_plane_widgets.cc: WidgetKind's functions, and the ControlPlane methods
//      (control_plane.h) as one-line calls of PolicyResource<WidgetKind>.
//   4. cloudfront_api.cc: MountPolicyResource with the operation names; api_error.cc: the HTTP
//      status of NoSuchWidget (404), WidgetAlreadyExists and WidgetInUse (409).
//   5. Where distribution configs name one: CheckReferences in ControlPlaneState::LoadConfig
//      (NoSuchWidget), and Adopt in ControlPlane::AdoptRegistered for config files' custom ones.
// A kind declares (CachePolicyKind is the model):
//   using Policy                       the loaded value; has `std::string id` (and `name` unless
//                                      kCallerReferenceKeyed)
//   kMember                            "CachePolicy": the shape members <M> and <M>Config, and the
//                                      codes NoSuch<M>, <M>AlreadyExists, <M>InUse
//   kNoun                              "cache policy": in messages ("The cache policy does not
//                                      exist.", "A managed cache policy cannot be updated.")
//   kUsers                             what InUse says it is attached to ("cache behaviors")
//   kAccountMember                     its member of policy::AccountResources (a map by Id, or a
//                                      set of Ids)
//   kStateKey                          its member of the admin API's GET /_edgesim/state
//   Load(json)                         the config loaded and validated, or the error to answer
//   NewId(ResourceIds&)                a fresh Id
//   IdsIn(distribution config json)    the Ids of this kind the config names
//   Records(s), Initial(s)             its records in ControlPlaneState (a template on the state,
//                                      const or not), and what Reset restores
// and may declare (the defaults in brackets):
//   Managed(), ConfigOf(policy)        the managed values, and the config JSON of a value (managed,
//                                      adopted from a file) [none; ConfigOf needed with Managed()
//                                      or Adopt]
//   ReadBack(json config, policy)      the config as stored and read back [as sent]
//   View(record)                       Get's body [{Id, LastModifiedTime, <M>Config}]
//   ListItem(record)                   a list item [{Type, <M>: View}]
//   kListHasMarker                     the list keeps Marker and IsTruncated [false: NextMarker
//                                      alone says there is more, as CachePolicyList]
//   kQuota                             a KindQuota: at most `max` records per account [none]
//   kCallerReferenceKeyed              keyed by CallerReference, not Name (above) [false]
//
//   absl::StatusOr<Versioned> p = PolicyResource<CachePolicyKind>::Create(state, config, now);
#pragma once

#include <algorithm>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "emulator/api_error.h"
#include "emulator/api_shape.h"
#include "emulator/control_plane.h"
#include "emulator/control_plane_state.h"
#include "policy/status_macros.h"

namespace edgesim::emulator {

template <typename Kind>
class PolicyResource {
 public:
  using Record = PolicyRecord<Kind>;
  using Policy = typename Kind::Policy;
  using json = nlohmann::json;

  // --- The API's operations; each takes s.mu.

  static absl::StatusOr<Versioned> Create(ControlPlaneState& s, const json& config,
                                          absl::Time now) {
    std::lock_guard<std::mutex> lock(s.mu);
    EDGESIM_ASSIGN_OR_RETURN(Policy p, Kind::Load(config));
    if constexpr (kCallerReferenceKeyed) {
      if (const Record* same = FindCallerReference(s, p)) {
        if (same->config != config) {
          return MakeApiError(AlreadyExistsCode(),
                              absl::StrCat("The CallerReference you are using to create ",
                                           WithArticle(), " is associated with another one."));
        }
        return Versioned{View(*same), same->etag};
      }
    } else {
      EDGESIM_RETURN_IF_ERROR(CheckName(s, p.name, ""));
    }
    EDGESIM_RETURN_IF_ERROR(CheckQuota(s));
    std::vector<Record>& records = Kind::Records(s);
    do p.id = Kind::NewId(s.ids);
    while (s.Find(records, p.id) != nullptr);
    json stored = ReadBack(config, p);
    records.push_back(Record{p.id, s.NewETag(""), std::move(stored), std::move(p), now, false});
    return Versioned{View(records.back()), records.back().etag};
  }

  static absl::StatusOr<Versioned> Get(ControlPlaneState& s, absl::string_view id) {
    return s.Read(Kind::Records(s), id, [](const Record& r) { return View(r); });
  }

  static absl::StatusOr<Versioned> GetConfig(ControlPlaneState& s, absl::string_view id) {
    return s.Read(Kind::Records(s), id, &Record::config);
  }

  static absl::StatusOr<Versioned> Update(ControlPlaneState& s, absl::string_view id,
                                          const json& config, absl::string_view if_match,
                                          absl::Time now) {
    std::lock_guard<std::mutex> lock(s.mu);
    EDGESIM_ASSIGN_OR_RETURN(Record * r, Changeable(s, id, if_match, "IllegalUpdate", "updated"));
    EDGESIM_ASSIGN_OR_RETURN(Policy p, Kind::Load(config));
    if constexpr (kCallerReferenceKeyed) {
      if (p.caller_reference != r->policy.caller_reference) {
        return MakeApiError("IllegalUpdate", absl::StrCat("The CallerReference of ", WithArticle(),
                                                          " cannot be changed."));
      }
    } else {
      EDGESIM_RETURN_IF_ERROR(CheckName(s, p.name, r->id));
    }
    p.id = r->id;
    EDGESIM_RETURN_IF_ERROR(RedeployUsers(s, p));
    r->config = ReadBack(config, p);
    r->policy = std::move(p);
    r->etag = s.NewETag(r->etag);
    r->last_modified = now;
    return Versioned{View(*r), r->etag};
  }

  static absl::Status Delete(ControlPlaneState& s, absl::string_view id,
                             absl::string_view if_match) {
    std::lock_guard<std::mutex> lock(s.mu);
    EDGESIM_ASSIGN_OR_RETURN(Record * r, Changeable(s, id, if_match, "IllegalDelete", "deleted"));
    for (const DistributionRecord& d : s.distributions) {
      if (Names(d.config, r->id)) {
        return MakeApiError(absl::StrCat(Kind::kMember, "InUse"),
                            absl::StrCat("Cannot delete this ", Kind::kNoun,
                                         " because it is attached to one or more ", Kind::kUsers,
                                         " (distribution ", d.id, ")."));
      }
    }
    std::vector<Record>& records = Kind::Records(s);
    records.erase(records.begin() + (r - records.data()));
    return absl::OkStatus();
  }

  // REQUIRES: max_items >= 0 (the route checks the query).
  static absl::StatusOr<json> List(ControlPlaneState& s, absl::string_view type,
                                   absl::string_view marker, int max_items) {
    if (type != "" && type != "managed" && type != "custom") {
      return MakeApiError("InvalidArgument",
                          absl::StrCat("Type \"", type, "\" is not one of managed, custom."));
    }
    std::lock_guard<std::mutex> lock(s.mu);
    std::vector<const Record*> listed;
    std::vector<std::string> ids;
    for (const Record& r : Kind::Records(s)) {
      if (type.empty() || (type == "managed") == r.managed) {
        listed.push_back(&r);
        ids.push_back(r.id);
      }
    }
    EDGESIM_ASSIGN_OR_RETURN(const ListPage page, Paginate(ids, marker, max_items));
    json items = json::array();
    for (size_t i = page.begin; i < page.end; ++i) items.push_back(ListItem(*listed[i]));
    json list = page.ToJson(std::move(items));
    if constexpr (!requires { Kind::kListHasMarker; }) {
      list.erase("Marker");
      list.erase("IsTruncated");
    } else if constexpr (!Kind::kListHasMarker) {
      list.erase("Marker");
      list.erase("IsTruncated");
    }
    return list;
  }

  // --- For the rest of the ControlPlane; the caller holds s.mu.

  // NoSuch<Kind> (CloudFront's message) when `distribution_config` names an Id of this kind that
  // is neither managed nor in `account`.
  static absl::Status CheckReferences(const json& distribution_config,
                                      const policy::AccountResources& account) {
    for (const std::string& id : Kind::IdsIn(distribution_config)) {
      if (FindManaged(id) == nullptr && !(account.*Kind::kAccountMember).contains(id)) {
        return Record::NotFound();
      }
    }
    return absl::OkStatus();
  }

  // Adds the custom ones to `account`.
  static void AddCustom(const ControlPlaneState& s, policy::AccountResources& account) {
    for (const Record& r : Kind::Records(s)) {
      if (!r.managed) Put(account, r.policy);
    }
  }

  // A custom value a config file brought (AdoptRegistered) becomes the API's, kept by Reset, so a
  // read config can be sent back. Known Ids (managed ones too) are left as they are.
  static void Adopt(ControlPlaneState& s, const Policy& p, absl::Time now) {
    std::vector<Record>& records = Kind::Records(s);
    if (p.id.empty() || s.Find(records, p.id) != nullptr) return;
    Record r = Record::Of(p, s.NewETag(""), now, /*managed=*/false);
    records.push_back(r);
    Kind::Initial(s).push_back(std::move(r));
  }

  // The managed records, at the start (ControlPlaneState's constructor).
  static void Start(ControlPlaneState& s) {
    if constexpr (requires { Kind::Managed(); }) {
      std::vector<Record>& records = Kind::Records(s);
      for (const Policy& p : Kind::Managed()) {
        records.push_back(Record::Of(p, s.ids.ETag(), ManagedTime(), /*managed=*/true));
      }
      Kind::Initial(s) = records;
    }
  }

  // The custom records for the admin API's state: [{"Id", "Name" (a named kind's), "ETag",
  // "LastModifiedTime"}].
  static json CustomJson(const ControlPlaneState& s) {
    json custom = json::array();
    for (const Record& r : Kind::Records(s)) {
      if (r.managed) continue;
      json item = {{"Id", r.id}, {"ETag", r.etag}, {"LastModifiedTime", ApiTime(r.last_modified)}};
      if constexpr (!kCallerReferenceKeyed) item["Name"] = r.policy.name;
      custom.push_back(std::move(item));
    }
    return custom;
  }

  // Every record in the kind's View, oldest first (the admin API's GET /_edgesim/origin-access).
  static json Views(const ControlPlaneState& s) {
    json views = json::array();
    for (const Record& r : Kind::Records(s)) views.push_back(View(r));
    return views;
  }

  // Back to the managed and adopted ones.
  static void Reset(ControlPlaneState& s) { Kind::Records(s) = Kind::Initial(s); }

 private:
  static constexpr bool kCallerReferenceKeyed = [] {
    if constexpr (requires { Kind::kCallerReferenceKeyed; }) {
      return Kind::kCallerReferenceKeyed;
    } else {
      return false;
    }
  }();

  static std::string AlreadyExistsCode() { return absl::StrCat(Kind::kMember, "AlreadyExists"); }

  // kNoun after "a" or "an"; `capital`: at the start of a sentence.
  static std::string WithArticle(bool capital = false) {
    const bool vowel =
        absl::string_view("aeiou").find(Kind::kNoun.front()) != absl::string_view::npos;
    return absl::StrCat(capital ? "A" : "a", vowel ? "n " : " ", Kind::kNoun);
  }

  // Adds `p` to the kind's member of `account`: a map by Id, or a set of Ids.
  static void Put(policy::AccountResources& account, const Policy& p) {
    auto& member = account.*Kind::kAccountMember;
    if constexpr (requires { member[p.id] = p; }) {
      member[p.id] = p;
    } else {
      member.insert(p.id);
    }
  }

  static const std::vector<Policy>& Managed() {
    if constexpr (requires { Kind::Managed(); }) {
      return Kind::Managed();
    } else {
      static const std::vector<Policy> kNone;
      return kNone;
    }
  }

  // What managed ones report as LastModifiedTime: fixed, they never change here.
  static absl::Time ManagedTime() {
    return absl::FromCivil(absl::CivilSecond(2020, 11, 1, 0, 0, 0), absl::UTCTimeZone());
  }

  // By Id or name (policy::NamesManagedPolicy); null when not managed.
  static const Policy* FindManaged(absl::string_view id_or_name) {
    for (const Policy& p : Managed()) {
      if (policy::NamesManagedPolicy(id_or_name, p.id, p.name)) return &p;
    }
    return nullptr;
  }

  static json ReadBack(const json& config, const Policy& p) {
    if constexpr (requires { Kind::ReadBack(config, p); }) {
      return Kind::ReadBack(config, p);
    } else {
      return config;
    }
  }

  static json View(const Record& r) {
    if constexpr (requires { Kind::View(r); }) {
      return Kind::View(r);
    } else {
      return {{"Id", r.id},
              {"LastModifiedTime", ApiTime(r.last_modified)},
              {absl::StrCat(Kind::kMember, "Config"), r.config}};
    }
  }

  static json ListItem(const Record& r) {
    if constexpr (requires { Kind::ListItem(r); }) {
      return Kind::ListItem(r);
    } else {
      return {{"Type", r.managed ? "managed" : "custom"}, {std::string(Kind::kMember), View(r)}};
    }
  }

  static bool Names(const json& distribution_config, absl::string_view id) {
    const std::vector<std::string> ids = Kind::IdsIn(distribution_config);
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  }

  // Update's and Delete's checks, in CloudFront's order (API 1.8): a missing If-Match, NoSuch,
  // managed (`illegal`), a stale If-Match.
  static absl::StatusOr<Record*> Changeable(ControlPlaneState& s, absl::string_view id,
                                            absl::string_view if_match, absl::string_view illegal,
                                            absl::string_view verb) {
    EDGESIM_RETURN_IF_ERROR(CheckIfMatchPresent(if_match));
    EDGESIM_ASSIGN_OR_RETURN(Record * r, s.Lookup(Kind::Records(s), id));
    if (r->managed) {
      return MakeApiError(illegal,
                          absl::StrCat("A managed ", Kind::kNoun, " cannot be ", verb, "."));
    }
    EDGESIM_RETURN_IF_ERROR(CheckIfMatch(if_match, r->etag));
    return r;
  }

  // <M>AlreadyExists when a record other than `self` is called `name`.
  static absl::Status CheckName(ControlPlaneState& s, absl::string_view name,
                                absl::string_view self) {
    for (const Record& r : Kind::Records(s)) {
      if (r.id != self && r.policy.name == name) {
        return MakeApiError(AlreadyExistsCode(),
                            absl::StrCat(WithArticle(/*capital=*/true), " with the name \"", name,
                                         "\" already exists."));
      }
    }
    return absl::OkStatus();
  }

  // The record with `p`'s CallerReference; null when none.
  static const Record* FindCallerReference(ControlPlaneState& s, const Policy& p) {
    for (const Record& r : Kind::Records(s)) {
      if (r.policy.caller_reference == p.caller_reference) return &r;
    }
    return nullptr;
  }

  // Kind::kQuota's code when the account already has its most records.
  static absl::Status CheckQuota(ControlPlaneState& s) {
    if constexpr (requires { Kind::kQuota; }) {
      if (Kind::Records(s).size() >= Kind::kQuota.max) {
        return MakeApiError(Kind::kQuota.code,
                            absl::StrCat("An account can have at most ", Kind::kQuota.max, " ",
                                         Kind::kQuota.plural, "."));
      }
    }
    return absl::OkStatus();
  }

  // Redeploys every deployed distribution naming `changed` (a custom record's new value); all or
  // nothing.
  static absl::Status RedeployUsers(ControlPlaneState& s, const Policy& changed) {
    policy::AccountResources account = s.Resources();
    Put(account, changed);
    std::vector<std::pair<DistributionRecord*, std::shared_ptr<LiveDistribution>>> next;
    for (DistributionRecord& r : s.distributions) {
      if (r.live == nullptr || !Names(r.config, changed.id)) continue;
      EDGESIM_ASSIGN_OR_RETURN(policy::Distribution d, s.LoadConfig(r, r.config, account));
      EDGESIM_ASSIGN_OR_RETURN(std::shared_ptr<LiveDistribution> live,
                               s.Build(std::move(d), r.live.get()));
      next.emplace_back(&r, std::move(live));
    }
    for (auto& [r, live] : next) {
      EDGESIM_RETURN_IF_ERROR(s.Publish(r->id, r->live, live));
      r->live = std::move(live);
    }
    return absl::OkStatus();
  }
};

// Calls f.template operator()<Kind>() for every policy kind (PolicyKinds, control_plane_state.h).
template <typename F>
void ForEachPolicyKind(F&& f) {
  [&]<typename... Kinds>(PolicyKindList<Kinds...>) {
    (f.template operator()<Kinds>(), ...);
  }(PolicyKinds());
}

}  // namespace edgesim::emulator
