// Response headers policies at a real `edgesim serve` (SPEC 11): security headers on misses and
// hits, CORS on simple requests, and preflights forwarded to the origin (the default) or
// answered at the edge (--answer-cors-preflight). A real child process in front of a cpp-httplib
// origin that counts what reaches it.
#include <atomic>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/emulator/local_http_server.h"
#include "tests/emulator/origin_config.h"
#include "tests/emulator/serve_process.h"

namespace edgesim::emulator {
namespace {

using testing::Config;
using testing::ConfigFile;
using testing::kCachingOptimized;
using testing::ServeConfig;

// "/sec/*" with the managed SecurityHeadersPolicy; "/cors/*" with the file's custom "rhp-cors"
// (origins *.example.com, credentials, GET and PUT, max-age 600), OPTIONS allowed.
std::string RhpConfigJson(int port) {
  const std::string sec = absl::StrCat(R"({"PathPattern": "/sec/*", "TargetOriginId": "o0",
    "ViewerProtocolPolicy": "allow-all", "CachePolicyId": ")",
                                       kCachingOptimized, R"(",
    "ResponseHeadersPolicyId": "67f7725c-6f97-4210-82d7-5512b31e9d03"})");
  const std::string cors = absl::StrCat(R"({"PathPattern": "/cors/*", "TargetOriginId": "o0",
    "ViewerProtocolPolicy": "allow-all", "CachePolicyId": ")",
                                        kCachingOptimized, R"(",
    "AllowedMethods": {"Quantity": 3, "Items": ["GET", "HEAD", "OPTIONS"],
      "CachedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]}},
    "ResponseHeadersPolicyId": "rhp-cors"})");
  // Config's last argument is the value of "CachePolicies"; the custom response headers policies
  // ride after it, at the file's top level.
  const std::string policies = R"([], "ResponseHeadersPolicies": [{"Id": "rhp-cors",
    "ResponseHeadersPolicyConfig": {"Name": "cors", "CorsConfig": {
      "AccessControlAllowOrigins": {"Quantity": 1, "Items": ["https://*.example.com"]},
      "AccessControlAllowHeaders": {"Quantity": 1, "Items": ["X-Token"]},
      "AccessControlAllowMethods": {"Quantity": 2, "Items": ["GET", "PUT"]},
      "AccessControlAllowCredentials": true, "AccessControlMaxAgeSec": 600,
      "OriginOverride": false}}}])";
  return Config({port}, kCachingOptimized, {sec, cors}, "", policies);
}

// Answers GET and OPTIONS 200, cacheable, with its own X-Frame-Options; counts requests.
class RhpOrigin {
 public:
  RhpOrigin() {
    const auto handler = [this](const httplib::Request&, httplib::Response& res) {
      ++requests_;
      res.set_header("Cache-Control", "max-age=300");
      res.set_header("X-Frame-Options", "DENY");
      res.set_content("ok", "text/plain");
    };
    server_.server().Get(".*", handler);
    server_.server().Options(".*", handler);
  }
  int port() const { return server_.port(); }
  int requests() const { return requests_; }

 private:
  LocalHttpServer server_;
  std::atomic<int> requests_{0};
};

httplib::Headers PreflightHeaders() {
  return {{"Origin", "https://app.example.com"}, {"Access-Control-Request-Method", "PUT"}};
}

TEST(EdgeServerResponseHeadersTest, SecurityHeadersOnMissAndHitOriginsFrameOptionKept) {
  RhpOrigin origin;
  ConfigFile config(RhpConfigJson(origin.port()));
  auto serve = ServeConfig(config);
  ASSERT_NE(serve, nullptr);
  httplib::Client edge = serve->Edge();
  auto miss = edge.Get("/sec/a");
  auto hit = edge.Get("/sec/a");
  ASSERT_TRUE(miss && hit);
  EXPECT_EQ(miss->get_header_value("X-Cache"), "Miss from cloudfront");
  EXPECT_EQ(hit->get_header_value("X-Cache"), "Hit from cloudfront");
  for (const auto* r : {&*miss, &*hit}) {
    EXPECT_EQ(r->get_header_value("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(r->get_header_value("Strict-Transport-Security"), "max-age=31536000");
    EXPECT_EQ(r->get_header_value("Referrer-Policy"), "strict-origin-when-cross-origin");
    EXPECT_EQ(r->get_header_value("X-XSS-Protection"), "1; mode=block");
    EXPECT_EQ(r->get_header_value("X-Frame-Options"), "DENY");  // the origin's: Override false
    EXPECT_EQ(r->body, "ok");
  }
  EXPECT_EQ(origin.requests(), 1);
  // Another behavior: no policy, no headers.
  auto plain = edge.Get("/elsewhere");
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->has_header("X-Content-Type-Options"));
}

TEST(EdgeServerResponseHeadersTest, ASimpleCorsRequestGetsTheMatchingOriginOnly) {
  RhpOrigin origin;
  ConfigFile config(RhpConfigJson(origin.port()));
  auto serve = ServeConfig(config);
  ASSERT_NE(serve, nullptr);
  httplib::Client edge = serve->Edge();
  auto cors = edge.Get("/cors/a", {{"Origin", "https://app.example.com"}});
  ASSERT_TRUE(cors);
  EXPECT_EQ(cors->get_header_value("Access-Control-Allow-Origin"), "https://app.example.com");
  EXPECT_EQ(cors->get_header_value("Access-Control-Allow-Credentials"), "true");
  EXPECT_FALSE(cors->has_header("Access-Control-Allow-Methods"));
  auto other = edge.Get("/cors/a", {{"Origin", "https://evil.test"}});
  auto none = edge.Get("/cors/a");
  ASSERT_TRUE(other && none);
  EXPECT_FALSE(other->has_header("Access-Control-Allow-Origin"));
  EXPECT_FALSE(none->has_header("Access-Control-Allow-Origin"));
}

TEST(EdgeServerResponseHeadersTest, APreflightGoesToTheOriginByDefault) {
  RhpOrigin origin;
  ConfigFile config(RhpConfigJson(origin.port()));
  auto serve = ServeConfig(config);
  ASSERT_NE(serve, nullptr);
  auto r = serve->Edge().Options("/cors/a", PreflightHeaders());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);  // the origin's
  EXPECT_EQ(origin.requests(), 1);
  EXPECT_EQ(r->get_header_value("Access-Control-Allow-Origin"), "https://app.example.com");
  EXPECT_EQ(r->get_header_value("Access-Control-Allow-Methods"), "GET, PUT");
  EXPECT_EQ(r->get_header_value("Access-Control-Allow-Headers"), "X-Token");
  EXPECT_EQ(r->get_header_value("Access-Control-Max-Age"), "600");
}

TEST(EdgeServerResponseHeadersTest, TheSwitchAnswersPreflightsAtTheEdge) {
  RhpOrigin origin;
  ConfigFile config(RhpConfigJson(origin.port()));
  auto serve = ServeConfig(config, {"--answer-cors-preflight"});
  ASSERT_NE(serve, nullptr);
  auto r = serve->Edge().Options("/cors/a", PreflightHeaders());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204);
  EXPECT_EQ(origin.requests(), 0);
  EXPECT_EQ(r->get_header_value("Access-Control-Allow-Methods"), "GET, PUT");
  EXPECT_EQ(r->get_header_value("Access-Control-Allow-Origin"), "https://app.example.com");
  // Not a preflight (no Access-Control-Request-Method): forwarded even so.
  auto plain = serve->Edge().Options("/cors/a", {{"Origin", "https://app.example.com"}});
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->status, 200);
  EXPECT_EQ(origin.requests(), 1);
}

}  // namespace
}  // namespace edgesim::emulator
