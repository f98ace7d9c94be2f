// origin_request_policy.h — CloudFront origin request policies: what a behavior sends to its
// origin beyond the cache key, without keying on it.
//
// Models `OriginRequestPolicyConfig` (API_OriginRequestPolicyConfig: HeadersConfig, CookiesConfig,
// QueryStringsConfig) and CloudFront's managed origin request policies, found by ID, API name
// ("Managed-AllViewer") or console name ("AllViewer"). How a policy combines with the cache key
// into the origin request is origin_request.h's business (SPEC 2.2, 5).
//
//   const OriginRequestPolicy* p = FindManagedOriginRequestPolicy("AllViewerExceptHostHeader");
//   p->header_behavior;   // OriginHeaderBehavior::kAllExcept, p->headers == {"Host"}
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "policy/cache_policy.h"

namespace edgesim::policy {

// OriginRequestPolicyHeadersConfig.HeaderBehavior.
enum class OriginHeaderBehavior {
  kNone,                             // only the cache key's headers
  kWhitelist,                        // plus the listed headers
  kAllViewer,                        // every viewer header
  kAllViewerAndWhitelistCloudFront,  // every viewer header plus the listed CloudFront-* headers
  kAllExcept,                        // every viewer header but the listed ones
};

// CloudFront's spelling: "none", "whitelist", "allViewer", "allViewerAndWhitelistCloudFront",
// "allExcept".
absl::string_view ToString(OriginHeaderBehavior behavior);
// Parses CloudFront's spelling (exact case); false when unknown.
bool ParseOriginHeaderBehavior(absl::string_view text, OriginHeaderBehavior* out);
std::ostream& operator<<(std::ostream& os, OriginHeaderBehavior behavior);

struct OriginRequestPolicy {
  std::string id;
  // API name ("Managed-AllViewer") or the custom policy's Name.
  std::string name;
  std::string comment;
  OriginHeaderBehavior header_behavior = OriginHeaderBehavior::kNone;
  // Header names for kWhitelist, kAllViewerAndWhitelistCloudFront (CloudFront-* headers) and
  // kAllExcept.
  std::vector<std::string> headers;
  // CookieBehavior / QueryStringBehavior: none | whitelist | allExcept | all.
  KeyList cookies;
  KeyList query_strings;

  // The viewer headers this policy sends, as a key list: kAllViewer* -> all, kAllExcept -> all
  // but `headers`, kWhitelist -> `headers`. CloudFront-* headers are CloudFront's to add.
  KeyList ViewerHeaders() const;

  bool operator==(const OriginRequestPolicy&) const = default;
};

std::ostream& operator<<(std::ostream& os, const OriginRequestPolicy& policy);

// The managed origin request policies (using-managed-origin-request-policies.html).
const std::vector<OriginRequestPolicy>& ManagedOriginRequestPolicies();

// By ID, API name ("Managed-AllViewer") or console name ("AllViewer"); nullptr when unknown.
const OriginRequestPolicy* FindManagedOriginRequestPolicy(absl::string_view id_or_name);

}  // namespace edgesim::policy
