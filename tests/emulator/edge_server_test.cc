// The edge through a real `edgesim serve` process (serve_process.h): the demo distribution and
// its in-process origin, time moved through the admin API's manual clock.
#include "emulator/edge_server.h"

#include <signal.h>

#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/clock.h"
#include "emulator/demo_origin.h"
#include "emulator/distribution_registry.h"
#include "gtest/gtest.h"
#include "policy/access_log.h"
#include "policy/cache_policy.h"
#include "policy/response_head.h"
#include "tests/emulator/serve_process.h"

namespace edgesim::emulator {
namespace {

using testing::ServeProcess;
using testing::XCache;

std::unique_ptr<ServeProcess> Serve(std::vector<std::string> args = {"--demo"}) {
  absl::StatusOr<std::unique_ptr<ServeProcess>> p = ServeProcess::Start(std::move(args));
  EXPECT_TRUE(p.ok()) << p.status();
  return p.ok() ? *std::move(p) : nullptr;
}

httplib::Result Get(const ServeProcess& serve, const std::string& path,
                    httplib::Headers headers = {}) {
  return serve.Edge().Get(path.c_str(), headers);
}

// A bare DistributionConfig (serve derives its id and domain name) with one HTTP origin.
std::string MinimalConfig(int origin_port) {
  return absl::StrCat(R"({"CallerReference": "edge-test", "Comment": "", "Enabled": true,
    "Origins": {"Quantity": 1, "Items": [{"Id": "o", "DomainName": "127.0.0.1",
      "CustomOriginConfig": {"HTTPPort": )",
                      origin_port, R"(, "HTTPSPort": 443,
        "OriginProtocolPolicy": "http-only"}}]},
    "DefaultCacheBehavior": {"TargetOriginId": "o", "ViewerProtocolPolicy": "allow-all",
      "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"}})");
}

uint64_t Counter(const nlohmann::json& stats, const std::string& name, size_t cache = 0) {
  return stats["distributions"][0]["caches"][cache]["counters"][name].get<uint64_t>();
}

TEST(EdgeServerTest, MissThenHitWithAgeFromTheManualClock) {
  auto serve = Serve();
  ASSERT_NE(serve, nullptr);
  auto first = Get(*serve, "/index.html");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(XCache(first), "Miss from cloudfront");
  EXPECT_FALSE(first->has_header("Age"));
  EXPECT_TRUE(absl::StrContains(first->body, "Hello from the edge"));
  EXPECT_EQ(first->get_header_value("X-Amz-Cf-Pop"), "IAD89-C1");
  EXPECT_EQ(first->get_header_value("X-Amz-Cf-Id").size(), 56u);
  EXPECT_TRUE(absl::StrContains(first->get_header_value("Via"), ".cloudfront.net (CloudFront)"));

  ASSERT_TRUE(serve->AdvanceClock(absl::Seconds(7)).ok());
  auto second = Get(*serve, "/index.html");
  ASSERT_TRUE(second);
  EXPECT_EQ(XCache(second), "Hit from cloudfront");
  EXPECT_EQ(second->get_header_value("Age"), "7");
  EXPECT_EQ(second->body, first->body);
  EXPECT_NE(second->get_header_value("X-Amz-Cf-Id"), first->get_header_value("X-Amz-Cf-Id"));
}

TEST(EdgeServerTest, ExpiredHtmlIsRevalidatedWithA304AsRefreshHit) {
  auto serve = Serve();
  ASSERT_NE(serve, nullptr);
  ASSERT_EQ(XCache(Get(*serve, "/index.html")), "Miss from cloudfront");
  ASSERT_TRUE(serve->AdvanceClock(absl::Seconds(29)).ok());
  EXPECT_EQ(XCache(Get(*serve, "/index.html")), "Hit from cloudfront");
  ASSERT_TRUE(serve->AdvanceClock(absl::Seconds(2)).ok());  // max-age=30 has passed
  auto refreshed = Get(*serve, "/index.html");
  EXPECT_EQ(XCache(refreshed), "RefreshHit from cloudfront");
  EXPECT_TRUE(absl::StrContains(refreshed->body, "Hello from the edge"));
  absl::StatusOr<nlohmann::json> stats = serve->AdminGet("/_edgesim/stats");
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(Counter(*stats, "refresh_hits"), 1u);
  EXPECT_EQ(Counter(*stats, "origin_fetches"), 2u);
}

TEST(EdgeServerTest, DemoAssetsStayCachedForAYear) {
  auto serve = Serve();
  ASSERT_NE(serve, nullptr);
  EXPECT_TRUE(serve->WaitForStdout("curl -si"));
  ASSERT_EQ(XCache(Get(*serve, "/assets/app.3f9a1c.js")), "Miss from cloudfront");
  ASSERT_TRUE(serve->AdvanceClock(absl::Hours(24 * 300)).ok());
  auto r = Get(*serve, "/assets/app.3f9a1c.js");
  EXPECT_EQ(XCache(r), "Hit from cloudfront");
  EXPECT_EQ(r->get_header_value("Age"), absl::StrCat(300 * 86400));
}

TEST(EdgeServerTest, DefaultRootObjectServesSlash) {
  auto serve = Serve();
  ASSERT_NE(serve, nullptr);
  auto r = Get(*serve, "/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(absl::StrContains(r->body, "Hello from the edge"));
}

TEST(EdgeServerTest, NotFoundIsCachedForErrorCachingMinTtl) {
  auto serve = Serve();
  ASSERT_NE(serve, nullptr);
  auto first = Get(*serve, "/missing");
  EXPECT_EQ(first->status, 404);
  EXPECT_EQ(XCache(first), "Error from cloudfront");
  ASSERT_TRUE(serve->AdvanceClock(absl::Seconds(9)).ok());
  EXPECT_EQ(Get(*serve, "/missing")->status, 404);
  EXPECT_EQ(Counter(*serve->AdminGet("/_edgesim/stats"), "origin_fetches"), 1u);
  ASSERT_TRUE(serve->AdvanceClock(absl::Seconds(2)).ok());
  EXPECT_EQ(Get(*serve, "/missing")->status, 404);
  EXPECT_EQ(Counter(*serve->AdminGet("/_edgesim/stats"), "origin_fetches"), 2u);
}

TEST(EdgeServerTest, EachPopHasItsOwnCache) {
  auto serve = Serve({"--demo", "--pops", "IAD89-C1,FRA56-P1"});
  ASSERT_NE(serve, nullptr);
  auto fra = Get(*serve, "/about.html", {{"x-edgesim-pop", "FRA56-P1"}});
  EXPECT_EQ(XCache(fra), "Miss from cloudfront");
  EXPECT_EQ(fra->get_header_value("X-Amz-Cf-Pop"), "FRA56-P1");
  auto iad = Get(*serve, "/about.html");  // no header: the first POP
  EXPECT_EQ(XCache(iad), "Miss from cloudfront");
  EXPECT_EQ(iad->get_header_value("X-Amz-Cf-Pop"), "IAD89-C1");
  EXPECT_NE(iad->get_header_value("Via"), fra->get_header_value("Via"));
  EXPECT_EQ(XCache(Get(*serve, "/about.html", {{"x-edgesim-pop", "FRA56-P1"}})),
            "Hit from cloudfront");

  absl::StatusOr<nlohmann::json> fra_cache =
      serve->AdminGet("/_edgesim/cache?distribution=E1EDGESIMDEMO1&pop=FRA56-P1");
  ASSERT_TRUE(fra_cache.ok()) << fra_cache.status();
  ASSERT_EQ((*fra_cache)["entries"].size(), 1u);
  EXPECT_EQ((*fra_cache)["entries"][0]["path"], "/about.html");
}

// A POP this edge does not run is refused, not served quietly by the first POP's cache.
TEST(EdgeServerTest, UnknownPopIsRefusedWith400NamingThePops) {
  auto serve = Serve({"--demo", "--pops", "IAD89-C1,FRA56-P1"});
  ASSERT_NE(serve, nullptr);
  EXPECT_EQ(XCache(Get(*serve, "/about.html")), "Miss from cloudfront");  // now in IAD89-C1
  auto unknown = Get(*serve, "/about.html", {{"x-edgesim-pop", "FRA65-P1"}});
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 400);
  EXPECT_TRUE(absl::StrContains(unknown->body, "x-edgesim-pop")) << unknown->body;
  EXPECT_TRUE(absl::StrContains(unknown->body, "runs IAD89-C1, FRA56-P1")) << unknown->body;
  EXPECT_EQ(unknown->get_header_value("X-Amz-Cf-Pop"), "");
  // The POP names are case-insensitive, and the connection still serves.
  EXPECT_EQ(XCache(Get(*serve, "/about.html", {{"x-edgesim-pop", "iad89-c1"}})),
            "Hit from cloudfront");
  absl::StatusOr<nlohmann::json> stats = serve->AdminGet("/_edgesim/stats");
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(Counter(*stats, "requests"), 2u);
}

TEST(EdgeServerTest, RegionalTierAndOriginShieldServeAPopsMiss) {
  auto serve = Serve({"--demo", "--pops", "IAD89-C1,JFK50-C1", "--origin-shield", "us-east-1"});
  ASSERT_NE(serve, nullptr);
  EXPECT_EQ(XCache(Get(*serve, "/about.html")), "Miss from cloudfront");
  // JFK's own cache misses; the shared regional cache (the shield) answers without the origin.
  EXPECT_EQ(XCache(Get(*serve, "/about.html", {{"x-edgesim-pop", "JFK50-C1"}})),
            "Miss from cloudfront");
  absl::StatusOr<nlohmann::json> stats = serve->AdminGet("/_edgesim/stats");
  ASSERT_TRUE(stats.ok());
  const nlohmann::json& caches = (*stats)["distributions"][0]["caches"];
  ASSERT_EQ(caches.size(), 3u);
  EXPECT_EQ(caches[2]["name"], "us-east-1");
  EXPECT_EQ(caches[2]["tier"], "origin_shield");
  EXPECT_EQ(Counter(*stats, "hits", 2), 1u);
  EXPECT_EQ(Counter(*stats, "origin_fetches", 2), 1u);
}

TEST(EdgeServerTest, OversizedUrlOrHeadersGet413AndTheConnectionCloses) {
  auto serve = Serve();
  ASSERT_NE(serve, nullptr);
  const std::string long_url = "/" + std::string(8200, 'a');
  auto url = serve->RawExchange(
      absl::StrCat("GET ", long_url,
                   " HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n"),
      2);
  ASSERT_TRUE(url.ok()) << url.status();
  ASSERT_EQ(url->size(), 1u);  // closed after the 413: the second request is never answered
  EXPECT_EQ((*url)[0].result_int(), 413);
  EXPECT_FALSE((*url)[0].keep_alive());

  auto headers = serve->RawExchange(
      absl::StrCat("GET / HTTP/1.1\r\nHost: x\r\nX-Big: ", std::string(21000, 'b'), "\r\n\r\n"), 1);
  ASSERT_TRUE(headers.ok()) << headers.status();
  ASSERT_EQ(headers->size(), 1u);
  EXPECT_EQ((*headers)[0].result_int(), 413);

  // Just under the limits is fine.
  auto fine = serve->RawExchange(
      absl::StrCat("GET /", std::string(8000, 'a'),
                   " HTTP/1.1\r\nHost: x\r\nX-Big: ", std::string(12000, 'b'), "\r\n\r\n"),
      1);
  ASSERT_TRUE(fine.ok());
  ASSERT_EQ(fine->size(), 1u);
  EXPECT_EQ((*fine)[0].result_int(), 404);
  EXPECT_EQ(serve->AdminGet("/_edgesim/stats")->at("edge")["too_large"], 2u);
}

TEST(EdgeServerTest, HeadHasTheLengthButNoBody) {
  auto serve = Serve();
  ASSERT_NE(serve, nullptr);
  auto get = Get(*serve, "/about.html");
  auto head = serve->Edge().Head("/about.html");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(XCache(head), "Hit from cloudfront");
  EXPECT_EQ(head->get_header_value("Content-Length"), absl::StrCat(get->body.size()));
  EXPECT_TRUE(head->body.empty());
}

TEST(EdgeServerTest, PipelinedRequestsAreAnsweredInOrderOnOneConnection) {
  auto serve = Serve();
  ASSERT_NE(serve, nullptr);
  // The first is a miss (answered by an origin worker), the second would be a fast hit on the
  // event loop: the order must hold anyway.
  ASSERT_EQ(XCache(Get(*serve, "/assets/style.8e2b4d.css")), "Miss from cloudfront");
  auto responses = serve->RawExchange(
      "GET /about.html HTTP/1.1\r\nHost: a\r\n\r\n"
      "GET /assets/style.8e2b4d.css HTTP/1.1\r\nHost: a\r\n\r\n"
      "GET /nowhere HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
      3);
  ASSERT_TRUE(responses.ok()) << responses.status();
  ASSERT_EQ(responses->size(), 3u);
  EXPECT_TRUE(absl::StrContains((*responses)[0].body(), "About"));
  EXPECT_EQ((*responses)[0]["X-Cache"], "Miss from cloudfront");
  EXPECT_EQ((*responses)[1].body(), "h1{font-family:sans-serif}\n");
  EXPECT_EQ((*responses)[1]["X-Cache"], "Hit from cloudfront");
  EXPECT_EQ((*responses)[2].result_int(), 404);
  EXPECT_FALSE((*responses)[2].keep_alive());
  EXPECT_EQ(serve->AdminGet("/_edgesim/stats")->at("edge")["connections"], 2u);
}

TEST(EdgeServerTest, ConditionalRequestGets304FromTheCache) {
  auto serve = Serve();
  ASSERT_NE(serve, nullptr);
  auto first = Get(*serve, "/about.html");
  const std::string etag = first->get_header_value("ETag");
  ASSERT_FALSE(etag.empty());
  auto conditional = Get(*serve, "/about.html", {{"If-None-Match", etag}});
  EXPECT_EQ(conditional->status, 304);
  EXPECT_EQ(XCache(conditional), "Hit from cloudfront");
  EXPECT_TRUE(conditional->body.empty());
  EXPECT_EQ(Get(*serve, "/about.html", {{"If-None-Match", "\"other\""}})->status, 200);
}

TEST(EdgeServerTest, SigtermFinishesAndExitsZero) {
  auto serve = Serve();
  ASSERT_NE(serve, nullptr);
  // An idle keep-alive connection must not hold the shutdown up.
  httplib::Client keep = serve->Edge();
  keep.set_keep_alive(true);
  ASSERT_TRUE(keep.Get("/"));
  EXPECT_EQ(serve->Terminate(SIGTERM), 0);
}

TEST(EdgeServerTest, SigintExitsZero) {
  auto serve = Serve();
  ASSERT_NE(serve, nullptr);
  EXPECT_EQ(serve->Terminate(SIGINT), 0);
}

TEST(EdgeServerTest, UnknownHostGets403WhenSeveralDistributionsRun) {
  char dir_template[] = "/tmp/edgesim-edge-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::string config = absl::StrCat(dir_template, "/second.json");
  // An origin not expected to answer: the request below only has to miss the 403.
  std::ofstream(config) << MinimalConfig(/*origin_port=*/1024);
  auto serve = Serve({"--demo", "--config", config});
  ASSERT_NE(serve, nullptr);

  auto unknown = Get(*serve, "/", {{"Host", "nobody.example.com"}});
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 403);
  EXPECT_EQ(XCache(unknown), "Error from cloudfront");
  EXPECT_TRUE(absl::StrContains(unknown->body, "The request could not be satisfied"));

  for (const std::string host :
       {"d111111abcdef8.cloudfront.net", "E1EDGESIMDEMO1.cloudfront.localhost:8080",
        "e1edgesimdemo1.CLOUDFRONT.localhost"}) {
    auto demo = Get(*serve, "/about.html", {{"Host", host}});
    ASSERT_TRUE(demo);
    EXPECT_EQ(demo->status, 200) << host;
  }
  // The configured distribution's names, as serve printed them (configs first, then the demo).
  const std::string out = serve->Stdout();
  const size_t line = out.find("distribution E");
  ASSERT_NE(line, std::string::npos) << out;
  std::vector<std::string> words =
      absl::StrSplit(out.substr(line, out.find('\n', line) - line), ' ');
  ASSERT_EQ(words.size(), 3u);
  EXPECT_NE(words[1], "E1EDGESIMDEMO1");
  auto second = Get(*serve, "/", {{"Host", words[2]}});
  ASSERT_TRUE(second);
  EXPECT_NE(second->status, 403);
  absl::StatusOr<nlohmann::json> stats = serve->AdminGet("/_edgesim/stats");
  ASSERT_TRUE(stats.ok());
  ASSERT_EQ((*stats)["distributions"].size(), 2u);
  EXPECT_EQ((*stats)["distributions"][0]["id"], words[1]);
  EXPECT_EQ((*stats)["distributions"][0]["caches"][0]["counters"]["requests"], 1u);
  EXPECT_EQ((*stats)["distributions"][1]["caches"][0]["counters"]["requests"], 3u);
  std::remove(config.c_str());
  rmdir(dir_template);
}

TEST(EdgeServerTest, StatsCacheListingAndReset) {
  auto serve = Serve();
  ASSERT_NE(serve, nullptr);
  Get(*serve, "/about.html");
  Get(*serve, "/about.html");
  Get(*serve, "/assets/app.3f9a1c.js");
  ASSERT_TRUE(serve->AdvanceClock(absl::Seconds(3)).ok());

  absl::StatusOr<nlohmann::json> stats = serve->AdminGet("/_edgesim/stats");
  ASSERT_TRUE(stats.ok()) << stats.status();
  const nlohmann::json& d = (*stats)["distributions"][0];
  EXPECT_EQ(d["id"], "E1EDGESIMDEMO1");
  EXPECT_EQ(Counter(*stats, "requests"), 3u);
  EXPECT_EQ(Counter(*stats, "hits"), 1u);
  EXPECT_EQ(Counter(*stats, "misses"), 2u);
  const nlohmann::json& behaviors = d["caches"][0]["behaviors"];
  ASSERT_EQ(behaviors.size(), 2u);
  EXPECT_EQ(behaviors[0]["path_pattern"], "/assets/*");
  EXPECT_EQ(behaviors[0]["counters"]["requests"], 1u);
  EXPECT_EQ(behaviors[1]["path_pattern"], "*");
  EXPECT_EQ(behaviors[1]["counters"]["requests"], 2u);
  EXPECT_EQ(d["caches"][0]["store"]["entries"], 2u);

  absl::StatusOr<nlohmann::json> cache = serve->AdminGet("/_edgesim/cache");
  ASSERT_TRUE(cache.ok()) << cache.status();
  ASSERT_EQ((*cache)["entries"].size(), 2u);
  for (const nlohmann::json& e : (*cache)["entries"]) {
    EXPECT_EQ(e["age"], 3);
    if (e["path"] == "/about.html") {
      EXPECT_EQ(e["ttl_left"], 27);
    } else {
      EXPECT_EQ(e["path"], "/assets/app.3f9a1c.js");
      EXPECT_EQ(e["ttl_left"], 31536000 - 3);
    }
    EXPECT_GT(e["size"].get<int>(), 0);
    EXPECT_TRUE(absl::StrContains(e["key"].get<std::string>(), e["path"].get<std::string>()));
  }
  EXPECT_FALSE(serve->AdminGet("/_edgesim/cache?pop=NOPE").ok());
  EXPECT_FALSE(serve->AdminGet("/_edgesim/cache?distribution=E404").ok());

  ASSERT_TRUE(serve->AdminPost("/_edgesim/reset", nlohmann::json::object()).ok());
  EXPECT_EQ(serve->AdminGet("/_edgesim/cache")->at("entries").size(), 0u);
  absl::StatusOr<nlohmann::json> after = serve->AdminGet("/_edgesim/stats");
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(Counter(*after, "requests"), 0u);
  // Reset forgets the edge's counts too, not only the caches'.
  EXPECT_EQ((*after)["edge"]["requests"], 0u);
  EXPECT_EQ((*after)["edge"]["from_event_loop"], 0u);
  EXPECT_EQ((*after)["edge"]["to_workers"], 0u);
  EXPECT_EQ(XCache(Get(*serve, "/about.html")), "Miss from cloudfront");
  EXPECT_EQ(serve->AdminGet("/_edgesim/stats")->at("edge").at("requests"), 1u);
  ASSERT_TRUE(serve->AdminPost("/moto-api/reset", nlohmann::json::object()).ok());
  EXPECT_EQ(XCache(Get(*serve, "/about.html")), "Miss from cloudfront");
}

TEST(EdgeServerTest, AccessLogLinesParseBackWithRealValues) {
  char dir_template[] = "/tmp/edgesim-log-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::string log = absl::StrCat(dir_template, "/edge.log");
  auto serve = Serve({"--demo", "--access-log", log});
  ASSERT_NE(serve, nullptr);
  httplib::Client edge = serve->Edge();
  edge.set_keep_alive(true);
  auto miss = edge.Get("/about.html?lang=en",
                       {{"User-Agent", "edge test/1.0"}, {"Referer", "http://example.com/a b"}});
  auto hit = edge.Get("/about.html?lang=en");
  auto error = edge.Get("/missing");
  ASSERT_TRUE(miss && hit && error);
  // Refused before routing: never logged (SPEC 4.3).
  ASSERT_TRUE(
      serve
          ->RawExchange(
              absl::StrCat("GET /", std::string(9000, 'x'), " HTTP/1.1\r\nHost: a\r\n\r\n"), 1)
          .ok());
  ASSERT_EQ(serve->Terminate(), 0);  // flushes the log

  std::ifstream in(log);
  std::string version, fields_line, line;
  std::getline(in, version);
  std::getline(in, fields_line);
  EXPECT_EQ(version, "#Version: 1.0");
  absl::StatusOr<policy::AccessLogFields> fields = policy::AccessLogFields::Parse(fields_line);
  ASSERT_TRUE(fields.ok()) << fields.status();
  std::vector<policy::AccessLogRecord> records;
  while (std::getline(in, line)) {
    absl::StatusOr<policy::AccessLogRecord> r = policy::ParseAccessLogLine(line, *fields);
    ASSERT_TRUE(r.ok()) << r.status() << "\n" << line;
    records.push_back(*r);
  }
  ASSERT_EQ(records.size(), 3u);
  const policy::AccessLogRecord& m = records[0];
  EXPECT_EQ(m.result_type, "Miss");
  EXPECT_EQ(m.response_result_type, "Miss");
  EXPECT_EQ(m.detailed_result_type, "Miss");
  EXPECT_EQ(m.method, "GET");
  EXPECT_EQ(m.uri_stem, "/about.html");
  EXPECT_EQ(m.uri_query, "lang=en");
  EXPECT_EQ(m.sc_status, 200);
  EXPECT_EQ(m.edge_location, "IAD89-C1");
  EXPECT_EQ(m.host, "d111111abcdef8.cloudfront.net");
  EXPECT_EQ(m.host_header, absl::StrCat("127.0.0.1:", serve->edge_port()));
  EXPECT_EQ(m.user_agent, "edge test/1.0");
  EXPECT_EQ(m.referer, "http://example.com/a b");
  EXPECT_EQ(m.request_id, miss->get_header_value("X-Amz-Cf-Id"));
  EXPECT_EQ(m.c_ip, "127.0.0.1");
  EXPECT_GT(m.c_port, 0);
  EXPECT_EQ(m.protocol, "http");
  EXPECT_EQ(m.protocol_version, "HTTP/1.1");
  EXPECT_EQ(m.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(m.content_len, miss->body.size());
  EXPECT_GT(m.sc_bytes, miss->body.size());  // the head counts too
  EXPECT_GT(m.cs_bytes, 0u);
  EXPECT_GE(m.time_taken, m.time_to_first_byte);

  EXPECT_EQ(records[1].result_type, "Hit");
  EXPECT_EQ(records[1].request_id, hit->get_header_value("X-Amz-Cf-Id"));
  EXPECT_EQ(records[1].c_port, m.c_port);  // the same keep-alive connection
  EXPECT_EQ(records[2].result_type, "Error");
  EXPECT_EQ(records[2].detailed_result_type, "Error");
  EXPECT_EQ(records[2].sc_status, 404);
  std::remove(log.c_str());
  rmdir(dir_template);
}

}  // namespace
}  // namespace edgesim::emulator

// ---- In process: the server with origins a test controls -----------------------------------

namespace edgesim::emulator {
namespace {

// Blocks every fetch until released; says when one has arrived.
class GatedOrigin final : public core::OriginFetcher {
 public:
  absl::StatusOr<core::OriginResponse> Fetch(const core::OriginRequest& request,
                                             absl::Time now) override {
    {
      std::unique_lock<std::mutex> lock(mu_);
      ++arrived_;
      changed_.notify_all();
      changed_.wait(lock, [this] { return open_; });
    }
    return demo_.Fetch(request, now);
  }
  void WaitForArrivals(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [&] { return arrived_ >= n; });
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    changed_.notify_all();
  }

 private:
  DemoOrigin demo_;
  std::mutex mu_;
  std::condition_variable changed_;
  int arrived_ = 0;
  bool open_ = false;
};

class InProcessEdgeTest : public ::testing::Test {
 protected:
  void Start(std::unique_ptr<core::OriginFetcher> origin, EdgeServerOptions options = {}) {
    policy::Distribution d = policy::SingleOriginDistribution("demo", policy::CachePolicy());
    // SPEC 7.4's SPA pattern: a missing page is the app's index.html, with a 200.
    policy::CustomErrorResponse spa;
    spa.error_code = 404;
    spa.response_page_path = "/index.html";
    spa.response_code = 200;
    d.config.custom_error_responses.push_back(spa);
    auto live = LiveDistribution::Create(std::move(d), {}, std::move(origin));
    ASSERT_TRUE(live.ok()) << live.status();
    ASSERT_TRUE(registry_.Add(*live).ok());
    options.port = 0;
    options.threads = 1;
    options.clock = &clock_;
    auto server = EdgeServer::Start(registry_, options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }
  httplib::Client Client() { return httplib::Client("127.0.0.1", server_->port()); }

  core::ManualClock clock_;
  DistributionRegistry registry_;
  std::unique_ptr<EdgeServer> server_;
};

TEST_F(InProcessEdgeTest, ErrorPageReplacesTheBodyAndStatusButStaysAnError) {
  Start(std::make_unique<DemoOrigin>());
  httplib::Client c = Client();
  auto spa = c.Get("/app/settings");
  ASSERT_TRUE(spa);
  EXPECT_EQ(spa->status, 200);
  EXPECT_TRUE(absl::StrContains(spa->body, "Hello from the edge"));
  EXPECT_EQ(spa->get_header_value("X-Cache"), "Error from cloudfront");
  EXPECT_EQ(spa->get_header_value("Content-Type"), "text/html; charset=utf-8");
  // Both the 404 and the page are cached now: answered on the event loop.
  const uint64_t on_loop = server_->counters().from_event_loop;
  auto again = c.Get("/app/settings");
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(again->body, spa->body);
  EXPECT_EQ(server_->counters().from_event_loop, on_loop + 1);
  auto head = c.Head("/app/other");
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(head->body.empty());
}

// The page is fetched on the viewer's behalf: one deep link is one viewer request (an Error), and
// two origin fetches (the 404, then the page).
TEST_F(InProcessEdgeTest, ADeepLinkCountsOneViewerRequest) {
  Start(std::make_unique<DemoOrigin>());
  ASSERT_EQ(Client().Get("/app/settings")->status, 200);
  const core::CounterSnapshot pop =
      registry_.Snapshot()->distributions()[0]->network().FindCache("IAD89-C1")->TotalCounters();
  EXPECT_EQ(pop[core::Counter::kRequests], 1u);
  EXPECT_EQ(pop[core::Counter::kErrors], 1u);
  EXPECT_EQ(pop[core::Counter::kOriginFetches], 2u);
}

// Remembers the last request the origin received.
class RecordingOrigin final : public core::OriginFetcher {
 public:
  absl::StatusOr<core::OriginResponse> Fetch(const core::OriginRequest& request,
                                             absl::Time now) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      last_ = request.forwarded.headers;
    }
    return demo_.Fetch(request, now);
  }
  policy::Headers last() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_;
  }

 private:
  DemoOrigin demo_;
  std::mutex mu_;
  policy::Headers last_;
};

// SPEC 5: one Via per POP and one X-Amz-Cf-Id per request, the same upstream and downstream.
TEST_F(InProcessEdgeTest, TheOriginAndTheViewerSeeOneViaAndOneRequestId) {
  auto recording = std::make_unique<RecordingOrigin>();
  RecordingOrigin* origin = recording.get();
  Start(std::move(recording));
  auto miss = Client().Get("/about.html");
  ASSERT_TRUE(miss);
  const policy::Headers forwarded = origin->last();
  EXPECT_EQ(forwarded.Get("Via"), miss->get_header_value("Via"));
  EXPECT_EQ(forwarded.Get("X-Amz-Cf-Id"), miss->get_header_value("X-Amz-Cf-Id"));
  EXPECT_EQ(miss->get_header_value("X-Amz-Cf-Id").size(), policy::RequestId::kLength);
}

TEST_F(InProcessEdgeTest, AFullOriginQueueIs503CapacityExceededWhileHitsGoOn) {
  Start(std::make_unique<DemoOrigin>(), {.origin_workers = 1, .origin_queue = 0});
  auto miss = Client().Get("/about.html");
  ASSERT_TRUE(miss);
  EXPECT_EQ(miss->status, 503);
  EXPECT_EQ(miss->get_header_value("X-Cache"), "CapacityExceeded from cloudfront");
  EXPECT_EQ(server_->counters().capacity_exceeded, 1u);
}

TEST_F(InProcessEdgeTest, ShutdownFinishesTheRequestInFlight) {
  auto gated = std::make_unique<GatedOrigin>();
  GatedOrigin* origin = gated.get();
  Start(std::move(gated));
  int status = 0;
  std::string connection;
  std::thread viewer([&] {
    if (auto r = Client().Get("/about.html")) {
      status = r->status;
      connection = r->get_header_value("Connection");
    }
  });
  origin->WaitForArrivals(1);
  std::thread stopper([&] { server_->Shutdown(); });
  origin->Open();
  viewer.join();
  stopper.join();
  EXPECT_EQ(status, 200);
  EXPECT_EQ(connection, "close");
  EXPECT_FALSE(Client().Get("/about.html"));  // no longer accepting
}

}  // namespace
}  // namespace edgesim::emulator
