// What `edgesim serve` sends to an HTTP origin (SPEC 13): request bodies, X-Forwarded-For, Via,
// the CloudFront-* headers a policy names, a viewer's validators; and what it refuses first.
// A real child process in front of a cpp-httplib origin that records what reaches it.
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/match.h"
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
using testing::XCache;

constexpr char kOriginRequestAllViewerAndCloudFront[] = "33f36d7e-f396-46d9-90e0-52428a34d9dc";

// "/api/*": every method allowed, nothing cached, every viewer header and CloudFront's own
// forwarded (the managed AllViewerAndCloudFrontHeaders-2022-06 policy).
std::string OriginRequestApiBehavior() {
  return absl::StrCat(R"({"PathPattern": "/api/*", "TargetOriginId": "o0",
    "ViewerProtocolPolicy": "allow-all",
    "AllowedMethods": {"Quantity": 7,
      "Items": ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
      "CachedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]}},
    "CachePolicyId": ")",
                      testing::kCachingDisabled, R"(", "OriginRequestPolicyId": ")",
                      kOriginRequestAllViewerAndCloudFront, R"("})");
}

// What reached the origin, request by request.
struct OriginRequestSeen {
  std::string method;
  std::string body;
  httplib::Headers headers;

  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "(absent)" : it->second;
  }
};

// An origin answering every path and method 200 "ok" (or what `answer` makes of it), recording
// each request.
class BodyRecordingHttpOrigin {
 public:
  BodyRecordingHttpOrigin() {
    const auto handler = [this](const httplib::Request& req, httplib::Response& res) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        seen_.push_back({req.method, req.body, req.headers});
      }
      res.set_content("ok", "text/plain");
    };
    server_.server().Get(".*", handler);
    server_.server().Post(".*", handler);
    server_.server().Put(".*", handler);
    server_.server().Patch(".*", handler);
    server_.server().Delete(".*", handler);
  }

  int port() const { return server_.port(); }
  LocalHttpServer& server() { return server_; }
  std::vector<OriginRequestSeen> seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }

 private:
  LocalHttpServer server_;
  std::mutex mu_;
  std::vector<OriginRequestSeen> seen_;
};

TEST(EdgeServerOriginRequestTest, JsonBodiesReachTheOriginForEveryWritingMethod) {
  BodyRecordingHttpOrigin origin;
  ConfigFile config(Config({origin.port()}, kCachingOptimized, {OriginRequestApiBehavior()}));
  auto serve = ServeConfig(config);
  ASSERT_NE(serve, nullptr);
  const std::string json = R"({"name":"edgesim","n":42})";
  httplib::Client edge = serve->Edge();
  ASSERT_EQ(edge.Post("/api/items", json, "application/json")->status, 200);
  ASSERT_EQ(edge.Put("/api/items/1", json, "application/json")->status, 200);
  ASSERT_EQ(edge.Patch("/api/items/1", json, "application/json")->status, 200);
  ASSERT_EQ(edge.Delete("/api/items/1", json, "application/json")->status, 200);
  const std::vector<OriginRequestSeen> seen = origin.seen();
  ASSERT_EQ(seen.size(), 4u);
  const std::vector<std::string> methods = {"POST", "PUT", "PATCH", "DELETE"};
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].method, methods[i]);
    EXPECT_EQ(seen[i].body, json) << methods[i];
    EXPECT_EQ(seen[i].Header("Content-Length"), absl::StrCat(json.size())) << methods[i];
    EXPECT_EQ(seen[i].Header("Content-Type"), "application/json") << methods[i];
  }
}

TEST(EdgeServerOriginRequestTest, AGetWithABodyIs403AndNeverReachesTheOrigin) {
  BodyRecordingHttpOrigin origin;
  ConfigFile config(Config({origin.port()}, kCachingOptimized, {OriginRequestApiBehavior()}));
  auto serve = ServeConfig(config);
  ASSERT_NE(serve, nullptr);
  auto answers = serve->RawExchange(
      "GET /api/items HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nabcd"
      "GET /page HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n"
      "GET /page HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
      3);
  ASSERT_TRUE(answers.ok()) << answers.status();
  ASSERT_EQ(answers->size(), 3u);
  EXPECT_EQ((*answers)[0].result_int(), 403);
  EXPECT_EQ((*answers)[1].result_int(), 403);
  EXPECT_EQ((*answers)[2].result_int(), 200);  // an empty body is no body
  EXPECT_EQ(origin.seen().size(), 1u);
}

TEST(EdgeServerOriginRequestTest, ABodyOverTheLimitIs413AndTheEdgeGoesOn) {
  BodyRecordingHttpOrigin origin;
  ConfigFile config(Config({origin.port()}, kCachingOptimized, {OriginRequestApiBehavior()}));
  auto serve = ServeConfig(config, {"--max-request-body", "1024"});
  ASSERT_NE(serve, nullptr);
  auto big = serve->Edge().Post("/api/items", std::string(4096, 'x'), "application/json");
  // The edge may close before reading the whole body: then the viewer sees no answer at all.
  if (big) {
    EXPECT_EQ(big->status, 413);
  }
  auto fits = serve->Edge().Post("/api/items", std::string(1024, 'y'), "application/json");
  ASSERT_TRUE(fits);
  EXPECT_EQ(fits->status, 200);
  const std::vector<OriginRequestSeen> seen = origin.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].body, std::string(1024, 'y'));
  EXPECT_EQ(serve->AdminGet("/_edgesim/stats")->at("edge")["too_large"], 1u);
}

TEST(EdgeServerOriginRequestTest, XForwardedForAndViaNameTheViewerAndCloudFront) {
  BodyRecordingHttpOrigin origin;
  ConfigFile config(Config({origin.port()}, kCachingOptimized));
  auto serve = ServeConfig(config);
  ASSERT_NE(serve, nullptr);
  ASSERT_EQ(serve->Edge().Get("/a")->status, 200);
  ASSERT_EQ(serve->Edge().Get("/b", {{"X-Forwarded-For", "198.51.100.4"}})->status, 200);
  const std::vector<OriginRequestSeen> seen = origin.seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].Header("X-Forwarded-For"), "127.0.0.1");
  EXPECT_EQ(seen[1].Header("X-Forwarded-For"), "198.51.100.4,127.0.0.1");
  EXPECT_TRUE(absl::EndsWith(seen[0].Header("Via"), ".cloudfront.net (CloudFront)"))
      << seen[0].Header("Via");
  // Viewer-facing headers stay the viewer's: nothing of this comes back.
  auto answer = serve->Edge().Get("/a");
  EXPECT_FALSE(answer->has_header("X-Forwarded-For"));
}

TEST(EdgeServerOriginRequestTest, ViewerCountryComesFromTheViewerHeaderOrTheFlag) {
  BodyRecordingHttpOrigin origin;
  ConfigFile config(Config({origin.port()}, kCachingOptimized, {OriginRequestApiBehavior()}));
  auto serve = ServeConfig(config, {"--viewer-country", "DE"});
  ASSERT_NE(serve, nullptr);
  httplib::Client edge = serve->Edge();
  ASSERT_EQ(edge.Get("/api/a", {{"CloudFront-Viewer-Country", "FR"}})->status, 200);
  ASSERT_EQ(edge.Get("/api/b", {{"User-Agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) "
                                               "Mobile/15E148"}})
                ->status,
            200);
  // The default behavior's CachingOptimized names none: nothing added.
  ASSERT_EQ(edge.Get("/c")->status, 200);
  const std::vector<OriginRequestSeen> seen = origin.seen();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].Header("CloudFront-Viewer-Country"), "FR");
  EXPECT_EQ(seen[1].Header("CloudFront-Viewer-Country"), "DE");
  EXPECT_EQ(seen[1].Header("CloudFront-Is-Mobile-Viewer"), "true");
  EXPECT_EQ(seen[1].Header("CloudFront-Is-IOS-Viewer"), "true");
  EXPECT_EQ(seen[1].Header("CloudFront-Is-Desktop-Viewer"), "false");
  EXPECT_EQ(seen[1].Header("CloudFront-Forwarded-Proto"), "http");
  EXPECT_EQ(seen[1].Header("CloudFront-Viewer-Http-Version"), "1.1");
  EXPECT_TRUE(absl::StartsWith(seen[1].Header("CloudFront-Viewer-Address"), "127.0.0.1:"))
      << seen[1].Header("CloudFront-Viewer-Address");
  EXPECT_EQ(seen[2].Header("CloudFront-Viewer-Country"), "(absent)");
}

TEST(EdgeServerOriginRequestTest, TheDefaultViewerCountryIsUs) {
  BodyRecordingHttpOrigin origin;
  ConfigFile config(Config({origin.port()}, kCachingOptimized, {OriginRequestApiBehavior()}));
  auto serve = ServeConfig(config);
  ASSERT_NE(serve, nullptr);
  ASSERT_EQ(serve->Edge().Get("/api/a")->status, 200);
  ASSERT_EQ(origin.seen().size(), 1u);
  EXPECT_EQ(origin.seen()[0].Header("CloudFront-Viewer-Country"), "US");
}

TEST(EdgeServerOriginRequestTest, AViewersIfNoneMatchReachesTheOriginAndIts304IsNotStored) {
  LocalHttpServer origin;
  std::mutex mu;
  std::vector<std::string> if_none_match;
  origin.server().Get("/doc", [&](const httplib::Request& req, httplib::Response& res) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if_none_match.push_back(req.get_header_value("If-None-Match"));
    }
    res.set_header("ETag", "\"v1\"");
    res.set_header("Cache-Control", "max-age=60");
    if (req.get_header_value("If-None-Match") == "\"v1\"") {
      res.status = 304;
      return;
    }
    res.set_content("version one", "text/plain");
  });
  ConfigFile config(Config({origin.port()}, kCachingOptimized));
  auto serve = ServeConfig(config);
  ASSERT_NE(serve, nullptr);
  auto conditional = serve->Edge().Get("/doc", {{"If-None-Match", "\"v1\""}});
  ASSERT_TRUE(conditional);
  EXPECT_EQ(conditional->status, 304);
  EXPECT_EQ(XCache(conditional), "Miss from cloudfront");
  auto plain = serve->Edge().Get("/doc");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->status, 200);
  EXPECT_EQ(plain->body, "version one");
  EXPECT_EQ(XCache(plain), "Miss from cloudfront");  // the 304 was not stored
  EXPECT_EQ(XCache(serve->Edge().Get("/doc")), "Hit from cloudfront");
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(if_none_match, (std::vector<std::string>{"\"v1\"", ""}));
}

}  // namespace
}  // namespace edgesim::emulator
