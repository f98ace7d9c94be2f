#include "core/edge_functions.h"

#include <string>

#include "core/request_pipeline.h"
#include "core/topology.h"
#include "core/viewer_head.h"
#include "gtest/gtest.h"
#include "policy/cache_policy.h"
#include "tests/core/fake_origin.h"
#include "tests/core/test_time.h"

namespace edgesim::core {
namespace {

using policy::CacheOutcome;
using policy::ErrorDetail;
using policy::Request;

constexpr char kEdgeFnSpaRewrite[] = R"(
function handler(event) {
  var request = event.request;
  if (request.uri.endsWith('/')) request.uri += 'index.html';
  return request;
})";

constexpr char kEdgeFnRedirect[] = R"(
function handler(event) {
  return { statusCode: 301, statusDescription: 'Moved Permanently',
           headers: { location: { value: 'https://example.com/new' } } };
})";

constexpr char kEdgeFnSecurityHeader[] = R"(
function handler(event) {
  var response = event.response;
  response.headers['strict-transport-security'] = { value: 'max-age=63072000' };
  return response;
})";

policy::FunctionAssociation EdgeFnAssociation(absl::string_view event, absl::string_view code) {
  return {std::string(event), "arn:aws:cloudfront::123456789012:function/f", "f",
          "cloudfront-js-2.0", std::string(code)};
}

class EdgeFunctionsPipelineTest : public ::testing::Test {
 protected:
  EdgeFunctionsPipelineTest() {
    origin_.Set("/blog/index.html", 200, {{"Cache-Control", "max-age=300"}}, "<html>blog</html>");
    origin_.Set("/blog/", 404);
  }

  void Attach(absl::string_view event, absl::string_view code) {
    distribution_.config.default_behavior.function_associations.push_back(
        EdgeFnAssociation(event, code));
  }
  RequestPipeline& Pipeline() {
    if (pipeline_ == nullptr) {
      CacheTopology topology = *MakeTopology({"IAD89-C1"}, {}, {});
      // Behaviour, not speed: far above the 1 ms default, for sanitizer builds on a busy machine.
      topology.functions.compute_budget = absl::Milliseconds(500);
      topology.functions.wall_limit = absl::Seconds(30);
      pipeline_ = *RequestPipeline::Create(distribution_, topology);
    }
    return *pipeline_;
  }
  CounterSnapshot Counters() {
    return Pipeline().network().FindCache("IAD89-C1")->TotalCounters();
  }

  policy::Distribution distribution_ = policy::SingleOriginDistribution(
      "origin", *policy::FindManagedCachePolicy("Managed-CachingOptimized"));
  FakeOrigin origin_;
  std::unique_ptr<RequestPipeline> pipeline_;
};

TEST_F(EdgeFunctionsPipelineTest, WithoutAFunctionTheDirectoryUrlReachesTheOriginAsIs) {
  const EdgeResult r = Pipeline().Handle(0, Request::Get("/blog/"), At(0), origin_);
  EXPECT_EQ(r.viewer.status, 404);
  EXPECT_EQ(origin_.last_forwarded().path(), "/blog/");
}

TEST_F(EdgeFunctionsPipelineTest, ViewerRequestRewriteChangesTheKeyAndWhatTheOriginSees) {
  Attach("viewer-request", kEdgeFnSpaRewrite);
  const EdgeResult miss = Pipeline().Handle(0, Request::Get("/blog/"), At(0), origin_);
  EXPECT_EQ(miss.viewer.status, 200);
  EXPECT_EQ(miss.outcome, CacheOutcome::kMiss);
  ASSERT_NE(miss.body, nullptr);
  EXPECT_EQ(*miss.body, "<html>blog</html>");
  EXPECT_EQ(miss.object_path, "/blog/index.html");
  EXPECT_EQ(origin_.last_forwarded().path(), "/blog/index.html");

  // The rewritten key is the one /blog/index.html has: a direct request for it hits.
  const EdgeResult direct = Pipeline().Handle(0, Request::Get("/blog/index.html"), At(1), origin_);
  EXPECT_EQ(direct.outcome, CacheOutcome::kHit);
  EXPECT_EQ(origin_.fetches(), 1);
}

TEST_F(EdgeFunctionsPipelineTest, TwoPhasesKeepTheRewrittenRequestAlive) {
  Attach("viewer-request", kEdgeFnSpaRewrite);
  RequestPipeline::Begun begun = Pipeline().Begin(0, Request::Get("/blog/"), At(0));
  ASSERT_FALSE(begun.answer.has_value());
  const EdgeResult r = Pipeline().Complete(std::move(begun.pending), At(0), origin_);
  EXPECT_EQ(r.viewer.status, 200);
  EXPECT_EQ(origin_.last_forwarded().path(), "/blog/index.html");
  RequestPipeline::Begun hit = Pipeline().Begin(0, Request::Get("/blog/"), At(1));
  ASSERT_TRUE(hit.answer.has_value());
  EXPECT_EQ(hit.answer->outcome, CacheOutcome::kHit);
}

TEST_F(EdgeFunctionsPipelineTest, AGeneratedRedirectIsAnsweredAtTheEdgeWithoutTheOrigin) {
  Attach("viewer-request", kEdgeFnRedirect);
  Attach("viewer-response", kEdgeFnSecurityHeader);
  RequestPipeline::Begun begun = Pipeline().Begin(0, Request::Get("/old"), At(0));
  ASSERT_TRUE(begun.answer.has_value());
  const EdgeResult& r = *begun.answer;
  EXPECT_EQ(r.viewer.status, 301);
  EXPECT_EQ(r.outcome, CacheOutcome::kFunctionGeneratedResponse);
  const policy::Headers headers = ViewerHeaders(r);
  EXPECT_EQ(headers.Get("Location"), "https://example.com/new");
  EXPECT_EQ(headers.Get("X-Cache"), "FunctionGeneratedResponse from cloudfront");
  EXPECT_EQ(headers.Get("X-Amz-Cf-Pop"), "IAD89-C1");
  // SPEC 15.1: the viewer-response function does not run on a generated response.
  EXPECT_FALSE(headers.Get("Strict-Transport-Security").has_value());
  EXPECT_EQ(origin_.fetches(), 0);
  EXPECT_EQ(Counters()[Counter::kRequests], 1u);
  EXPECT_EQ(Counters()[Counter::kFunctionResponses], 1u);
  EXPECT_EQ(policy::DetailedResultType(r.outcome, r.error_detail), "FunctionGeneratedResponse");
}

TEST_F(EdgeFunctionsPipelineTest, ViewerResponseAddsAHeaderOnMissAndHitButNotOnErrors) {
  Attach("viewer-response", kEdgeFnSecurityHeader);
  const EdgeResult miss = Pipeline().Handle(0, Request::Get("/blog/index.html"), At(0), origin_);
  EXPECT_EQ(miss.outcome, CacheOutcome::kMiss);
  EXPECT_EQ(ViewerHeaders(miss).Get("Strict-Transport-Security"), "max-age=63072000");
  const EdgeResult hit = Pipeline().Handle(0, Request::Get("/blog/index.html"), At(1), origin_);
  EXPECT_EQ(hit.outcome, CacheOutcome::kHit);
  EXPECT_EQ(ViewerHeaders(hit).Get("Strict-Transport-Security"), "max-age=63072000");
  // The stored object keeps the origin's headers: the function changes the viewer's copy only.
  ASSERT_NE(hit.stored, nullptr);
  EXPECT_FALSE(hit.stored->head.headers.Get("Strict-Transport-Security").has_value());
  // SPEC 15.1: not on an origin status of 400 or more.
  const EdgeResult missing = Pipeline().Handle(0, Request::Get("/blog/"), At(2), origin_);
  EXPECT_EQ(missing.viewer.status, 404);
  EXPECT_FALSE(ViewerHeaders(missing).Get("Strict-Transport-Security").has_value());
}

TEST_F(EdgeFunctionsPipelineTest, AThrowingViewerRequestFunctionAnswers503WithoutTheOrigin) {
  Attach("viewer-request", "function handler(event) { throw new Error('boom'); }");
  const EdgeResult r = Pipeline().Handle(0, Request::Get("/blog/"), At(0), origin_);
  EXPECT_EQ(r.viewer.status, 503);
  EXPECT_EQ(r.outcome, CacheOutcome::kError);
  EXPECT_EQ(r.error_detail, ErrorDetail::kFunctionExecutionError);
  EXPECT_EQ(ViewerHeaders(r).Get("X-Cache"), "Error from cloudfront");
  EXPECT_EQ(policy::DetailedResultType(r.outcome, r.error_detail), "FunctionExecutionError");
  EXPECT_EQ(origin_.fetches(), 0);
  EXPECT_EQ(Counters()[Counter::kErrors], 1u);
}

TEST_F(EdgeFunctionsPipelineTest, AnInvalidReturnAnswers502) {
  Attach("viewer-request", "function handler(event) { return { uri: 'no-slash' }; }");
  const EdgeResult r = Pipeline().Handle(0, Request::Get("/blog/"), At(0), origin_);
  EXPECT_EQ(r.viewer.status, 502);
  EXPECT_EQ(r.error_detail, ErrorDetail::kFunctionValidationError);
  EXPECT_EQ(origin_.fetches(), 0);
}

TEST_F(EdgeFunctionsPipelineTest, AFailingViewerResponseFunctionReplacesTheAnswer) {
  Attach("viewer-response", "function handler(event) { return 42; }");
  const EdgeResult r = Pipeline().Handle(0, Request::Get("/blog/index.html"), At(0), origin_);
  EXPECT_EQ(r.viewer.status, 502);
  EXPECT_EQ(r.error_detail, ErrorDetail::kFunctionValidationError);
  ASSERT_NE(r.body, nullptr);
  EXPECT_NE(*r.body, "<html>blog</html>");
}

TEST(EdgeFunctionsTest, AnUnknownRuntimeIsRefused) {
  policy::Distribution d = policy::SingleOriginDistribution(
      "origin", *policy::FindManagedCachePolicy("Managed-CachingOptimized"));
  policy::FunctionAssociation a = EdgeFnAssociation("viewer-request", kEdgeFnSpaRewrite);
  a.runtime = "cloudfront-js-9.9";
  d.config.default_behavior.function_associations.push_back(a);
  EXPECT_FALSE(EdgeFunctions::Create(d, {}).ok());
}

}  // namespace
}  // namespace edgesim::core
