// response_headers_policy.h — CloudFront response headers policies: the headers CloudFront
// removes from and adds to the responses it sends viewers (SPEC 11).
//
// Models `ResponseHeadersPolicyConfig` (CORS, security headers, Server-Timing, custom headers,
// headers to remove), its loader from the AWS CLI's JSON with CloudFront's validation and error
// codes (SPEC 11.1, 11.5), CloudFront's five managed policies (SPEC 11.4), and the policy's
// effect on one viewer response (SPEC 11.2, 11.3). The effect is viewer-only: it never touches
// what the cache stores or the TTL.
//
//   const ResponseHeadersPolicy* p = FindManagedResponseHeadersPolicy("SecurityHeadersPolicy");
//   ApplyResponseHeadersPolicy(*p, viewer_request, timing, &response_headers);
//   // response_headers.Get("X-Content-Type-Options") == "nosniff"
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "nlohmann/json.hpp"
#include "policy/http_message.h"

namespace edgesim::policy {

struct CorsConfig {
  // "*", exact origins ("https://example.com") or leftmost-label wildcards ("https://*.example.com").
  std::vector<std::string> allow_origins;
  std::vector<std::string> allow_headers;  // may hold "*"
  std::vector<std::string> allow_methods;  // GET|POST|OPTIONS|PUT|DELETE|PATCH|HEAD|ALL
  bool allow_credentials = false;
  std::vector<std::string> expose_headers;  // may hold "*"
  absl::optional<int64_t> max_age_sec;
  // True: the policy's CORS headers replace the origin's; false: the origin's win where present.
  bool origin_override = false;

  bool operator==(const CorsConfig&) const = default;
};

// A header the policy sets, and whether it replaces the origin's own.
struct PolicyHeader {
  std::string name;
  std::string value;
  bool override = false;

  bool operator==(const PolicyHeader&) const = default;
};

struct ResponseHeadersPolicy {
  std::string id;
  // API name ("Managed-SimpleCORS") or the custom policy's Name.
  std::string name;
  std::string comment;
  absl::optional<CorsConfig> cors;
  // SecurityHeadersConfig as the headers it generates (X-XSS-Protection, X-Frame-Options,
  // Referrer-Policy, Content-Security-Policy, X-Content-Type-Options, Strict-Transport-Security),
  // values already spelled out (SPEC 11.1).
  std::vector<PolicyHeader> security_headers;
  bool server_timing_enabled = false;
  double server_timing_sampling_rate = 0;  // percent, 0-100
  std::vector<PolicyHeader> custom_headers;
  std::vector<std::string> remove_headers;
  // The ResponseHeadersPolicyConfig as read (JSON text): the security headers above are already
  // spelled out, so the config a control plane reads back is kept rather than rewritten.
  std::string config_json;

  bool operator==(const ResponseHeadersPolicy&) const = default;
};

std::ostream& operator<<(std::ostream& os, const ResponseHeadersPolicy& policy);

// The five managed policies of SPEC 11.4.
const std::vector<ResponseHeadersPolicy>& ManagedResponseHeadersPolicies();

// By ID, API name ("Managed-SimpleCORS") or console name ("SimpleCORS"); nullptr when unknown.
const ResponseHeadersPolicy* FindManagedResponseHeadersPolicy(absl::string_view id_or_name);

// The JSON value `config` located at `location` (a ResponseHeadersPolicyConfig), read and
// validated as CloudFront does (SPEC 11.1, 11.2, 11.5). The first problem, as InvalidArgument
// "<CloudFront error code>: <location>: <message>"; ResponseHeadersPolicyErrorCode reads the code.
absl::StatusOr<ResponseHeadersPolicy> ParseResponseHeadersPolicyConfig(
    const nlohmann::json& config, absl::string_view location);

// The CloudFront error code of a loader problem: InvalidArgument, TooLongCSPInResponseHeadersPolicy,
// TooManyCustomHeadersInResponseHeadersPolicy or TooManyRemoveHeadersInResponseHeadersPolicy.
absl::string_view ResponseHeadersPolicyErrorCode(const absl::Status& status);
// The message without the code prefix.
absl::string_view ResponseHeadersPolicyErrorMessage(const absl::Status& status);

// Whether CloudFront refuses `name` in RemoveHeadersConfig or CustomHeadersConfig (SPEC 11.2).
bool IsProtectedResponseHeader(absl::string_view name);

// SPEC 11.3: a CORS request carries Origin; a preflight is an OPTIONS with Origin and
// Access-Control-Request-Method.
bool IsCorsPreflight(const Request& viewer);

// The value of Access-Control-Allow-Origin for `origin` (the request's Origin): "*" when the list
// holds "*", the origin itself when it matches an entry exactly or through a leftmost-label
// wildcard ("https://*.example.com" matches "https://a.b.example.com"); nullopt otherwise.
absl::optional<std::string> AllowedOrigin(const CorsConfig& cors, absl::string_view origin);

// What Server-Timing reports of one answer (SPEC 5, 11.2).
struct ServerTimingFacts {
  absl::string_view cache_metric;  // "cdn-cache-hit", "cdn-cache-miss", "cdn-cache-refresh"
  absl::string_view pop;
  absl::string_view request_id;
};

// Whether Server-Timing goes on this answer: always when the viewer sends `Pragma:
// server-timing`; otherwise when enabled and `request_id`'s hash falls within the sampling rate
// (deterministic, so every driver agrees).
bool SamplesServerTiming(const ResponseHeadersPolicy& policy, const Request& viewer,
                         absl::string_view request_id);

// SPEC 11.2: removes `RemoveHeadersConfig`'s headers, then adds CORS (on CORS requests; the
// preflight-only ones on preflights), security and custom headers, each replacing the response's
// own only with Override (CORS: OriginOverride), and Server-Timing when sampled.
void ApplyResponseHeadersPolicy(const ResponseHeadersPolicy& policy, const Request& viewer,
                                const ServerTimingFacts& timing, Headers* headers);

}  // namespace edgesim::policy
