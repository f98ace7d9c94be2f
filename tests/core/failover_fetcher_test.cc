#include "core/failover_fetcher.h"

#include <memory>

#include "core/request_pipeline.h"
#include "core/topology.h"
#include "gtest/gtest.h"
#include "policy/cache_policy.h"
#include "tests/core/fake_origin.h"
#include "tests/core/test_time.h"

namespace edgesim::core {
namespace {

using policy::CacheOutcome;
using policy::Request;

// Two origins behind one group failing over on 500, 502, 503 and 504 (SPEC 12.2's worked
// example), the default behavior targeting the group.
policy::Distribution GroupDistribution() {
  policy::Distribution d = policy::SingleOriginDistribution(
      "primary.example", *policy::FindManagedCachePolicy("Managed-CachingOptimized"));
  d.config.origins[0].id = "primary";
  policy::Origin secondary;
  secondary.id = "secondary";
  secondary.domain_name = "secondary.example";
  secondary.origin_path = "/backup";
  d.config.origins.push_back(secondary);
  d.config.origin_groups.push_back(
      {"group", {500, 502, 503, 504}, {"primary", "secondary"}, "default"});
  d.config.default_behavior.target_origin_id = "group";
  return d;
}

// The driver's origin: each request to the origin it names.
class TwoFakeOrigins final : public OriginFetcher {
 public:
  absl::StatusOr<OriginResponse> Fetch(const OriginRequest& request, absl::Time now) override {
    EXPECT_NE(request.origin, nullptr);
    if (request.origin == nullptr) return absl::InternalError("no origin");
    return (request.origin->id == "primary" ? primary : secondary).Fetch(request, now);
  }

  FakeOrigin primary;
  FakeOrigin secondary;
};

class FailoverFetcherTest : public ::testing::Test {
 protected:
  explicit FailoverFetcherTest(TierLayout layout = {}) {
    pipeline_ =
        *RequestPipeline::Create(distribution_, *MakeTopology({"IAD89-C1", "FRA6-C1"}, layout, {}));
  }

  EdgeResult Get(absl::string_view path, absl::Time now = At(0)) {
    return pipeline_->Handle(0, Request::Get(path), now, origins_);
  }

  uint64_t Total(Counter c) const {
    uint64_t n = 0;
    for (const TierCounters& t : pipeline_->network().Counters()) n += t.counters[c];
    return n;
  }

  policy::Distribution distribution_ = GroupDistribution();
  TwoFakeOrigins origins_;
  std::unique_ptr<RequestPipeline> pipeline_;
};

TEST_F(FailoverFetcherTest, PrimaryAnswersTheSecondaryIsNeverAsked) {
  origins_.primary.Set("/a", 200, {{"Cache-Control", "max-age=60"}}, "from primary");
  EXPECT_EQ(Get("/a").viewer.status, 200);
  const EdgeResult again = Get("/a", At(1));
  EXPECT_EQ(again.outcome, CacheOutcome::kHit);
  EXPECT_EQ(*again.body, "from primary");
  EXPECT_EQ(origins_.primary.fetches(), 1);
  EXPECT_EQ(origins_.secondary.fetches(), 0);
  EXPECT_EQ(Total(Counter::kOriginFailovers), 0u);
}

TEST_F(FailoverFetcherTest, NotAFailoverCodeReachesTheViewer) {
  origins_.primary.Set("/gone", 404);
  const EdgeResult r = Get("/gone");
  EXPECT_EQ(r.viewer.status, 404);
  EXPECT_EQ(r.outcome, CacheOutcome::kError);
  EXPECT_EQ(origins_.secondary.fetches(), 0);
}

TEST_F(FailoverFetcherTest, AFailoverCodeSendsTheSameRequestToTheSecondaryWhoseAnswerIsCached) {
  origins_.primary.Set("/a", 503);
  origins_.secondary.Set("/backup/a", 200, {{"Cache-Control", "max-age=60"}}, "from secondary");
  const EdgeResult r = Get("/a");
  EXPECT_EQ(r.viewer.status, 200);
  EXPECT_EQ(r.outcome, CacheOutcome::kMiss);
  EXPECT_EQ(*r.body, "from secondary");
  // The secondary's own request: its OriginPath and its Host.
  const Request sent = origins_.secondary.last_forwarded();
  EXPECT_EQ(sent.target, "/backup/a");
  EXPECT_EQ(sent.headers.Get("Host").value_or(""), "secondary.example");
  EXPECT_EQ(Total(Counter::kOriginFailovers), 1u);

  const EdgeResult hit = Get("/a", At(1));
  EXPECT_EQ(hit.outcome, CacheOutcome::kHit);
  EXPECT_EQ(*hit.body, "from secondary");
  EXPECT_EQ(origins_.primary.fetches(), 1);
  EXPECT_EQ(origins_.secondary.fetches(), 1);
}

TEST_F(FailoverFetcherTest, NoConnectionOrNoAnswerInTimeFailsOver) {
  origins_.primary.Fail("/refused", absl::StatusCode::kUnavailable);
  origins_.primary.Fail("/slow", absl::StatusCode::kDeadlineExceeded);
  origins_.secondary.Set("/backup/refused", 200);
  origins_.secondary.Set("/backup/slow", 200);
  EXPECT_EQ(Get("/refused").viewer.status, 200);
  EXPECT_EQ(Get("/slow").viewer.status, 200);
  EXPECT_EQ(origins_.secondary.fetches(), 2);
}

TEST_F(FailoverFetcherTest, BothFailingGivesTheSecondarysAnswer) {
  origins_.primary.Set("/a", 503);
  origins_.secondary.Set("/backup/a", 502);
  origins_.primary.Fail("/b", absl::StatusCode::kUnavailable);
  origins_.secondary.Fail("/backup/b", absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(Get("/a").viewer.status, 502);
  EXPECT_EQ(Get("/b").viewer.status, 504);  // the secondary's timeout (SPEC 7.3)
  EXPECT_EQ(origins_.secondary.fetches(), 2);
}

TEST_F(FailoverFetcherTest, OtherMethodsNeverFailOver) {
  // The validator refuses such a behavior (SPEC 12.1); the runtime rule holds regardless.
  distribution_.config.default_behavior.allowed_methods = {"GET",  "HEAD",  "OPTIONS", "PUT",
                                                           "POST", "PATCH", "DELETE"};
  pipeline_ = *RequestPipeline::Create(distribution_, *MakeTopology({"IAD89-C1"}, {}, {}));
  origins_.primary.Set("/form", 503);
  origins_.secondary.Set("/backup/form", 200);
  Request post = Request::Get("/form");
  post.method = "POST";
  EXPECT_EQ(pipeline_->Handle(0, post, At(0), origins_).viewer.status, 503);
  EXPECT_EQ(origins_.secondary.fetches(), 0);
}

// SPEC 12.2: the custom error page replaces a primary status that does not fail over, and the
// secondary's failure, never the primary's failover status.
TEST_F(FailoverFetcherTest, CustomErrorPagesSeeOnlyWhatTheViewerWouldGet) {
  policy::CustomErrorResponse page;
  page.error_code = 502;
  page.response_page_path = "/error.html";
  page.response_code = 502;
  distribution_.config.custom_error_responses.push_back(page);
  pipeline_ = *RequestPipeline::Create(distribution_, *MakeTopology({"IAD89-C1"}, {}, {}));
  origins_.primary.Set("/error.html", 200, {}, "sorry");
  origins_.primary.Set("/a", 503);
  origins_.secondary.Set("/backup/a", 502);
  const EdgeResult r = Get("/a");
  EXPECT_EQ(r.viewer.status, 502);
  EXPECT_EQ(*r.body, "sorry");
}

class FailoverThroughTiersTest : public FailoverFetcherTest {
 protected:
  FailoverThroughTiersTest()
      : FailoverFetcherTest({.regional = true, .origin_shield = "us-east-1"}) {}
};

// The failover happens once, where the origin is reached; the tiers below see the secondary's
// answer and cache it under the viewer's key.
TEST_F(FailoverThroughTiersTest, OnceAtTheTopEveryTierCachesTheSecondarysAnswer) {
  origins_.primary.Set("/a", 503);
  origins_.secondary.Set("/backup/a", 200, {{"Cache-Control", "max-age=60"}}, "from secondary");
  EXPECT_EQ(*Get("/a").body, "from secondary");
  const EdgeResult other_pop = pipeline_->Handle(1, Request::Get("/a"), At(1), origins_);
  EXPECT_EQ(*other_pop.body, "from secondary");
  EXPECT_TRUE(other_pop.origin_shield_hit || other_pop.outcome == CacheOutcome::kHit);
  EXPECT_EQ(origins_.primary.fetches(), 1);
  EXPECT_EQ(origins_.secondary.fetches(), 1);
  EXPECT_EQ(Total(Counter::kOriginFailovers), 1u);
}

TEST(FailoverFetcher, PassesPlainOriginRequestsThrough) {
  FakeOrigin origin;
  origin.Set("/a", 503);
  FailoverFetcher fetcher(origin);
  const policy::Origin plain{.id = "plain", .domain_name = "plain.example"};
  OriginRequest request;
  request.forwarded = Request::Get("/a");
  request.origin = &plain;
  absl::StatusOr<OriginResponse> r = fetcher.Fetch(request, At(0));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->head.status, 503);
  EXPECT_FALSE(r->failed_over);
  EXPECT_EQ(origin.fetches(), 1);
}

}  // namespace
}  // namespace edgesim::core
