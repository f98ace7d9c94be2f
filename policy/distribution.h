// distribution.h — a CloudFront distribution as the model sees it.
//
// `DistributionConfig` mirrors the fields of CloudFront's own `DistributionConfig` (the JSON that
// `aws cloudfront get-distribution-config` prints) that change caching: origins, origin groups,
// the ordered cache behaviors, the default behavior, custom error responses, the default root
// object, aliases. Each behavior carries its resolved `CachePolicy` (managed, custom or legacy
// ForwardedValues), so the rest of the model never looks a policy up. Members a config leaves out
// take cloudfront_defaults.h's values; reading, validating and writing CloudFront's JSON live in
// distribution_json_reader.h, distribution_validator.h and distribution_json_writer.h.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "policy/cache_policy.h"
#include "policy/cloudfront_defaults.h"
#include "policy/origin_access.h"
#include "policy/origin_request_policy.h"
#include "policy/response_headers_policy.h"

namespace edgesim::policy {

enum class OriginKind {
  kCustom,  // CustomOriginConfig: an HTTP(S) server
  kS3,      // S3OriginConfig, or a DomainName under .s3[.region].amazonaws.com
};

struct Origin {
  std::string id;
  std::string domain_name;
  std::string origin_path;
  OriginKind kind = OriginKind::kCustom;
  // int64 as CloudFront's JSON may spell them; ValidateDistributionConfig keeps them in range.
  int64_t http_port = kDefaultHttpPort;
  int64_t https_port = kDefaultHttpsPort;
  // http-only | https-only | match-viewer
  std::string protocol_policy = std::string(kDefaultOriginProtocolPolicy);
  int64_t connection_attempts = kDefaultConnectionAttempts;
  absl::Duration connection_timeout = absl::Seconds(kDefaultConnectionTimeoutSeconds);
  absl::Duration read_timeout = absl::Seconds(kDefaultOriginReadTimeoutSeconds);
  absl::Duration keepalive_timeout = absl::Seconds(kDefaultOriginKeepaliveTimeoutSeconds);
  // ResponseCompletionTimeout: the whole answer's time, first attempt to last byte (SPEC 7.3);
  // unset: no bound beyond OriginReadTimeout's per-gap one.
  absl::optional<absl::Duration> response_completion_timeout;
  std::vector<std::pair<std::string, std::string>> custom_headers;
  // OriginShield.OriginShieldRegion when enabled; empty otherwise.
  std::string origin_shield_region;
  // OriginAccessControlId and S3OriginConfig.OriginAccessIdentity
  // ("origin-access-identity/cloudfront/<Id>") as configured; empty: none (SPEC 10.1, 10.3).
  std::string origin_access_control_id;
  std::string origin_access_identity;
  // How its requests are signed: its OAC's settings or its OAI's; nullopt: never signed.
  absl::optional<OriginSigning> signing;

  bool operator==(const Origin&) const = default;
};

// A CloudFront function a behavior runs on a viewer event (FunctionAssociations; API 1.11): the
// function's LIVE stage when the distribution was deployed.
struct FunctionAssociation {
  std::string event_type;  // "viewer-request" or "viewer-response"
  std::string function_arn;
  std::string name;
  std::string runtime;  // "cloudfront-js-1.0" or "cloudfront-js-2.0"
  std::string code;
  // The key value store the function's config associates ("": none; SPEC 15.8).
  std::string key_value_store_id;

  bool operator==(const FunctionAssociation&) const = default;
};

struct CacheBehavior {
  // "*" for the default behavior.
  std::string path_pattern = "*";
  std::string target_origin_id;
  std::string viewer_protocol_policy = std::string(kDefaultViewerProtocolPolicy);
  std::vector<std::string> allowed_methods{kDefaultMethods.begin(), kDefaultMethods.end()};
  std::vector<std::string> cached_methods{kDefaultMethods.begin(), kDefaultMethods.end()};
  bool compress = kDefaultCompress;
  // As configured; empty when the behavior uses legacy ForwardedValues.
  std::string cache_policy_id;
  std::string origin_request_policy_id;
  CachePolicy cache_policy;
  // The managed policy OriginRequestPolicyId names; nullopt without one or for an ID edgesim does
  // not know (then only the cache key's values reach the origin).
  absl::optional<OriginRequestPolicy> origin_request_policy;
  // ResponseHeadersPolicyId as configured (empty: none), and the policy it names (SPEC 11);
  // nullopt for none or an Id that names no policy (the validator reports it).
  std::string response_headers_policy_id;
  absl::optional<ResponseHeadersPolicy> response_headers_policy;
  // At most one per event type; set by the control plane, which holds the functions.
  std::vector<FunctionAssociation> function_associations;

  bool operator==(const CacheBehavior&) const = default;
};

struct CustomErrorResponse {
  int error_code = 0;
  // Absent: ModelOptions::default_error_caching_min_ttl.
  absl::optional<absl::Duration> error_caching_min_ttl;
  std::string response_page_path;
  absl::optional<int> response_code;

  bool operator==(const CustomErrorResponse&) const = default;
};

// OriginGroups (SPEC 12.1): two origins behind one Id a behavior may target; the secondary gets
// the primary's request again when the primary answers one of `failover_status_codes` or cannot
// be reached (policy/origin_failover.h).
struct OriginGroup {
  std::string id;
  std::vector<int> failover_status_codes;
  // Origins Ids, [primary, secondary]; ValidateDistributionConfig keeps it at exactly two.
  std::vector<std::string> member_origin_ids;
  // "default" | "media-quality-based"; empty when the config leaves it out.
  std::string selection_criteria;

  bool operator==(const OriginGroup&) const = default;
};

struct DistributionConfig {
  std::string caller_reference;
  std::string comment;
  bool enabled = true;
  std::string default_root_object;
  std::vector<std::string> aliases;
  std::vector<Origin> origins;
  std::vector<OriginGroup> origin_groups;
  // Ordered; the default behavior is evaluated after all of them.
  std::vector<CacheBehavior> behaviors;
  CacheBehavior default_behavior;
  std::vector<CustomErrorResponse> custom_error_responses;
  std::string price_class = std::string(kDefaultPriceClass);

  const Origin* FindOrigin(absl::string_view id) const;
  // The group whose Id is `id`, or null (a behavior's TargetOriginId names an origin or a group).
  const OriginGroup* FindOriginGroup(absl::string_view id) const;
  // The origin a behavior targeting `target_id` contacts first: that origin, or that group's
  // primary (SPEC 12.2); null when there is none.
  const Origin* FindTargetOrigin(absl::string_view target_id) const;
  const CustomErrorResponse* FindCustomErrorResponse(int status) const;

  bool operator==(const DistributionConfig&) const = default;
};

// An S3 bucket endpoint named as an origin's DomainName: `<bucket>.s3.amazonaws.com`,
// `<bucket>.s3.<region>.amazonaws.com` (REST), `<bucket>.s3-website-<region>.amazonaws.com` and
// `<bucket>.s3-website.<region>.amazonaws.com` (website). Any case; the bucket comes back
// lowercase.
struct S3Domain {
  std::string bucket;
  bool website = false;

  bool operator==(const S3Domain&) const = default;
};

// nullopt when `domain` is not an S3 endpoint.
absl::optional<S3Domain> ParseS3Domain(absl::string_view domain);

// Whether CloudFront's JSON spells `origin` as an S3OriginConfig: an S3 REST origin whose ports,
// protocol and keep-alive are the defaults, since S3OriginConfig holds none of them (a website
// endpoint is a custom origin to CloudFront). Otherwise it is a CustomOriginConfig.
bool UsesS3OriginConfig(const Origin& origin);

// A deployed distribution: the config plus what CloudFront assigns.
struct Distribution {
  std::string id = "E1EDGESIMDEMO1";
  // The cache key's host part (SPEC 2.1), never the viewer's Host.
  std::string domain_name = "d111111abcdef8.cloudfront.net";
  DistributionConfig config;
};

// The smallest useful distribution: one custom origin (id "origin") behind a default behavior
// with `policy`; for synthetic workloads, benchmarks and tests that add behaviors to it.
Distribution SingleOriginDistribution(absl::string_view origin_domain, CachePolicy policy);

}  // namespace edgesim::policy
