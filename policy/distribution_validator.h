// distribution_validator.h — the semantic rules a DistributionConfig must keep, whoever built it.
//
// CloudFront refuses a config whose behaviors name no origin, whose TTLs are out of order, whose
// methods, timeouts or error codes are outside the documented sets, or whose origin groups break
// theirs (SPEC 1.1 rules 10-12, 2.2, 2.5, 4.1, 7.3, 7.4, 12.1). Every problem is reported at once,
// each at the location the JSON would spell it
// (`DistributionConfig.CacheBehaviors.Items[2].TargetOriginId`), whether the config was loaded
// (distribution_json_reader.h runs this) or built by hand or by a simulator variant.
//
//   std::vector<ConfigProblem> problems = ValidateDistributionConfig(config);
//   EDGESIM_RETURN_IF_ERROR(ConfigProblemsStatus(problems));   // one "location: message" a line
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "policy/cache_policy.h"
#include "policy/distribution.h"
#include "policy/origin_request_policy.h"

namespace edgesim::policy {

struct ConfigProblem {
  std::string location;  // JSON path, e.g. "DistributionConfig.Origins.Items[0].Id"
  std::string message;

  bool operator==(const ConfigProblem&) const = default;
};

// "location: message".
std::ostream& operator<<(std::ostream& os, const ConfigProblem& problem);

// OK for none; otherwise InvalidArgument with one "location: message" line per problem.
absl::Status ConfigProblemsStatus(const std::vector<ConfigProblem>& problems);

// Every semantic problem of `config`, `location` being where the JSON holds it (a get-distribution
// output has it at "Distribution.DistributionConfig"). Path-pattern syntax is PathPattern's
// business (policy/path_pattern.h), so the table and the config agree on it.
std::vector<ConfigProblem> ValidateDistributionConfig(
    const DistributionConfig& config, absl::string_view location = "DistributionConfig");

// SPEC 7.3: why `port` is not one CloudFront connects to a custom origin on (80, 443 or
// 1024-65535, the Developer Guide's origin settings), e.g. "83637 is not a port CloudFront
// connects to: 80, 443 or 1024-65535"; nullopt when it is. The config loader and the CloudFront
// API (which loads through it) both check HTTPPort and HTTPSPort with this one rule.
absl::optional<std::string> OriginPortProblem(int64_t port);

// A cache policy's TTL order (SPEC 2.2: 0 <= MinTTL <= DefaultTTL <= MaxTTL), each problem at
// `location`.MinTTL, .DefaultTTL or .MaxTTL.
std::vector<ConfigProblem> ValidateCachePolicyTtls(const CachePolicy& policy,
                                                   absl::string_view location);

// An origin request policy's rules (SPEC 14.1), each problem at `location` (where the JSON holds
// the OriginRequestPolicyConfig) .Comment or .HeadersConfig.Headers: headers CloudFront refuses to
// list (Accept-Encoding, Authorization), Headers with a HeaderBehavior that takes none, non
// CloudFront-* headers with allViewerAndWhitelistCloudFront, a Comment over 128 characters. Its
// quotas are ExceededQuota's (below), since they have codes of their own.
std::vector<ConfigProblem> ValidateOriginRequestPolicy(const OriginRequestPolicy& policy,
                                                       absl::string_view location);

// SPEC 14.2: the quotas of one origin request policy, each with the code CloudFront answers when
// it is exceeded.
enum class OriginRequestPolicyQuota { kHeaders, kCookies, kQueryStrings };
inline constexpr size_t kMaxHeadersInOriginRequestPolicy = 10;
inline constexpr size_t kMaxCookiesInOriginRequestPolicy = 10;
inline constexpr size_t kMaxQueryStringsInOriginRequestPolicy = 10;

// "TooManyHeadersInOriginRequestPolicy", "TooManyCookiesInOriginRequestPolicy",
// "TooManyQueryStringsInOriginRequestPolicy".
absl::string_view ToString(OriginRequestPolicyQuota quota);

// The first quota (headers, cookies, query strings) `policy` exceeds; nullopt for none.
absl::optional<OriginRequestPolicyQuota> ExceededQuota(const OriginRequestPolicy& policy);
// API_OriginRequestPolicyConfig: "The comment cannot be longer than 128 characters."
inline constexpr size_t kMaxOriginRequestPolicyCommentLength = 128;

}  // namespace edgesim::policy
