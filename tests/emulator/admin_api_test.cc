// The admin API on a real httplib server and socket, in process (edge_server_test.cc drives it
// through `edgesim serve`).
#include "emulator/admin_api.h"

#include <thread>

#include "absl/strings/str_cat.h"
#include "boost/asio.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "core/epoch_seconds.h"
#include "emulator/demo_origin.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "policy/cache_policy.h"

namespace edgesim::emulator {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class AdminApiTest : public ::testing::Test {
 protected:
  void Start(bool manual, ControlPlane* control_plane = nullptr) {
    policy::Distribution d = policy::SingleOriginDistribution("demo", policy::CachePolicy());
    auto live = LiveDistribution::Create(d, {}, std::make_unique<DemoOrigin>());
    ASSERT_TRUE(live.ok());
    live_ = *live;
    ASSERT_TRUE(registry_.Add(live_).ok());
    if (control_plane != nullptr) control_plane->AdoptRegistered(clock_.Now());
    MountAdminApi(server_, registry_,
                  {.clock = &clock_,
                   .manual_clock = manual ? &clock_ : nullptr,
                   .control_plane = control_plane});
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  void TearDown() override {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  std::pair<int, json> Post(const std::string& path, const std::string& body) {
    httplib::Client c("127.0.0.1", port_);
    auto r = c.Post(path.c_str(), body, "application/json");
    EXPECT_TRUE(r);
    return {r->status, json::parse(r->body, nullptr, false)};
  }
  // A POST with no body and neither Content-Length nor Transfer-Encoding, as `curl -X POST`
  // sends it, over a plain socket (httplib's client always adds a Content-Length).
  std::pair<int, json> PostWithoutBody(const std::string& path) {
    namespace http = boost::beast::http;
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket socket(io);
    boost::beast::error_code ec;
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port_)},
                   ec);
    const std::string request = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    if (!ec) boost::asio::write(socket, boost::asio::buffer(request), ec);
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> r;
    if (!ec) http::read(socket, buffer, r, ec);
    EXPECT_FALSE(ec) << ec.message();
    return {r.result_int(), json::parse(r.body(), nullptr, false)};
  }
  std::pair<int, json> Get(const std::string& path) {
    httplib::Client c("127.0.0.1", port_);
    auto r = c.Get(path.c_str());
    EXPECT_TRUE(r);
    return {r->status, json::parse(r->body, nullptr, false)};
  }

  core::ManualClock clock_{absl::FromUnixSeconds(1'700'000'000)};
  DistributionRegistry registry_;
  std::shared_ptr<LiveDistribution> live_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
};

TEST_F(AdminApiTest, ClockReadsAdvancesAndSets) {
  Start(/*manual=*/true);
  EXPECT_EQ(Get("/_edgesim/health").second["status"], "ok");
  auto [status, body] = Get("/_edgesim/clock");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(body["time"], "2023-11-14T22:13:20+00:00");
  EXPECT_EQ(body["manual"], true);
  EXPECT_EQ(Post("/_edgesim/clock/advance", R"({"seconds": 90})").first, 200);
  EXPECT_EQ(clock_.Now(), absl::FromUnixSeconds(1'700'000'090));
  EXPECT_EQ(Post("/_edgesim/clock/set", R"({"time": "2024-01-01T00:00:00Z"})").second["time"],
            "2024-01-01T00:00:00+00:00");
  EXPECT_EQ(Get("/_edgesim/clock").second["unix_seconds"], 1704067200);
}

TEST_F(AdminApiTest, BadBodiesAre400WithAJsonError) {
  Start(/*manual=*/true);
  for (const char* body : {"not json", "[1]", R"({"seconds": -1})", R"({"seconds": "5"})", "{}"}) {
    auto [status, error] = Post("/_edgesim/clock/advance", body);
    EXPECT_EQ(status, 400) << body;
    EXPECT_EQ(error["error"]["code"], "InvalidArgument") << body;
  }
  EXPECT_EQ(Post("/_edgesim/clock/set", R"({"time": "yesterday"})").first, 400);
  // The error says where; a key the API does not know is refused, not ignored.
  EXPECT_EQ(Post("/_edgesim/clock/advance", R"({"seconds": "5"})").second["error"]["message"],
            "seconds: expected a number of seconds, got string");
  auto [status, error] = Post("/_edgesim/clock/advance", R"({"seconds": 5, "secs": 5})");
  EXPECT_EQ(status, 400);
  EXPECT_THAT(error["error"]["message"].get<std::string>(),
              HasSubstr("unknown key \"secs\" (known: seconds)"));
  // Time never runs backwards.
  EXPECT_EQ(Post("/_edgesim/clock/set", R"({"time": "2001-01-01T00:00:00Z"})").first, 400);
  EXPECT_EQ(clock_.Now(), absl::FromUnixSeconds(1'700'000'000));
}

// {"seconds": 1e10} used to wrap the clock's nanoseconds and move it back to 1734.
TEST_F(AdminApiTest, ClockRefusesToPassTheLatestTime) {
  Start(/*manual=*/true);
  for (const char* body : {R"({"seconds": 1e10})", R"({"seconds": 1e300})"}) {
    auto [status, error] = Post("/_edgesim/clock/advance", body);
    EXPECT_EQ(status, 400) << body;
    EXPECT_THAT(error["error"]["message"].get<std::string>(),
                HasSubstr("it stops at 2106-02-07T06:28:15+00:00"))
        << body;
  }
  EXPECT_EQ(Post("/_edgesim/clock/set", R"({"time": "2106-02-07T06:28:16Z"})").first, 400);
  EXPECT_EQ(Post("/_edgesim/clock/set", R"({"unix_seconds": 9223372036854775807})").first, 400);
  EXPECT_EQ(clock_.Now(), absl::FromUnixSeconds(1'700'000'000));
  // Up to the latest time exactly, and no further.
  EXPECT_EQ(Post("/_edgesim/clock/set", R"({"unix_seconds": 4294967295})").first, 200);
  EXPECT_EQ(clock_.Now(), core::kLatestTime);
  EXPECT_EQ(Post("/_edgesim/clock/advance", R"({"seconds": 0.5})").first, 400);
  EXPECT_EQ(Post("/_edgesim/clock/advance", R"({"seconds": 0})").first, 200);
  EXPECT_EQ(Get("/_edgesim/clock").second["unix_seconds"], 4294967295);
}

// GET /_edgesim/clock answers unix_seconds; /set takes it back.
TEST_F(AdminApiTest, ClockSetTakesUnixSeconds) {
  Start(/*manual=*/true);
  auto [status, body] = Post("/_edgesim/clock/set", R"({"unix_seconds": 1704067200})");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(body["time"], "2024-01-01T00:00:00+00:00");
  const json both =
      Post("/_edgesim/clock/set", R"({"unix_seconds": 1704067300, "time": "2024-01-01T00:00:00Z"})")
          .second;
  EXPECT_THAT(
      both["error"]["message"].get<std::string>(),
      HasSubstr(R"(but "unix_seconds" 2024-01-01T00:01:40+00:00: send one, or both alike)"));
  EXPECT_EQ(Post("/_edgesim/clock/set", R"({"unix_seconds": 1.5})").first, 400);
  EXPECT_EQ(clock_.Now(), absl::FromUnixSeconds(1704067200));
}

// What GET /_edgesim/clock answers, posted back as is, sets the clock to that moment: a test can
// save the time and return to it.
TEST_F(AdminApiTest, ClockSetTakesBackWhatGetAnswered) {
  Start(/*manual=*/true);
  const json saved = Get("/_edgesim/clock").second;
  ASSERT_EQ(Post("/_edgesim/clock/advance", R"({"seconds": 0})").first, 200);
  auto [status, body] = Post("/_edgesim/clock/set", saved.dump());
  EXPECT_EQ(status, 200) << body;
  EXPECT_EQ(body["time"], saved["time"]);
  EXPECT_EQ(Post("/_edgesim/clock/set", R"({"unix_seconds": 1704067200, "manual": true,
      "time": "2024-01-01T00:00:00+00:00"})")
                .first,
            200);
  EXPECT_EQ(clock_.Now(), absl::FromUnixSeconds(1704067200));
  EXPECT_EQ(Post("/_edgesim/clock/set", "{}").first, 400);
}

// `curl -X POST` sends no Content-Length: reset acts, advance says what it expects, both at once
// (httplib used to wait for the connection to close, then answer an empty 400).
TEST_F(AdminApiTest, PostsWithoutABodyAreAnsweredAtOnce) {
  Start(/*manual=*/true);
  auto [reset_status, reset] = PostWithoutBody("/_edgesim/reset");
  EXPECT_EQ(reset_status, 200);
  EXPECT_EQ(reset["reset"], true);
  auto [status, error] = PostWithoutBody("/_edgesim/clock/advance");
  EXPECT_EQ(status, 400);
  EXPECT_EQ(error["error"]["code"], "InvalidArgument");
  EXPECT_EQ(error["error"]["message"],
            R"(the body is empty: expected a JSON object {"seconds": N})");
  EXPECT_THAT(Post("/_edgesim/clock/advance", "nope").second["error"]["message"].get<std::string>(),
              HasSubstr(R"(expected a JSON object {"seconds": N})"));
  EXPECT_EQ(PostWithoutBody("/_edgesim/invalidate").first, 400);
}

TEST_F(AdminApiTest, ARealClockCannotBeMoved) {
  Start(/*manual=*/false);
  EXPECT_EQ(Get("/_edgesim/clock").second["manual"], false);
  auto [status, error] = Post("/_edgesim/clock/advance", R"({"seconds": 1})");
  EXPECT_EQ(status, 409);
  EXPECT_EQ(error["error"]["code"], "ClockNotManual");
  EXPECT_EQ(Post("/_edgesim/clock/set", R"({"time": "2030-01-01T00:00:00Z"})").first, 409);
}

TEST_F(AdminApiTest, StatsCacheAndReset) {
  Start(/*manual=*/true);
  core::EdgeCache& pop = *live_->network().FindCache(live_->pops().front());
  pop.Handle(policy::Request::Get("/about.html"), clock_.Now(), live_->origin());
  clock_.Advance(absl::Seconds(4));
  pop.Handle(policy::Request::Get("/about.html"), clock_.Now(), live_->origin());

  const json stats = Get("/_edgesim/stats").second;
  EXPECT_EQ(stats["distributions"][0]["id"], live_->id());
  const json& cache = stats["distributions"][0]["caches"][0];
  EXPECT_EQ(cache["name"], "IAD89-C1");
  EXPECT_EQ(cache["tier"], "edge");
  EXPECT_EQ(cache["counters"]["hits"], 1);
  EXPECT_EQ(cache["counters"]["misses"], 1);
  EXPECT_EQ(cache["behaviors"][0]["path_pattern"], "*");

  const json entries = Get("/_edgesim/cache?pop=IAD89-C1").second["entries"];
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0]["path"], "/about.html");
  EXPECT_EQ(entries[0]["age"], 4);
  EXPECT_EQ(entries[0]["ttl_left"], 26);
  EXPECT_EQ(Get("/_edgesim/cache?pop=FRA").first, 404);

  EXPECT_EQ(Post("/moto-api/reset", "").first, 200);
  EXPECT_EQ(Get("/_edgesim/cache").second["entries"].size(), 0u);
  EXPECT_EQ(Get("/_edgesim/stats").second["distributions"][0]["caches"][0]["counters"]["requests"],
            0);
}

TEST_F(AdminApiTest, CacheListingsAreBounded) {
  Start(/*manual=*/true);
  core::EdgeCache& pop = *live_->network().FindCache(live_->pops().front());
  for (const char* path : {"/about.html", "/index.html", "/assets/app.3f9a1c.js"}) {
    pop.Handle(policy::Request::Get(path), clock_.Now(), live_->origin());
  }
  const json all = Get("/_edgesim/cache").second;
  EXPECT_EQ(all["total"], 3);
  EXPECT_EQ(all["truncated"], false);
  EXPECT_EQ(all["entries"].size(), 3u);
  const json two = Get("/_edgesim/cache?limit=2").second;
  EXPECT_EQ(two["total"], 3);
  EXPECT_EQ(two["truncated"], true);
  EXPECT_EQ(two["entries"].size(), 2u);
  for (const char* bad : {"0", "100001", "many"}) {
    EXPECT_EQ(Get(absl::StrCat("/_edgesim/cache?limit=", bad)).first, 400) << bad;
  }
}

TEST_F(AdminApiTest, InvalidationBillAndResetReachTheControlPlane) {
  ControlPlane control_plane(registry_,
                             [](policy::Distribution d) {
                               return LiveDistribution::Create(std::move(d), {},
                                                               std::make_unique<DemoOrigin>());
                             },
                             {.invalidation_completion_delay = absl::ZeroDuration()});
  Start(/*manual=*/true, &control_plane);
  const json batch = {{"Paths", {{"Quantity", 2}, {"Items", {"/a", "/b/*"}}}},
                      {"CallerReference", "r"}};
  ASSERT_TRUE(control_plane.CreateInvalidation(live_->id(), batch, clock_.Now()).ok());
  auto [status, bill] = Get("/_edgesim/invalidations/bill");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(bill["current"]["month"], "2023-11");
  EXPECT_EQ(bill["current"]["paths"], 2);
  EXPECT_EQ(bill["months"].size(), 1u);
  EXPECT_EQ(Post("/_edgesim/reset", "").first, 200);
  EXPECT_EQ(Get("/_edgesim/invalidations/bill").second["current"]["paths"], 0);
  EXPECT_EQ(control_plane.ListInvalidations(live_->id(), "", 100, clock_.Now())->at("Quantity"), 0);
  server_.stop();  // before `control_plane` goes
}

// Every policy kind's custom records appear in the state; reset forgets them.
TEST_F(AdminApiTest, StateListsCustomPoliciesUntilReset) {
  ControlPlane control_plane(registry_, [](policy::Distribution d) {
    return LiveDistribution::Create(std::move(d), {}, std::make_unique<DemoOrigin>());
  });
  Start(/*manual=*/true, &control_plane);
  EXPECT_EQ(Get("/_edgesim/state").second["cache_policies"], json::array());
  const json config = {{"Name", "admin-state"},
                       {"MinTTL", 1},
                       {"ParametersInCacheKeyAndForwardedToOrigin",
                        {{"EnableAcceptEncodingGzip", false},
                         {"HeadersConfig", {{"HeaderBehavior", "none"}}},
                         {"CookiesConfig", {{"CookieBehavior", "none"}}},
                         {"QueryStringsConfig", {{"QueryStringBehavior", "none"}}}}}};
  absl::StatusOr<Versioned> created = control_plane.CreateCachePolicy(config, clock_.Now());
  ASSERT_TRUE(created.ok()) << created.status();
  auto [status, state] = Get("/_edgesim/state");
  EXPECT_EQ(status, 200);
  ASSERT_EQ(state["cache_policies"].size(), 1u);
  EXPECT_EQ(state["cache_policies"][0]["Id"], created->body["Id"]);
  EXPECT_EQ(state["cache_policies"][0]["Name"], "admin-state");
  EXPECT_EQ(state["cache_policies"][0]["ETag"], created->etag);
  EXPECT_EQ(Post("/_edgesim/reset", "").first, 200);
  EXPECT_EQ(Get("/_edgesim/state").second["cache_policies"], json::array());
  server_.stop();  // before `control_plane` goes
}

TEST_F(AdminApiTest, NoBillWithoutAControlPlane) {
  Start(/*manual=*/false);
  EXPECT_EQ(Get("/_edgesim/invalidations/bill").first, 404);
  EXPECT_EQ(Get("/_edgesim/state").first, 404);
}

TEST_F(AdminApiTest, InvalidateRemovesMatchingObjectsAtOnce) {
  Start(/*manual=*/true);
  core::EdgeCache& pop = *live_->network().FindCache(live_->pops().front());
  for (const char* path : {"/about.html", "/assets/app.3f9a1c.js", "/index.html"}) {
    pop.Handle(policy::Request::Get(path), clock_.Now(), live_->origin());
  }
  auto [status, body] = Post("/_edgesim/invalidate", R"({"paths": ["/ab*", "/index.html"]})");
  EXPECT_EQ(status, 200) << body;
  EXPECT_EQ(body["paths"], 2);
  EXPECT_EQ(body["distribution"], live_->id());
  for (const char* path : {"/about.html", "/index.html"}) {
    EXPECT_EQ(pop.Handle(policy::Request::Get(path), clock_.Now(), live_->origin()).outcome,
              policy::CacheOutcome::kMiss)
        << path;
  }
  // Neither path matches /assets/...: it stays.
  EXPECT_EQ(pop.Handle(policy::Request::Get("/assets/app.3f9a1c.js"), clock_.Now(), live_->origin())
                .outcome,
            policy::CacheOutcome::kHit);
  EXPECT_EQ(Post("/_edgesim/invalidate",
                 json({{"distribution", live_->id()}, {"paths", {"/about.html"}}}).dump())
                .first,
            200);
  EXPECT_EQ(Post("/_edgesim/invalidate", R"({"distribution": "ENOSUCH", "paths": ["/a"]})").first,
            404);
}

TEST_F(AdminApiTest, InvalidateRejectsBadPathsBeforeApplyingAny) {
  Start(/*manual=*/true);
  core::EdgeCache& pop = *live_->network().FindCache(live_->pops().front());
  pop.Handle(policy::Request::Get("/about.html"), clock_.Now(), live_->origin());
  for (const char* body : {"{}", R"({"paths": []})", R"({"paths": "/a"})", R"({"paths": [1]})",
                           R"({"distribution": 5, "paths": ["/a"]})"}) {
    EXPECT_EQ(Post("/_edgesim/invalidate", body).first, 400) << body;
  }
  auto [status, error] = Post("/_edgesim/invalidate", R"({"paths": ["/about.html", "no-slash"]})");
  EXPECT_EQ(status, 400);
  EXPECT_EQ(error["error"]["code"], "InvalidArgument");
  EXPECT_THAT(error["error"]["message"].get<std::string>(), HasSubstr("paths[1]: "));
  EXPECT_THAT(Post("/_edgesim/invalidate", R"({"path": ["/a"]})")
                  .second["error"]["message"]
                  .get<std::string>(),
              HasSubstr("unknown key \"path\""));
  EXPECT_EQ(pop.Handle(policy::Request::Get("/about.html"), clock_.Now(), live_->origin()).outcome,
            policy::CacheOutcome::kHit);
}

}  // namespace
}  // namespace edgesim::emulator
