// `edgesim serve` in front of real HTTP origins: cpp-httplib servers in this process, on ports
// from the OS, counting what reaches them (local_http_server.h).
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/substitute.h"
#include "gtest/gtest.h"
#include "policy/access_log.h"
#include "tests/emulator/local_http_server.h"
#include "tests/emulator/origin_config.h"
#include "tests/emulator/serve_process.h"

namespace edgesim::emulator {
namespace {

using testing::Config;
using testing::ConfigFile;
using testing::kCachingOptimized;
using testing::ServeConfig;
using testing::ServeProcess;
using testing::XCache;

TEST(EdgeServerOriginsTest, MissThenHitFromAnHttpOrigin) {
  LocalHttpServer origin;
  origin.server().Get("/a.js", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "max-age=60");
    res.set_content("console.log(1)", "application/javascript");
  });
  ConfigFile config(Config({origin.port()}, kCachingOptimized));
  auto serve = ServeConfig(config);
  ASSERT_NE(serve, nullptr);
  auto miss = serve->Edge().Get("/a.js");
  EXPECT_EQ(XCache(miss), "Miss from cloudfront");
  EXPECT_EQ(miss->body, "console.log(1)");
  ASSERT_TRUE(serve->AdvanceClock(absl::Seconds(59)).ok());
  auto hit = serve->Edge().Get("/a.js");
  EXPECT_EQ(XCache(hit), "Hit from cloudfront");
  EXPECT_EQ(hit->get_header_value("Age"), "59");
  ASSERT_TRUE(serve->AdvanceClock(absl::Seconds(2)).ok());
  EXPECT_EQ(XCache(serve->Edge().Get("/a.js")), "Miss from cloudfront");  // no validator: refetch
  EXPECT_EQ(origin.requests(), 2);
}

// A production config, unchanged: an https-only origin with a public name.
constexpr char kProductionConfig[] = R"({"DistributionConfig": {"CallerReference": "prod",
  "Comment": "", "Enabled": true,
  "Origins": {"Quantity": 1, "Items": [{"Id": "api", "DomainName": "api.example.com",
    "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
      "OriginProtocolPolicy": "https-only"}}]},
  "DefaultCacheBehavior": {"TargetOriginId": "api", "ViewerProtocolPolicy": "allow-all",
    "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"}}})";

// --origin ID=URL: the connection goes to the local server, the request stays what the
// production origin would get (its DomainName as Host).
TEST(EdgeServerOriginsTest, OriginFlagPointsAConfigsOriginAtALocalServer) {
  LocalHttpServer origin;
  std::mutex mu;
  std::string host_seen;
  origin.server().Get("/v1/items", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    host_seen = req.get_header_value("Host");
    res.set_header("Cache-Control", "max-age=60");
    res.set_content("[1, 2]", "application/json");
  });
  ConfigFile config(kProductionConfig);
  auto serve =
      ServeConfig(config, {"--origin", absl::StrCat("api=http://127.0.0.1:", origin.port())});
  ASSERT_NE(serve, nullptr);
  auto miss = serve->Edge().Get("/v1/items");
  ASSERT_TRUE(miss);
  EXPECT_EQ(miss->status, 200) << miss->body;
  EXPECT_EQ(miss->body, "[1, 2]");
  EXPECT_EQ(XCache(miss), "Miss from cloudfront");
  EXPECT_EQ(XCache(serve->Edge().Get("/v1/items")), "Hit from cloudfront");
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(host_seen, "api.example.com");
}

TEST(EdgeServerOriginsTest, OriginFlagNamingNoOriginOfTheConfigsStopsServe) {
  ConfigFile config(kProductionConfig);
  const testing::ServeRun run = testing::RunServeToExit(
      {"--config", config.path(), "--listen", "127.0.0.1:0", "--api", "127.0.0.1:0", "--origin",
       "apii=http://127.0.0.1:9000"});
  EXPECT_FALSE(run.listened);
  EXPECT_EQ(run.code, 2) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, "--origin apii=")) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, "no distribution of --config has an origin"))
      << run.output;
  const testing::ServeRun bad_url = testing::RunServeToExit(
      {"--config", config.path(), "--listen", "127.0.0.1:0", "--api", "127.0.0.1:0", "--origin",
       "api=https://127.0.0.1:9000"});
  EXPECT_EQ(bad_url.code, 2) << bad_url.output;
  EXPECT_TRUE(absl::StrContains(bad_url.output, "expected http://HOST[:PORT]")) << bad_url.output;
}

TEST(EdgeServerOriginsTest, ConcurrentMissesCollapseIntoOneOriginRequest) {
  LocalHttpServer origin;
  std::mutex mu;
  std::condition_variable released;
  bool open = false;
  origin.server().Get("/hot", [&](const httplib::Request&, httplib::Response& res) {
    std::unique_lock<std::mutex> lock(mu);
    released.wait(lock, [&] { return open; });
    res.set_header("Cache-Control", "max-age=60");
    res.set_content("hot", "text/plain");
  });
  ConfigFile config(Config({origin.port()}, kCachingOptimized));
  auto serve = ServeConfig(config);
  ASSERT_NE(serve, nullptr);
  constexpr int kViewers = 8;
  std::vector<std::string> results(kViewers);
  std::vector<std::thread> viewers;
  for (int i = 0; i < kViewers; ++i) {
    viewers.emplace_back([&, i] { results[i] = XCache(serve->Edge().Get("/hot")); });
  }
  // Every viewer request has gone upstream (the first fetched on the event loop, the others
  // waiting on it from the origin workers) before the origin answers.
  for (;;) {
    absl::StatusOr<nlohmann::json> stats = serve->AdminGet("/_edgesim/stats");
    ASSERT_TRUE(stats.ok());
    const nlohmann::json& edge = (*stats)["edge"];
    const uint64_t upstream =
        edge["to_workers"].get<uint64_t>() + edge["fetched_on_loop"].get<uint64_t>();
    if (upstream == kViewers && origin.requests() == 1) break;
    std::this_thread::yield();
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    open = true;
  }
  released.notify_all();
  for (std::thread& t : viewers) t.join();
  EXPECT_EQ(origin.requests(), 1);
  EXPECT_EQ(std::count(results.begin(), results.end(), "Miss from cloudfront"), 1);
  EXPECT_EQ(std::count(results.begin(), results.end(), "Hit from cloudfront"), kViewers - 1);
  // Most waited on the leader's fetch; a worker that took its request from the queue only after
  // the answer was stored counts a plain hit.
  EXPECT_GE(serve->AdminGet("/_edgesim/stats")
                ->at("distributions")[0]["caches"][0]["counters"]["collapsed"],
            1);
}

TEST(EdgeServerOriginsTest, StaleIfErrorServesTheOldCopyWhileTheOriginIsDown) {
  auto origin = std::make_unique<LocalHttpServer>();
  // One request per connection, so stopping the origin does not wait out a keep-alive.
  origin->server().set_keep_alive_max_count(1);
  origin->server().Get("/page", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "max-age=10, stale-if-error=300");
    res.set_content("v1", "text/html");
  });
  ConfigFile config(Config({origin->port()}, kCachingOptimized));
  auto serve = ServeConfig(config);
  ASSERT_NE(serve, nullptr);
  EXPECT_EQ(XCache(serve->Edge().Get("/page")), "Miss from cloudfront");
  origin.reset();  // stopped: connections are refused
  ASSERT_TRUE(serve->AdvanceClock(absl::Seconds(20)).ok());
  auto stale = serve->Edge().Get("/page");
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->status, 200);
  EXPECT_EQ(stale->body, "v1");
  EXPECT_EQ(XCache(stale), "Hit from cloudfront");
  // A path never cached has nothing to fall back on: CloudFront's 502.
  auto down = serve->Edge().Get("/other");
  EXPECT_EQ(down->status, 502);
  EXPECT_EQ(XCache(down), "Error from cloudfront");
}

TEST(EdgeServerOriginsTest, StaleWhileRevalidateAnswersAtOnceAndRefreshesInTheBackground) {
  LocalHttpServer origin;
  std::atomic<int> version{0};
  origin.server().Get("/feed", [&](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "max-age=10, stale-while-revalidate=60");
    res.set_content(absl::StrCat("v", ++version), "text/plain");
  });
  ConfigFile config(Config({origin.port()}, kCachingOptimized));
  auto serve = ServeConfig(config);
  ASSERT_NE(serve, nullptr);
  EXPECT_EQ(serve->Edge().Get("/feed")->body, "v1");
  ASSERT_TRUE(serve->AdvanceClock(absl::Seconds(15)).ok());
  auto stale = serve->Edge().Get("/feed");
  EXPECT_EQ(stale->body, "v1");
  EXPECT_EQ(XCache(stale), "Hit from cloudfront");
  // The refresh runs on an origin worker after the answer; wait for it to land in the cache.
  for (;;) {
    absl::StatusOr<nlohmann::json> cache = serve->AdminGet("/_edgesim/cache");
    ASSERT_TRUE(cache.ok());
    if ((*cache)["entries"].size() == 1 && (*cache)["entries"][0]["fresh"] == true) break;
    std::this_thread::yield();
  }
  EXPECT_EQ(serve->Edge().Get("/feed")->body, "v2");
  EXPECT_EQ(origin.requests(), 2);
}

TEST(EdgeServerOriginsTest, AHangingOriginIs504AfterItsReadTimeout) {
  LocalHttpServer origin;
  origin.server().Get("/slow", origin.Hang());
  ConfigFile config(Config({origin.port()}, kCachingOptimized));
  auto serve = ServeConfig(config, {"--access-log", config.log()});
  ASSERT_NE(serve, nullptr);
  auto r = serve->Edge().Get("/slow");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 504);
  EXPECT_EQ(XCache(r), "Error from cloudfront");
  ASSERT_EQ(serve->Terminate(), 0);
  std::ifstream in(config.log());
  std::string version, fields, line;
  std::getline(in, version);
  std::getline(in, fields);
  std::getline(in, line);
  auto record = policy::ParseAccessLogLine(line, *policy::AccessLogFields::Parse(fields));
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_EQ(record->sc_status, 504);
  EXPECT_EQ(record->result_type, "Error");
  EXPECT_EQ(record->detailed_result_type, "OriginReadError");
}

TEST(EdgeServerOriginsTest, BehaviorsRouteToTheirOrigins) {
  LocalHttpServer site, api;
  site.server().Get("/index.html", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("site", "text/html");
  });
  api.server().Get("/api/users", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("[]", "application/json");
  });
  const std::string behaviors = absl::Substitute(
      R"({"PathPattern": "/api/*", "TargetOriginId": "o1", "ViewerProtocolPolicy": "allow-all",
          "CachePolicyId": "$0"})",
      kCachingOptimized);
  ConfigFile config(Config({site.port(), api.port()}, kCachingOptimized, {behaviors}));
  auto serve = ServeConfig(config);
  ASSERT_NE(serve, nullptr);
  EXPECT_EQ(serve->Edge().Get("/index.html")->body, "site");
  EXPECT_EQ(serve->Edge().Get("/api/users")->body, "[]");
  EXPECT_EQ(site.requests(), 1);
  EXPECT_EQ(api.requests(), 1);
}

TEST(EdgeServerOriginsTest, QueryHeaderAndCookieKeysSeparateObjects) {
  LocalHttpServer origin;
  origin.server().Get("/p", [](const httplib::Request& req, httplib::Response& res) {
    res.set_header("Cache-Control", "max-age=300");
    res.set_content(
        absl::StrCat("v=", req.get_param_value("v"), " variant=", req.get_header_value("X-Variant"),
                     " cookie=", req.get_header_value("Cookie")),
        "text/plain");
  });
  const std::string policies = R"([{"Id": "keyed", "CachePolicyConfig": {"Name": "keyed",
    "MinTTL": 0, "DefaultTTL": 60, "MaxTTL": 600,
    "ParametersInCacheKeyAndForwardedToOrigin": {"EnableAcceptEncodingGzip": false,
      "EnableAcceptEncodingBrotli": false,
      "HeadersConfig": {"HeaderBehavior": "whitelist", "Headers": {"Quantity": 1, "Items": ["X-Variant"]}},
      "CookiesConfig": {"CookieBehavior": "whitelist", "Cookies": {"Quantity": 1, "Items": ["session"]}},
      "QueryStringsConfig": {"QueryStringBehavior": "whitelist", "QueryStrings": {"Quantity": 1, "Items": ["v"]}}}}}])";
  ConfigFile config(Config({origin.port()}, "keyed", {}, "", policies));
  auto serve = ServeConfig(config);
  ASSERT_NE(serve, nullptr);
  httplib::Client edge = serve->Edge();
  auto get = [&](const std::string& path, httplib::Headers h = {}) {
    return edge.Get(path.c_str(), h);
  };
  EXPECT_EQ(XCache(get("/p?v=1")), "Miss from cloudfront");
  EXPECT_EQ(XCache(get("/p?v=2")), "Miss from cloudfront");
  auto other_param = get("/p?v=1&utm=x");  // not in the key
  EXPECT_EQ(XCache(other_param), "Hit from cloudfront");
  EXPECT_EQ(other_param->body, "v=1 variant= cookie=");
  EXPECT_EQ(XCache(get("/p?v=1", {{"X-Variant", "b"}})), "Miss from cloudfront");
  EXPECT_EQ(XCache(get("/p?v=1", {{"X-Other", "b"}})), "Hit from cloudfront");
  auto with_cookie = get("/p?v=1", {{"Cookie", "session=abc; tracking=1"}});
  EXPECT_EQ(XCache(with_cookie), "Miss from cloudfront");
  EXPECT_EQ(with_cookie->body, "v=1 variant= cookie=session=abc");  // only keyed cookies go up
  EXPECT_EQ(XCache(get("/p?v=1", {{"Cookie", "tracking=2; session=abc"}})), "Hit from cloudfront");
  EXPECT_EQ(origin.requests(), 4);
}

TEST(EdgeServerOriginsTest, SpaErrorPagesAnswerMissingPathsWithIndexHtml) {
  LocalHttpServer origin;
  origin.server().Get("/index.html", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "max-age=60");
    res.set_content("<div id=app></div>", "text/html");
  });
  origin.server().Get(".*", [](const httplib::Request&, httplib::Response& res) {
    res.status = 404;
    res.set_content("NoSuchKey", "application/xml");
  });
  const std::string errors = R"(, "CustomErrorResponses": {"Quantity": 2, "Items": [
      {"ErrorCode": 403, "ResponsePagePath": "/index.html", "ResponseCode": "200", "ErrorCachingMinTTL": 10},
      {"ErrorCode": 404, "ResponsePagePath": "/index.html", "ResponseCode": "200", "ErrorCachingMinTTL": 10}]})";
  ConfigFile config(Config({origin.port()}, kCachingOptimized, {}, errors));
  auto serve = ServeConfig(config, {"--access-log", config.log()});
  ASSERT_NE(serve, nullptr);
  auto route = serve->Edge().Get("/settings/profile");
  ASSERT_TRUE(route);
  EXPECT_EQ(route->status, 200);
  EXPECT_EQ(route->body, "<div id=app></div>");
  EXPECT_EQ(route->get_header_value("Content-Type"), "text/html");
  EXPECT_EQ(XCache(route), "Error from cloudfront");
  auto again = serve->Edge().Get("/settings/profile");
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(origin.requests(), 2);  // the 404 and the page, each cached (SPEC 3.5)
  ASSERT_EQ(serve->Terminate(), 0);
  std::ifstream in(config.log());
  std::string version, fields, line;
  std::getline(in, version);
  std::getline(in, fields);
  std::getline(in, line);
  auto record = policy::ParseAccessLogLine(line, *policy::AccessLogFields::Parse(fields));
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->sc_status, 200);        // SPEC 7.4: the substituted code...
  EXPECT_EQ(record->result_type, "Error");  // ...and still an Error
}

}  // namespace
}  // namespace edgesim::emulator
