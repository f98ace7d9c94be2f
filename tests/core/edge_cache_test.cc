// EdgeCache against SPEC 3.9's TTL table played as request sequences, and scenario tests for
// revalidation, stale content, error caching, invalidation, collapsing, eviction, methods and
// CloudFront's viewer headers. Time is absl::Time values; the origin is a FakeOrigin.
#include "core/edge_cache.h"

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "core/viewer_head.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/http_date.h"
#include "tests/core/fake_origin.h"
#include "tests/core/test_time.h"
#include "tests/policy/invalidation_worked_cases.h"
#include "tests/policy/ttl_worked_cases.h"

namespace edgesim::core {
namespace {

using policy::CacheOutcome;
using policy::ErrorDetail;
using policy::Headers;
using policy::Request;
using ::testing::MatchesRegex;
using ::testing::Optional;


policy::CachePolicy Ttls(int64_t min, int64_t default_ttl, int64_t max) {
  return policy::spec39::Policy({min, default_ttl, max});
}

policy::Distribution MakeDistribution(policy::CachePolicy policy = Ttls(0, 86400, 31536000)) {
  return policy::SingleOriginDistribution("origin.example.com", std::move(policy));
}

std::unique_ptr<EdgeCache> MakeEdge(policy::Distribution d = MakeDistribution(),
                                    EdgeCacheOptions options = {}) {
  absl::StatusOr<std::unique_ptr<EdgeCache>> edge =
      EdgeCache::Create(std::move(d), std::move(options));
  EXPECT_TRUE(edge.ok()) << edge.status();
  return *std::move(edge);
}

Request With(Request r, absl::string_view name, absl::string_view value) {
  r.headers.Add(name, value);
  return r;
}

Request Method(absl::string_view method, absl::string_view target) {
  Request r = Request::Get(target);
  r.method = std::string(method);
  return r;
}

absl::optional<std::string> Owned(absl::optional<absl::string_view> v) {
  return v ? absl::optional<std::string>(std::string(*v)) : absl::nullopt;
}

// A header the viewer receives (core/viewer_head.h).
absl::optional<std::string> Header(const EdgeResult& r, absl::string_view name) {
  return Owned(ViewerHeaders(r).Get(name));
}

// A header of the last request the origin received.
absl::optional<std::string> Forwarded(const FakeOrigin& origin, absl::string_view name) {
  return Owned(origin.last_forwarded().headers.Get(name));
}

const Headers kCacheable60 = {{"Cache-Control", "max-age=60"}, {"ETag", "\"v1\""}};

// ---- SPEC 3.9, played as request sequences -------------------------------------------------

class Spec39Sequence : public ::testing::TestWithParam<policy::spec39::WorkedCase> {};

// Row 38: an expired 200 while the origin answers 503 is served stale for ErrorCachingMinTTL
// without contacting the origin, then the origin is retried.
void PlayStaleOnError(const policy::spec39::WorkedCase& c, EdgeCache& edge, FakeOrigin& origin) {
  const Request get = Request::Get("/obj");
  ASSERT_EQ(edge.Handle(get, At(0), origin).outcome, CacheOutcome::kMiss);
  ASSERT_EQ(edge.Handle(get, At(59), origin).outcome, CacheOutcome::kHit);  // max-age=60
  origin.Set("/obj", *c.failing_origin_status);
  const int64_t expired = 61;
  EdgeResult stale = edge.Handle(get, At(expired), origin);
  EXPECT_EQ(stale.outcome, CacheOutcome::kHit);
  EXPECT_TRUE(stale.served_stale);
  EXPECT_EQ(stale.viewer.status, 200);
  EXPECT_EQ(origin.fetches(), 2);
  EdgeResult still = edge.Handle(get, At(expired + c.expect.ttl - 1), origin);
  EXPECT_EQ(still.outcome, CacheOutcome::kHit);
  EXPECT_EQ(origin.fetches(), 2) << "no origin contact while the stale copy stands in";
  EdgeResult retried = edge.Handle(get, At(expired + c.expect.ttl + 1), origin);
  EXPECT_EQ(retried.outcome, CacheOutcome::kHit);
  EXPECT_EQ(origin.fetches(), 3);
  EXPECT_EQ(edge.TotalCounters()[Counter::kStaleOnError], 2u);
}

TEST_P(Spec39Sequence, PlayedAsRequests) {
  const policy::spec39::WorkedCase& c = GetParam();
  for (const policy::spec39::Ttls& ttls : c.policies) {
    SCOPED_TRACE(absl::StrCat("Min/Default/Max ", ttls.min, "/", ttls.default_ttl, "/", ttls.max));
    policy::Distribution d = MakeDistribution(policy::spec39::Policy(ttls));
    if (c.context.error_caching_min_ttl) {
      policy::CustomErrorResponse custom;
      custom.error_code = c.status;
      custom.error_caching_min_ttl = c.context.error_caching_min_ttl;
      d.config.custom_error_responses.push_back(custom);
    }
    if (c.context.s3_origin) d.config.origins[0].kind = policy::OriginKind::kS3;
    policy::Response scripted = policy::spec39::WorkedResponse(c);
    // Validators, so that a revalidation can be conditional. Not for rows the table keeps out of
    // the cache: for a TTL-0 answer a validator decides whether it is stored (SPEC 3.3).
    if (c.status < 400 && c.expect.cached && !scripted.headers.Has("ETag")) {
      scripted.headers.Add("ETag", "\"v1\"");
    }
    FakeOrigin origin;
    origin.Set("/obj", scripted);
    std::unique_ptr<EdgeCache> edge = MakeEdge(d);
    if (c.failing_origin_status) {
      PlayStaleOnError(c, *edge, origin);
      continue;
    }
    const Request get = Request::Get("/obj");
    const bool error = c.status >= 400;
    const CacheOutcome fetched = error ? CacheOutcome::kError : CacheOutcome::kMiss;
    const policy::spec39::Expected& e = c.expect;

    EdgeResult first = edge->Handle(get, At(0), origin);
    EXPECT_EQ(first.outcome, fetched);
    EXPECT_EQ(first.viewer.status, c.status);
    EXPECT_EQ(first.stored != nullptr, e.cached);
    EXPECT_EQ(origin.fetches(), 1);

    if (!e.cached) {
      EdgeResult again = edge->Handle(get, At(1), origin);
      EXPECT_EQ(again.outcome, fetched);
      EXPECT_EQ(again.miss_reason, e.source == policy::TtlSource::kCachingDisabled
                                       ? MissReason::kCachingDisabled
                                       : MissReason::kNotCached);
      EXPECT_EQ(origin.fetches(), 2);
      continue;
    }
    if (e.ttl == 0) {
      // SPEC 3.3: stored but expired at once; every request goes to the origin, conditionally
      // (304 -> RefreshHit) unless Vary: * (SPEC 3.4: full request, Miss).
      EdgeResult again = edge->Handle(get, At(5), origin);
      EXPECT_EQ(again.miss_reason, MissReason::kForwardEveryRequest);
      EXPECT_EQ(origin.fetches(), 2);
      EXPECT_EQ(origin.last_forwarded().headers.Has("If-None-Match"), !e.forward_every_request);
      EXPECT_EQ(again.outcome,
                e.forward_every_request ? CacheOutcome::kMiss : CacheOutcome::kRefreshHit);
      continue;
    }
    const CacheOutcome from_cache = error ? CacheOutcome::kError : CacheOutcome::kHit;
    const int64_t mid = e.ttl / 2;
    EdgeResult hit = edge->Handle(get, At(mid), origin);
    EXPECT_EQ(hit.outcome, from_cache);
    EXPECT_EQ(hit.age, absl::Seconds(mid));
    EXPECT_EQ(Header(hit, "Age"), mid > 0 ? absl::make_optional(absl::StrCat(mid)) : absl::nullopt);
    EXPECT_EQ(edge->Handle(get, At(e.ttl - 1), origin).outcome, from_cache);
    EXPECT_EQ(origin.fetches(), 1);

    EdgeResult expired = edge->Handle(get, At(e.ttl + 1), origin);
    if (error) {
      // A cached error is not revalidated: the origin is asked again (SPEC 3.5).
      EXPECT_EQ(expired.outcome, CacheOutcome::kError);
      EXPECT_EQ(expired.miss_reason, MissReason::kExpired);
      EXPECT_EQ(origin.fetches(), 2);
    } else if (e.stale_while_revalidate > 0) {
      EXPECT_EQ(expired.outcome, CacheOutcome::kHit);
      EXPECT_TRUE(expired.served_stale);
      ASSERT_TRUE(expired.background_refresh.has_value());
      EXPECT_EQ(origin.fetches(), 1);
      edge->Revalidate(*expired.background_refresh, At(e.ttl + 2), origin);
      EXPECT_EQ(origin.fetches(), 2);
      EdgeResult refreshed = edge->Handle(get, At(e.ttl + 3), origin);
      EXPECT_EQ(refreshed.outcome, CacheOutcome::kHit);
      EXPECT_FALSE(refreshed.served_stale);
      EXPECT_EQ(refreshed.age, absl::Seconds(1));
    } else {
      EXPECT_EQ(expired.outcome, CacheOutcome::kRefreshHit);
      EXPECT_EQ(expired.miss_reason, MissReason::kExpired);
      EXPECT_EQ(Forwarded(origin, "If-None-Match"), Owned(scripted.headers.Get("ETag")));
      EXPECT_EQ(origin.fetches(), 2);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Spec39, Spec39Sequence, ::testing::ValuesIn(policy::spec39::kWorkedCases),
                         [](const auto& info) { return info.param.name; });

// ---- Revalidation and stale content ---------------------------------------------------------

// TTLs of 2^63-1 s (CloudFront's Long) and a max-age past any int64 take fresh_until to the end
// of time: the object stays a hit, where rounding it to whole seconds once overflowed (a UBSan
// abort; in other builds an object expired at once).
TEST(EdgeCacheHugeTtlTest, EndlessTtlsAndHeadersStayHits) {
  constexpr int64_t kLong = INT64_MAX;
  struct Case {
    policy::CachePolicy policy;
    policy::Headers headers;
  };
  const Case cases[] = {
      {Ttls(kLong, kLong, kLong), {}},
      {Ttls(0, kLong, kLong), {{"Cache-Control", "max-age=99999999999999999999"}}},
      {Ttls(0, kLong, kLong), {{"Cache-Control", "s-maxage=9223372036854775807"}}},
      {Ttls(0, 0, kLong), {{"Expires", "Fri, 31 Dec 9999 23:59:59 GMT"}}},
      {Ttls(0, kLong, kLong),
       {{"Cache-Control",
         "max-age=9223372036854775807, stale-while-revalidate=9223372036854775807, "
         "stale-if-error=9223372036854775807"}}},
  };
  for (const Case& c : cases) {
    FakeOrigin origin;
    origin.Set("/a", 200, c.headers, "body");
    auto edge = MakeEdge(MakeDistribution(c.policy));
    edge->Handle(Request::Get("/a"), At(0), origin);
    const EdgeResult r = edge->Handle(Request::Get("/a"), At(86400 * 365), origin);
    EXPECT_EQ(r.outcome, CacheOutcome::kHit) << c.headers;
    EXPECT_EQ(origin.fetches(), 1) << c.headers;
  }
}

TEST(EdgeCacheRevalidationTest, ChangedObjectIsReplacedAsMiss) {
  FakeOrigin origin;
  origin.Set("/a", 200, kCacheable60, "v1");
  auto edge = MakeEdge();
  edge->Handle(Request::Get("/a"), At(0), origin);
  origin.Set("/a", 200, {{"Cache-Control", "max-age=60"}, {"ETag", "\"v2\""}}, "v2");
  EdgeResult r = edge->Handle(Request::Get("/a"), At(61), origin);
  EXPECT_EQ(r.outcome, CacheOutcome::kMiss);  // SPEC B8
  EXPECT_EQ(r.miss_reason, MissReason::kExpired);
  EXPECT_EQ(*r.body, "v2");
  EXPECT_EQ(edge->Handle(Request::Get("/a"), At(62), origin).outcome, CacheOutcome::kHit);
}

// SPEC 13.2: a viewer's validators go on a miss; the origin's 304 answers that viewer, unstored.
TEST(EdgeCacheRevalidationTest, AViewersValidatorsGoOnAMissAndIts304IsNotStored) {
  FakeOrigin origin;
  origin.Set("/a", 304, {{"Cache-Control", "max-age=60"}, {"ETag", "\"v1\""}}, "");
  auto edge = MakeEdge();
  EdgeResult r = edge->Handle(With(Request::Get("/a"), "If-None-Match", "\"v1\""), At(0), origin);
  EXPECT_EQ(origin.last_forwarded().headers.Get("If-None-Match"), "\"v1\"");
  EXPECT_EQ(r.viewer.status, 304);
  EXPECT_EQ(r.outcome, CacheOutcome::kMiss);
  EXPECT_EQ(edge->store_counters().entries, 0);
}

// SPEC 3.4, 13.2: revalidating its own copy, the edge sends that copy's validators only; the
// viewer's would make the origin's 304 speak of another copy.
TEST(EdgeCacheRevalidationTest, RevalidationSendsTheStoredValidatorsNotTheViewers) {
  FakeOrigin origin;
  origin.Set("/a", 200, {{"Cache-Control", "max-age=60"}, {"ETag", "\"v1\""}}, "v1");
  auto edge = MakeEdge();
  edge->Handle(Request::Get("/a"), At(0), origin);
  const Request viewer =
      With(With(Request::Get("/a"), "If-None-Match", "\"v9\""), "If-Modified-Since",
           "Wed, 01 May 2030 00:00:00 GMT");
  edge->Handle(viewer, At(61), origin);
  const Request forwarded = origin.last_forwarded();
  EXPECT_EQ(forwarded.headers.GetAll("If-None-Match"), std::vector<absl::string_view>{"\"v1\""});
  EXPECT_FALSE(forwarded.headers.Has("If-Modified-Since"));
}

TEST(EdgeCacheRevalidationTest, NotModifiedKeepsStoredHeaders) {
  FakeOrigin origin;
  origin.Set("/a", 200, {{"Cache-Control", "max-age=60"}, {"ETag", "\"v1\""}, {"X-V", "old"}});
  auto edge = MakeEdge();
  edge->Handle(Request::Get("/a"), At(0), origin);
  // Same ETag, new headers: a 304 does not bring them in (SPEC 3.4, SPEC B8, A14).
  origin.Set("/a", 200, {{"Cache-Control", "max-age=600"}, {"ETag", "\"v1\""}, {"X-V", "new"}});
  EdgeResult r = edge->Handle(Request::Get("/a"), At(61), origin);
  EXPECT_EQ(r.outcome, CacheOutcome::kRefreshHit);
  EXPECT_EQ(Header(r, "X-V"), "old");
  EXPECT_EQ(r.age, absl::ZeroDuration());
  EXPECT_EQ(edge->Handle(Request::Get("/a"), At(120), origin).outcome, CacheOutcome::kHit);
  EXPECT_EQ(edge->Handle(Request::Get("/a"), At(122), origin).outcome, CacheOutcome::kRefreshHit)
      << "the stored max-age=60 still rules";
}

TEST(EdgeCacheRevalidationTest, LastModifiedRevalidatesWithIfModifiedSince) {
  const std::string modified = policy::FormatHttpDate(At(-3600));
  FakeOrigin origin;
  origin.Set("/a", 200, {{"Cache-Control", "max-age=60"}, {"Last-Modified", modified}});
  auto edge = MakeEdge();
  edge->Handle(Request::Get("/a"), At(0), origin);
  EXPECT_EQ(edge->Handle(Request::Get("/a"), At(61), origin).outcome, CacheOutcome::kRefreshHit);
  EXPECT_EQ(Forwarded(origin, "If-Modified-Since"), modified);
}

TEST(EdgeCacheRevalidationTest, WithoutValidatorsRefetchesInFull) {
  FakeOrigin origin;
  origin.Set("/a", 200, {{"Cache-Control", "max-age=60"}});
  auto edge = MakeEdge();
  edge->Handle(Request::Get("/a"), At(0), origin);
  EdgeResult r = edge->Handle(Request::Get("/a"), At(61), origin);
  EXPECT_EQ(r.outcome, CacheOutcome::kMiss);
  EXPECT_FALSE(origin.last_forwarded().headers.Has("If-None-Match"));
}

TEST(EdgeCacheStaleTest, StaleWhileRevalidateHandsOutOneRefresh) {
  FakeOrigin origin;
  origin.Set("/a", 200,
             {{"Cache-Control", "max-age=60, stale-while-revalidate=30"}, {"ETag", "\"v1\""}});
  auto edge = MakeEdge();
  edge->Handle(Request::Get("/a"), At(0), origin);
  EdgeResult first = edge->Handle(Request::Get("/a"), At(70), origin);
  EdgeResult second = edge->Handle(Request::Get("/a"), At(71), origin);
  EXPECT_EQ(first.outcome, CacheOutcome::kHit);
  EXPECT_EQ(second.outcome, CacheOutcome::kHit);
  EXPECT_TRUE(first.served_stale && second.served_stale);
  EXPECT_EQ(first.age, absl::Seconds(70));
  ASSERT_TRUE(first.background_refresh.has_value());
  EXPECT_FALSE(second.background_refresh.has_value()) << "one refresh per key at a time";
  EXPECT_EQ(origin.fetches(), 1);
  EXPECT_EQ(edge->TotalCounters()[Counter::kStaleWhileRevalidate], 2);

  edge->Revalidate(*first.background_refresh, At(72), origin);
  EXPECT_EQ(origin.fetches(), 2);
  EXPECT_TRUE(origin.last_forwarded().headers.Has("If-None-Match"));
  EdgeResult fresh = edge->Handle(Request::Get("/a"), At(73), origin);
  EXPECT_EQ(fresh.outcome, CacheOutcome::kHit);
  EXPECT_FALSE(fresh.served_stale);
  EXPECT_EQ(fresh.age, absl::Seconds(1));
  // The refresh is released: the next expiry hands out a new one.
  EdgeResult later = edge->Handle(Request::Get("/a"), At(72 + 61), origin);
  EXPECT_TRUE(later.background_refresh.has_value());
  // A background refresh is no viewer request.
  EXPECT_EQ(edge->TotalCounters()[Counter::kRequests], 5);
}

TEST(EdgeCacheStaleTest, AfterTheStaleWhileRevalidateWindowRevalidatesInline) {
  FakeOrigin origin;
  origin.Set("/a", 200,
             {{"Cache-Control", "max-age=60, stale-while-revalidate=30"}, {"ETag", "\"v1\""}});
  auto edge = MakeEdge();
  edge->Handle(Request::Get("/a"), At(0), origin);
  EdgeResult r = edge->Handle(Request::Get("/a"), At(91), origin);
  EXPECT_EQ(r.outcome, CacheOutcome::kRefreshHit);
  EXPECT_FALSE(r.served_stale);
}

class StaleOnFailureTest : public ::testing::TestWithParam<absl::StatusCode> {};

// SPEC 3.5: unreachable or timing out counts as a 5xx: the stale copy for ErrorCachingMinTTL.
TEST_P(StaleOnFailureTest, ServesStaleForErrorCachingMinTtlThenRetries) {
  FakeOrigin origin;
  origin.Set("/a", 200, kCacheable60);
  auto edge = MakeEdge();
  edge->Handle(Request::Get("/a"), At(0), origin);
  origin.Fail("/a", GetParam());
  EdgeResult stale = edge->Handle(Request::Get("/a"), At(61), origin);
  EXPECT_EQ(stale.outcome, CacheOutcome::kHit);
  EXPECT_TRUE(stale.served_stale);
  EXPECT_EQ(stale.viewer.status, 200);
  EXPECT_EQ(stale.age, absl::Seconds(61));
  EXPECT_EQ(edge->Handle(Request::Get("/a"), At(70), origin).outcome, CacheOutcome::kHit);
  EXPECT_EQ(origin.fetches(), 2);
  edge->Handle(Request::Get("/a"), At(72), origin);
  EXPECT_EQ(origin.fetches(), 3);
  const CounterSnapshot c = edge->TotalCounters();
  EXPECT_EQ(c[Counter::kStaleOnError], 2);
  EXPECT_EQ(c[Counter::kOriginFailures], 2);
}

INSTANTIATE_TEST_SUITE_P(Failures, StaleOnFailureTest,
                         ::testing::Values(absl::StatusCode::kUnavailable,
                                           absl::StatusCode::kDeadlineExceeded));

TEST(EdgeCacheStaleTest, StaleOnErrorHonoursCustomErrorCachingMinTtl) {
  policy::Distribution d = MakeDistribution();
  policy::CustomErrorResponse custom;
  custom.error_code = 503;
  custom.error_caching_min_ttl = absl::Seconds(30);
  d.config.custom_error_responses.push_back(custom);
  FakeOrigin origin;
  origin.Set("/a", 200, kCacheable60);
  auto edge = MakeEdge(d);
  edge->Handle(Request::Get("/a"), At(0), origin);
  origin.Set("/a", 503);
  EXPECT_EQ(edge->Handle(Request::Get("/a"), At(61), origin).outcome, CacheOutcome::kHit);
  EXPECT_EQ(edge->Handle(Request::Get("/a"), At(90), origin).outcome, CacheOutcome::kHit);
  EXPECT_EQ(origin.fetches(), 2);
  edge->Handle(Request::Get("/a"), At(92), origin);
  EXPECT_EQ(origin.fetches(), 3);
}

// SPEC 3.6, SPEC A15: inside stale-if-error each request tries the origin first.
TEST(EdgeCacheStaleTest, StaleIfErrorRetriesEachRequestUntilItsWindowEnds) {
  FakeOrigin origin;
  origin.Set("/a", 200, {{"Cache-Control", "max-age=60, stale-if-error=100"}, {"ETag", "\"1\""}});
  auto edge = MakeEdge();
  edge->Handle(Request::Get("/a"), At(0), origin);
  origin.Fail("/a", absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(edge->Handle(Request::Get("/a"), At(70), origin).outcome, CacheOutcome::kHit);
  EXPECT_EQ(edge->Handle(Request::Get("/a"), At(71), origin).outcome, CacheOutcome::kHit);
  EXPECT_EQ(origin.fetches(), 3);
  EdgeResult over = edge->Handle(Request::Get("/a"), At(161), origin);
  EXPECT_EQ(over.outcome, CacheOutcome::kError);
  EXPECT_EQ(over.viewer.status, 504);
  EXPECT_EQ(over.error_detail, ErrorDetail::kOriginReadError);
}

TEST(EdgeCacheStaleTest, StaleIfErrorZeroNeverServesStale) {
  FakeOrigin origin;
  origin.Set("/a", 200, {{"Cache-Control", "max-age=60, stale-if-error=0"}});
  auto edge = MakeEdge();
  edge->Handle(Request::Get("/a"), At(0), origin);
  origin.Set("/a", 500);
  EdgeResult r = edge->Handle(Request::Get("/a"), At(61), origin);
  EXPECT_EQ(r.outcome, CacheOutcome::kError);
  EXPECT_EQ(r.viewer.status, 500);
}

// SPEC 3.5: with an expired copy, a 4xx is returned, not the stale object.
TEST(EdgeCacheStaleTest, ClientErrorWithExpiredCopyReturnsTheError) {
  FakeOrigin origin;
  origin.Set("/a", 200, kCacheable60);
  auto edge = MakeEdge();
  edge->Handle(Request::Get("/a"), At(0), origin);
  origin.Set("/a", 404);
  EdgeResult r = edge->Handle(Request::Get("/a"), At(61), origin);
  EXPECT_EQ(r.outcome, CacheOutcome::kError);
  EXPECT_EQ(r.viewer.status, 404);
  EXPECT_FALSE(r.served_stale);
}

// ---- Errors ---------------------------------------------------------------------------------

TEST(EdgeCacheErrorTest, NotFoundIsCachedTenSecondsByDefault) {
  FakeOrigin origin;
  auto edge = MakeEdge();
  EXPECT_EQ(edge->Handle(Request::Get("/missing"), At(0), origin).viewer.status, 404);
  EdgeResult cached = edge->Handle(Request::Get("/missing"), At(9), origin);
  EXPECT_EQ(cached.outcome, CacheOutcome::kError);  // SPEC 8.3: a cached error logs Error
  EXPECT_EQ(cached.error_detail, ErrorDetail::kError);
  EXPECT_EQ(Header(cached, "X-Cache"), "Error from cloudfront");
  EXPECT_EQ(origin.fetches(), 1);
  edge->Handle(Request::Get("/missing"), At(11), origin);
  EXPECT_EQ(origin.fetches(), 2);
  EXPECT_EQ(edge->TotalCounters()[Counter::kErrors], 3);
}

TEST(EdgeCacheErrorTest, CustomErrorResponseSetsErrorCachingMinTtl) {
  policy::Distribution d = MakeDistribution();
  policy::CustomErrorResponse custom;
  custom.error_code = 404;
  custom.error_caching_min_ttl = absl::Seconds(60);
  d.config.custom_error_responses.push_back(custom);
  FakeOrigin origin;
  auto edge = MakeEdge(d);
  edge->Handle(Request::Get("/missing"), At(0), origin);
  edge->Handle(Request::Get("/missing"), At(59), origin);
  EXPECT_EQ(origin.fetches(), 1);
  edge->Handle(Request::Get("/missing"), At(61), origin);
  EXPECT_EQ(origin.fetches(), 2);
}

// SPEC 7.3: no connection -> 502, no answer -> 504, both generated with `Server: CloudFront`.
// UNCONFIRMED that CloudFront caches its own 502/504 for ErrorCachingMinTTL as an origin's.
TEST(EdgeCacheErrorTest, FetchFailuresAreGeneratedAndCached_UNCONFIRMED) {
  FakeOrigin origin;
  origin.Fail("/down", absl::StatusCode::kUnavailable);
  origin.Fail("/slow", absl::StatusCode::kDeadlineExceeded);
  auto edge = MakeEdge();
  EdgeResult down = edge->Handle(Request::Get("/down"), At(0), origin);
  EXPECT_EQ(down.viewer.status, 502);
  EXPECT_EQ(down.outcome, CacheOutcome::kError);
  EXPECT_EQ(down.error_detail, ErrorDetail::kOriginConnectError);
  EXPECT_EQ(Header(down, "Server"), "CloudFront");
  EXPECT_GT(down.body_size, 0);
  EdgeResult slow = edge->Handle(Request::Get("/slow"), At(0), origin);
  EXPECT_EQ(slow.viewer.status, 504);
  EXPECT_EQ(slow.error_detail, ErrorDetail::kOriginReadError);
  EdgeResult cached = edge->Handle(Request::Get("/down"), At(5), origin);
  EXPECT_EQ(cached.viewer.status, 502);
  EXPECT_EQ(cached.error_detail, ErrorDetail::kError);
  EXPECT_EQ(origin.fetches(), 2);
  EXPECT_EQ(edge->TotalCounters()[Counter::kOriginFailures], 2);
}

// SPEC 4.3: a body cut short of its Content-Length is served, marked truncated, not stored.
TEST(EdgeCacheErrorTest, TruncatedAnswerIsServedButNotStored) {
  FakeOrigin origin;
  origin.Set("/t", 200, kCacheable60, "partpart");
  origin.CutShort("/t");
  auto edge = MakeEdge();
  EdgeResult first = edge->Handle(Request::Get("/t"), At(0), origin);
  EXPECT_EQ(first.outcome, CacheOutcome::kMiss);
  ASSERT_NE(first.body, nullptr);
  EXPECT_EQ(*first.body, "part");
  EXPECT_TRUE(first.truncated);
  EXPECT_EQ(first.stored, nullptr);
  EdgeResult second = edge->Handle(Request::Get("/t"), At(1), origin);
  EXPECT_EQ(second.outcome, CacheOutcome::kMiss);
  EXPECT_EQ(origin.fetches(), 2);
}

// SPEC 4.3, 3.6: a cut-short answer counts as no answer: inside stale-if-error the complete
// stale copy is served instead, and it stays stored.
TEST(EdgeCacheErrorTest, TruncatedAnswerServesTheStaleCopyInsideStaleIfError) {
  FakeOrigin origin;
  const Headers swr = {{"Cache-Control", "max-age=1, stale-if-error=600"}};
  origin.Set("/t", 200, swr, "complete");
  auto edge = MakeEdge();
  ASSERT_EQ(edge->Handle(Request::Get("/t"), At(0), origin).outcome, CacheOutcome::kMiss);
  origin.Set("/t", 200, swr, "newer-but-cut");
  origin.CutShort("/t");
  EdgeResult stale = edge->Handle(Request::Get("/t"), At(5), origin);
  EXPECT_EQ(stale.viewer.status, 200);
  EXPECT_TRUE(stale.served_stale);
  EXPECT_FALSE(stale.truncated);
  ASSERT_NE(stale.body, nullptr);
  EXPECT_EQ(*stale.body, "complete");
  EXPECT_EQ(origin.fetches(), 2);
}

// SPEC 4.3: with stale content off, the cut answer is relayed, yet the stored copy is neither
// replaced nor dropped: once the origin heals, a 304 refreshes it.
TEST(EdgeCacheErrorTest, TruncatedAnswerLeavesTheStoredCopyInPlace) {
  FakeOrigin origin;
  const Headers no_stale = {{"Cache-Control", "max-age=1, stale-if-error=0"}, {"ETag", "\"1\""}};
  origin.Set("/t", 200, no_stale, "complete");
  auto edge = MakeEdge();
  edge->Handle(Request::Get("/t"), At(0), origin);
  origin.Set("/t", 200, {{"Cache-Control", "max-age=1"}, {"ETag", "\"2\""}}, "changed!");
  origin.CutShort("/t");
  EdgeResult cut = edge->Handle(Request::Get("/t"), At(5), origin);
  EXPECT_TRUE(cut.truncated);
  ASSERT_NE(cut.body, nullptr);
  EXPECT_EQ(*cut.body, "chan");
  origin.Set("/t", 200, no_stale, "complete");  // healed, the stored version again
  EdgeResult refreshed = edge->Handle(Request::Get("/t"), At(6), origin);
  EXPECT_EQ(refreshed.outcome, CacheOutcome::kRefreshHit);
  ASSERT_NE(refreshed.body, nullptr);
  EXPECT_EQ(*refreshed.body, "complete");
}

// ---- Invalidation (SPEC 6) -----------------------------------------------------------------

class InvalidationTest : public ::testing::TestWithParam<policy::spec62::Spec62Case> {};

// SPEC 6.2's worked examples through Invalidate then Handle: an invalidated object is a Miss
// (kInvalidated) fetched again; the others stay Hits.
TEST_P(InvalidationTest, WorkedExample) {
  const policy::spec62::Spec62Case& c = GetParam();
  absl::StatusOr<policy::InvalidationPath> path =
      policy::InvalidationPath::Parse(c.invalidation_path);
  ASSERT_EQ(path.ok(), c.accepted);
  if (!path.ok()) return;
  for (size_t i = 0; i < c.objects.size(); ++i) {
    const policy::spec62::CachedObject& object = c.objects[i];
    SCOPED_TRACE(object.KeyPath());
    policy::CachePolicy p = Ttls(0, 86400, 31536000);
    p.enable_accept_encoding_gzip = p.enable_accept_encoding_brotli = true;
    if (object.query_in_key) p.query_strings.behavior = policy::KeyListBehavior::kAll;
    FakeOrigin origin;
    origin.Set(object.path, object.path == "/404.html" ? 404 : 200);
    auto edge = MakeEdge(MakeDistribution(p));
    // Row 1's variants differ by Accept-Encoding only: same object path, two entries.
    const Request request =
        With(Request::Get(object.query.empty() ? object.path
                                               : absl::StrCat(object.path, "?", object.query)),
             "Accept-Encoding", i % 2 == 0 ? "gzip" : "br");
    edge->Handle(request, At(0), origin);
    edge->Invalidate(*path, At(1));
    EdgeResult after = edge->Handle(request, At(2), origin);
    EXPECT_EQ(after.miss_reason, c.invalidated ? MissReason::kInvalidated : MissReason::kNone);
    EXPECT_EQ(origin.fetches(), c.invalidated ? 2 : 1);
  }
}

INSTANTIATE_TEST_SUITE_P(Spec62, InvalidationTest, ::testing::ValuesIn(policy::spec62::kCases),
                         [](const auto& info) { return info.param.name; });

TEST(EdgeCacheInvalidationTest, TakesEffectAfterThePropagationDelay) {
  FakeOrigin origin;
  origin.Set("/a", 200, kCacheable60);
  auto edge = MakeEdge();
  edge->Handle(Request::Get("/a"), At(0), origin);
  edge->Invalidate(*policy::InvalidationPath::Parse("/a"), At(30));
  EXPECT_EQ(edge->Handle(Request::Get("/a"), At(20), origin).outcome, CacheOutcome::kHit);
  EdgeResult after = edge->Handle(Request::Get("/a"), At(31), origin);
  EXPECT_EQ(after.miss_reason, MissReason::kInvalidated);
  EXPECT_EQ(origin.fetches(), 2);
  // Stored after the invalidation took effect: untouched by it.
  EXPECT_EQ(edge->Handle(Request::Get("/a"), At(32), origin).outcome, CacheOutcome::kHit);
}

TEST(EdgeCacheInvalidationTest, BothVariantsOfAPathAreInvalidated) {
  policy::CachePolicy p = Ttls(0, 86400, 31536000);
  p.enable_accept_encoding_gzip = p.enable_accept_encoding_brotli = true;
  FakeOrigin origin;
  origin.Set("/a.js", 200);
  auto edge = MakeEdge(MakeDistribution(p));
  const Request gzip = With(Request::Get("/a.js"), "Accept-Encoding", "gzip");
  const Request br = With(Request::Get("/a.js"), "Accept-Encoding", "br");
  edge->Handle(gzip, At(0), origin);
  edge->Handle(br, At(0), origin);
  EXPECT_EQ(origin.fetches(), 2);
  edge->Invalidate(*policy::InvalidationPath::Parse("/a.js"), At(1));
  EXPECT_EQ(edge->Handle(gzip, At(2), origin).miss_reason, MissReason::kInvalidated);
  EXPECT_EQ(edge->Handle(br, At(2), origin).miss_reason, MissReason::kInvalidated);
}

// ---- Request collapsing (SPEC 7.2) ----------------------------------------------------------

// Runs `n` concurrent Handles of one request; the origin holds every fetch until `release()`.
std::vector<EdgeResult> ConcurrentMisses(EdgeCache& edge, FakeOrigin& origin, const Request& r,
                                         int n, std::function<bool()> release) {
  origin.SetHook([&](const OriginRequest&) {
    const absl::Time deadline = absl::Now() + absl::Seconds(5);
    while (!release() && absl::Now() < deadline) std::this_thread::yield();
  });
  std::vector<EdgeResult> results(n);
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] { results[i] = edge.Handle(r, At(0), origin); });
  }
  for (std::thread& t : threads) t.join();
  origin.SetHook(nullptr);
  return results;
}

TEST(EdgeCacheCollapseTest, ConcurrentMissesMakeOneFetch) {
  constexpr int kThreads = 6;
  FakeOrigin origin;
  origin.Set("/a", 200, kCacheable60);
  auto edge = MakeEdge();
  std::vector<EdgeResult> results =
      ConcurrentMisses(*edge, origin, Request::Get("/a"), kThreads,
                       [&] { return edge->collapser_counters().followers == kThreads - 1; });
  EXPECT_EQ(origin.fetches(), 1);
  const auto misses = std::count_if(results.begin(), results.end(), [](const EdgeResult& r) {
    return r.outcome == CacheOutcome::kMiss && !r.collapsed;
  });
  const auto collapsed = std::count_if(results.begin(), results.end(), [](const EdgeResult& r) {
    return r.outcome == CacheOutcome::kHit && r.collapsed && r.viewer.status == 200;
  });
  EXPECT_EQ(misses, 1);
  EXPECT_EQ(collapsed, kThreads - 1);
  EXPECT_EQ(edge->TotalCounters()[Counter::kCollapsed], kThreads - 1);
  EXPECT_EQ(edge->TotalCounters()[Counter::kHits], kThreads - 1);
}

TEST(EdgeCacheCollapseTest, CookieForwardingBehaviorsDoNotCollapse) {
  constexpr int kThreads = 4;
  policy::CachePolicy p = Ttls(0, 86400, 31536000);
  p.cookies.behavior = policy::KeyListBehavior::kAll;
  FakeOrigin origin;
  origin.Set("/a", 200, kCacheable60);
  auto edge = MakeEdge(MakeDistribution(p));
  std::vector<EdgeResult> results = ConcurrentMisses(*edge, origin, Request::Get("/a"), kThreads,
                                                     [&] { return origin.fetches() == kThreads; });
  EXPECT_EQ(origin.fetches(), kThreads);
  for (const EdgeResult& r : results) EXPECT_FALSE(r.collapsed);
  EXPECT_EQ(edge->collapser_counters().leaders, 0);
}

// SPEC 7.2: a TTL-0 answer is not shared; the paused requests go to the origin themselves.
TEST(EdgeCacheCollapseTest, UnshareableAnswerReleasesFollowers) {
  constexpr int kThreads = 3;
  FakeOrigin origin;
  origin.Set("/a", 200, {{"Cache-Control", "no-store"}});
  auto edge = MakeEdge();
  std::vector<EdgeResult> results =
      ConcurrentMisses(*edge, origin, Request::Get("/a"), kThreads,
                       [&] { return edge->collapser_counters().followers == kThreads - 1; });
  EXPECT_EQ(origin.fetches(), kThreads);
  for (const EdgeResult& r : results) EXPECT_EQ(r.outcome, CacheOutcome::kMiss);
  EXPECT_EQ(edge->collapser_counters().released, kThreads - 1);
}

// ---- Eviction -------------------------------------------------------------------------------

TEST(EdgeCacheEvictionTest, SmallByteBudgetEvicts) {
  EdgeCacheOptions options;
  options.store.shards = 1;
  options.store.capacity_bytes = 64 * 1024;
  FakeOrigin origin;
  auto edge = MakeEdge(MakeDistribution(), options);
  for (int i = 0; i < 40; ++i) {
    const std::string path = absl::StrCat("/o", i);
    origin.Set(path, 200, kCacheable60, std::string(4096, 'x'));
    edge->Handle(Request::Get(path), At(0), origin);
  }
  const StoreCounters store = edge->store_counters();
  EXPECT_GT(store.evictions, 0);
  EXPECT_LE(store.charged_bytes, store.capacity_bytes);
  EdgeResult again = edge->Handle(Request::Get("/o0"), At(1), origin);
  EXPECT_EQ(again.outcome, CacheOutcome::kMiss);
  EXPECT_EQ(again.miss_reason, MissReason::kNotCached);
  const CounterSnapshot c = edge->TotalCounters();
  EXPECT_EQ(c[Counter::kRequests], 41);
  EXPECT_EQ(c[Counter::kMisses], 41);
  EXPECT_EQ(c[Counter::kBytesFromOrigin], 41 * 4096);
}

// ---- Viewer requests and responses ----------------------------------------------------------

TEST(EdgeCacheViewerTest, ConditionalHitAnswers304FromCache_UNCONFIRMED) {
  const std::string modified = policy::FormatHttpDate(At(-60));
  FakeOrigin origin;
  origin.Set("/a", 200,
             {{"Cache-Control", "max-age=60"}, {"ETag", "\"v1\""}, {"Last-Modified", modified}});
  auto edge = MakeEdge();
  edge->Handle(Request::Get("/a"), At(0), origin);
  EdgeResult match =
      edge->Handle(With(Request::Get("/a"), "If-None-Match", "\"v1\""), At(1), origin);
  EXPECT_EQ(match.viewer.status, 304);
  EXPECT_EQ(match.outcome, CacheOutcome::kHit);
  EXPECT_EQ(Header(match, "X-Cache"), "Hit from cloudfront");
  EXPECT_EQ(match.body, nullptr);
  EXPECT_EQ(match.body_size, 0);
  EXPECT_EQ(
      edge->Handle(With(Request::Get("/a"), "If-None-Match", "W/\"v1\", \"x\""), At(1), origin)
          .viewer.status,
      304);
  EXPECT_EQ(edge->Handle(With(Request::Get("/a"), "If-None-Match", "\"v0\""), At(1), origin)
                .viewer.status,
            200);
  EXPECT_EQ(edge->Handle(With(Request::Get("/a"), "If-Modified-Since", modified), At(1), origin)
                .viewer.status,
            304);
  EXPECT_EQ(
      edge->Handle(With(Request::Get("/a"), "If-Modified-Since", policy::FormatHttpDate(At(-61))),
                   At(1), origin)
          .viewer.status,
      200);
  EXPECT_EQ(edge->TotalCounters()[Counter::kViewerNotModified], 3);
  EXPECT_EQ(origin.fetches(), 1);
}

TEST(EdgeCacheViewerTest, CloudFrontHeaders) {
  FakeOrigin origin;
  origin.Set("/a", 200, {{"Cache-Control", "max-age=60"}, {"Via", "1.1 origin-proxy"}});
  EdgeCacheOptions options;
  options.pop = "SEA19-C1";
  auto edge = MakeEdge(MakeDistribution(), options);
  EdgeResult miss = edge->Handle(Request::Get("/a"), At(0), origin);
  EdgeResult hit0 = edge->Handle(Request::Get("/a"), At(0), origin);
  EdgeResult hit5 = edge->Handle(Request::Get("/a"), At(5), origin);
  EXPECT_EQ(Header(miss, "X-Cache"), "Miss from cloudfront");
  EXPECT_EQ(Header(hit5, "X-Cache"), "Hit from cloudfront");
  EXPECT_THAT(*Header(miss, "Via"),
              MatchesRegex("1\\.1 [0-9a-f]{32}\\.cloudfront\\.net \\(CloudFront\\)"));
  EXPECT_EQ(Header(miss, "Via"), Header(hit5, "Via"));  // the origin's Via is replaced
  EXPECT_EQ(ViewerHeaders(miss).GetAll("Via").size(), 1);
  EXPECT_EQ(Header(miss, "X-Amz-Cf-Pop"), "SEA19-C1");
  EXPECT_EQ(Header(hit0, "Age"), absl::nullopt);  // SPEC 3.7: omitted when 0
  EXPECT_EQ(Header(hit5, "Age"), "5");
  EXPECT_EQ(Header(miss, "Server"), absl::nullopt);

  std::set<std::string> ids;
  for (int i = 0; i < 200; ++i) {
    const std::string id = *Header(edge->Handle(Request::Get("/a"), At(1), origin), "X-Amz-Cf-Id");
    EXPECT_THAT(id, MatchesRegex("[A-Za-z0-9_-]{54}=="));
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 200);
}

TEST(EdgeCacheViewerTest, RequestIdsAreReproduciblePerSeed) {
  FakeOrigin origin;
  origin.Set("/a", 200);
  auto id = [&](uint64_t seed, absl::string_view pop) {
    EdgeCacheOptions options;
    options.request_id_seed = seed;
    options.pop = std::string(pop);
    auto edge = MakeEdge(MakeDistribution(), options);
    return *Header(edge->Handle(Request::Get("/a"), At(0), origin), "X-Amz-Cf-Id");
  };
  EXPECT_EQ(id(7, "IAD89-C1"), id(7, "IAD89-C1"));
  EXPECT_NE(id(7, "IAD89-C1"), id(8, "IAD89-C1"));
  EXPECT_NE(id(7, "IAD89-C1"), id(7, "FRA6-C1"));
}

// A hit copies no header: the answer refers to the stored head, and CloudFront's headers are data.
TEST(EdgeCacheViewerTest, HitsCopyNoHeadersAndIdsCanBeTurnedOff) {
  FakeOrigin origin;
  origin.Set("/a", 200, kCacheable60);
  EdgeCacheOptions options;
  options.assign_request_ids = false;
  auto edge = MakeEdge(MakeDistribution(), options);
  edge->Handle(Request::Get("/a"), At(0), origin);
  EdgeResult hit = edge->Handle(Request::Get("/a"), At(5), origin);
  EXPECT_EQ(hit.outcome, CacheOutcome::kHit);
  EXPECT_TRUE(hit.viewer.headers.empty());
  EXPECT_TRUE(hit.request_id.empty());
  EXPECT_FALSE(ViewerHeaders(hit).Has("X-Amz-Cf-Id"));
  ASSERT_NE(hit.stored, nullptr);
  EXPECT_THAT(hit.stored->head.headers.Get("ETag"), Optional(absl::string_view("\"v1\"")));
  EXPECT_EQ(hit.age, absl::Seconds(5));
}

// SPEC 4.4: Set-Cookie is stripped unless cookies are forwarded; then it is cached and replayed.
TEST(EdgeCacheViewerTest, SetCookieStrippedUnlessCookiesForwarded) {
  const Headers with_cookie = {{"Cache-Control", "max-age=60"}, {"Set-Cookie", "s=1"}};
  FakeOrigin origin;
  origin.Set("/a", 200, with_cookie);
  auto plain = MakeEdge();
  EXPECT_EQ(Header(plain->Handle(Request::Get("/a"), At(0), origin), "Set-Cookie"), absl::nullopt);
  EXPECT_EQ(Header(plain->Handle(Request::Get("/a"), At(1), origin), "Set-Cookie"), absl::nullopt);

  policy::CachePolicy p = Ttls(0, 86400, 31536000);
  p.cookies.behavior = policy::KeyListBehavior::kWhitelist;
  p.cookies.names = {"session"};
  auto forwarding = MakeEdge(MakeDistribution(p));
  forwarding->Handle(Request::Get("/a"), At(0), origin);
  EdgeResult hit = forwarding->Handle(Request::Get("/a"), At(1), origin);
  EXPECT_EQ(hit.outcome, CacheOutcome::kHit);
  EXPECT_EQ(Header(hit, "Set-Cookie"), "s=1");
}

TEST(EdgeCacheViewerTest, NoCacheSetCookieKeepsItOutOfTheCache) {
  FakeOrigin origin;
  origin.Set("/a", 200,
             {{"Cache-Control", "max-age=60, no-cache=\"Set-Cookie\""}, {"Set-Cookie", "s=1"}});
  policy::CachePolicy p = Ttls(0, 86400, 31536000);
  p.cookies.behavior = policy::KeyListBehavior::kAll;
  auto edge = MakeEdge(MakeDistribution(p));
  EXPECT_EQ(Header(edge->Handle(Request::Get("/a"), At(0), origin), "Set-Cookie"), "s=1");
  EdgeResult hit = edge->Handle(Request::Get("/a"), At(1), origin);
  EXPECT_EQ(hit.outcome, CacheOutcome::kHit);
  EXPECT_EQ(Header(hit, "Set-Cookie"), absl::nullopt);
}

// SPEC 3.8: Vary keeps Accept-Encoding, Cookie and the key's headers.
TEST(EdgeCacheViewerTest, VaryIsFiltered) {
  policy::CachePolicy p = Ttls(0, 86400, 31536000);
  p.headers.behavior = policy::KeyListBehavior::kWhitelist;
  p.headers.names = {"Accept-Language"};
  FakeOrigin origin;
  origin.Set("/a", 200, {{"Vary", "Accept-Encoding, User-Agent, accept-language, Cookie, X-Foo"}});
  auto edge = MakeEdge(MakeDistribution(p));
  EXPECT_EQ(Header(edge->Handle(Request::Get("/a"), At(0), origin), "Vary"),
            "Accept-Encoding, accept-language, Cookie");
}

// What CloudFront sends upstream (SPEC 2.2, 2.4, 4.4, 5): the key's headers and cookies, Host
// replaced, normalized Accept-Encoding; never other viewer headers, and no query parameter the
// key does not include (this test once expected the whole viewer query; policy/origin_request.h
// now forwards only the key's and the origin request policy's).
TEST(EdgeCacheForwardingTest, OnlyKeyedViewerHeadersReachTheOrigin) {
  policy::CachePolicy p = Ttls(0, 86400, 31536000);
  p.headers.behavior = policy::KeyListBehavior::kWhitelist;
  p.headers.names = {"Accept-Language"};
  p.cookies.behavior = policy::KeyListBehavior::kWhitelist;
  p.cookies.names = {"session"};
  p.enable_accept_encoding_gzip = p.enable_accept_encoding_brotli = true;
  FakeOrigin origin;
  origin.Set("/p", 200);
  auto edge = MakeEdge(MakeDistribution(p));
  Request r = Request::Get("/p?size=L");
  r.headers = {{"Host", "www.example.com"},
               {"Accept-Language", "en-US"},
               {"Authorization", "secret"},
               {"Cookie", "tracker=9; session=abc"},
               {"Accept-Encoding", "gzip, deflate, br"},
               {"X-Internal", "1"}};
  edge->Handle(r, At(0), origin);
  const Request f = origin.last_forwarded();
  EXPECT_EQ(f.target, "/p");
  EXPECT_EQ(Owned(f.headers.Get("Host")), "origin.example.com");
  EXPECT_EQ(Owned(f.headers.Get("Accept-Language")), "en-US");
  EXPECT_EQ(Owned(f.headers.Get("Cookie")), "session=abc");
  EXPECT_EQ(Owned(f.headers.Get("Accept-Encoding")), "br,gzip");
  EXPECT_EQ(Owned(f.headers.Get("User-Agent")), "Amazon CloudFront");
  EXPECT_FALSE(f.headers.Has("Authorization"));
  EXPECT_FALSE(f.headers.Has("X-Internal"));
}

// SPEC 2.2: an origin request policy adds values to the origin request, not to the key; the
// origin and the viewer see one X-Amz-Cf-Id.
TEST(EdgeCacheForwardingTest, OriginRequestPolicyAddsValuesButNotKeys) {
  policy::Distribution d = MakeDistribution();
  d.config.default_behavior.origin_request_policy =
      *policy::FindManagedOriginRequestPolicy("AllViewerExceptHostHeader");
  FakeOrigin origin;
  origin.Set("/p", 200, kCacheable60);
  auto edge = MakeEdge(d);
  Request r = Request::Get("/p?a=1");
  r.headers = {{"Host", "www.example.com"}, {"X-Internal", "1"}, {"Cookie", "s=1"}};
  EdgeResult first = edge->Handle(r, At(0), origin);
  const Request f = origin.last_forwarded();
  EXPECT_EQ(f.target, "/p?a=1");
  EXPECT_EQ(Owned(f.headers.Get("X-Internal")), "1");
  EXPECT_EQ(Owned(f.headers.Get("Cookie")), "s=1");
  EXPECT_EQ(Owned(f.headers.Get("Host")), "origin.example.com");
  EXPECT_EQ(Owned(f.headers.Get("X-Amz-Cf-Id")), Header(first, "X-Amz-Cf-Id"));
  r.target = "/p?a=2";
  EXPECT_EQ(edge->Handle(r, At(1), origin).outcome, CacheOutcome::kHit)
      << "the query reaches the origin but is not in the key";
  EXPECT_EQ(origin.fetches(), 1);
}

TEST(EdgeCacheForwardingTest, NoCookiesWithoutCookiesInTheKey) {
  FakeOrigin origin;
  origin.Set("/p", 200);
  auto edge = MakeEdge();
  edge->Handle(With(Request::Get("/p"), "Cookie", "session=abc"), At(0), origin);
  EXPECT_FALSE(origin.last_forwarded().headers.Has("Cookie"));
}

// SPEC 4.7: DefaultRootObject applies to "/" only; "/" and "/index.html" are two objects.
TEST(EdgeCacheForwardingTest, DefaultRootObjectOnlyForTheRoot) {
  policy::Distribution d = MakeDistribution();
  d.config.default_root_object = "index.html";
  FakeOrigin origin;
  origin.Set("/index.html", 200, kCacheable60);
  origin.Set("/docs/", 200, kCacheable60);
  auto edge = MakeEdge(d);
  EXPECT_EQ(edge->Handle(Request::Get("/"), At(0), origin).viewer.status, 200);
  EXPECT_EQ(origin.last_forwarded().target, "/index.html");
  edge->Handle(Request::Get("/docs/"), At(0), origin);
  EXPECT_EQ(origin.last_forwarded().target, "/docs/");
  EXPECT_EQ(edge->Handle(Request::Get("/index.html"), At(1), origin).outcome, CacheOutcome::kMiss);
  EXPECT_EQ(edge->Handle(Request::Get("/"), At(1), origin).outcome, CacheOutcome::kHit);
}

// ---- Methods (SPEC 4.1) ---------------------------------------------------------------------

policy::Distribution AllMethods(bool cache_options) {
  policy::Distribution d = MakeDistribution();
  d.config.default_behavior.allowed_methods = {"GET",  "HEAD",  "OPTIONS", "PUT",
                                               "POST", "PATCH", "DELETE"};
  if (cache_options) d.config.default_behavior.cached_methods = {"GET", "HEAD", "OPTIONS"};
  return d;
}

TEST(EdgeCacheMethodTest, NonCacheableMethodsAreForwardedNeverStored) {
  FakeOrigin origin;
  origin.Set("/a", 200, kCacheable60);
  auto edge = MakeEdge(AllMethods(false));
  for (absl::string_view method : {"POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
    EdgeResult r = edge->Handle(Method(method, "/a"), At(0), origin);
    EXPECT_EQ(r.outcome, CacheOutcome::kMiss) << method;
    EXPECT_EQ(r.miss_reason, MissReason::kNotCacheableMethod) << method;
    EXPECT_EQ(origin.last_forwarded().method, method);
  }
  EXPECT_EQ(origin.fetches(), 5);
  EXPECT_EQ(edge->store_counters().entries, 0);
  EXPECT_EQ(edge->Handle(Request::Get("/a"), At(1), origin).miss_reason, MissReason::kNotCached);
}

TEST(EdgeCacheMethodTest, MethodNotAllowedIsRefused_UNCONFIRMED403) {
  FakeOrigin origin;
  auto edge = MakeEdge();  // AllowedMethods GET, HEAD
  EdgeResult r = edge->Handle(Method("POST", "/a"), At(0), origin);
  EXPECT_EQ(r.viewer.status, 403);
  EXPECT_EQ(r.outcome, CacheOutcome::kError);
  EXPECT_EQ(r.error_detail, ErrorDetail::kInvalidRequestMethod);
  EXPECT_EQ(Header(r, "Server"), "CloudFront");
  EXPECT_EQ(origin.fetches(), 0);
}

// SPEC 4.1, 13.4: decided in the cache, so every driver refuses it alike.
TEST(EdgeCacheMethodTest, AGetOrHeadWithABodyIs403AndGoesNowhere) {
  FakeOrigin origin;
  origin.Set("/a", 200, kCacheable60);
  auto edge = MakeEdge(AllMethods(false));
  for (absl::string_view method : {"GET", "HEAD"}) {
    Request with_body = Method(method, "/a");
    with_body.headers.Add("Content-Length", "4");
    EdgeResult r = edge->Handle(with_body, At(0), origin);
    EXPECT_EQ(r.viewer.status, 403) << method;
    EXPECT_EQ(r.error_detail, ErrorDetail::kInvalidRequest) << method;
  }
  Request post = Method("POST", "/a");
  post.headers.Add("Content-Length", "4");
  EXPECT_EQ(edge->Handle(post, At(0), origin).viewer.status, 200);
  EXPECT_EQ(origin.fetches(), 1);
}

TEST(EdgeCacheMethodTest, CachedOptionsIsKeyedApartFromGet) {
  FakeOrigin origin;
  origin.Set("/a", 200, kCacheable60);
  auto edge = MakeEdge(AllMethods(true));
  edge->Handle(Method("OPTIONS", "/a"), At(0), origin);
  EXPECT_EQ(edge->Handle(Method("OPTIONS", "/a"), At(1), origin).outcome, CacheOutcome::kHit);
  EXPECT_EQ(edge->Handle(Request::Get("/a"), At(1), origin).outcome, CacheOutcome::kMiss);
}

// SPEC B4: GET and HEAD share the entry, but a HEAD miss stores nothing.
TEST(EdgeCacheMethodTest, HeadSharesGetsEntryButDoesNotFillIt) {
  FakeOrigin origin;
  origin.Set("/a", 200, kCacheable60, "body");
  auto edge = MakeEdge();
  EdgeResult head_miss = edge->Handle(Method("HEAD", "/a"), At(0), origin);
  EXPECT_EQ(head_miss.outcome, CacheOutcome::kMiss);
  EXPECT_EQ(origin.last_forwarded().method, "HEAD");
  EXPECT_EQ(edge->Handle(Request::Get("/a"), At(1), origin).outcome, CacheOutcome::kMiss);
  EdgeResult head_hit = edge->Handle(Method("HEAD", "/a"), At(2), origin);
  EXPECT_EQ(head_hit.outcome, CacheOutcome::kHit);
  EXPECT_EQ(head_hit.body, nullptr);
  EXPECT_EQ(head_hit.body_size, 0);
}

TEST(EdgeCacheMethodTest, CachingDisabledForwardsEveryRequest) {
  FakeOrigin origin;
  origin.Set("/a", 200, kCacheable60);
  auto edge = MakeEdge(MakeDistribution(Ttls(0, 0, 0)));
  for (int i = 0; i < 3; ++i) {
    EdgeResult r = edge->Handle(Request::Get("/a"), At(i), origin);
    EXPECT_EQ(r.outcome, CacheOutcome::kMiss);
    EXPECT_EQ(r.miss_reason, MissReason::kCachingDisabled);
  }
  EXPECT_EQ(origin.fetches(), 3);
  EXPECT_EQ(edge->collapser_counters().leaders, 0);
}

// ---- Counters, Reset, Sweep ------------------------------------------------------------------

TEST(EdgeCacheCountersTest, PerBehaviorInTableOrderDefaultLast) {
  policy::Distribution d = MakeDistribution();
  policy::CacheBehavior images = d.config.default_behavior;
  images.path_pattern = "/images/*";
  d.config.behaviors.push_back(images);
  FakeOrigin origin;
  origin.Set("/images/a.png", 200, kCacheable60, "12345");
  origin.Set("/b.js", 200, kCacheable60, "123");
  auto edge = MakeEdge(d);
  EXPECT_EQ(edge->Handle(Request::Get("/images/a.png"), At(0), origin).behavior_index, 0);
  edge->Handle(Request::Get("/images/a.png"), At(1), origin);
  EXPECT_EQ(edge->Handle(Request::Get("/b.js"), At(0), origin).behavior_index, -1);
  const std::vector<CounterSnapshot> per = edge->BehaviorCounters();
  ASSERT_EQ(per.size(), 2);
  EXPECT_EQ(per[0][Counter::kRequests], 2);
  EXPECT_EQ(per[0][Counter::kHits], 1);
  EXPECT_EQ(per[0][Counter::kBytesFromCache], 5);
  EXPECT_EQ(per[1][Counter::kRequests], 1);
  EXPECT_EQ(per[1][Counter::kMisses], 1);
  EXPECT_EQ(per[1][Counter::kBytesFromOrigin], 3);
  CounterSnapshot sum = per[0];
  sum += per[1];
  EXPECT_EQ(edge->TotalCounters(), sum);
  EXPECT_EQ(edge->TotalCounters()[Counter::kOriginFetches], 2);
}

// SPEC 6.8: a cache built for a new configuration serves what the previous one stored.
TEST(EdgeCacheContentsTest, KeepContentsOfSharesObjectsAndCounters) {
  FakeOrigin origin;
  origin.Set("/a", 200, {{"Cache-Control", "max-age=60"}}, "v1");
  auto before = MakeEdge();
  EXPECT_EQ(before->Handle(Request::Get("/a"), At(0), origin).outcome, CacheOutcome::kMiss);
  auto after = MakeEdge(MakeDistribution(Ttls(0, 86400, 31536000)));
  ASSERT_TRUE(after->KeepContentsOf(*before));
  EXPECT_EQ(after->Handle(Request::Get("/a"), At(1), origin).outcome, CacheOutcome::kHit);
  EXPECT_EQ(after->TotalCounters()[Counter::kRequests], 2u);
  EXPECT_EQ(before->TotalCounters()[Counter::kRequests], 2u);  // one set of counters
  // Another store layout (here: capacity) starts empty.
  auto other = MakeEdge(MakeDistribution(), {.store = {.capacity_bytes = 1 << 20}});
  EXPECT_FALSE(other->KeepContentsOf(*before));
  EXPECT_EQ(other->store_counters().entries, 0u);
}

TEST(EdgeCacheCountersTest, ResetEmptiesCacheAndCounters) {
  FakeOrigin origin;
  origin.Set("/a", 200, kCacheable60);
  auto edge = MakeEdge();
  edge->Handle(Request::Get("/a"), At(0), origin);
  edge->Reset();
  EXPECT_EQ(edge->TotalCounters(), CounterSnapshot{});
  EXPECT_EQ(edge->store_counters().entries, 0);
  EXPECT_EQ(edge->Handle(Request::Get("/a"), At(1), origin).outcome, CacheOutcome::kMiss);
}

TEST(EdgeCacheCountersTest, SweepReclaimsInvalidatedObjects) {
  FakeOrigin origin;
  origin.Set("/a", 200, kCacheable60);
  origin.Set("/b", 200, kCacheable60);
  auto edge = MakeEdge();
  edge->Handle(Request::Get("/a"), At(0), origin);
  edge->Handle(Request::Get("/b"), At(0), origin);
  edge->Invalidate(*policy::InvalidationPath::Parse("/*"), At(1));
  SweepResult swept{};
  for (int i = 0; i < 100 && !swept.completed_pass; ++i) swept = edge->Sweep(At(2), 1000);
  EXPECT_EQ(edge->store_counters().entries, 0);
  EXPECT_EQ(edge->store_counters().invalidation_kills_by_sweep, 2);
}

TEST(EdgeCacheTest, CreateRejectsBadStoreOptions) {
  EdgeCacheOptions options;
  options.store.eviction = "nonsense";
  EXPECT_EQ(EdgeCache::Create(MakeDistribution(), options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(EdgeCacheTest, ToStrings) {
  EXPECT_EQ(ToString(MissReason::kInvalidated), "invalidated");
  EXPECT_EQ(ToString(TierKind::kOriginShield), "origin_shield");
}

}  // namespace
}  // namespace edgesim::core

namespace edgesim::core {
namespace {

// One cacheable object, /a, behind a fresh cache.
class EdgeCachePhasesTest : public ::testing::Test {
 protected:
  EdgeCachePhasesTest() { origin_.Set("/a", 200, kCacheable60, "body"); }

  std::unique_ptr<EdgeCache> edge_ = MakeEdge();
  FakeOrigin origin_;
  const Request a_ = Request::Get("/a");
};

TEST_F(EdgeCachePhasesTest, LookupAnswersFreshHitsAndLeavesMissesPending) {
  CacheLookup miss = edge_->Lookup(a_, At(0));
  EXPECT_FALSE(miss.served.has_value());
  EXPECT_EQ(miss.pending.miss_reason, MissReason::kNotCached);
  EXPECT_EQ(edge_->TotalCounters()[Counter::kRequests], 0u);  // counted when completed
  EXPECT_EQ(origin_.fetches(), 0);
  EXPECT_EQ(edge_->Complete(std::move(miss.pending), At(0), origin_).outcome, CacheOutcome::kMiss);
  EXPECT_EQ(edge_->TotalCounters()[Counter::kRequests], 1u);

  CacheLookup hit = edge_->Lookup(a_, At(10));
  ASSERT_TRUE(hit.served.has_value());
  EXPECT_EQ(hit.served->outcome, CacheOutcome::kHit);
  EXPECT_THAT(Header(*hit.served, "Age"), Optional(std::string("10")));
  EXPECT_EQ(edge_->TotalCounters()[Counter::kRequests], 2u);

  // Expired: revalidation needs the origin, so the second phase goes upstream.
  CacheLookup expired = edge_->Lookup(a_, At(61));
  ASSERT_FALSE(expired.served.has_value());
  EXPECT_EQ(expired.pending.miss_reason, MissReason::kExpired);
  EXPECT_EQ(edge_->TotalCounters()[Counter::kRequests], 2u);
  // A method the behavior does not allow is refused at the edge (SPEC 4.1).
  CacheLookup refused = edge_->Lookup(Method("POST", "/a"), At(0));
  ASSERT_TRUE(refused.served.has_value());
  EXPECT_EQ(refused.served->viewer.status, 403);
  EXPECT_EQ(origin_.fetches(), 1);
}

// The lookup that finds an invalidated copy erases it; the second phase still says why the
// request missed (SPEC 6).
TEST_F(EdgeCachePhasesTest, AnInvalidatedCopyStaysTheReasonAcrossPhases) {
  edge_->Handle(a_, At(0), origin_);
  edge_->Invalidate(*policy::InvalidationPath::Parse("/a"), At(1));
  CacheLookup looked = edge_->Lookup(a_, At(2));
  ASSERT_FALSE(looked.served.has_value());
  const EdgeResult r = edge_->Complete(std::move(looked.pending), At(2), origin_);
  EXPECT_EQ(r.outcome, CacheOutcome::kMiss);
  EXPECT_EQ(r.miss_reason, MissReason::kInvalidated);
  EXPECT_EQ(origin_.fetches(), 2);
}

// An object stored by another request between the phases serves this one: no second fetch.
TEST_F(EdgeCachePhasesTest, AnObjectStoredBetweenThePhasesIsServed) {
  CacheLookup first = edge_->Lookup(a_, At(0));
  CacheLookup second = edge_->Lookup(a_, At(0));
  ASSERT_FALSE(first.served.has_value());
  ASSERT_FALSE(second.served.has_value());
  EXPECT_EQ(edge_->Complete(std::move(first.pending), At(0), origin_).outcome, CacheOutcome::kMiss);
  const EdgeResult late = edge_->Complete(std::move(second.pending), At(1), origin_);
  EXPECT_EQ(late.outcome, CacheOutcome::kHit);
  EXPECT_TRUE(late.collapsed);
  EXPECT_EQ(late.miss_reason, MissReason::kNotCached);
  EXPECT_EQ(origin_.fetches(), 1);
  EXPECT_EQ(edge_->TotalCounters()[Counter::kRequests], 2u);
}

// Phase two split at its fetch: the first miss of a key leads (its flight carries the request for
// the origin), a second one would wait on it, so it is not started; the leader's answer, handed
// back, is stored and answers the second as a collapsed hit.
TEST_F(EdgeCachePhasesTest, StartFetchLeadsAFlightAndFinishFetchAnswersWithWhatCame) {
  CacheLookup first = edge_->Lookup(a_, At(0));
  CacheLookup second = edge_->Lookup(a_, At(0));
  FetchStart lead = edge_->StartFetch(first.pending, At(0));
  ASSERT_TRUE(lead.flight);
  EXPECT_FALSE(lead.answer.has_value());
  EXPECT_EQ(lead.flight.request().forwarded.target, "/a");
  FetchStart waits = edge_->StartFetch(second.pending, At(0));
  EXPECT_FALSE(waits.flight);
  EXPECT_FALSE(waits.answer.has_value());
  EXPECT_EQ(second.pending.viewer, &a_);  // kept for Complete
  EXPECT_EQ(origin_.fetches(), 0);

  absl::StatusOr<OriginResponse> fetched = origin_.Fetch(lead.flight.request(), At(0));
  const EdgeResult miss = edge_->FinishFetch(std::move(lead.flight), std::move(fetched), At(1));
  EXPECT_EQ(miss.outcome, CacheOutcome::kMiss);
  EXPECT_EQ(miss.body_size, 4u);
  const EdgeResult later = edge_->Complete(std::move(second.pending), At(1), origin_);
  EXPECT_EQ(later.outcome, CacheOutcome::kHit);
  EXPECT_EQ(origin_.fetches(), 1);
  EXPECT_EQ(edge_->collapser_counters().leaders, 1u);
  EXPECT_EQ(edge_->collapser_counters().in_flight, 0u);
}

// A flight dropped unfinished (a driver shutting down) ends its collapsed flight: a request
// waiting on it gets CloudFront's 502 rather than waiting for ever.
TEST_F(EdgeCachePhasesTest, ADroppedFlightReleasesTheRequestsWaitingOnIt) {
  CacheLookup first = edge_->Lookup(a_, At(0));
  CacheLookup second = edge_->Lookup(a_, At(0));
  FetchStart lead = edge_->StartFetch(first.pending, At(0));
  ASSERT_TRUE(lead.flight);
  EdgeResult waited;
  std::thread follower(
      [&] { waited = edge_->Complete(std::move(second.pending), At(0), origin_); });
  while (edge_->collapser_counters().followers == 0) std::this_thread::yield();
  lead.flight = OriginFlight();
  follower.join();
  EXPECT_EQ(waited.viewer.status, 502);
  EXPECT_EQ(origin_.fetches(), 0);
  EXPECT_EQ(edge_->collapser_counters().in_flight, 0u);
}

// A request made on a viewer's behalf (a custom error page) is upstream traffic, not a viewer
// request.
TEST_F(EdgeCachePhasesTest, RequestsOnAViewersBehalfAreNotViewerRequests) {
  edge_->Handle(a_, At(0), origin_, RequestRole::kOnBehalf);
  EXPECT_EQ(edge_->TotalCounters()[Counter::kRequests], 0u);
  EXPECT_EQ(edge_->TotalCounters()[Counter::kOriginFetches], 1u);
}

// ---- ViewerProtocolPolicy (SPEC 4.7) --------------------------------------------------------

policy::Distribution ProtocolDistribution(absl::string_view viewer_protocol_policy) {
  policy::Distribution d = MakeDistribution();
  d.config.default_behavior.viewer_protocol_policy = std::string(viewer_protocol_policy);
  d.config.default_behavior.allowed_methods = {"GET",    "HEAD", "OPTIONS", "PUT",
                                               "POST",   "PATCH", "DELETE"};
  return d;
}

Request Over(Request r, bool https, int minor = 1) {
  r.https = https;
  r.http_minor_version = minor;
  return r;
}

TEST(EdgeCacheViewerProtocolTest, RedirectToHttpsAnswersHttpItselfAndNeverAsksTheOrigin) {
  auto edge = MakeEdge(ProtocolDistribution("redirect-to-https"));
  FakeOrigin origin;
  origin.Set("/a", 200, kCacheable60);
  const EdgeResult get = edge->Handle(
      With(Over(Request::Get("/a?x=1"), false), "Host", "d111.example.net"), At(0), origin);
  EXPECT_EQ(get.viewer.status, 301);
  EXPECT_EQ(get.outcome, CacheOutcome::kRedirect);
  EXPECT_EQ(Header(get, "Location"), "https://d111.example.net/a?x=1");
  EXPECT_EQ(Header(get, "X-Cache"), "Redirect from cloudfront");
  EXPECT_EQ(Header(get, "Server"), "CloudFront");
  EXPECT_EQ(Header(get, "Content-Length"), "167");
  ASSERT_NE(get.body, nullptr);
  EXPECT_EQ(get.body_size, 167u);

  EXPECT_EQ(edge->Handle(Over(Method("POST", "/a"), false), At(0), origin).viewer.status, 307);
  EXPECT_EQ(edge->Handle(Over(Method("POST", "/a"), false, 0), At(0), origin).viewer.status, 403);
  EXPECT_EQ(origin.fetches(), 0);

  // Over HTTPS the request is served, and the redirect left nothing in the cache.
  const EdgeResult https = edge->Handle(Over(Request::Get("/a?x=1"), true), At(0), origin);
  EXPECT_EQ(https.viewer.status, 200);
  EXPECT_EQ(https.outcome, CacheOutcome::kMiss);
  EXPECT_EQ(origin.fetches(), 1);
}

TEST(EdgeCacheViewerProtocolTest, RedirectWithoutHostPointsAtTheDistributionsDomain) {
  const policy::Distribution d = ProtocolDistribution("redirect-to-https");
  const std::string domain = d.domain_name;
  auto edge = MakeEdge(d);
  FakeOrigin origin;
  const EdgeResult r = edge->Handle(Over(Request::Get("/p"), false, 0), At(0), origin);
  EXPECT_EQ(Header(r, "Location"), absl::StrCat("https://", domain, "/p"));
}

TEST(EdgeCacheViewerProtocolTest, HttpsOnlyRefusesHttpAllowAllServesBoth) {
  auto strict = MakeEdge(ProtocolDistribution("https-only"));
  auto open = MakeEdge(ProtocolDistribution("allow-all"));
  FakeOrigin origin;
  origin.Set("/a", 200, kCacheable60);
  const EdgeResult refused = strict->Handle(Over(Request::Get("/a"), false), At(0), origin);
  EXPECT_EQ(refused.viewer.status, 403);
  EXPECT_EQ(refused.outcome, CacheOutcome::kError);
  EXPECT_EQ(Header(refused, "Location"), absl::nullopt);
  EXPECT_EQ(origin.fetches(), 0);
  EXPECT_EQ(strict->Handle(Over(Request::Get("/a"), true), At(0), origin).viewer.status, 200);
  EXPECT_EQ(open->Handle(Over(Request::Get("/a"), false), At(0), origin).viewer.status, 200);
  EXPECT_EQ(open->Handle(Over(Request::Get("/a"), true), At(0), origin).outcome,
            CacheOutcome::kHit);
}

}  // namespace
}  // namespace edgesim::core
