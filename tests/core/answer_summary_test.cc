#include "core/answer_summary.h"

#include "core/request_pipeline.h"
#include "core/topology.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/core/fake_origin.h"
#include "tests/core/spa_distribution.h"
#include "tests/core/test_time.h"

namespace edgesim::core {
namespace {

using ::testing::HasSubstr;

// The real pipeline answers; the summary reads its answer.
class AnswerSummaryTest : public ::testing::Test {
 protected:
  AnswerSummaryTest() {
    origin_.Set("/index.html", 200, {{"Cache-Control", "max-age=300"}});
    origin_.Set("/app/route", 403);
    origin_.Set("/gone", 404);
  }
  std::string Summary(const policy::Distribution& d, const policy::Request& viewer) {
    std::unique_ptr<RequestPipeline> p =
        *RequestPipeline::Create(d, *MakeTopology({"IAD89-C1"}, {}, {}));
    return SummarizeAnswer(p->Handle(0, viewer, At(0), origin_), d.config, viewer);
  }

  FakeOrigin origin_;
};

TEST_F(AnswerSummaryTest, NamesTheCustomErrorPageAndTheErrorItReplaces) {
  EXPECT_EQ(Summary(SpaDistribution(), policy::Request::Get("/app/route")),
            "200 custom error page /index.html in place of the 403 (CustomErrorResponse, "
            "SPEC 7.4)");
}

TEST_F(AnswerSummaryTest, ARefusedMethodNeverReachesTheOrigin) {
  policy::Request post = policy::Request::Get("/index.html");
  post.method = "POST";
  policy::Distribution plain = SpaDistribution();
  plain.config.custom_error_responses.clear();
  EXPECT_EQ(Summary(plain, post), "403 (method not allowed by the behavior, SPEC 4.1)");
  EXPECT_EQ(origin_.fetches(), 0);
  // With a page for 403, the refusal becomes the page too (SPEC 7.4).
  EXPECT_THAT(Summary(SpaDistribution(), post), HasSubstr("custom error page /index.html"));
}

TEST_F(AnswerSummaryTest, MissesAndOriginErrorsSayWhetherTheyWereCached) {
  EXPECT_EQ(Summary(SpaDistribution(), policy::Request::Get("/index.html")),
            "200 from the origin (Miss from cloudfront), cached");
  EXPECT_EQ(Summary(SpaDistribution(), policy::Request::Get("/gone")),
            "404 error from the origin, cached");
}

TEST_F(AnswerSummaryTest, RedirectsToHttps) {
  policy::Distribution d = SpaDistribution();
  d.config.default_behavior.viewer_protocol_policy = "redirect-to-https";
  EXPECT_THAT(Summary(d, policy::Request::Get("/index.html")),
              HasSubstr("301 redirect to HTTPS"));
}

}  // namespace
}  // namespace edgesim::core
