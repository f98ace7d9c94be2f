#include "emulator/viewer_exchange.h"

#include "absl/strings/match.h"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "core/clock.h"
#include "emulator/demo_origin.h"
#include "gtest/gtest.h"
#include "policy/cache_policy.h"

namespace edgesim::emulator {
namespace {

const absl::Time kExchangeNow = absl::FromUnixSeconds(1'700'000'000);

class ViewerExchangeTest : public ::testing::Test {
 protected:
  ViewerExchangeTest() {
    policy::Distribution d = policy::SingleOriginDistribution("demo", policy::CachePolicy());
    d.id = "E1";
    d.domain_name = "d1.cloudfront.net";
    auto live = LiveDistribution::Create(std::move(d), {.pops = {"IAD89-C1", "FRA56-P1"}},
                                         std::make_unique<DemoOrigin>());
    EXPECT_TRUE(live.ok()) << live.status();
    EXPECT_TRUE(registry_.Add(*live).ok());
    registry_
        .Add(*LiveDistribution::Create(
            [] {
              policy::Distribution other =
                  policy::SingleOriginDistribution("demo", policy::CachePolicy());
              other.id = "E2";
              other.domain_name = "d2.cloudfront.net";
              return other;
            }(),
            {}, std::make_unique<DemoOrigin>()))
        .IgnoreError();
  }

  ViewerExchange Exchange(absl::string_view host, absl::string_view path,
                          absl::string_view pop = "") {
    ViewerExchange x;
    x.request = policy::Request::Get(path);
    x.request.headers.Add("Host", host);
    if (!pop.empty()) x.request.headers.Add("x-edgesim-pop", pop);
    x.id = policy::MakeRequestId(1, next_id_++);
    return x;
  }

  DistributionRegistry registry_;
  uint64_t next_id_ = 0;
};

TEST_F(ViewerExchangeTest, AMissGoesUpstreamThenHitsOnTheLoop) {
  ViewerExchange miss = Exchange("d1.cloudfront.net", "/about.html");
  ASSERT_FALSE(AnswerFromCache(miss, registry_.Snapshot(), kExchangeNow));
  ASSERT_NE(miss.distribution, nullptr);
  EXPECT_EQ(miss.distribution->id(), "E1");
  AnswerUpstream(miss, kExchangeNow);
  EXPECT_EQ(miss.answer.outcome, policy::CacheOutcome::kMiss);
  EXPECT_EQ(miss.answer.request_id.view(), miss.id.view());  // the viewer's id, upstream too

  ViewerExchange hit = Exchange("D1.CloudFront.net:8080", "/about.html");
  ASSERT_TRUE(AnswerFromCache(hit, registry_.Snapshot(), kExchangeNow + absl::Seconds(1)));
  EXPECT_EQ(hit.answer.outcome, policy::CacheOutcome::kHit);
  EXPECT_EQ(*hit.answer.pop, "IAD89-C1");
}

TEST_F(ViewerExchangeTest, ThePopHeaderPicksTheCacheAndAnUnknownPopIs400) {
  ViewerExchange fra = Exchange("d1.cloudfront.net", "/a", "fra56-p1");
  AnswerFromCache(fra, registry_.Snapshot(), kExchangeNow);
  EXPECT_EQ(fra.pop, 1);
  ViewerExchange unknown = Exchange("d1.cloudfront.net", "/a", "NOPE1");
  ASSERT_TRUE(AnswerFromCache(unknown, registry_.Snapshot(), kExchangeNow));
  EXPECT_EQ(unknown.pop, -1);
  EXPECT_EQ(unknown.answer.viewer.status, 400);
  EXPECT_EQ(unknown.answer.pop, nullptr);
  ASSERT_NE(unknown.answer.body, nullptr);
  EXPECT_TRUE(absl::StrContains(*unknown.answer.body, "runs IAD89-C1, FRA56-P1"));
}

TEST_F(ViewerExchangeTest, AHostNoDistributionAnswersIsCloudFronts403) {
  ViewerExchange x = Exchange("example.org", "/a");
  ASSERT_TRUE(AnswerFromCache(x, registry_.Snapshot(), kExchangeNow));
  EXPECT_EQ(x.distribution, nullptr);
  EXPECT_EQ(x.answer.viewer.status, 403);
  EXPECT_EQ(x.answer.pop, nullptr);
  EXPECT_EQ(x.answer.request_id.view(), x.id.view());
  ASSERT_NE(x.answer.body, nullptr);
  EXPECT_TRUE(absl::StrContains(*x.answer.body, "The request could not be satisfied"));
}

TEST_F(ViewerExchangeTest, NoRefreshJobWithoutABackgroundRefresh) {
  core::ManualClock clock;
  ViewerExchange x = Exchange("d1.cloudfront.net", "/a");
  EXPECT_EQ(TakeRefreshJob(x, &clock), nullptr);
  x.answer.background_refresh = core::BackgroundRefresh{};
  EXPECT_NE(TakeRefreshJob(x, &clock), nullptr);
  EXPECT_FALSE(x.answer.background_refresh.has_value());
}

TEST(RefusalAnswerTest, CarriesItsStatusPageAndId) {
  const policy::RequestId id = policy::MakeRequestId(3, 4);
  const core::EdgeResult r = RefusalAnswer(413, policy::CacheOutcome::kError,
                                           policy::ErrorDetail::kInvalidRequest, "Too big.", id);
  EXPECT_EQ(r.viewer.status, 413);
  EXPECT_EQ(r.viewer.headers.Get("Server"), "CloudFront");
  EXPECT_EQ(r.body_size, r.body->size());
  EXPECT_TRUE(absl::StrContains(*r.body, "Too big."));
  EXPECT_EQ(r.request_id.view(), id.view());
}

TEST(ReadViewerRequestTest, CopiesWhatBeastParsedReplacingEarlierFields) {
  namespace http = boost::beast::http;
  http::request_parser<http::string_body> parser;
  parser.header_limit(kMaxViewerHeaderBytes);
  const std::string wire =
      "GET /a%20b?x=1&x=2 HTTP/1.0\r\nHost: d1.cloudfront.net\r\nCookie: a=1\r\n"
      "X-Custom:  padded \r\nCookie: b=2\r\n\r\n";
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(wire), ec);
  ASSERT_FALSE(ec) << ec.message();
  ASSERT_TRUE(parser.is_done());
  policy::Request request;
  request.headers.Add("Stale", "from the previous request");
  ReadViewerRequest(parser.get(), request);
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.target, "/a%20b?x=1&x=2");
  EXPECT_EQ(request.http_minor_version, 0);
  // In Beast's order, which keeps repeated fields together (what the edge has always seen).
  EXPECT_EQ(request.headers, (policy::Headers{{"Host", "d1.cloudfront.net"},
                                              {"Cookie", "a=1"},
                                              {"Cookie", "b=2"},
                                              {"X-Custom", "padded"}}));
}

}  // namespace
}  // namespace edgesim::emulator
