#include "policy/ttl.h"

#include <algorithm>
#include <cstdint>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/http_date.h"
#include "tests/policy/ttl_worked_cases.h"

namespace edgesim::policy {
namespace {

using absl::Seconds;
using namespace spec39;  // NOLINT: the shared table and its helpers
using testing::Contains;
using testing::HasSubstr;

class SpecWorkedTtlCasesTest : public testing::TestWithParam<WorkedCase> {};

TEST_P(SpecWorkedTtlCasesTest, MatchesSpecTable) {
  const WorkedCase& c = GetParam();
  ASSERT_FALSE(c.policies.empty());
  for (const Ttls& t : c.policies) {
    SCOPED_TRACE(absl::StrCat("Min ", t.min, " Default ", t.default_ttl, " Max ", t.max));
    const TtlDecision d = ExplainTtl(WorkedResponse(c), Policy(t), kNow, c.context);
    EXPECT_FALSE(d.steps.empty()) << d;
    EXPECT_THAT(d.steps, Contains(HasSubstr(d.reason))) << d;

    if (c.failing_origin_status.has_value()) {
      // Row 38: the copy was stored, has been expired for 30 s, and the origin fails now.
      ASSERT_TRUE(d.store) << d;
      const StaleOnErrorDecision s = DecideStaleOnError(d, *c.failing_origin_status, Seconds(30),
                                                        c.context.error_caching_min_ttl);
      EXPECT_EQ(s.serve_stale, c.expect.cached) << s;
      EXPECT_EQ(s.serve_for, Seconds(c.expect.ttl)) << s;
      EXPECT_FALSE(s.retry_origin_each_request) << s;
      EXPECT_THAT(s.reason, HasSubstr(c.reason_mentions)) << s;
      continue;
    }
    const Expected& e = c.expect;
    EXPECT_EQ(d.store, e.cached) << d;
    EXPECT_EQ(d.fresh_for, Seconds(e.ttl)) << d;
    EXPECT_EQ(d.source, e.source) << d;
    EXPECT_EQ(d.stale_while_revalidate, Seconds(e.stale_while_revalidate)) << d;
    EXPECT_EQ(d.forward_every_request, e.forward_every_request) << d;
    // SPEC 7.2: TTL-0 objects (and Vary: * forwarding) are never collapsed.
    EXPECT_EQ(d.collapsible, e.cached && e.ttl > 0 && !e.forward_every_request) << d;
    EXPECT_THAT(d.reason, HasSubstr(c.reason_mentions)) << d;
  }
}

INSTANTIATE_TEST_SUITE_P(Spec39, SpecWorkedTtlCasesTest, testing::ValuesIn(kWorkedCases),
                         [](const testing::TestParamInfo<WorkedCase>& info) {
                           return info.param.name;
                         });

// DecideTtl leaves the prose out and nothing else: the caches run it, the assertions above
// check ExplainTtl.
TtlDecision WithoutProse(TtlDecision d) {
  d.reason.clear();
  d.steps.clear();
  d.warnings.clear();
  return d;
}

class SpecWorkedTtlCasesWithoutExplanationTest : public testing::TestWithParam<WorkedCase> {};

TEST_P(SpecWorkedTtlCasesWithoutExplanationTest, DecidesAsExplainTtl) {
  const WorkedCase& c = GetParam();
  for (const Ttls& t : c.policies) {
    SCOPED_TRACE(absl::StrCat("Min ", t.min, " Default ", t.default_ttl, " Max ", t.max));
    const TtlDecision explained = ExplainTtl(WorkedResponse(c), Policy(t), kNow, c.context);
    const TtlDecision decided = DecideTtl(WorkedResponse(c), Policy(t), kNow, c.context);
    EXPECT_TRUE(decided.reason.empty()) << decided;
    EXPECT_TRUE(decided.steps.empty()) << decided;
    EXPECT_EQ(decided, WithoutProse(explained));
    if (c.failing_origin_status.has_value()) {
      EXPECT_EQ(DecideStaleOnError(decided, *c.failing_origin_status, Seconds(30),
                                   c.context.error_caching_min_ttl),
                DecideStaleOnError(explained, *c.failing_origin_status, Seconds(30),
                                   c.context.error_caching_min_ttl));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Spec39, SpecWorkedTtlCasesWithoutExplanationTest,
                         testing::ValuesIn(kWorkedCases),
                         [](const testing::TestParamInfo<WorkedCase>& info) {
                           return info.param.name;
                         });

TEST(SpecWorkedTtlCasesTableTest, HasEveryRowInOrder) {
  ASSERT_EQ(std::size(kWorkedCases), 48u);
  for (size_t i = 0; i < std::size(kWorkedCases); ++i) {
    EXPECT_THAT(kWorkedCases[i].name, testing::StartsWith(absl::StrFormat("Case%02d_", i + 1)));
  }
}

// ---- Focused tests
// --------------------------------------------------------------------------------

// ExplainTtl, after checking that DecideTtl decides the same without the prose.
TtlDecision Decide(int status, Headers headers, const Ttls& ttls = kLegacyDefaults,
                   const TtlContext& context = {}, const ModelOptions& options = {}) {
  const Response response = MakeResponse(status, std::move(headers));
  TtlDecision explained = ExplainTtl(response, Policy(ttls), kNow, context, options);
  EXPECT_EQ(DecideTtl(response, Policy(ttls), kNow, context, options), WithoutProse(explained));
  return explained;
}

// SPEC 3.2: s-maxage > max-age > Expires, and the steps say which header won over which.
TEST(DecideTtlTest, StepsNameTheWinningHeader) {
  const TtlDecision s =
      Decide(200, {{"Cache-Control", "max-age=10, s-maxage=100"}, {"Expires", ExpiresIn(5)}});
  EXPECT_EQ(s.source, TtlSource::kSMaxAge);
  EXPECT_THAT(s.steps, Contains(HasSubstr("s-maxage wins over max-age=10")));
  EXPECT_THAT(s.steps, Contains(HasSubstr("s-maxage wins over Expires")));

  const TtlDecision m = Decide(200, {{"Cache-Control", "max-age=10"}, {"Expires", ExpiresIn(5)}});
  EXPECT_THAT(m.steps, Contains(HasSubstr("max-age wins over Expires")));
  EXPECT_THAT(m.steps, Contains(HasSubstr("Cache-Control: max-age=10")));
}

TEST(DecideTtlTest, CombinesSeveralCacheControlLines) {
  const TtlDecision d =
      Decide(200, {{"Cache-Control", "max-age=60"}, {"cache-control", "s-maxage=30"}});
  EXPECT_EQ(d.source, TtlSource::kSMaxAge);
  EXPECT_EQ(d.fresh_for, Seconds(30));
}

// SPEC 3.2: qualified no-cache, public, immutable, must-revalidate do not change the TTL.
TEST(DecideTtlTest, DirectivesWithoutTtlEffectAreIgnored) {
  for (const char* cc : {"no-cache=\"Set-Cookie\", max-age=60",
                         "public, max-age=60, immutable, must-revalidate, proxy-revalidate"}) {
    const TtlDecision d = Decide(200, {{"Cache-Control", cc}});
    EXPECT_TRUE(d.store) << cc;
    EXPECT_EQ(d.fresh_for, Seconds(60)) << cc;
    EXPECT_EQ(d.source, TtlSource::kMaxAge) << cc;
  }
}

TEST(DecideTtlTest, SMaxAgeZeroIsStoredAndRevalidatedButNotCollapsed) {
  const TtlDecision d =
      Decide(200, {{"Cache-Control", "s-maxage=0, max-age=600"}, {"ETag", "\"a\""}});
  EXPECT_TRUE(d.store);
  EXPECT_EQ(d.fresh_for, absl::ZeroDuration());
  EXPECT_FALSE(d.collapsible);
}

// UNCONFIRMED (SPEC B6): invalid or repeated Expires means already expired (stored to revalidate
// given a validator, SPEC B5).
TEST(DecideTtlTest, InvalidExpiresIsAlreadyExpired_UNCONFIRMED) {
  for (Headers h :
       {Headers{{"Expires", "0"}}, Headers{{"Expires", "-1"}}, Headers{{"Expires", "next week"}},
        Headers{{"Expires", ExpiresIn(600)}, {"Expires", ExpiresIn(900)}}}) {
    h.Add("ETag", "\"a\"");
    const TtlDecision d = Decide(200, h);
    EXPECT_TRUE(d.store) << h;
    EXPECT_EQ(d.fresh_for, absl::ZeroDuration()) << h;
    EXPECT_EQ(d.source, TtlSource::kExpires) << h;
    EXPECT_THAT(d.steps, Contains(HasSubstr("already expired"))) << d;
  }
}

TEST(DecideTtlTest, ExpiresIsMeasuredExactlyFromNow) {
  const Response r = MakeResponse(200, {{"Expires", FormatHttpDate(kNow + Seconds(100))}});
  const TtlDecision d = DecideTtl(r, Policy(kLegacyDefaults), kNow + absl::Milliseconds(500), {});
  EXPECT_EQ(d.fresh_for, Seconds(100) - absl::Milliseconds(500));
}

// SPEC 4.2: 2xx (206 included) and 3xx are cacheable; 304 and non-final statuses are not.
TEST(DecideTtlTest, StatusesOutsideErrorClasses) {
  for (int status : {200, 203, 204, 206, 300, 301, 302, 307, 308}) {
    EXPECT_TRUE(Decide(status, {{"Cache-Control", "max-age=60"}}).store) << status;
  }
  for (int status : {100, 304, 600, 0}) {
    const TtlDecision d = Decide(status, {{"Cache-Control", "max-age=60"}});
    EXPECT_FALSE(d.store) << status;
    EXPECT_EQ(d.source, TtlSource::kNotCacheable) << status;
  }
}

// ---- Error classes (SPEC 3.5) ----

TEST(DecideTtlErrorTest, AlwaysCachedErrorsUseErrorCachingMinTtlWithoutHeaders) {
  for (int status : {404, 414, 500, 501, 502, 503, 504}) {
    const TtlDecision d =
        Decide(status, {}, {60, 300, 3600}, {.error_caching_min_ttl = Seconds(5)});
    EXPECT_TRUE(d.store) << status;
    // MinTTL 60 plays no part in the error TTL.
    EXPECT_EQ(d.fresh_for, Seconds(5)) << status;
    EXPECT_EQ(d.source, TtlSource::kErrorCachingMinTtl) << status;
    EXPECT_THAT(d.reason, HasSubstr(absl::StrCat(status))) << d;
  }
}

TEST(DecideTtlErrorTest, SomeErrorsNeedMaxAgeOrSMaxAge) {
  for (int status : {400, 403, 405, 412, 415}) {
    EXPECT_FALSE(Decide(status, {}).store) << status;
    // Expires alone is not enough.
    EXPECT_FALSE(Decide(status, {{"Expires", ExpiresIn(600)}}).store) << status;
    const TtlDecision max_age = Decide(status, {{"Cache-Control", "max-age=60"}});
    EXPECT_TRUE(max_age.store) << status;
    EXPECT_EQ(max_age.fresh_for, Seconds(60)) << status;
    const TtlDecision s_maxage = Decide(status, {{"Cache-Control", "s-maxage=120"}});
    EXPECT_EQ(s_maxage.fresh_for, Seconds(120)) << status;
    EXPECT_EQ(s_maxage.source, TtlSource::kSMaxAge) << status;
  }
}

TEST(DecideTtlErrorTest, RangeNotSatisfiableIsNeverCached) {
  const TtlDecision d = Decide(416, {{"Cache-Control", "s-maxage=600"}}, {60, 300, 3600},
                               {.error_caching_min_ttl = Seconds(300)});
  EXPECT_FALSE(d.store);
  EXPECT_EQ(d.source, TtlSource::kNotCacheable);
}

TEST(DecideTtlErrorTest, ExpiresCountsForAlwaysCachedErrors) {
  const TtlDecision d = Decide(404, {{"Expires", ExpiresIn(300)}});
  EXPECT_EQ(d.fresh_for, Seconds(300));
  EXPECT_EQ(d.source, TtlSource::kExpires);
}

// SPEC 3.5: "any other CC directive" leaves the formula alone, no-store included.
TEST(DecideTtlErrorTest, NoStoreDoesNotStopErrorCaching) {
  const TtlDecision d = Decide(503, {{"Cache-Control", "no-store, max-age=300"}});
  EXPECT_EQ(d.fresh_for, Seconds(300));
  EXPECT_THAT(d.steps, Contains(HasSubstr("no-store has no effect on error caching")));
}

TEST(DecideTtlErrorTest, ErrorCachingMinTtlZeroCachesNothing) {
  const TtlDecision d = Decide(404, {}, kLegacyDefaults, {.error_caching_min_ttl = Seconds(0)});
  EXPECT_FALSE(d.store);
  EXPECT_EQ(d.source, TtlSource::kErrorCachingMinTtl);
}

// SPEC 3.3: a 501 from S3 carrying no-cache/no-store/private is never cached, even with MinTTL.
TEST(DecideTtlErrorTest, S3NotImplementedWithNoCacheDirectiveIsNeverCached) {
  const TtlContext s3{.s3_origin = true};
  for (const char* cc : {"no-cache", "no-store", "private"}) {
    const TtlDecision d = Decide(501, {{"Cache-Control", cc}}, {60, 300, 3600}, s3);
    EXPECT_FALSE(d.store) << cc;
    EXPECT_THAT(d.reason, HasSubstr("S3")) << d;
  }
  // Only for S3, only for 501, only with the directive.
  EXPECT_TRUE(Decide(501, {{"Cache-Control", "no-store"}}).store);
  EXPECT_TRUE(Decide(503, {{"Cache-Control", "no-store"}}, kLegacyDefaults, s3).store);
  EXPECT_TRUE(Decide(501, {}, kLegacyDefaults, s3).store);
}

// SPEC 3.3: CachingDisabled caches nothing, errors included; legacy forward-all-headers too.
TEST(DecideTtlTest, CachingDisabledCachesNothing) {
  CachePolicy forward_all = Policy(kLegacyDefaults);
  forward_all.legacy_forward_all_headers = true;
  for (int status : {200, 301, 404, 500, 503}) {
    for (const CachePolicy& policy : {Policy(kCachingDisabled), forward_all}) {
      const TtlDecision d = DecideTtl(MakeResponse(status, {{"Cache-Control", "s-maxage=600"}}),
                                      policy, kNow, {.error_caching_min_ttl = Seconds(60)});
      EXPECT_FALSE(d.store) << status << " " << d;
      EXPECT_EQ(d.source, TtlSource::kCachingDisabled);
      EXPECT_FALSE(d.collapsible);
    }
  }
}

// ---- Vary: * (SPEC 3.4) ----

TEST(DecideTtlVaryTest, StarAmongOtherNamesCounts) {
  const TtlDecision d = Decide(200, {{"Vary", "Accept-Encoding"},
                                     {"Vary", "Accept-Language, *"},
                                     {"Cache-Control", "max-age=600, stale-while-revalidate=60"}});
  EXPECT_TRUE(d.forward_every_request);
  EXPECT_EQ(d.source, TtlSource::kVaryStar);
  // Every request goes to the origin: nothing stale is served while revalidating either.
  EXPECT_EQ(d.stale_while_revalidate, absl::ZeroDuration());
  EXPECT_THAT(d.steps, Contains(HasSubstr("max-age=600")));
}

TEST(DecideTtlVaryTest, StarWithMinTtlIsLikeAnyOtherVary) {
  const TtlDecision d =
      Decide(200, {{"Vary", "*"}, {"Cache-Control", "max-age=600"}}, {60, 300, 3600});
  EXPECT_FALSE(d.forward_every_request);
  EXPECT_EQ(d.fresh_for, Seconds(600));
  EXPECT_TRUE(d.collapsible);
}

TEST(DecideTtlVaryTest, StarOnUnstoredResponseChangesNothing) {
  const TtlDecision d = Decide(200, {{"Vary", "*"}, {"Cache-Control", "no-store"}});
  EXPECT_FALSE(d.store);
  EXPECT_FALSE(d.forward_every_request);
}

// ---- Stale windows (SPEC 3.6) ----

TEST(DecideTtlStaleTest, WindowsAreCappedByMaxTtl) {
  const TtlDecision d = Decide(
      200, {{"Cache-Control", "max-age=100, stale-while-revalidate=60, stale-if-error=86400"}},
      {0, 300, 3600});
  EXPECT_EQ(d.stale_while_revalidate, Seconds(60));
  EXPECT_EQ(d.stale_if_error, Seconds(3600));
  EXPECT_THAT(d.steps, Contains(HasSubstr("stale-if-error=86400")));
}

TEST(DecideTtlStaleTest, WithoutDirectivesThereIsNoWindow) {
  const TtlDecision d = Decide(200, {{"Cache-Control", "max-age=100"}});
  EXPECT_EQ(d.stale_while_revalidate, absl::ZeroDuration());
  EXPECT_EQ(d.stale_if_error, absl::nullopt);
}

TEST(DecideTtlStaleTest, StaleIfErrorZeroIsKeptAsZero) {
  const TtlDecision d = Decide(200, {{"Cache-Control", "max-age=100, stale-if-error=0"}});
  EXPECT_EQ(d.stale_if_error, absl::ZeroDuration());
  EXPECT_THAT(d.steps, Contains(HasSubstr("never served stale")));
}

// ---- DecideStaleOnError (SPEC 3.5, 3.6) ----

TtlDecision Stored(absl::string_view cache_control, const Ttls& ttls = kLegacyDefaults) {
  return Decide(200, {{"Cache-Control", std::string(cache_control)}}, ttls);
}

TEST(DecideStaleOnErrorTest, ServerErrorsAndUnreachableOriginServeStaleForErrorCachingMinTtl) {
  const TtlDecision stored = Stored("max-age=60");
  for (int status : {0, 500, 502, 503, 504, 599}) {
    const StaleOnErrorDecision s = DecideStaleOnError(stored, status, Seconds(5), Seconds(30));
    EXPECT_TRUE(s.serve_stale) << status;
    EXPECT_EQ(s.serve_for, Seconds(30)) << status;
    EXPECT_FALSE(s.retry_origin_each_request) << status;
  }
  EXPECT_THAT(DecideStaleOnError(stored, 0, Seconds(5), absl::nullopt).reason,
              HasSubstr("origin unreachable"));
}

TEST(DecideStaleOnErrorTest, ClientErrorsAreReturned) {
  for (int status : {400, 403, 404, 416}) {
    const StaleOnErrorDecision s =
        DecideStaleOnError(Stored("max-age=60"), status, Seconds(5), absl::nullopt);
    EXPECT_FALSE(s.serve_stale) << status;
    EXPECT_THAT(s.reason, HasSubstr("error is returned")) << s;
  }
}

TEST(DecideStaleOnErrorTest, SuccessIsNotAFailure) {
  EXPECT_FALSE(
      DecideStaleOnError(Stored("max-age=60"), 200, Seconds(5), absl::nullopt).serve_stale);
}

TEST(DecideStaleOnErrorTest, NothingStoredNothingServed) {
  const StaleOnErrorDecision s =
      DecideStaleOnError(Stored("no-store"), 503, Seconds(5), absl::nullopt);
  EXPECT_FALSE(s.serve_stale);
  EXPECT_FALSE(s.reason.empty());
}

// SPEC 3.3: stale-if-error=0 disables serving stale on errors.
TEST(DecideStaleOnErrorTest, StaleIfErrorZeroDisables) {
  const StaleOnErrorDecision s =
      DecideStaleOnError(Stored("max-age=60, stale-if-error=0"), 503, Seconds(1), absl::nullopt);
  EXPECT_FALSE(s.serve_stale);
  EXPECT_THAT(s.reason, HasSubstr("stale-if-error"));
}

// SPEC 3.6, SPEC A15: inside the window the origin is still tried on each request.
TEST(DecideStaleOnErrorTest, StaleIfErrorWindow) {
  const TtlDecision stored = Stored("max-age=60, stale-if-error=600");
  const StaleOnErrorDecision inside = DecideStaleOnError(stored, 0, Seconds(100), Seconds(10));
  EXPECT_TRUE(inside.serve_stale);
  EXPECT_EQ(inside.serve_for, Seconds(500));
  EXPECT_TRUE(inside.retry_origin_each_request);
  EXPECT_THAT(inside.reason, HasSubstr("stale-if-error"));

  const StaleOnErrorDecision after = DecideStaleOnError(stored, 503, Seconds(600), Seconds(10));
  EXPECT_FALSE(after.serve_stale);
  EXPECT_THAT(after.reason, HasSubstr("is over"));
}

// SPEC 3.3 doc warning: with MinTTL > 0, even a no-store copy is served when the origin fails.
TEST(DecideStaleOnErrorTest, MinTtlOverriddenNoStoreCopyIsServedStale) {
  const StaleOnErrorDecision s =
      DecideStaleOnError(Stored("no-store", {1, kDay, kYear}), 0, Seconds(3), absl::nullopt);
  EXPECT_TRUE(s.serve_stale);
  EXPECT_EQ(s.serve_for, Seconds(10));
}

// ---- UNCONFIRMED options, each flipped ----

TEST(DecideTtlOptionTest, StoreNoCacheForRevalidationOff_UNCONFIRMED) {
  ModelOptions options;
  options.store_no_cache_for_revalidation = false;
  const TtlDecision d = Decide(200, {{"Cache-Control", "no-cache"}}, kLegacyDefaults, {}, options);
  EXPECT_FALSE(d.store);
  EXPECT_THAT(d.reason, HasSubstr("store_no_cache_for_revalidation"));
  // max-age=0 is not no-cache: still stored to revalidate.
  EXPECT_TRUE(
      Decide(200, {{"Cache-Control", "max-age=0"}, {"ETag", "\"a\""}}, kLegacyDefaults, {}, options)
          .store);
  // MinTTL > 0 still overrides.
  EXPECT_EQ(Decide(200, {{"Cache-Control", "no-cache"}}, {60, 300, 3600}, {}, options).fresh_for,
            Seconds(60));
}

TEST(DecideTtlOptionTest, NoCacheBeatsMaxAgeOff_UNCONFIRMED) {
  const Headers no_cache{{"Cache-Control", "max-age=600, no-cache"}};
  const TtlDecision by_default = Decide(200, no_cache);
  EXPECT_EQ(by_default.source, TtlSource::kNoCacheDirective);
  EXPECT_EQ(by_default.fresh_for, absl::ZeroDuration());

  ModelOptions options;
  options.no_cache_beats_max_age = false;
  const TtlDecision flipped = Decide(200, no_cache, kLegacyDefaults, {}, options);
  EXPECT_EQ(flipped.source, TtlSource::kMaxAge);
  EXPECT_EQ(flipped.fresh_for, Seconds(600));
  EXPECT_THAT(flipped.steps, Contains(HasSubstr("no_cache_beats_max_age")));
  EXPECT_EQ(Decide(200, {{"Cache-Control", "no-cache, s-maxage=60"}}, kLegacyDefaults, {}, options)
                .fresh_for,
            Seconds(60));
  // Never over no-store or private.
  for (const char* cc : {"max-age=600, no-store", "max-age=600, private, no-cache"}) {
    EXPECT_FALSE(Decide(200, {{"Cache-Control", cc}}, kLegacyDefaults, {}, options).store) << cc;
  }
}

TEST(DecideTtlOptionTest, ExpiresRelativeToOriginDate_UNCONFIRMED) {
  // The origin's clock is 100 s behind ours; it means "fresh for an hour".
  const Headers h{{"Date", FormatHttpDate(kNow - Seconds(100))},
                  {"Expires", FormatHttpDate(kNow - Seconds(100) + Seconds(3600))}};
  EXPECT_EQ(Decide(200, h).fresh_for, Seconds(3500));
  ModelOptions options;
  options.expires_relative_to_origin_date = true;
  const TtlDecision d = Decide(200, h, kLegacyDefaults, {}, options);
  EXPECT_EQ(d.fresh_for, Seconds(3600));
  EXPECT_THAT(d.reason, HasSubstr("origin's Date"));
  // Without a usable Date, now is the base again.
  EXPECT_EQ(
      Decide(200, {{"Date", "garbage"}, {"Expires", ExpiresIn(60)}}, kLegacyDefaults, {}, options)
          .fresh_for,
      Seconds(60));
}

TEST(DecideTtlOptionTest, StoreExpiredWithoutValidator_UNCONFIRMED) {
  const Headers h{{"Cache-Control", "max-age=0"}};
  EXPECT_FALSE(Decide(200, h).store);
  ModelOptions options;
  options.store_expired_without_validator = true;
  const TtlDecision d = Decide(200, h, kLegacyDefaults, {}, options);
  EXPECT_TRUE(d.store);
  EXPECT_EQ(d.fresh_for, absl::ZeroDuration());
  EXPECT_THAT(d.reason, HasSubstr("store_expired_without_validator"));
  // MaxTTL 0 still stores nothing.
  EXPECT_FALSE(Decide(200, {{"ETag", "\"a\""}}, {0, 0, 0}, {}, options).store);
}

TEST(DecideTtlOptionTest, SubtractOriginAge_UNCONFIRMED) {
  const Headers h{{"Cache-Control", "max-age=3600"}, {"Age", "600"}};
  const TtlDecision by_default = Decide(200, h);
  EXPECT_EQ(by_default.fresh_for, Seconds(3600));
  EXPECT_THAT(by_default.steps, Contains(HasSubstr("not subtracted")));

  ModelOptions options;
  options.subtract_origin_age = true;
  EXPECT_EQ(Decide(200, h, kLegacyDefaults, {}, options).fresh_for, Seconds(3000));
  const TtlDecision old =
      Decide(200, {{"Cache-Control", "s-maxage=60"}, {"Age", "600"}, {"ETag", "\"a\""}},
             kLegacyDefaults, {}, options);
  EXPECT_TRUE(old.store);
  EXPECT_EQ(old.fresh_for, absl::ZeroDuration());
  EXPECT_EQ(
      Decide(200, {{"Cache-Control", "max-age=60"}, {"Age", "x"}}, kLegacyDefaults, {}, options)
          .fresh_for,
      Seconds(60));
}

TEST(DecideTtlOptionTest, CacheUndocumentedErrorStatuses_UNCONFIRMED) {
  const Headers max_age{{"Cache-Control", "max-age=60"}};
  ModelOptions options;
  options.cache_undocumented_error_statuses = true;
  for (int status : {401, 408, 410, 429, 505}) {
    const TtlDecision by_default = Decide(status, max_age);
    EXPECT_FALSE(by_default.store) << status;
    EXPECT_THAT(by_default.reason, HasSubstr("UNCONFIRMED")) << by_default;
    const TtlDecision flipped = Decide(status, max_age, kLegacyDefaults, {}, options);
    EXPECT_TRUE(flipped.store) << status;
    EXPECT_EQ(flipped.fresh_for, Seconds(60)) << status;
    EXPECT_FALSE(Decide(status, {}, kLegacyDefaults, {}, options).store) << status;
  }
}

TEST(DecideTtlOptionTest, StaleWindowCappedAtMaxTtlSinceStore_UNCONFIRMED) {
  const Headers h{{"Cache-Control", "max-age=100, stale-while-revalidate=600, stale-if-error=600"}};
  const TtlDecision by_default = Decide(200, h, {0, 300, 300});
  EXPECT_EQ(by_default.stale_while_revalidate, Seconds(300));
  EXPECT_EQ(by_default.stale_if_error, Seconds(300));

  ModelOptions options;
  options.stale_window_capped_at_max_ttl_since_store = true;
  const TtlDecision flipped = Decide(200, h, {0, 300, 300}, {}, options);
  EXPECT_EQ(flipped.stale_while_revalidate, Seconds(200));
  EXPECT_EQ(flipped.stale_if_error, Seconds(200));
  EXPECT_EQ(Decide(200, {{"Cache-Control", "max-age=300, stale-while-revalidate=600"}},
                   {0, 300, 300}, {}, options)
                .stale_while_revalidate,
            absl::ZeroDuration());
}

TEST(DecideTtlOptionTest, DefaultErrorCachingMinTtl_UNCONFIRMED) {
  ModelOptions historic;
  historic.default_error_caching_min_ttl = Seconds(300);  // the pre-2019 default (A19)
  EXPECT_EQ(Decide(404, {}, kLegacyDefaults, {}, historic).fresh_for, Seconds(300));
  // A CustomErrorResponse's own value wins over the default.
  EXPECT_EQ(
      Decide(404, {}, kLegacyDefaults, {.error_caching_min_ttl = Seconds(20)}, historic).fresh_for,
      Seconds(20));
  EXPECT_EQ(
      DecideStaleOnError(Stored("max-age=1"), 503, Seconds(1), absl::nullopt, historic).serve_for,
      Seconds(300));
}

// ---- Names and printing ----

TEST(TtlSourceTest, EveryValueHasADistinctName) {
  std::set<std::string> names;
  for (TtlSource s :
       {TtlSource::kDefaultTtl, TtlSource::kSMaxAge, TtlSource::kMaxAge, TtlSource::kExpires,
        TtlSource::kNoCacheDirective, TtlSource::kMinTtlOverride, TtlSource::kErrorCachingMinTtl,
        TtlSource::kVaryStar, TtlSource::kCachingDisabled, TtlSource::kNotCacheable}) {
    EXPECT_FALSE(ToString(s).empty());
    names.emplace(ToString(s));
  }
  EXPECT_EQ(names.size(), 10u);
  EXPECT_EQ(ToString(TtlSource::kSMaxAge), "s-maxage");
  EXPECT_EQ(ToString(TtlSource::kDefaultTtl), "default_ttl");
}

TEST(TtlDecisionTest, PrintsReasonAndSteps) {
  std::ostringstream os;
  os << Decide(200, {{"Cache-Control", "max-age=3600"}}, {0, 86400, 600});
  EXPECT_THAT(os.str(), HasSubstr("reason=\"max-age=3600 capped by MaxTTL 600\""));
  EXPECT_THAT(os.str(), HasSubstr("source=max-age"));
}

}  // namespace
// The derivation that clamps also warns: explain's clamp warning is never a second guess.
TEST(TtlWarningTest, ClampedOriginTtlsAreWarnedAbout) {
  CachePolicy policy;
  policy.min_ttl = absl::Seconds(60);
  policy.default_ttl = absl::Seconds(600);
  policy.max_ttl = absl::Seconds(3600);
  Response below;
  below.headers.Add("Cache-Control", "max-age=10");
  EXPECT_THAT(ExplainTtl(below, policy, kNow, {}).warnings,
              testing::ElementsAre("the origin's max-age=10 is below MinTTL: clamped to 60s "
                                   "(SPEC 3.2)"));
  Response above;
  above.headers.Add("Cache-Control", "s-maxage=86400");
  EXPECT_THAT(ExplainTtl(above, policy, kNow, {}).warnings,
              testing::ElementsAre(HasSubstr("s-maxage=86400 is above MaxTTL: clamped to 3600s")));
  Response error = above;
  error.status = 404;
  EXPECT_THAT(ExplainTtl(error, policy, kNow, {}).warnings,
              testing::ElementsAre(HasSubstr("above MaxTTL")));
  Response within;
  within.headers.Add("Cache-Control", "max-age=600");
  EXPECT_TRUE(ExplainTtl(within, policy, kNow, {}).warnings.empty());
  EXPECT_TRUE(DecideTtl(below, policy, kNow, {}).warnings.empty());
}

}  // namespace edgesim::policy
