// control_plane_state.h — what the ControlPlane's files share (control_plane.h): the records of
// distributions, invalidations and policy-like resources (each policy kind's traits, whose
// operations policy_resource.h implements), the one lock over them, and the steps more than one
// resource takes: looking a record up, reading it with its ETag, If-Match, and deploying a
// distribution's config.
//
// Each resource's operations live in a file of their own: control_plane_distributions.cc,
// control_plane_cache_policies.cc, control_plane_invalidations.cc (and the pricing ledger),
// control_plane_tags.cc, control_plane_origin_access.cc (OACs and OAIs); control_plane.cc adopts
// registered distributions and resets.
//
//   std::lock_guard<std::mutex> lock(s.mu);
//   EDGESIM_ASSIGN_OR_RETURN(DistributionRecord * r, s.Lookup(s.distributions, id));
//   EDGESIM_RETURN_IF_ERROR(CheckIfMatch(if_match, r->etag));
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "emulator/api_error.h"
#include "emulator/control_plane.h"
#include "emulator/distribution_registry.h"
#include "emulator/resource_ids.h"
#include "nlohmann/json.hpp"
#include "policy/cache_policy.h"
#include "policy/distribution.h"
#include "policy/distribution_json_reader.h"
#include "policy/invalidation.h"
#include "policy/json_reader.h"
#include "policy/origin_access.h"
#include "policy/origin_request_policy.h"
#include "policy/response_headers_policy.h"
#include "policy/status_macros.h"

namespace edgesim::emulator {

// A resource's tags, in the order they were first set.
using Tags = std::vector<std::pair<std::string, std::string>>;

struct InvalidationRecord {
  std::string id;
  uint64_t order = 0;  // creation order, for ties of CreateTime
  absl::Time create_time;
  absl::Time complete_time;  // Completed from here on
  std::string caller_reference;
  std::vector<std::string> paths;
  int file_paths = 0;
  int wildcards = 0;

  bool InProgress(absl::Time now) const { return now < complete_time; }
};

struct DistributionRecord {
  // NoSuchDistribution.
  static absl::Status NotFound();

  std::string id;
  std::string domain_name;
  std::string etag;
  nlohmann::json config;  // as the caller sent it, with defaults filled in
  std::vector<std::string> aliases;
  absl::Time last_modified;
  std::shared_ptr<LiveDistribution> live;         // what the registry serves; null while disabled
  std::vector<InvalidationRecord> invalidations;  // creation order
  Tags tags;
};

// One record of a policy-like resource (policy_resource.h): a cache policy, an origin request
// policy, an origin access control, ... `Kind` is the resource's traits (CachePolicyKind below;
// policy_resource.h says what a kind declares).
template <typename Kind>
struct PolicyRecord {
  using Policy = typename Kind::Policy;

  // NoSuch<Kind> with CloudFront's message, e.g. "The cache policy does not exist."
  static absl::Status NotFound() {
    return MakeApiError(absl::StrCat("NoSuch", Kind::kMember),
                        absl::StrCat("The ", Kind::kNoun, " does not exist."));
  }
  // A policy known as a value (managed, or from a config file): its config is written from it.
  static PolicyRecord Of(const Policy& p, std::string etag, absl::Time modified, bool managed) {
    return {p.id, std::move(etag), Kind::ConfigOf(p), p, modified, managed};
  }

  std::string id;
  std::string etag;
  nlohmann::json config;  // as read back: as sent, with the kind's defaults filled in
  Policy policy;          // the loaded value, with `id`
  absl::Time last_modified;
  bool managed = false;
};

// An account's quota on the records of one kind (Kind::kQuota): `code` past `max`.
struct KindQuota {
  size_t max;
  absl::string_view code;    // "TooManyOriginAccessControls"
  absl::string_view plural;  // "origin access controls", in the message
};

// Cache policies (control_plane_cache_policies.cc).
struct CachePolicyKind {
  using Policy = policy::CachePolicy;
  static constexpr absl::string_view kMember = "CachePolicy";
  static constexpr absl::string_view kNoun = "cache policy";
  static constexpr absl::string_view kUsers = "cache behaviors";
  static constexpr absl::string_view kStateKey = "cache_policies";
  static constexpr auto kAccountMember = &policy::AccountResources::cache_policies;

  static const std::vector<Policy>& Managed();
  static absl::StatusOr<Policy> Load(const nlohmann::json& config);
  static nlohmann::json ConfigOf(const Policy& p);
  static nlohmann::json ReadBack(nlohmann::json config, const Policy& p);
  static std::string NewId(ResourceIds& ids);
  static std::vector<std::string> IdsIn(const nlohmann::json& distribution_config);
  template <typename State>  // ControlPlaneState, const or not
  static auto& Records(State& s) {
    return s.cache_policies;
  }
  template <typename State>
  static auto& Initial(State& s) {
    return s.initial_policies;
  }
};
using CachePolicyRecord = PolicyRecord<CachePolicyKind>;

// Origin request policies (control_plane_origin_request_policies.cc, SPEC 14).
struct OriginRequestPolicyKind {
  using Policy = policy::OriginRequestPolicy;
  static constexpr absl::string_view kMember = "OriginRequestPolicy";
  static constexpr absl::string_view kNoun = "origin request policy";
  static constexpr absl::string_view kUsers = "cache behaviors";
  static constexpr absl::string_view kStateKey = "origin_request_policies";
  static constexpr auto kAccountMember = &policy::AccountResources::origin_request_policies;

  static const std::vector<Policy>& Managed();
  static absl::StatusOr<Policy> Load(const nlohmann::json& config);
  static nlohmann::json ConfigOf(const Policy& p);
  static std::string NewId(ResourceIds& ids);
  static std::vector<std::string> IdsIn(const nlohmann::json& distribution_config);
  template <typename State>
  static auto& Records(State& s) {
    return s.origin_request_policies;
  }
  template <typename State>
  static auto& Initial(State& s) {
    return s.initial_origin_request_policies;
  }
};

// Response headers policies (control_plane_response_headers_policies.cc, SPEC 11).
struct ResponseHeadersPolicyKind {
  using Policy = policy::ResponseHeadersPolicy;
  static constexpr absl::string_view kNoun = "response headers policy";
  static constexpr absl::string_view kNoSuch = "NoSuchResponseHeadersPolicy";
  static constexpr absl::string_view kAlreadyExists = "ResponseHeadersPolicyAlreadyExists";
  static constexpr absl::string_view kInUse = "ResponseHeadersPolicyInUse";
  static constexpr absl::string_view kUsers = "cache behaviors";
  static constexpr absl::string_view kMember = "ResponseHeadersPolicy";
  static constexpr absl::string_view kConfigMember = "ResponseHeadersPolicyConfig";
  static constexpr absl::string_view kStateKey = "response_headers_policies";
  static constexpr auto kAccountMember = &policy::AccountResources::response_headers_policies;
  static const std::vector<Policy>& Managed();
  static absl::StatusOr<Policy> Load(const nlohmann::json& config);
  static nlohmann::json ConfigOf(const Policy& p);
  static std::string NewId(ResourceIds& ids);
  static std::vector<std::string> IdsIn(const nlohmann::json& distribution_config);
  template <typename State>
  static auto& Records(State& s) {
    return s.response_headers_policies;
  }
  template <typename State>
  static auto& Initial(State& s) {
    return s.initial_response_headers_policies;
  }
};

// Origin access controls (control_plane_origin_access.cc, SPEC 10.1): no managed ones, at most
// 100, named by origins' OriginAccessControlId.
struct OriginAccessControlKind {
  using Policy = policy::OriginAccessControl;
  static constexpr absl::string_view kMember = "OriginAccessControl";
  static constexpr absl::string_view kNoun = "origin access control";
  static constexpr absl::string_view kUsers = "origins";
  static constexpr absl::string_view kStateKey = "origin_access_controls";
  static constexpr auto kAccountMember = &policy::AccountResources::origin_access_controls;
  static constexpr KindQuota kQuota = {100, "TooManyOriginAccessControls",
                                       "origin access controls"};
  static constexpr bool kListHasMarker = true;

  static absl::StatusOr<Policy> Load(const nlohmann::json& config);
  static nlohmann::json ReadBack(nlohmann::json config, const Policy& p);
  static std::string NewId(ResourceIds& ids);
  static std::vector<std::string> IdsIn(const nlohmann::json& distribution_config);
  static nlohmann::json View(const PolicyRecord<OriginAccessControlKind>& r);
  static nlohmann::json ListItem(const PolicyRecord<OriginAccessControlKind>& r);
  template <typename State>
  static auto& Records(State& s) {
    return s.origin_access_controls;
  }
  template <typename State>
  static auto& Initial(State& s) {
    return s.initial_origin_access_controls;
  }
};

// A legacy origin access identity as the control plane keeps it (SPEC 10.3); its config is
// {CallerReference, Comment}.
struct OriginAccessIdentity {
  std::string id;
  std::string caller_reference;
};

// Legacy origin access identities (control_plane_origin_access.cc, SPEC 10.3): keyed by their
// CallerReference rather than a Name (kCallerReferenceKeyed), at most 100, named by S3 origins'
// S3OriginConfig.OriginAccessIdentity.
struct OriginAccessIdentityKind {
  using Policy = OriginAccessIdentity;
  static constexpr absl::string_view kMember = "CloudFrontOriginAccessIdentity";
  static constexpr absl::string_view kNoun = "origin access identity";
  static constexpr absl::string_view kUsers = "origins";
  static constexpr absl::string_view kStateKey = "origin_access_identities";
  static constexpr auto kAccountMember = &policy::AccountResources::origin_access_identities;
  static constexpr KindQuota kQuota = {100, "TooManyCloudFrontOriginAccessIdentities",
                                       "origin access identities"};
  static constexpr bool kListHasMarker = true;
  static constexpr bool kCallerReferenceKeyed = true;

  static absl::StatusOr<Policy> Load(const nlohmann::json& config);
  static std::string NewId(ResourceIds& ids);
  static std::vector<std::string> IdsIn(const nlohmann::json& distribution_config);
  static nlohmann::json View(const PolicyRecord<OriginAccessIdentityKind>& r);
  static nlohmann::json ListItem(const PolicyRecord<OriginAccessIdentityKind>& r);
  template <typename State>
  static auto& Records(State& s) {
    return s.origin_access_identities;
  }
  template <typename State>
  static auto& Initial(State& s) {
    return s.initial_origin_access_identities;
  }
};

// Every policy-like kind, for what is done to all of them (ForEachPolicyKind, policy_resource.h):
// the managed records at the start, Resources, the admin state, Reset. A new kind is one more
// name here.
template <typename... Kinds>
struct PolicyKindList {};
using PolicyKinds =
    PolicyKindList<CachePolicyKind, OriginRequestPolicyKind, ResponseHeadersPolicyKind,
                   OriginAccessControlKind, OriginAccessIdentityKind>;

// The OAC and OAI names of every origin of `config` (SPEC 10.1, 10.3), checked against `account`
// with CloudFront's codes: IllegalOriginAccessConfiguration (both on one origin),
// InvalidOriginAccessControl, InvalidDomainNameForOriginAccessControl (an OAC type the origin does
// not fit), TooManyDistributionsAssociatedToOriginAccessControl (the OAC already on the most of
// `distributions` other than `self`), InvalidOriginAccessIdentity (control_plane_origin_access.cc).
absl::Status CheckOriginAccess(const nlohmann::json& config,
                               const policy::AccountResources& account,
                               const std::vector<DistributionRecord>& distributions,
                               absl::string_view self);

// Update and Delete's If-Match rules (API 1.7): InvalidIfMatchVersion when `if_match` is
// empty, PreconditionFailed when it is not `etag`.
absl::Status CheckIfMatch(absl::string_view if_match, absl::string_view etag);
// The first half alone: InvalidIfMatchVersion when `if_match` is empty. Checked before the Id is
// looked up: a request without If-Match is refused whatever it names (API 1.7).
absl::Status CheckIfMatchPresent(absl::string_view if_match);

// A problem policy's loaders report (every line of it) as InvalidArgument.
absl::Status AsInvalidArgument(const absl::Status& status);

// `j` as text for policy's loaders. Never throws: strings that are not UTF-8 are replaced.
std::string Dump(const nlohmann::json& j);

// The strings of `list`'s optional Items (Paths, TagKeys); a JsonError (InvalidArgument) naming
// the member that is not a list of strings.
absl::StatusOr<std::vector<std::string>> StringItems(const policy::JsonReader& list);

// The Tags shape {"Items": [{"Key", "Value"}]}, in order; a JsonError (InvalidArgument) naming the
// member at fault (control_plane_tags.cc; CreateDistributionWithTags takes it too).
absl::StatusOr<Tags> ParseTags(const nlohmann::json& tags);

// One stage of a CloudFront function (API 1.11): its FunctionConfig, its code, and the ETag that
// names this version of the stage.
struct FunctionStage {
  nlohmann::json config;  // FunctionConfig as sent
  std::string code;       // FunctionCode, decoded
  std::string etag;
  absl::Time last_modified;
};

// A CloudFront function, named by its Name (`id`, for ControlPlaneState::Lookup); DEVELOPMENT
// always, LIVE once published (API 1.11).
struct FunctionRecord {
  // NoSuchFunctionExists with CloudFront's message.
  static absl::Status NotFound() {
    return MakeApiError("NoSuchFunctionExists", "The function does not exist.");
  }

  std::string id;  // the Name
  absl::Time created;
  FunctionStage development;
  absl::optional<FunctionStage> live;
};

// A key value store's control-plane record (API 1.11), named by its Name (`id`).
struct KeyValueStoreRecord {
  // EntityNotFound with CloudFront's message.
  static absl::Status NotFound() {
    return MakeApiError("EntityNotFound", "The key value store does not exist.");
  }

  std::string id;    // the Name
  std::string uuid;  // KeyValueStore.Id, the last part of its ARN
  std::string comment;
  nlohmann::json import_source;  // ImportSource as sent; null without one
  std::string etag;
  absl::Time last_modified;
  // The data plane's (API 1.12): the keys and values, their own ETag, when the store was created
  // and when its data last changed.
  policy::KeyValueStoreData data{};
  std::string status{};          // READY, or FAILED when its import failed
  std::string failure_reason{};  // why the import failed
  std::string data_etag{};
  absl::Time created{};
  absl::Time data_modified{};
};

// A function a cache behavior of a distribution config names (FunctionAssociations.Items).
struct FunctionAssociationRef {
  int behavior;  // -1: DefaultCacheBehavior; else the index in CacheBehaviors.Items
  std::string event_type;
  std::string function_arn;
};

// Every function association of `distribution_config`, behavior by behavior, in order
// (control_plane_functions.cc).
std::vector<FunctionAssociationRef> FunctionAssociationsIn(
    const nlohmann::json& distribution_config);

// InvalidArgument unless `name` is 1 to 64 of [a-zA-Z0-9-_], the model's pattern for function
// and key value store names; `noun` names the resource in the message.
absl::Status CheckEntityName(absl::string_view name, absl::string_view noun);

struct ControlPlaneState;

// Resolves `config`'s function associations into `d`'s behaviors (their LIVE code), with
// CloudFront's codes: InvalidFunctionAssociation (a function that does not exist or is not
// published, two on one event type of a behavior), MalformedXML (an event type other than
// viewer-request and viewer-response). control_plane_functions.cc.
absl::Status AttachFunctions(const ControlPlaneState& s, const nlohmann::json& config,
                             policy::DistributionConfig& d);

// arn:aws:cloudfront::ACCOUNT:key-value-store/UUID (control_plane_key_value_stores.cc).
std::string KeyValueStoreArn(const ControlPlaneState& s, const KeyValueStoreRecord& r);

struct ControlPlaneState {
  ControlPlaneState(DistributionRegistry& registry, DeployFunction deploy,
                    ControlPlaneOptions options);

  // The record `id` names in `records`, or null.
  template <typename Record>
  static Record* Find(std::vector<Record>& records, absl::string_view id) {
    const auto it =
        std::find_if(records.begin(), records.end(), [&](const Record& r) { return r.id == id; });
    return it != records.end() ? &*it : nullptr;
  }

  // The record `id` names in `records`, or Record::NotFound().
  template <typename Record>
  static absl::StatusOr<Record*> Lookup(std::vector<Record>& records, absl::string_view id) {
    Record* r = Find(records, id);
    if (r == nullptr) return Record::NotFound();
    return r;
  }

  // Get<Resource> and Get<Resource>Config alike: `view` of the record `id` names, with its ETag.
  template <typename Record>
  absl::StatusOr<Versioned> Read(
      std::vector<Record>& records, absl::string_view id,
      const std::function<nlohmann::json(const std::type_identity_t<Record>&)>& view) {
    std::lock_guard<std::mutex> lock(mu);
    EDGESIM_ASSIGN_OR_RETURN(const Record* r, Lookup(records, id));
    return Versioned{view(*r), r->etag};
  }

  // A fresh ETag, never `old` again.
  std::string NewETag(absl::string_view old);

  // The account's custom resources, which distribution configs may name besides the managed ones.
  policy::AccountResources Resources() const;

  // --- Deploying a distribution (control_plane_distributions.cc); cache policy updates redeploy
  // the distributions using them, and Reset restores adopted ones.

  // `config` loaded for the record `r` (its Id and domain): the checks that have codes of their
  // own (InconsistentQuantities, NoSuchOrigin, NoSuchCachePolicy), then policy's loader on the
  // config with defaults (InvalidArgument). `account` holds the custom resources it may name.
  absl::StatusOr<policy::Distribution> LoadConfig(const DistributionRecord& r,
                                                  const nlohmann::json& config,
                                                  const policy::AccountResources& account) const;
  // The LiveDistribution serving `d`; null when it is disabled. InvalidArgument when `deploy`
  // fails. It keeps the caches of `current`, the one it replaces (null: none), SPEC 6.8.
  absl::StatusOr<std::shared_ptr<LiveDistribution>> Build(policy::Distribution d,
                                                          const LiveDistribution* current) const;
  // Makes the registry serve `next` (null: nothing) for `id` instead of `current`.
  // CNAMEAlreadyExists when another distribution holds one of its domains.
  absl::Status Publish(absl::string_view id, const std::shared_ptr<LiveDistribution>& current,
                       const std::shared_ptr<LiveDistribution>& next);

  DistributionRegistry& registry;
  const DeployFunction deploy;
  const ControlPlaneOptions options;
  std::mutex mu;  // guards everything below
  ResourceIds ids;
  policy::InvalidationLedger ledger;
  uint64_t next_invalidation_order = 0;
  std::vector<DistributionRecord> distributions;  // creation order
  // Each policy kind's records, managed ones first, then creation order, and what Reset returns
  // them to (the managed and adopted ones).
  std::vector<CachePolicyRecord> cache_policies;
  std::vector<CachePolicyRecord> initial_policies;
  std::vector<PolicyRecord<OriginRequestPolicyKind>> origin_request_policies;
  std::vector<PolicyRecord<OriginRequestPolicyKind>> initial_origin_request_policies;
  std::vector<PolicyRecord<ResponseHeadersPolicyKind>> response_headers_policies;
  std::vector<PolicyRecord<ResponseHeadersPolicyKind>> initial_response_headers_policies;
  std::vector<PolicyRecord<OriginAccessControlKind>> origin_access_controls;
  std::vector<PolicyRecord<OriginAccessControlKind>> initial_origin_access_controls;
  std::vector<PolicyRecord<OriginAccessIdentityKind>> origin_access_identities;
  std::vector<PolicyRecord<OriginAccessIdentityKind>> initial_origin_access_identities;
  // What Reset returns to: the adopted distributions.
  std::vector<DistributionRecord> adopted;
  // Functions and key value stores, creation order (Reset forgets them all).
  std::vector<FunctionRecord> functions;
  std::vector<KeyValueStoreRecord> key_value_stores;
};

}  // namespace edgesim::emulator
