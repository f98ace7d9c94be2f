// ttl_worked_cases.h — SPEC 3.9's worked TTL cases as data.
//
// Shared by the policy test (DecideTtl against the table) and the CLI test (`edgesim explain`
// must answer the same), so the table is written once.
#pragma once

#include <algorithm>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "policy/cache_policy.h"
#include "policy/http_date.h"
#include "policy/http_message.h"
#include "policy/ttl.h"

namespace edgesim::policy::spec39 {

using absl::Seconds;

// Whole seconds, so that Expires (which has second resolution) gives exact TTLs.
inline const absl::Time kNow = absl::FromUnixSeconds(1700000000);
inline constexpr int64_t kYear = 31536000;
inline constexpr int64_t kDay = 86400;

struct Ttls {
  int64_t min = 0, default_ttl = kDay, max = kYear;
};

inline CachePolicy Policy(const Ttls& t) {
  CachePolicy p;
  p.min_ttl = Seconds(t.min);
  p.default_ttl = Seconds(t.default_ttl);
  p.max_ttl = Seconds(t.max);
  return p;
}

inline Response MakeResponse(int status, Headers headers) {
  Response r;
  r.status = status;
  r.headers = std::move(headers);
  return r;
}

inline std::string ExpiresIn(int64_t seconds) { return FormatHttpDate(kNow + Seconds(seconds)); }

// ---- SPEC 3.9: the worked TTL cases
// -----------------------------------------------------------

// SPEC 3.9's "Cached?" and "CloudFront TTL" columns. For row 38, `cached` means "the stale copy is
// served" and `ttl` for how long.
struct Expected {
  bool cached = false;
  int64_t ttl = 0;
  TtlSource source = TtlSource::kNotCacheable;
  int64_t stale_while_revalidate = 0;
  bool forward_every_request = false;
};

struct WorkedCase {
  std::string name;
  // Min/Default/Max. Rows whose columns say "any" list several policies; each must agree.
  std::vector<Ttls> policies = {};
  int status = 200;
  Headers headers = {};
  // Adds `Expires: now + expires_in` (negative: in the past).
  absl::optional<int64_t> expires_in = {};
  TtlContext context = {};
  // Row 38: what the origin answers while the response above is stored and expired.
  absl::optional<int> failing_origin_status = {};

  Expected expect = {};
  // The one-line reason must name the rule or header that won.
  std::string reason_mentions = {};
};

inline std::ostream& operator<<(std::ostream& os, const WorkedCase& c) { return os << c.name; }

inline Response WorkedResponse(const WorkedCase& c) {
  Response r = MakeResponse(c.status, c.headers);
  if (c.expires_in.has_value()) r.headers.Add("Expires", ExpiresIn(*c.expires_in));
  return r;
}

inline const Ttls kLegacyDefaults{0, kDay, kYear};
inline const Ttls kCachingDisabled{0, 0, 0};
// "any" Min/Default for the error rows, with the row's MaxTTL.
inline std::vector<Ttls> AnyMinDefault(int64_t max) {
  return {{0, std::min(kDay, max), max}, {60, 300, max}, {0, 0, max}};
}
inline const std::vector<Ttls> kAnyPolicy = {kLegacyDefaults, {60, 300, 3600}, {1, kDay, kYear}};

inline const WorkedCase kWorkedCases[] = {
    {.name = "Case01_NoHeadersUseDefaultTtl",
     .policies = {kLegacyDefaults},
     .expect = {true, 86400, TtlSource::kDefaultTtl},
     .reason_mentions = "DefaultTTL 86400"},
    {.name = "Case02_MaxAge",
     .policies = {kLegacyDefaults},
     .headers = {{"Cache-Control", "max-age=3600"}},
     .expect = {true, 3600, TtlSource::kMaxAge},
     .reason_mentions = "max-age=3600"},
    {.name = "Case03_MaxAgeCappedByMaxTtl",
     .policies = {{0, 86400, 600}},
     .headers = {{"Cache-Control", "max-age=3600"}},
     .expect = {true, 600, TtlSource::kMaxAge},
     .reason_mentions = "max-age=3600 capped by MaxTTL 600"},
    {.name = "Case04_MaxAgeZeroWithEtagStoredExpired",
     .policies = {kLegacyDefaults},
     .headers = {{"Cache-Control", "max-age=0"}, {"ETag", "\"v1\""}},
     .expect = {true, 0, TtlSource::kMaxAge},
     .reason_mentions = "revalidated on every request"},
    {.name = "Case05_MaxAgeRaisedToMinTtl",
     .policies = {{60, 300, 3600}},
     .headers = {{"Cache-Control", "max-age=30"}},
     .expect = {true, 60, TtlSource::kMaxAge},
     .reason_mentions = "max-age=30 raised to MinTTL 60"},
    {.name = "Case06_MaxAgeWithinBounds",
     .policies = {{60, 300, 3600}},
     .headers = {{"Cache-Control", "max-age=120"}},
     .expect = {true, 120, TtlSource::kMaxAge},
     .reason_mentions = "max-age=120 within MinTTL 60 and MaxTTL 3600"},
    {.name = "Case07_MaxAgeCapped",
     .policies = {{60, 300, 3600}},
     .headers = {{"Cache-Control", "max-age=7200"}},
     .expect = {true, 3600, TtlSource::kMaxAge},
     .reason_mentions = "capped by MaxTTL 3600"},
    {.name = "Case08_NoHeadersMaxOfMinAndDefault",
     .policies = {{60, 300, 3600}},
     .expect = {true, 300, TtlSource::kDefaultTtl},
     .reason_mentions = "DefaultTTL 300"},
    {.name = "Case09_SMaxAgeWins",
     .policies = {{0, 300, 3600}},
     .headers = {{"Cache-Control", "max-age=10, s-maxage=100"}},
     .expect = {true, 100, TtlSource::kSMaxAge},
     .reason_mentions = "s-maxage=100"},
    {.name = "Case10_SMaxAgeCapped",
     .policies = {{0, 300, 3600}},
     .headers = {{"Cache-Control", "max-age=10, s-maxage=7200"}},
     .expect = {true, 3600, TtlSource::kSMaxAge},
     .reason_mentions = "s-maxage=7200 capped by MaxTTL 3600"},
    {.name = "Case11_SMaxAgeRaisedToMinTtl",
     .policies = {{120, 300, 3600}},
     .headers = {{"Cache-Control", "max-age=3000, s-maxage=10"}},
     .expect = {true, 120, TtlSource::kSMaxAge},
     .reason_mentions = "s-maxage=10 raised to MinTTL 120"},
    {.name = "Case12_Expires",
     .policies = {kLegacyDefaults},
     .expires_in = 10800,
     .expect = {true, 10800, TtlSource::kExpires},
     .reason_mentions = "Expires (now+10800)"},
    {.name = "Case13_ExpiresCapped",
     .policies = {{0, 86400, 600}},
     .expires_in = 10800,
     .expect = {true, 600, TtlSource::kExpires},
     .reason_mentions = "capped by MaxTTL 600"},
    {.name = "Case14_ExpiresRaisedToMinTtl",
     .policies = {{300, 86400, kYear}},
     .expires_in = 60,
     .expect = {true, 300, TtlSource::kExpires},
     .reason_mentions = "Expires (now+60) raised to MinTTL 300"},
    {.name = "Case15_MaxAgeBeatsExpires",
     .policies = {kLegacyDefaults},
     .headers = {{"Cache-Control", "max-age=3600"}},
     .expires_in = 30 * kDay,
     .expect = {true, 3600, TtlSource::kMaxAge},
     .reason_mentions = "max-age=3600"},
    // UNCONFIRMED (SPEC B5, B6): a past Expires stores the object already expired, given a
    // validator to revalidate with.
    {.name = "Case16_ExpiresInThePastStoredExpired_UNCONFIRMED",
     .policies = {kLegacyDefaults},
     .headers = {{"Last-Modified", "Sun, 01 Nov 2026 10:00:00 GMT"}},
     .expires_in = -3600,
     .expect = {true, 0, TtlSource::kExpires},
     .reason_mentions = "Expires (in the past)"},
    // SPEC A8: no-cache with an ETag keeps a copy that is revalidated on every request.
    {.name = "Case17_NoCacheRevalidatesEachTime",
     .policies = {kLegacyDefaults},
     .headers = {{"Cache-Control", "no-cache"}, {"ETag", "\"v1\""}},
     .expect = {true, 0, TtlSource::kNoCacheDirective},
     .reason_mentions = "no-cache with MinTTL 0"},
    {.name = "Case18_NoStoreNotCached",
     .policies = {kLegacyDefaults},
     .headers = {{"Cache-Control", "no-store"}},
     .expect = {false, 0, TtlSource::kNoCacheDirective},
     .reason_mentions = "no-store with MinTTL 0"},
    // UNCONFIRMED (SPEC B5): private beats max-age.
    {.name = "Case19_PrivateWithMaxAgeNotCached_UNCONFIRMED",
     .policies = {kLegacyDefaults},
     .headers = {{"Cache-Control", "private, max-age=600"}},
     .expect = {false, 0, TtlSource::kNoCacheDirective},
     .reason_mentions = "private with MinTTL 0"},
    {.name = "Case20_MinTtlOverridesNoStore_CachingOptimized",
     .policies = {{1, 86400, kYear}},
     .headers = {{"Cache-Control", "no-store"}},
     .expect = {true, 1, TtlSource::kMinTtlOverride},
     .reason_mentions = "no-store overridden by MinTTL 1"},
    {.name = "Case21_MinTtlOverridesNoCache",
     .policies = {{60, 300, 3600}},
     .headers = {{"Cache-Control", "no-cache"}},
     .expect = {true, 60, TtlSource::kMinTtlOverride},
     .reason_mentions = "no-cache overridden by MinTTL 60"},
    {.name = "Case22_CachingDisabledIgnoresMaxAge",
     .policies = {kCachingDisabled},
     .headers = {{"Cache-Control", "max-age=3600"}},
     .expect = {false, 0, TtlSource::kCachingDisabled},
     .reason_mentions = "CachingDisabled"},
    {.name = "Case23_DefaultTtlZeroNotCached_UseOriginCacheControlHeaders",
     .policies = {{0, 0, kYear}},
     .expect = {false, 0, TtlSource::kDefaultTtl},
     .reason_mentions = "DefaultTTL 0: no ETag or Last-Modified"},
    {.name = "Case24_SMaxAgeWithDefaultTtlZero",
     .policies = {{0, 0, kYear}},
     .headers = {{"Cache-Control", "s-maxage=600"}},
     .expect = {true, 600, TtlSource::kSMaxAge},
     .reason_mentions = "s-maxage=600"},
    {.name = "Case25_AmplifyMaxAgeCapped",
     .policies = {{2, 2, 600}},
     .headers = {{"Cache-Control", "max-age=3600"}},
     .expect = {true, 600, TtlSource::kMaxAge},
     .reason_mentions = "max-age=3600 capped by MaxTTL 600"},
    {.name = "Case26_StaleWhileRevalidate",
     .policies = {kLegacyDefaults},
     .headers = {{"Cache-Control", "max-age=3600, stale-while-revalidate=600"}},
     .expect = {true, 3600, TtlSource::kMaxAge, /*stale_while_revalidate=*/600},
     .reason_mentions = "max-age=3600"},
    // UNCONFIRMED (SPEC B10): the window is min(S, MaxTTL) counted from expiry.
    {.name = "Case27_StaleWhileRevalidateCappedByMaxTtl_UNCONFIRMED",
     .policies = {{0, 86400, 300}},
     .headers = {{"Cache-Control", "max-age=100, stale-while-revalidate=600"}},
     .expect = {true, 100, TtlSource::kMaxAge, /*stale_while_revalidate=*/300},
     .reason_mentions = "max-age=100"},
    {.name = "Case28_RedirectFollowsNormalRules",
     .policies = {kLegacyDefaults},
     .status = 301,
     .headers = {{"Cache-Control", "max-age=86400"}, {"Location", "/new"}},
     .expect = {true, 86400, TtlSource::kMaxAge},
     .reason_mentions = "max-age=86400"},
    {.name = "Case29_FoundRedirectWithoutHeadersUsesDefaultTtl",
     .policies = {kLegacyDefaults},
     .status = 302,
     .headers = {{"Location", "/elsewhere"}},
     .expect = {true, 86400, TtlSource::kDefaultTtl},
     .reason_mentions = "DefaultTTL 86400"},
    {.name = "Case30_NotFoundUsesDefaultErrorCachingMinTtl",
     .policies = AnyMinDefault(kYear),
     .status = 404,
     .expect = {true, 10, TtlSource::kErrorCachingMinTtl},
     .reason_mentions = "ErrorCachingMinTTL 10"},
    {.name = "Case31_NotFoundMaxAgeBeatsErrorCachingMinTtl",
     .policies = AnyMinDefault(kYear),
     .status = 404,
     .headers = {{"Cache-Control", "max-age=300"}},
     .context = {.error_caching_min_ttl = Seconds(10)},
     .expect = {true, 300, TtlSource::kMaxAge},
     .reason_mentions = "max-age=300 beats ErrorCachingMinTTL 10"},
    {.name = "Case32_NotFoundErrorCachingMinTtlBeatsMaxAge",
     .policies = AnyMinDefault(kYear),
     .status = 404,
     .headers = {{"Cache-Control", "max-age=300"}},
     .context = {.error_caching_min_ttl = Seconds(600)},
     .expect = {true, 600, TtlSource::kErrorCachingMinTtl},
     .reason_mentions = "ErrorCachingMinTTL 600 beats max-age=300"},
    {.name = "Case33_NotFoundMaxAgeCappedByMaxTtl",
     .policies = AnyMinDefault(3600),
     .status = 404,
     .headers = {{"Cache-Control", "max-age=7200"}},
     .context = {.error_caching_min_ttl = Seconds(10)},
     .expect = {true, 3600, TtlSource::kMaxAge},
     .reason_mentions = "max-age=7200 capped by MaxTTL 3600"},
    {.name = "Case34_ForbiddenWithoutMaxAgeNotCached",
     .policies = kAnyPolicy,
     .status = 403,
     .expect = {false, 0, TtlSource::kNotCacheable},
     .reason_mentions = "403 without max-age or s-maxage"},
    {.name = "Case35_ForbiddenWithMaxAge",
     .policies = AnyMinDefault(kYear),
     .status = 403,
     .headers = {{"Cache-Control", "max-age=60"}},
     .context = {.error_caching_min_ttl = Seconds(10)},
     .expect = {true, 60, TtlSource::kMaxAge},
     .reason_mentions = "max-age=60 beats ErrorCachingMinTTL 10"},
    // 416 is never cached: its max-age and ErrorCachingMinTTL are both ignored.
    {.name = "Case36_RangeNotSatisfiableNeverCached",
     .policies = kAnyPolicy,
     .status = 416,
     .headers = {{"Cache-Control", "max-age=3600"}},
     .context = {.error_caching_min_ttl = Seconds(600)},
     .expect = {false, 0, TtlSource::kNotCacheable},
     .reason_mentions = "416 is never cached"},
    {.name = "Case37_ServiceUnavailableNoStoreUsesErrorCachingMinTtl",
     .policies = AnyMinDefault(kYear),
     .status = 503,
     .headers = {{"Cache-Control", "no-store"}},
     .expect = {true, 10, TtlSource::kErrorCachingMinTtl},
     .reason_mentions = "ErrorCachingMinTTL 10"},
    {.name = "Case38_ServiceUnavailableWhileExpiredCopyServesStale",
     .policies = kAnyPolicy,
     .headers = {{"Cache-Control", "max-age=60"}},
     .failing_origin_status = 503,
     .expect = {true, 10},
     .reason_mentions = "stale copy served for ErrorCachingMinTTL 10"},
    {.name = "Case39_CachingDisabledCachesNoErrors",
     .policies = {kCachingDisabled},
     .status = 404,
     .expect = {false, 0, TtlSource::kCachingDisabled},
     .reason_mentions = "errors included"},
    {.name = "Case40_VaryStarForwardsEveryRequest",
     .policies = {kLegacyDefaults},
     .headers = {{"Vary", "*"}},
     .expect = {true, 0, TtlSource::kVaryStar, /*stale_while_revalidate=*/0,
                /*forward_every_request=*/true},
     .reason_mentions = "without conditional headers"},
    {.name = "Case41_S3ObjectWithOnlyAmzMetaHeadersUsesDefaultTtl",
     .policies = {kLegacyDefaults},
     .headers = {{"x-amz-meta-owner", "team-a"},
                 {"x-amz-meta-build", "1234"},
                 {"ETag", "\"9b2cf535f27731c974343645a3985328\""},
                 {"Content-Type", "image/png"}},
     .context = {.s3_origin = true},
     .expect = {true, 86400, TtlSource::kDefaultTtl},
     .reason_mentions = "DefaultTTL 86400"},
    // SPEC 3.3 (SPEC-next 14.1): TTL 0 keeps a copy only when it can be revalidated.
    {.name = "Case42_MaxAgeZeroWithoutValidatorNotStored_UNCONFIRMED",
     .policies = {kLegacyDefaults},
     .headers = {{"Cache-Control", "max-age=0"}},
     .expect = {false, 0, TtlSource::kMaxAge},
     .reason_mentions = "no ETag or Last-Modified"},
    {.name = "Case43_DefaultTtlZeroWithEtagStoredExpired_UNCONFIRMED",
     .policies = {{0, 0, kYear}},
     .headers = {{"ETag", "\"v1\""}},
     .expect = {true, 0, TtlSource::kDefaultTtl},
     .reason_mentions = "DefaultTTL 0: stored, revalidated on every request"},
    {.name = "Case44_NoCacheWithoutValidatorNotStored_UNCONFIRMED",
     .policies = {kLegacyDefaults},
     .headers = {{"Cache-Control", "no-cache"}},
     .expect = {false, 0, TtlSource::kNoCacheDirective},
     .reason_mentions = "no ETag or Last-Modified"},
    // DG/http-3xx-status-codes.html: 307 and 308 are cached only with Cache-Control.
    {.name = "Case45_TemporaryRedirectWithoutCacheControlNotCached",
     .policies = kAnyPolicy,
     .status = 307,
     .headers = {{"Location", "/elsewhere"}},
     .expect = {false, 0, TtlSource::kNotCacheable},
     .reason_mentions = "307 without Cache-Control"},
    {.name = "Case46_PermanentRedirectWithExpiresOnlyNotCached",
     .policies = kAnyPolicy,
     .status = 308,
     .headers = {{"Location", "/elsewhere"}},
     .expires_in = 3600,
     .expect = {false, 0, TtlSource::kNotCacheable},
     .reason_mentions = "308 without Cache-Control"},
    {.name = "Case47_PermanentRedirectWithCacheControlCached",
     .policies = {kLegacyDefaults},
     .status = 308,
     .headers = {{"Cache-Control", "max-age=600"}, {"Location", "/elsewhere"}},
     .expect = {true, 600, TtlSource::kMaxAge},
     .reason_mentions = "max-age=600"},
    {.name = "Case48_TemporaryRedirectWithCacheControlWithoutMaxAgeUsesDefaultTtl",
     .policies = {kLegacyDefaults},
     .status = 307,
     .headers = {{"Cache-Control", "public"}, {"Location", "/elsewhere"}},
     .expect = {true, 86400, TtlSource::kDefaultTtl},
     .reason_mentions = "DefaultTTL 86400"},
};

}  // namespace edgesim::policy::spec39
