// ttl.h — how long CloudFront keeps an origin response, and what it does once it has expired.
//
// `DecideTtl` is SPEC 3.2–3.6 in one function: the TTL resolution of cacheable 2xx/3xx responses
// (s-maxage > max-age > Expires, MinTTL floor, MaxTTL ceiling only for header TTLs, DefaultTTL
// only without one), what "TTL 0" means (store-and-revalidate vs. not stored), MinTTL overriding
// no-cache/no-store/private, error caching with ErrorCachingMinTTL, CachingDisabled, `Vary: *`,
// and the stale-while-revalidate / stale-if-error windows. `DecideStaleOnError` is the other half
// of SPEC 3.5/3.6: the origin fails while an expired copy is stored.
//
// `source` always names the rule that decided. `ExplainTtl` also says why in prose, step by step,
// for `edgesim explain` and the reports; `DecideTtl`, on the request path, skips the prose.
//
//   TtlDecision d = DecideTtl(response, behavior.cache_policy, now,
//                             TtlContext{.error_caching_min_ttl = absl::Seconds(60)});
//   if (d.store) cache.Insert(key, response, /*fresh_until=*/now + d.fresh_for);
//   std::cout << ExplainTtl(response, behavior.cache_policy, now, {}).reason;
//                            // "max-age=3600 capped by MaxTTL 600"
//
// Worked example (SPEC 3.3, SPEC A8): MinTTL 0, origin sends `no-cache, must-revalidate` and an
// ETag. The first request stores the object with fresh_for 0; every later request revalidates it
// with If-None-Match, and a 304 answers the viewer from the stored body as a RefreshHit.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "policy/cache_policy.h"
#include "policy/http_message.h"
#include "policy/model_options.h"

namespace edgesim::policy {

// Which rule fixed the TTL.
enum class TtlSource {
  kDefaultTtl,          // no max-age/s-maxage/Expires: max(MinTTL, DefaultTTL)
  kSMaxAge,             // Cache-Control: s-maxage, then MinTTL/MaxTTL (MaxTTL only for errors)
  kMaxAge,              // Cache-Control: max-age, likewise
  kExpires,             // Expires - now (or - Date), likewise; invalid or past: 0
  kNoCacheDirective,    // no-cache/no-store/private with MinTTL 0: TTL 0
  kMinTtlOverride,      // no-cache/no-store/private with MinTTL > 0: cached for MinTTL
  kErrorCachingMinTtl,  // an error response kept for its ErrorCachingMinTTL
  kVaryStar,            // Vary: * with MinTTL 0: stored, but every request goes to the origin
  kCachingDisabled,     // MaxTTL 0 (Managed-CachingDisabled) or legacy forward-all-headers
  kNotCacheable,        // a status CloudFront never caches, or an error without required header
};

// "default_ttl", "s-maxage", "max-age", "expires", "no_cache_directive", "min_ttl_override",
// "error_caching_min_ttl", "vary_star", "caching_disabled", "not_cacheable".
absl::string_view ToString(TtlSource source);
std::ostream& operator<<(std::ostream& os, TtlSource source);

// What the distribution adds to the cache policy for one response.
struct TtlContext {
  // From the CustomErrorResponse for this status; absent: ModelOptions's default (SPEC 3.5).
  absl::optional<absl::Duration> error_caching_min_ttl = {};
  // The response came from an S3 origin (SPEC 3.3: its 501 with no-cache etc. is never cached).
  bool s3_origin = false;

  bool operator==(const TtlContext&) const = default;
};

std::ostream& operator<<(std::ostream& os, const TtlContext& context);

struct TtlDecision {
  // Keep the response in cache at all. false: serve it to this viewer and forget it.
  bool store = false;
  // How long a stored response is served without contacting the origin. 0 with store == true:
  // stored but already expired, so every request revalidates it conditionally (SPEC 3.3).
  absl::Duration fresh_for = absl::ZeroDuration();
  // After expiry, serve the stale copy at once and refresh in the background for this long
  // (SPEC 3.6); 0 without the directive.
  absl::Duration stale_while_revalidate = absl::ZeroDuration();
  // The origin's stale-if-error window after expiry (SPEC 3.6), already capped by MaxTTL.
  // nullopt without the directive: then SPEC 3.5's default (stale for ErrorCachingMinTTL)
  // applies. 0 (e.g. `stale-if-error=0`): never serve this copy stale on an origin error.
  absl::optional<absl::Duration> stale_if_error = {};
  // Vary: * with MinTTL 0 (SPEC 3.4): every request goes to the origin without conditional
  // headers; the stored copy only matters when the origin fails.
  bool forward_every_request = false;
  // Concurrent misses may share one origin fetch (SPEC 7.2): false for TTL-0 objects.
  bool collapsible = false;
  TtlSource source = TtlSource::kNotCacheable;
  // One line for humans, naming the header or setting that won: "max-age=3600 capped by MaxTTL
  // 600". Empty from DecideTtl; ExplainTtl fills it.
  std::string reason = {};
  // The derivation in order: inputs, which header won, clamps, stale windows, why stored or not.
  // Empty from DecideTtl; ExplainTtl fills it.
  std::vector<std::string> steps = {};
  // What a reader would not expect, e.g. the origin's max-age clamped by MinTTL or MaxTTL.
  // Empty from DecideTtl; ExplainTtl fills it.
  std::vector<std::string> warnings = {};

  bool operator==(const TtlDecision&) const = default;
};

std::ostream& operator<<(std::ostream& os, const TtlDecision& decision);

// The TTL decision for a response the origin just sent (any status). `now` is when it arrived.
// Leaves `reason` and `steps` empty: building them costs several times the decision itself.
// REQUIRES: policy.min_ttl <= policy.default_ttl <= policy.max_ttl (validated with the config).
TtlDecision DecideTtl(const Response& origin_response, const CachePolicy& policy, absl::Time now,
                      const TtlContext& context, const ModelOptions& options = {});

// DecideTtl with `reason` and `steps` filled in; every other field is the same.
TtlDecision ExplainTtl(const Response& origin_response, const CachePolicy& policy, absl::Time now,
                       const TtlContext& context, const ModelOptions& options = {});

// What to answer when the origin fails while an expired copy is stored (SPEC 3.5, 3.6; SPEC 3.9
// row 38).
struct StaleOnErrorDecision {
  // Serve the stored copy (a Hit on the stale object) instead of the origin's error.
  bool serve_stale = false;
  // From now, how long the stale copy keeps standing in for the origin. With
  // `retry_origin_each_request` false (SPEC 3.5's default) the origin is not contacted during it
  // and the next request after it retries; with true (inside stale-if-error, SPEC A15) each
  // request still tries the origin first and falls back to the stale copy until the window ends.
  absl::Duration serve_for = absl::ZeroDuration();
  bool retry_origin_each_request = false;
  std::string reason = {};

  bool operator==(const StaleOnErrorDecision&) const = default;
};

std::ostream& operator<<(std::ostream& os, const StaleOnErrorDecision& decision);

// `stored` is the TtlDecision the expired copy was stored under; `origin_status` what the origin
// answered now, 0 when it was unreachable or timed out (counted as a 5xx, SPEC 7.3);
// `expired_for` is now minus the copy's expiry; `error_caching_min_ttl` comes from the
// CustomErrorResponse for the status the viewer would otherwise get (502 for connection errors,
// 504 for timeouts), absent: ModelOptions's default.
StaleOnErrorDecision DecideStaleOnError(const TtlDecision& stored, int origin_status,
                                        absl::Duration expired_for,
                                        absl::optional<absl::Duration> error_caching_min_ttl,
                                        const ModelOptions& options = {});

}  // namespace edgesim::policy
