#include "core/request_pipeline.h"

#include "core/topology.h"
#include "core/viewer_head.h"
#include "gtest/gtest.h"
#include "tests/core/fake_origin.h"
#include "tests/core/spa_distribution.h"
#include "tests/core/test_time.h"

namespace edgesim::core {
namespace {

using policy::CacheOutcome;
using policy::Request;

class RequestPipelineTest : public ::testing::Test {
 protected:
  RequestPipelineTest() {
    origin_.Set("/index.html", 200, {{"Cache-Control", "max-age=300"}}, "<html>app</html>");
    origin_.Set("/app/route", 403);
    pipeline_ = *RequestPipeline::Create(SpaDistribution(), *MakeTopology({"IAD89-C1"}, {}, {}));
  }
  CounterSnapshot Counters() const {
    return pipeline_->network().FindCache("IAD89-C1")->TotalCounters();
  }

  FakeOrigin origin_;
  std::unique_ptr<RequestPipeline> pipeline_;
};

TEST_F(RequestPipelineTest, ADeepLinkIsThePageCountedAsOneViewerRequest) {
  const Request deep = Request::Get("/app/route");
  const EdgeResult r = pipeline_->Handle(0, deep, At(0), origin_);
  EXPECT_EQ(r.viewer.status, 200);
  EXPECT_EQ(r.outcome, CacheOutcome::kError);  // X-Cache and the log still say Error
  ASSERT_NE(r.body, nullptr);
  EXPECT_EQ(*r.body, "<html>app</html>");
  EXPECT_EQ(ViewerHeaders(r).Get("X-Cache"), "Error from cloudfront");
  EXPECT_EQ(origin_.fetches(), 2);  // the 403, then the page
  EXPECT_EQ(Counters()[Counter::kRequests], 1u);
  EXPECT_EQ(Counters()[Counter::kErrors], 1u);
  EXPECT_EQ(Counters()[Counter::kOriginFetches], 2u);
}

TEST_F(RequestPipelineTest, PhaseOneNeedsUpstreamUntilThePageIsCachedThenAnswersAlone) {
  const Request deep = Request::Get("/app/route");
  RequestPipeline::Begun first = pipeline_->Begin(0, deep, At(0));
  ASSERT_FALSE(first.answer.has_value());
  EXPECT_EQ(origin_.fetches(), 0);
  const EdgeResult r = pipeline_->Complete(std::move(first.pending), At(0), origin_);
  EXPECT_EQ(r.viewer.status, 200);
  EXPECT_EQ(origin_.fetches(), 2);

  // The 403 is not cached (SPEC 3.5: a 403 only with max-age), the page is: phase one has no
  // answer yet, and the page comes from cache in phase two.
  RequestPipeline::Begun second = pipeline_->Begin(0, deep, At(1));
  ASSERT_FALSE(second.answer.has_value());
  const EdgeResult again = pipeline_->Complete(std::move(second.pending), At(1), origin_);
  EXPECT_EQ(again.viewer.status, 200);
  EXPECT_EQ(origin_.fetches(), 3);  // the 403 again, not the page
  EXPECT_EQ(Counters()[Counter::kRequests], 2u);

  // A plain hit is answered in phase one.
  RequestPipeline::Begun hit = pipeline_->Begin(0, Request::Get("/index.html"), At(2));
  ASSERT_TRUE(hit.answer.has_value());
  EXPECT_EQ(hit.answer->outcome, CacheOutcome::kHit);
}

TEST_F(RequestPipelineTest, ACachedErrorWithACachedPageIsAnsweredInPhaseOne) {
  origin_.Set("/app/route", 403, {{"Cache-Control", "max-age=60"}});
  const Request deep = Request::Get("/app/route");
  pipeline_->Handle(0, deep, At(0), origin_);
  RequestPipeline::Begun again = pipeline_->Begin(0, deep, At(5));
  ASSERT_TRUE(again.answer.has_value());
  EXPECT_EQ(again.answer->viewer.status, 200);
  EXPECT_EQ(again.answer->outcome, CacheOutcome::kError);
  EXPECT_EQ(origin_.fetches(), 2);
}

// SPEC 3.6: Handle runs the background refresh at the same instant.
TEST_F(RequestPipelineTest, HandleRunsTheStaleWhileRevalidateRefreshAtOnce) {
  origin_.Set("/a", 200, {{"Cache-Control", "max-age=10, stale-while-revalidate=60"}}, "a");
  pipeline_->Handle(0, Request::Get("/a"), At(0), origin_);
  const EdgeResult stale = pipeline_->Handle(0, Request::Get("/a"), At(20), origin_);
  EXPECT_TRUE(stale.served_stale);
  EXPECT_FALSE(stale.background_refresh.has_value());
  EXPECT_EQ(origin_.fetches(), 2);  // refreshed already
  EXPECT_FALSE(pipeline_->Handle(0, Request::Get("/a"), At(21), origin_).served_stale);
}

}  // namespace
}  // namespace edgesim::core
