// control_plane.h — the state behind CloudFront's control-plane API (API 1): distributions,
// cache policies, invalidations and tags, with CloudFront's rules (ids, ETag / If-Match,
// CallerReference, InProgress -> Deployed / Completed, limits, pricing). No HTTP and no XML here:
// cloudfront_api.h decodes a request body into "shape JSON", calls one method, and encodes the
// answer back.
//
// Shape JSON is what the AWS CLI prints for the same shape (botocore's service model,
// data/cloudfront/2020-05-31/service-2.json): member names as keys, structures as objects, lists
// as arrays (the `Items` member), integers and longs as numbers, booleans as booleans,
// timestamps as RFC 3339 strings with milliseconds ("2026-12-04T18:00:00.000Z"). Empty lists are
// omitted. `body` of a Versioned answer is the content of the response's root element (a
// Distribution, a DistributionConfig, an Invalidation, ...), never wrapped in its root name.
//
// Errors are statuses ToApiError (api_error.h) answers with CloudFront's codes and messages
// (API 1.6): MakeApiError's, policy's invalidation errors, and JsonErrors
// (policy/json_reader.h, InvalidArgument) naming the member of a malformed shape. Time is a
// parameter: the caller passes `now` (the serve clock, manual in tests).
//
// A distribution the ControlPlane creates or updates is deployed at once: `deploy` builds its
// LiveDistribution and the registry serves it (Add / Replace); a disabled one is taken out of
// the registry but keeps its record; Delete removes both. Distributions loaded from config files
// before the API starts are adopted (AdoptRegistered) so List/Get/invalidations see them.
// Invalidations reach every POP and tier of the distribution through
// LiveDistribution::Invalidate, each cache at its own moment within the invalidation window (or
// after a configured per-POP propagation delay), and are Completed once the last has applied
// them. An update keeps what the distribution's caches hold (SPEC 6.8).
//
// Thread-safe: every method may be called from any httplib worker thread.
//
//   ControlPlane cp(registry, deploy, {.invalidation_completion_delay = absl::ZeroDuration()});
//   cp.AdoptRegistered(now);
//   absl::StatusOr<Versioned> d = cp.CreateDistribution(config_json, nullptr, now);  // 201
//   absl::StatusOr<CreatedInvalidation> i = cp.CreateInvalidation(d->body["Id"], batch_json, now);
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "core/key_value_lookup.h"
#include "emulator/distribution_registry.h"
#include "emulator/function_runner.h"
#include "emulator/sigv4_signer.h"
#include "nlohmann/json.hpp"
#include "policy/distribution.h"
#include "policy/key_value_store.h"
#include "policy/model_options.h"
#include "policy/partition.h"

namespace edgesim::emulator {

// Builds the LiveDistribution that serves `distribution` (its origins, the serve topology).
using DeployFunction =
    std::function<absl::StatusOr<std::shared_ptr<LiveDistribution>>(policy::Distribution)>;

struct ControlPlaneOptions {
  // Distribution.Status is "InProgress" in the Create / Update answer and "Deployed" from
  // LastModifiedTime + this on (0: every later read says Deployed, so `aws cloudfront wait
  // distribution-deployed` returns at its first poll).
  absl::Duration distribution_deploy_delay = absl::ZeroDuration();
  // The window within which an invalidation reaches the caches: each POP applies it at its own
  // moment in (0, window] after CreateTime (a deterministic stagger from the POP's name and the
  // invalidation's id), a regional cache at its earliest POP's moment, and Invalidation.Status is
  // "InProgress" until the last cache has applied it, then "Completed" (SPEC 6.5, B12). 15 s:
  // the SDK waiters poll at once, then every 20 s, so `aws cloudfront wait
  // invalidation-completed` returns at its second poll while the spread between POPs stays
  // visible (0: every cache at once, and the waiter returns at its first poll).
  absl::Duration invalidation_completion_delay = absl::Seconds(15);
  // Overrides of the stagger (`--propagation-delay [POP=]SECONDS`): one delay for every POP, and
  // per POP (first).
  absl::optional<absl::Duration> default_propagation_delay{};
  std::map<std::string, absl::Duration> propagation_delay_by_pop{};
  // ARNs: arn:<partition>:cloudfront::<account>:distribution/<Id>, in the caller's partition
  // (policy/partition.h).
  std::string account_id = "123456789012";
  // Limits and pricing (1,000 free paths a month, then $0.005 each; SPEC 6.3, 6.6).
  policy::ModelOptions model{};
  // Seeds the ids and ETags (ResourceIds); 0 picks a random seed.
  uint64_t id_seed = 0;
  // The code answering a reused invalidation CallerReference with different paths. SPEC 6.4: the
  // docs say InvalidationBatchAlreadyExists, real CloudFront was observed answering 400
  // InvalidArgument with the same message; the observed behavior is the default.
  std::string caller_reference_conflict_code = "InvalidArgument";
  // CloudFront Functions (API 1.11): the largest FunctionCode, in bytes (10 KB, the quota page;
  // the model's FunctionBlob allows 40,960), past which FunctionSizeLimitExceeded (413); at most
  // `max_functions` per account (TooManyFunctions) and `max_key_value_stores`
  // (EntityLimitExceeded).
  size_t function_code_max_bytes = 10 * 1024;
  size_t max_functions = 100;
  size_t max_key_value_stores = 50;
  // What TestFunction runs; null: TestFunction answers UnsupportedOperation.
  std::shared_ptr<FunctionRunner> function_runner{};
  // Key value stores' data (SPEC 15.8): key and value characters, bytes per store (also the
  // largest import file read).
  policy::KeyValueStoreLimits key_value_store_limits{};
  // The S3-compatible endpoint CreateKeyValueStore's ImportSource is read from (serve's
  // --s3-endpoint); "": an import fails, the store being created empty with Status FAILED.
  std::string s3_endpoint{};
  // What reads from it are signed with (serve's origin credentials); nullopt: unsigned.
  absl::optional<AwsCredentials> s3_credentials{};
};

// GetFunction's answer: a stage's code, raw, with that stage's ETag.
struct FunctionCode {
  std::string code;
  std::string etag;
};

// An answer and its ETag (empty for shapes that have none, e.g. lists).
struct Versioned {
  nlohmann::json body;
  std::string etag;
};

struct CreatedInvalidation {
  Versioned invalidation;  // the Invalidation shape
  // false: an idempotent retry (same CallerReference, same paths) answered with the existing one.
  bool created = true;
};

// The records and their lock (control_plane_state.h), shared by the files of each resource.
struct ControlPlaneState;

class ControlPlane {
 public:
  ControlPlane(DistributionRegistry& registry, DeployFunction deploy,
               ControlPlaneOptions options = {});
  ~ControlPlane();
  ControlPlane(const ControlPlane&) = delete;
  ControlPlane& operator=(const ControlPlane&) = delete;

  // Records every distribution the registry holds that has no record yet (config files, --demo),
  // with a fresh ETag, Deployed, and a CallerReference of "edgesim-config-<Id>".
  void AdoptRegistered(absl::Time now);

  // --- Distributions. `config` is a DistributionConfig; `tags` the Tags of
  // CreateDistributionWithTags ({"Items": [{"Key","Value"}]}) or nullptr. `partition` is the
  // caller's (policy::CloudFrontPartition), which the ARNs an answer holds name; a distribution
  // created in "aws-cn" has a DomainName ending in .cloudfront.cn (policy::DistributionDomainSuffix).
  // Errors: InvalidArgument (every config problem, one per line, from policy's validation),
  // InconsistentQuantities, NoSuchOrigin, NoSuchCachePolicy, NoSuchOriginRequestPolicy,
  // NoSuchResponseHeadersPolicy, DistributionAlreadyExists (reused CallerReference),
  // CNAMEAlreadyExists, and the origin access ones (SPEC 10.1, 10.3: InvalidOriginAccessControl, InvalidOriginAccessIdentity,
  // IllegalOriginAccessConfiguration, InvalidDomainNameForOriginAccessControl,
  // TooManyDistributionsAssociatedToOriginAccessControl).
  absl::StatusOr<Versioned> CreateDistribution(
      const nlohmann::json& config, const nlohmann::json* tags, absl::Time now,
      absl::string_view partition = policy::kStandardPartition);
  // The Distribution shape (Id, ARN, Status, LastModifiedTime, InProgressInvalidationBatches,
  // DomainName, ActiveTrustedSigners, ActiveTrustedKeyGroups, DistributionConfig with defaults
  // filled in). NoSuchDistribution.
  absl::StatusOr<Versioned> GetDistribution(
      absl::string_view id, absl::Time now,
      absl::string_view partition = policy::kStandardPartition) const;
  absl::StatusOr<Versioned> GetDistributionConfig(absl::string_view id) const;
  // Replaces the whole config. `if_match` empty: InvalidIfMatchVersion (before the Id is looked
  // up: NoSuchDistribution); stale: PreconditionFailed; a changed CallerReference: IllegalUpdate;
  // plus Create's config errors.
  absl::StatusOr<Versioned> UpdateDistribution(
      absl::string_view id, const nlohmann::json& config, absl::string_view if_match,
      absl::Time now, absl::string_view partition = policy::kStandardPartition);
  // InvalidIfMatchVersion (before NoSuchDistribution), PreconditionFailed,
  // DistributionNotDisabled (Enabled true).
  absl::Status DeleteDistribution(absl::string_view id, absl::string_view if_match);
  // The DistributionList shape, oldest first; `marker` is the Id to start after ("" from the
  // start), NextMarker only when truncated. REQUIRES: max_items >= 0 (the route checks the query).
  absl::StatusOr<nlohmann::json> ListDistributions(
      absl::string_view marker, int max_items, absl::Time now,
      absl::string_view partition = policy::kStandardPartition) const;

  // --- Cache policies (custom ones; the managed ones are listed and readable, never changed:
  // IllegalUpdate / IllegalDelete). Errors: NoSuchCachePolicy, CachePolicyAlreadyExists (Name),
  // CachePolicyInUse, InvalidIfMatchVersion, PreconditionFailed, InvalidArgument.
  absl::StatusOr<Versioned> CreateCachePolicy(const nlohmann::json& config, absl::Time now);
  absl::StatusOr<Versioned> GetCachePolicy(absl::string_view id) const;        // CachePolicy
  absl::StatusOr<Versioned> GetCachePolicyConfig(absl::string_view id) const;  // its config
  absl::StatusOr<Versioned> UpdateCachePolicy(absl::string_view id, const nlohmann::json& config,
                                              absl::string_view if_match, absl::Time now);
  absl::Status DeleteCachePolicy(absl::string_view id, absl::string_view if_match);
  // The CachePolicyList shape; `type` is "", "managed" or "custom" (anything else:
  // InvalidArgument).
  absl::StatusOr<nlohmann::json> ListCachePolicies(absl::string_view type, absl::string_view marker,
                                                   int max_items) const;

  // --- Origin request policies (SPEC 14), like cache policies: the managed ones are listed and
  // readable, never changed. Errors: NoSuchOriginRequestPolicy, OriginRequestPolicyAlreadyExists
  // (Name), OriginRequestPolicyInUse, TooMany{Headers,Cookies,QueryStrings}InOriginRequestPolicy,
  // IllegalUpdate, IllegalDelete, InvalidIfMatchVersion, PreconditionFailed, InvalidArgument.
  absl::StatusOr<Versioned> CreateOriginRequestPolicy(const nlohmann::json& config, absl::Time now);
  absl::StatusOr<Versioned> GetOriginRequestPolicy(absl::string_view id) const;
  absl::StatusOr<Versioned> GetOriginRequestPolicyConfig(absl::string_view id) const;
  absl::StatusOr<Versioned> UpdateOriginRequestPolicy(absl::string_view id,
                                                      const nlohmann::json& config,
                                                      absl::string_view if_match, absl::Time now);
  absl::Status DeleteOriginRequestPolicy(absl::string_view id, absl::string_view if_match);
  // The OriginRequestPolicyList shape; `type` as ListCachePolicies'.
  absl::StatusOr<nlohmann::json> ListOriginRequestPolicies(absl::string_view type,
                                                           absl::string_view marker,
                                                           int max_items) const;

  // --- Response headers policies (SPEC 11; control_plane_response_headers_policies.cc), as cache
  // policies: the managed ones are listed and readable, never changed. Errors:
  // NoSuchResponseHeadersPolicy, ResponseHeadersPolicyAlreadyExists (Name),
  // ResponseHeadersPolicyInUse, InvalidIfMatchVersion, PreconditionFailed, InconsistentQuantities,
  // InvalidArgument, TooLongCSPInResponseHeadersPolicy,
  // TooManyCustomHeadersInResponseHeadersPolicy, TooManyRemoveHeadersInResponseHeadersPolicy.
  absl::StatusOr<Versioned> CreateResponseHeadersPolicy(const nlohmann::json& config,
                                                        absl::Time now);
  absl::StatusOr<Versioned> GetResponseHeadersPolicy(absl::string_view id) const;
  absl::StatusOr<Versioned> GetResponseHeadersPolicyConfig(absl::string_view id) const;
  absl::StatusOr<Versioned> UpdateResponseHeadersPolicy(absl::string_view id,
                                                        const nlohmann::json& config,
                                                        absl::string_view if_match,
                                                        absl::Time now);
  absl::Status DeleteResponseHeadersPolicy(absl::string_view id, absl::string_view if_match);
  // The ResponseHeadersPolicyList shape; `type` as ListCachePolicies'.
  absl::StatusOr<nlohmann::json> ListResponseHeadersPolicies(absl::string_view type,
                                                             absl::string_view marker,
                                                             int max_items) const;

  // --- Invalidations. `batch` is an InvalidationBatch {"Paths": {"Quantity", "Items"},
  // "CallerReference"}. Errors: NoSuchDistribution, InconsistentQuantities, BatchTooLarge,
  // InvalidArgument (paths, with CloudFront's message), TooManyInvalidationsInProgress,
  // options.caller_reference_conflict_code (same CallerReference, different paths).
  absl::StatusOr<CreatedInvalidation> CreateInvalidation(absl::string_view distribution_id,
                                                         const nlohmann::json& batch,
                                                         absl::Time now);
  // NoSuchDistribution, NoSuchInvalidation.
  absl::StatusOr<Versioned> GetInvalidation(absl::string_view distribution_id, absl::string_view id,
                                            absl::Time now) const;
  // The InvalidationList shape, newest first, paginated like ListDistributions.
  absl::StatusOr<nlohmann::json> ListInvalidations(absl::string_view distribution_id,
                                                   absl::string_view marker, int max_items,
                                                   absl::Time now) const;

  // --- Tags of a distribution ARN. NoSuchResource for an unknown ARN; InvalidArgument for a
  // malformed one or one of another partition than the caller's `partition`. `tags` is the Tags
  // shape {"Items": [{"Key","Value"}]}; `keys` TagKeys {"Items": ["k", ...]}.
  absl::StatusOr<nlohmann::json> ListTagsForResource(
      absl::string_view arn, absl::string_view partition = policy::kStandardPartition) const;
  absl::Status TagResource(absl::string_view arn, const nlohmann::json& tags,
                           absl::string_view partition = policy::kStandardPartition);
  absl::Status UntagResource(absl::string_view arn, const nlohmann::json& keys,
                             absl::string_view partition = policy::kStandardPartition);

  // --- Origin access controls (SPEC 10.1) and legacy origin access identities (SPEC 10.3), like
  // cache policies (policy_resource.h) without managed ones or Type, at most 100 of each; their
  // shapes have no time, so `now` only dates them in the admin state. An OAC's Name is unique; an
  // OAI is keyed by its config's CallerReference {CallerReference, Comment}: reused with the same
  // Comment, Create answers the existing identity. Errors: NoSuch<M>, <M>AlreadyExists, <M>InUse
  // (<M> OriginAccessControl, CloudFrontOriginAccessIdentity), TooManyOriginAccessControls,
  // TooManyCloudFrontOriginAccessIdentities, IllegalUpdate (an OAI's CallerReference),
  // InvalidIfMatchVersion (before the Id is looked up), PreconditionFailed, InvalidArgument.
  absl::StatusOr<Versioned> CreateOriginAccessControl(const nlohmann::json& config,
                                                      absl::Time now = absl::UnixEpoch());
  absl::StatusOr<Versioned> GetOriginAccessControl(absl::string_view id) const;
  absl::StatusOr<Versioned> GetOriginAccessControlConfig(absl::string_view id) const;
  absl::StatusOr<Versioned> UpdateOriginAccessControl(absl::string_view id,
                                                      const nlohmann::json& config,
                                                      absl::string_view if_match,
                                                      absl::Time now = absl::UnixEpoch());
  absl::Status DeleteOriginAccessControl(absl::string_view id, absl::string_view if_match);
  absl::StatusOr<nlohmann::json> ListOriginAccessControls(absl::string_view marker,
                                                          int max_items) const;
  absl::StatusOr<Versioned> CreateCloudFrontOriginAccessIdentity(
      const nlohmann::json& config, absl::Time now = absl::UnixEpoch());
  absl::StatusOr<Versioned> GetCloudFrontOriginAccessIdentity(absl::string_view id) const;
  absl::StatusOr<Versioned> GetCloudFrontOriginAccessIdentityConfig(absl::string_view id) const;
  absl::StatusOr<Versioned> UpdateCloudFrontOriginAccessIdentity(
      absl::string_view id, const nlohmann::json& config, absl::string_view if_match,
      absl::Time now = absl::UnixEpoch());
  absl::Status DeleteCloudFrontOriginAccessIdentity(absl::string_view id,
                                                    absl::string_view if_match);
  absl::StatusOr<nlohmann::json> ListCloudFrontOriginAccessIdentities(absl::string_view marker,
                                                                      int max_items) const;

  // --- CloudFront Functions (API 1.11; control_plane_functions.cc), named by their Name. `stage`
  // is "DEVELOPMENT" or "LIVE" ("" is DEVELOPMENT; anything else InvalidArgument). Create and
  // Update take the request shape {Name, FunctionConfig {Comment, Runtime,
  // KeyValueStoreAssociations}, FunctionCode (base64)} and change DEVELOPMENT only; Publish copies
  // DEVELOPMENT to LIVE. ETags are per stage: Update, Publish, Delete and Test take DEVELOPMENT's
  // (Test: the tested stage's). Answers are FunctionSummary shapes. Errors: FunctionAlreadyExists,
  // NoSuchFunctionExists, FunctionInUse (a distribution's behavior names it),
  // FunctionSizeLimitExceeded, TooManyFunctions, InvalidIfMatchVersion (before the Name is looked
  // up), PreconditionFailed, UnsupportedOperation (TestFunction without a runner),
  // TestFunctionFailed, InvalidArgument.
  absl::StatusOr<Versioned> CreateFunction(const nlohmann::json& request, absl::Time now);
  absl::StatusOr<Versioned> DescribeFunction(absl::string_view name, absl::string_view stage) const;
  absl::StatusOr<FunctionCode> GetFunction(absl::string_view name, absl::string_view stage) const;
  absl::StatusOr<Versioned> UpdateFunction(absl::string_view name, const nlohmann::json& request,
                                           absl::string_view if_match, absl::Time now);
  absl::StatusOr<Versioned> PublishFunction(absl::string_view name, absl::string_view if_match,
                                            absl::Time now);
  absl::Status DeleteFunction(absl::string_view name, absl::string_view if_match);
  // The FunctionList shape, creation order; `stage` "" lists every function's DEVELOPMENT stage,
  // "LIVE" only published ones.
  absl::StatusOr<nlohmann::json> ListFunctions(absl::string_view stage, absl::string_view marker,
                                               int max_items) const;
  // `request` is {Stage, EventObject (base64)}; the TestResult shape.
  absl::StatusOr<nlohmann::json> TestFunction(absl::string_view name, const nlohmann::json& request,
                                              absl::string_view if_match) const;

  // --- Key value stores' control plane (API 1.11; control_plane_key_value_stores.cc), named by
  // their Name; KeyValueStore shapes. Create takes {Name, Comment, ImportSource {SourceType "S3",
  // SourceARN}}, whose file (s3_object_reader.h, then policy's ParseKeyValueImport) fills the store;
  // a source that cannot be read or is not valid leaves it empty with Status FAILED and the reason
  // in the data plane's FailureReason (UNCONFIRMED, API 1.11). Errors: EntityAlreadyExists, EntityNotFound,
  // EntityLimitExceeded, CannotDeleteEntityWhileInUse (a function is associated with it),
  // InvalidIfMatchVersion, PreconditionFailed, InvalidArgument.
  absl::StatusOr<Versioned> CreateKeyValueStore(const nlohmann::json& request, absl::Time now);
  absl::StatusOr<Versioned> DescribeKeyValueStore(absl::string_view name) const;
  absl::StatusOr<Versioned> UpdateKeyValueStore(absl::string_view name,
                                                const nlohmann::json& request,
                                                absl::string_view if_match, absl::Time now);
  absl::Status DeleteKeyValueStore(absl::string_view name, absl::string_view if_match);
  // The KeyValueStoreList shape, creation order.
  absl::StatusOr<nlohmann::json> ListKeyValueStores(absl::string_view marker, int max_items) const;

  // --- Key value stores' data plane (the cloudfront-keyvaluestore service, API 1.12;
  // control_plane_key_value_store_data.cc), stores named by their ARN. ETags version the data
  // alone. Errors carry that service's codes: ResourceNotFoundException (no such store or key),
  // ConflictException (If-Match is not the current ETag), ValidationException (bad keys, values,
  // MaxResults, NextToken), ServiceQuotaExceededException (the store would pass its size).
  // DescribeKeyValueStore's answer (its ETag beside the body).
  absl::StatusOr<Versioned> DescribeKeyValueStoreData(absl::string_view arn) const;
  // GetKey's {Key, Value, ItemCount, TotalSizeInBytes}.
  absl::StatusOr<nlohmann::json> GetKey(absl::string_view arn, absl::string_view key) const;
  // ListKeys' {Items [{Key, Value}], NextToken?}, keys in byte order; `max_results` 0: 50.
  absl::StatusOr<nlohmann::json> ListKeys(absl::string_view arn, absl::string_view next_token,
                                          int max_results) const;
  // PutKey, DeleteKey and UpdateKeys alike: all of `puts` and `deletes` or nothing. The answer is
  // {ItemCount, TotalSizeInBytes} with the new ETag.
  absl::StatusOr<Versioned> UpdateKeys(absl::string_view arn,
                                       const std::vector<policy::KeyValuePair>& puts,
                                       const std::vector<std::string>& deletes,
                                       absl::string_view if_match, absl::Time now);
  // What functions' cloudfront.kvs() reads: the stores by Id. Valid while this control plane is.
  std::unique_ptr<core::KeyValueLookup> KeyValueLookupView() const;

  // --- For the admin API. Every OAC and OAI: {"origin_access_controls": [OriginAccessControl
  // shapes], "origin_access_identities": [CloudFrontOriginAccessIdentity shapes]}.
  nlohmann::json OriginAccessState() const;
  // The pricing ledger across distributions: {"months": [{"month":
  // "2026-12", "paths", "free_paths", "billed_paths", "cost_usd"}], "current": {...}}.
  nlohmann::json InvalidationBill(absl::Time now) const;
  // The custom policy-like resources (policy_resource.h), by kind: {"cache_policies": [{"Id",
  // "Name", "ETag", "LastModifiedTime"}], ...}, oldest first; then "functions": [{"Name", "ETag"
  // (DEVELOPMENT's), "LiveETag" ("" unpublished), "LastModifiedTime"}] and "key_value_stores":
  // [{"Name", "Id", "ETag", "LastModifiedTime"}].
  nlohmann::json CustomPolicies() const;
  // Forgets everything the API created (distributions leave the registry, OACs, OAIs, functions
  // and key value stores go) and every invalidation and ledger entry; adopted distributions stay,
  // with their records.
  void Reset(absl::Time now);

 private:
  std::unique_ptr<ControlPlaneState> state_;
};

}  // namespace edgesim::emulator
