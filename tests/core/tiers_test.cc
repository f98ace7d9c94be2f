// The cache hierarchy (SPEC 7.1): POP -> regional edge cache -> Origin Shield -> origin, with
// shared keys, carried Age, OriginShieldHit, invalidation of every tier and the method bypass.
#include "core/tiers.h"

#include "core/viewer_head.h"
#include "gtest/gtest.h"
#include "tests/core/fake_origin.h"
#include "tests/core/test_time.h"

namespace edgesim::core {
namespace {

using policy::CacheOutcome;
using policy::Request;


const policy::Headers kCacheable60 = {{"Cache-Control", "max-age=60"}, {"ETag", "\"v1\""}};

policy::Distribution MakeDistribution() {
  policy::Distribution d = policy::SingleOriginDistribution("origin.example.com", {});
  d.config.default_behavior.allowed_methods = {"GET",  "HEAD",  "OPTIONS", "PUT",
                                               "POST", "PATCH", "DELETE"};
  return d;
}

// P1, P2 -> R1 (the Origin Shield); P3, P4 -> R2 -> R1.
CacheTopology ShieldedTopology() {
  CacheTopology t;
  t.pops = {"P1", "P2", "P3", "P4"};
  t.regionals = {{"R1", {"P1", "P2"}}, {"R2", {"P3", "P4"}}};
  t.origin_shield = "R1";
  return t;
}

class TiersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    origin_.Set("/a", 200, kCacheable60, "hello");
    absl::StatusOr<std::unique_ptr<EdgeNetwork>> net =
        EdgeNetwork::Create(MakeDistribution(), ShieldedTopology());
    ASSERT_TRUE(net.ok()) << net.status();
    net_ = *std::move(net);
  }

  EdgeResult Get(absl::string_view pop, absl::Time now, absl::string_view path = "/a") {
    absl::StatusOr<EdgeResult> r = net_->Handle(pop, Request::Get(path), now, origin_);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *std::move(r) : EdgeResult{};
  }

  CounterSnapshot CountersOf(absl::string_view cache) const {
    return net_->FindCache(cache)->TotalCounters();
  }
  uint64_t EntriesOf(absl::string_view cache) const {
    return net_->FindCache(cache)->store_counters().entries;
  }

  FakeOrigin origin_;
  std::unique_ptr<EdgeNetwork> net_;
};

TEST_F(TiersTest, FirstRequestFetchesOnceAndFillsEveryTier) {
  EdgeResult r = Get("P3", At(0));
  EXPECT_EQ(r.outcome, CacheOutcome::kMiss);
  EXPECT_EQ(*r.body, "hello");
  EXPECT_EQ(origin_.fetches(), 1);
  EXPECT_EQ(EntriesOf("P3"), 1u);
  EXPECT_EQ(EntriesOf("R2"), 1u);
  EXPECT_EQ(EntriesOf("R1"), 1u);
  EXPECT_EQ(CountersOf("R2")[Counter::kMisses], 1u);
  EXPECT_EQ(CountersOf("R1")[Counter::kMisses], 1u);
  // The tiers hand the origin's request on as the viewer's: the origin sees CloudFront's.
  EXPECT_EQ(origin_.last_forwarded().headers.Get("Host"), "origin.example.com");
  // No viewer header of an upstream tier leaks into the POP's stored copy.
  EXPECT_EQ(r.stored->head.headers.Get("X-Cache"), absl::nullopt);
  EXPECT_EQ(r.stored->head.headers.Get("Via"), absl::nullopt);
}

// SPEC 3.7, SPEC B7: a POP's Age is its own residence plus the upstream's.
TEST_F(TiersTest, SecondPopOfTheSameRegionalHitsItWithAgeCarried) {
  Get("P3", At(0));
  EdgeResult filled = Get("P4", At(10));
  EXPECT_EQ(filled.outcome, CacheOutcome::kMiss);  // P4's own cache missed
  EXPECT_TRUE(filled.contacted_origin);
  EXPECT_EQ(filled.age, absl::Seconds(10));
  EXPECT_EQ(ViewerHeaders(filled).Get("Age"), "10");
  EXPECT_FALSE(filled.origin_shield_hit);  // R2 answered, not the shield
  EXPECT_EQ(origin_.fetches(), 1);
  EXPECT_EQ(CountersOf("R2")[Counter::kHits], 1u);
  EdgeResult hit = Get("P4", At(15));
  EXPECT_EQ(hit.outcome, CacheOutcome::kHit);
  EXPECT_EQ(hit.age, absl::Seconds(15));
}

// SPEC 7.1, 8.3: a POP miss answered by the shield through another REC logs OriginShieldHit;
// when the POP's own REC is the shield, it is a plain answer from its REC.
TEST_F(TiersTest, OriginShieldHitIsFlagged) {
  Get("P1", At(0));  // P1 -> R1 (shield) -> origin
  EdgeResult via_r2 = Get("P3", At(5));
  EXPECT_TRUE(via_r2.origin_shield_hit);
  EXPECT_EQ(
      policy::DetailedResultType(CacheOutcome::kHit, via_r2.error_detail, via_r2.origin_shield_hit),
      "OriginShieldHit");
  EdgeResult own_regional = Get("P2", At(6));
  EXPECT_FALSE(own_regional.origin_shield_hit);
  EXPECT_EQ(origin_.fetches(), 1);
  EXPECT_EQ(CountersOf("R1")[Counter::kHits], 2u);
}

// SPEC 6.5, SPEC B12: an invalidation applies to POPs, RECs and the shield.
TEST_F(TiersTest, InvalidationReachesEveryTier) {
  Get("P3", At(0));
  net_->Invalidate(*policy::InvalidationPath::Parse("/a"), At(1));
  EdgeResult r = Get("P3", At(2));
  EXPECT_EQ(r.miss_reason, MissReason::kInvalidated);
  EXPECT_EQ(origin_.fetches(), 2) << "R2 and R1 must not answer from their old copies";
}

TEST_F(TiersTest, InvalidationUsesEachCachesPropagationDelay) {
  Get("P3", At(0));
  net_->Invalidate(*policy::InvalidationPath::Parse("/*"), At(1), [](absl::string_view cache) {
    return cache == "P3" ? absl::Seconds(60) : absl::ZeroDuration();
  });
  EXPECT_EQ(Get("P3", At(30)).outcome, CacheOutcome::kHit);  // not yet at P3
  EXPECT_EQ(Get("P4", At(30)).outcome, CacheOutcome::kMiss);
  EXPECT_EQ(origin_.fetches(), 2);  // R2 and R1 had dropped it
  EXPECT_EQ(Get("P3", At(62)).miss_reason, MissReason::kInvalidated);
}

// SPEC 7.1 bypass (a): non-cacheable methods go from the POP straight to the origin.
TEST_F(TiersTest, NonCacheableMethodsBypassTheTiers) {
  Request post = Request::Get("/a");
  post.method = "POST";
  absl::StatusOr<EdgeResult> r = net_->Handle("P3", post, At(0), origin_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->miss_reason, MissReason::kNotCacheableMethod);
  EXPECT_EQ(origin_.fetches(), 1);
  EXPECT_EQ(origin_.last_forwarded().method, "POST");
  EXPECT_EQ(CountersOf("R2")[Counter::kRequests], 0u);
  EXPECT_EQ(CountersOf("R1")[Counter::kRequests], 0u);
}

// A POP's revalidation becomes a conditional request upstream; a REC still holding the object
// answers 304 from its cache, and the POP logs RefreshHit without the origin.
TEST_F(TiersTest, RevalidationIsAnsweredByTheRegionalCache) {
  Get("P3", At(0));   // P3, R2, R1 fresh until 60
  Get("P4", At(61));  // R2 revalidates through R1 with the origin: fresh until 121
  EXPECT_EQ(origin_.fetches(), 2);
  EdgeResult r = Get("P3", At(62));
  EXPECT_EQ(r.outcome, CacheOutcome::kRefreshHit);
  EXPECT_EQ(r.age, absl::Seconds(1));  // R2's copy was refreshed at 61
  EXPECT_EQ(origin_.fetches(), 2);
  EXPECT_EQ(CountersOf("R2")[Counter::kViewerNotModified], 1u);
}

TEST_F(TiersTest, OriginFailureReachesThePopAsAFailure) {
  origin_.Fail("/down", absl::StatusCode::kDeadlineExceeded);
  EdgeResult r = Get("P3", At(0), "/down");
  EXPECT_EQ(r.viewer.status, 504);
  EXPECT_EQ(r.error_detail, policy::ErrorDetail::kOriginReadError);
}

TEST_F(TiersTest, StaleWhileRevalidateRunsThroughTheTiers) {
  origin_.Set("/s", 200,
              {{"Cache-Control", "max-age=60, stale-while-revalidate=30"}, {"ETag", "\"1\""}});
  Get("P3", At(0), "/s");
  EdgeResult stale = Get("P3", At(70), "/s");
  ASSERT_TRUE(stale.background_refresh.has_value());
  net_->Revalidate(net_->PopIndex("P3"), *stale.background_refresh, At(71), origin_);
  EXPECT_EQ(Get("P3", At(72), "/s").served_stale, false);
}

// SPEC 6.8: a new configuration of the distribution keeps every cache's objects, pending
// invalidations and counters; its own behaviors decide TTLs from then on.
TEST_F(TiersTest, ANewConfigurationKeepsWhatTheCachesHold) {
  origin_.Set("/b", 200, kCacheable60, "b");
  Get("P3", At(0));
  Get("P1", At(0), "/b");
  net_->Invalidate(*policy::InvalidationPath::Parse("/b"), At(0),
                   [](absl::string_view) { return absl::Seconds(20); });
  policy::Distribution changed = MakeDistribution();
  changed.config.comment = "only the comment changed";
  changed.config.default_behavior.cache_policy.min_ttl = absl::Seconds(600);
  absl::StatusOr<std::unique_ptr<EdgeNetwork>> next =
      EdgeNetwork::Create(changed, ShieldedTopology());
  ASSERT_TRUE(next.ok()) << next.status();
  (*next)->KeepContentsOf(*net_);
  net_ = *std::move(next);

  EXPECT_EQ(EntriesOf("P3"), 1u);
  EXPECT_EQ(EntriesOf("R1"), 2u);
  EdgeResult hit = Get("P3", At(10));
  EXPECT_EQ(hit.outcome, CacheOutcome::kHit);
  EXPECT_EQ(hit.age, absl::Seconds(10));
  EXPECT_EQ(origin_.fetches(), 2);
  EXPECT_EQ(CountersOf("P3")[Counter::kRequests], 2u);  // the old configuration's request too
  // The invalidation made under the old configuration still takes effect at its time.
  EXPECT_EQ(Get("P1", At(19), "/b").outcome, CacheOutcome::kHit);
  EXPECT_EQ(Get("P1", At(20), "/b").miss_reason, MissReason::kInvalidated);
  // The refetched object is stored under the new MinTTL (max-age=60 raised to 600).
  EXPECT_EQ(Get("P1", At(300), "/b").outcome, CacheOutcome::kHit);
}

TEST_F(TiersTest, CountersPerCache) {
  Get("P3", At(0));
  Get("P3", At(1));
  const std::vector<TierCounters> all = net_->Counters();
  ASSERT_EQ(all.size(), 6u);
  EXPECT_EQ(all[2].name, "P3");
  EXPECT_EQ(all[2].tier, TierKind::kEdge);
  EXPECT_EQ(all[2].counters[Counter::kRequests], 2u);
  EXPECT_EQ(all[2].counters[Counter::kHits], 1u);
  EXPECT_EQ(all[4].name, "R1");
  EXPECT_EQ(all[4].tier, TierKind::kOriginShield);
  EXPECT_EQ(all[5].tier, TierKind::kRegional);
}

TEST_F(TiersTest, UnknownPopIsNotFound) {
  EXPECT_EQ(net_->Handle("NOPE", Request::Get("/a"), At(0), origin_).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(EdgeNetworkTest, PopsWithoutRegionalsGoStraightToTheOrigin) {
  CacheTopology t;
  t.pops = {"P1", "P2"};
  auto net = EdgeNetwork::Create(MakeDistribution(), t);
  ASSERT_TRUE(net.ok());
  FakeOrigin origin;
  origin.Set("/a", 200, kCacheable60);
  (*net)->Handle("P1", Request::Get("/a"), At(0), origin).IgnoreError();
  (*net)->Handle("P2", Request::Get("/a"), At(0), origin).IgnoreError();
  EXPECT_EQ(origin.fetches(), 2);  // POPs share no cache (SPEC A16)
}

TEST(EdgeNetworkTest, RejectsBadTopologies) {
  auto code = [](CacheTopology t) {
    return EdgeNetwork::Create(MakeDistribution(), t).status().code();
  };
  CacheTopology orphan = ShieldedTopology();
  orphan.pops.push_back("P5");
  EXPECT_EQ(code(orphan), absl::StatusCode::kInvalidArgument);
  CacheTopology twice = ShieldedTopology();
  twice.regionals[1].pops.push_back("P1");
  EXPECT_EQ(code(twice), absl::StatusCode::kInvalidArgument);
  CacheTopology unknown_shield = ShieldedTopology();
  unknown_shield.origin_shield = "P1";
  EXPECT_EQ(code(unknown_shield), absl::StatusCode::kInvalidArgument);
  CacheTopology duplicate = ShieldedTopology();
  duplicate.pops.push_back("R1");
  EXPECT_EQ(code(duplicate), absl::StatusCode::kInvalidArgument);
  CacheTopology unknown_pop = ShieldedTopology();
  unknown_pop.regionals[0].pops.push_back("P9");
  EXPECT_EQ(code(unknown_pop), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace edgesim::core
