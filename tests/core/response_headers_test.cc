#include "core/response_headers.h"

#include "core/request_pipeline.h"
#include "core/topology.h"
#include "core/viewer_head.h"
#include "gtest/gtest.h"
#include "policy/response_headers_policy.h"
#include "tests/core/fake_origin.h"
#include "tests/core/spa_distribution.h"
#include "tests/core/test_time.h"

namespace edgesim::core {
namespace {

using policy::CacheOutcome;
using policy::Request;

// Removes the origin's X-Origin, sets Cache-Control: no-store for the viewer (Override) and adds
// X-Policy.
policy::Distribution RhpDistribution() {
  policy::Distribution d = SpaDistribution();
  policy::ResponseHeadersPolicy p;
  p.id = "rhp-test";
  p.remove_headers = {"X-Origin"};
  p.custom_headers = {{"Cache-Control", "no-store", true}, {"X-Policy", "yes", false}};
  d.config.default_behavior.response_headers_policy = p;
  d.config.default_behavior.response_headers_policy_id = p.id;
  return d;
}

class ResponseHeadersPipelineTest : public ::testing::Test {
 protected:
  ResponseHeadersPipelineTest() {
    origin_.Set("/page", 200, {{"Cache-Control", "max-age=300"}, {"X-Origin", "1"}}, "body");
    pipeline_ = *RequestPipeline::Create(RhpDistribution(), *MakeTopology({"IAD89-C1"}, {}, {}));
  }

  FakeOrigin origin_;
  std::unique_ptr<RequestPipeline> pipeline_;
};

TEST_F(ResponseHeadersPipelineTest, MissAndHitGetThePolicyStoredObjectAndTtlDoNot) {
  const EdgeResult miss = pipeline_->Handle(0, Request::Get("/page"), At(0), origin_);
  EXPECT_EQ(miss.outcome, CacheOutcome::kMiss);
  const policy::Headers on_miss = ViewerHeaders(miss);
  EXPECT_EQ(on_miss.Get("X-Policy"), "yes");
  EXPECT_EQ(on_miss.Get("Cache-Control"), "no-store");
  EXPECT_FALSE(on_miss.Has("X-Origin"));

  // The viewer's no-store changed nothing in the cache: a hit, with the same headers.
  RequestPipeline::Begun hit = pipeline_->Begin(0, Request::Get("/page"), At(10));
  ASSERT_TRUE(hit.answer.has_value());
  EXPECT_EQ(hit.answer->outcome, CacheOutcome::kHit);
  const policy::Headers on_hit = ViewerHeaders(*hit.answer);
  EXPECT_EQ(on_hit.Get("X-Policy"), "yes");
  EXPECT_EQ(on_hit.Get("Cache-Control"), "no-store");
  EXPECT_FALSE(on_hit.Has("X-Origin"));
  ASSERT_NE(hit.answer->stored, nullptr);
  EXPECT_EQ(hit.answer->stored->head.headers.Get("X-Origin"), "1");
  EXPECT_EQ(hit.answer->stored->head.headers.Get("Cache-Control"), "max-age=300");
  EXPECT_FALSE(hit.answer->stored->head.headers.Has("X-Policy"));
  EXPECT_EQ(origin_.fetches(), 1);
}

TEST_F(ResponseHeadersPipelineTest, TheBehaviorsPolicyIsFound) {
  EdgeResult answer;
  answer.behavior_index = -1;
  const policy::Distribution d = RhpDistribution();
  ASSERT_NE(ResponseHeadersPolicyOf(d.config, answer), nullptr);
  EXPECT_EQ(ResponseHeadersPolicyOf(d.config, answer)->id, "rhp-test");
  EXPECT_EQ(ResponseHeadersPolicyOf(SpaDistribution().config, answer), nullptr);
}

TEST_F(ResponseHeadersPipelineTest, CloudFrontsOwnErrorsAreLeftAlone) {
  EdgeResult generated;
  generated.outcome = CacheOutcome::kError;
  generated.error_detail = policy::ErrorDetail::kOriginConnectError;
  generated.viewer.status = 502;
  generated.viewer.headers.Add("Content-Type", "text/html");
  AddPolicyHeaders(RhpDistribution().config, Request::Get("/page"), generated);
  EXPECT_FALSE(generated.viewer.headers.Has("X-Policy"));
}

}  // namespace
}  // namespace edgesim::core
