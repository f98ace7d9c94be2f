// distribution_json_reader.h — CloudFront's own DistributionConfig / CachePolicyConfig JSON read
// into the model (distribution.h).
//
// Reads exactly what the AWS CLI prints and takes (DESIGN 1): a bare DistributionConfig
// (`create-distribution --distribution-config file://...`), `{"DistributionConfig": {...}}`, the
// `get-distribution-config` output (`{"ETag", "DistributionConfig"}`) and the `get-distribution`
// output (`{"ETag", "Distribution": {"Id", "DomainName", "DistributionConfig"}}`). Custom cache
// and origin request policies the behaviors reference ride beside it as an edgesim extension:
//   "CachePolicies": [ {"Id": "...", "CachePolicyConfig": {...}} ]   (or get-cache-policy items)
//   "OriginRequestPolicies": [ {"Id": "...", "OriginRequestPolicyConfig": {...}} ]
//   "ResponseHeadersPolicies": [ {"Id": "...", "ResponseHeadersPolicyConfig": {...}} ]
//   "Functions": [ {"Name": "...", "FunctionConfig": {"Runtime": "cloudfront-js-2.0"},
//                   "FunctionCode": "function handler(event) {...}"} ]
// (a file on disk may give "FunctionCodeFile" instead; cli/distribution_file.h reads it), which
// behaviors' FunctionAssociations name by ARN (`arn:aws:cloudfront::<account>:function/<Name>`)
// or by Name.
// Unknown fields are ignored, as CloudFront ignores them in configs taken from the AWS CLI; members
// left out take cloudfront_defaults.h's values. Loading validates (distribution_validator.h) and
// reports every problem at once, one `location: message` line each, the location being a JSON
// path such as `DistributionConfig.CacheBehaviors.Items[2].TargetOriginId`.
//
//   absl::StatusOr<DistributionConfig> config = LoadDistributionConfigJson(text);
//   if (!config.ok()) std::cerr << config.status().message();   // every problem, one per line
#pragma once

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "policy/cache_policy.h"
#include "policy/distribution.h"
#include "policy/origin_request_policy.h"
#include "policy/origin_access.h"
#include "policy/response_headers_policy.h"

namespace edgesim::policy {

// Custom cache policies by Id.
using CustomCachePolicies = absl::flat_hash_map<std::string, CachePolicy>;
// Custom origin request policies by Id.
using CustomOriginRequestPolicies = absl::flat_hash_map<std::string, OriginRequestPolicy>;
// Custom response headers policies by Id (SPEC 11).
using CustomResponseHeadersPolicies = absl::flat_hash_map<std::string, ResponseHeadersPolicy>;

// A CloudFront Function a config file defines (SPEC 15): what its FunctionAssociations run.
struct ConfigFunction {
  std::string runtime;  // "cloudfront-js-1.0" or "cloudfront-js-2.0"
  std::string code;
};

// The largest function code CloudFront takes (SPEC 15.5).
inline constexpr size_t kMaxFunctionCodeBytes = 10 * 1024;

// What a distribution's config may name besides CloudFront's managed resources: the account's
// own resources, each by Id (the control plane's, or a config file's).
struct AccountResources {
  CustomCachePolicies cache_policies;
  CustomOriginRequestPolicies origin_request_policies;
  // Origin access controls by Id (an origin's OriginAccessControlId) and the Ids of legacy origin
  // access identities (its S3OriginConfig.OriginAccessIdentity), SPEC 10.
  absl::flat_hash_map<std::string, OriginAccessControl> origin_access_controls;
  absl::flat_hash_set<std::string> origin_access_identities;
  CustomResponseHeadersPolicies response_headers_policies;
  // By Name: a config file's "Functions". The control plane holds its functions itself and
  // attaches them to behaviors after loading, so with `account` known FunctionAssociations are
  // left to it.
  absl::flat_hash_map<std::string, ConfigFunction> functions;
};

// Loads any of the shapes above. `Id` and `DomainName` come from a get-distribution output, and
// keep `Distribution`'s defaults otherwise. A behavior's CachePolicyId may name a managed policy
// (by ID, API or console name), a policy in the file's "CachePolicies", or one in `account` (the
// file wins on a shared Id). An origin's OriginAccessControlId names an OAC in `account` or in the
// file's "OriginAccessControls" (an edgesim extension like "CachePolicies": [{"Id",
// "OriginAccessControlConfig"}] or get-origin-access-control items); its OriginAccessIdentity an
// OAI in `account`. Without `account` (a config file alone) an OAC Id the file does not define is
// taken as SigningBehavior always for s3, and any well-formed OAI Id as existing.
// InvalidArgumentError lists every problem; malformed JSON gives one
// line with the parser's position.
absl::StatusOr<Distribution> LoadDistributionJson(absl::string_view json_text,
                                                  const AccountResources* account = nullptr);

// LoadDistributionJson(...).config.
absl::StatusOr<DistributionConfig> LoadDistributionConfigJson(
    absl::string_view json_text, const AccountResources* account = nullptr);

// A bare CachePolicyConfig, `{"CachePolicyConfig": ...}` (get-cache-policy-config) or
// `{"CachePolicy": {"Id", "CachePolicyConfig"}}` (get-cache-policy, which also sets the Id).
// Absent TTLs take the SPEC 2.2 defaults; TTL order and behaviors are validated.
absl::StatusOr<CachePolicy> LoadCachePolicyConfigJson(absl::string_view json_text);

// A bare OriginRequestPolicyConfig, `{"OriginRequestPolicyConfig": ...}` or
// `{"OriginRequestPolicy": {"Id", "OriginRequestPolicyConfig"}}` (which also sets the Id),
// validated (ValidateOriginRequestPolicy, SPEC 14.1) but for the quotas, which have codes of their
// own: the caller asks ExceededQuota (SPEC 14.2). In a config file's "OriginRequestPolicies" the
// quotas are problems like the rest.
absl::StatusOr<OriginRequestPolicy> LoadOriginRequestPolicyConfigJson(absl::string_view json_text);
// The longest OriginAccessControlConfig.Name (API_OriginAccessControlConfig).
inline constexpr size_t kMaxOriginAccessControlNameLength = 64;

// A bare OriginAccessControlConfig (SPEC 10.1): Name (required, at most 64 characters),
// Description, SigningProtocol "sigv4", SigningBehavior and OriginAccessControlOriginType (one of
// their values). InvalidArgumentError lists every problem.
absl::StatusOr<OriginAccessControl> LoadOriginAccessControlConfigJson(
    absl::string_view json_text);

}  // namespace edgesim::policy
