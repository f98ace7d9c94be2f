// The edge's origin fetches on its event loop (edge_server.cc, HttpOriginClient::AsyncFetch): an
// in-process edge with one event loop and one origin worker, in front of a real HTTP origin whose
// handlers can be held. A fetch held at the origin occupies neither the loop nor the worker.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/clock.h"
#include "emulator/distribution_registry.h"
#include "emulator/edge_server.h"
#include "emulator/origin_router.h"
#include "gtest/gtest.h"
#include "policy/distribution.h"
#include "tests/emulator/local_http_server.h"

namespace edgesim::emulator {
namespace {

// What a viewer got; `answered` false when no answer came.
struct LoopFetchReply {
  bool answered = false;
  int status = 0;
  std::string body;
  std::string x_cache;
};

// An origin whose /held/... answers wait until Release; everything else answers at once.
class LoopFetchOrigin {
 public:
  LoopFetchOrigin() {
    server_.server().Get(R"(/held/.*)",
                         [this](const httplib::Request& req, httplib::Response& res) {
                           std::unique_lock<std::mutex> lock(mu_);
                           ++held_;
                           changed_.notify_all();
                           changed_.wait(lock, [this] { return released_; });
                           res.set_header("Cache-Control", "max-age=60");
                           res.set_content("held " + req.path, "text/plain");
                         });
    server_.server().Get(R"(/now/.*)", [](const httplib::Request& req, httplib::Response& res) {
      res.set_header("Cache-Control", "max-age=60");
      res.set_content("now " + req.path, "text/plain");
    });
  }
  ~LoopFetchOrigin() { Release(); }

  // Until `n` held requests have reached the origin.
  void AwaitHeld(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [&] { return held_ >= n; });
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    released_ = true;
    changed_.notify_all();
  }
  int port() const { return server_.port(); }
  int requests() { return server_.requests(); }

 private:
  LocalHttpServer server_;
  std::mutex mu_;
  std::condition_variable changed_;
  int held_ = 0;
  bool released_ = false;
};

class LoopFetchTest : public ::testing::Test {
 protected:
  // One event loop, one origin worker; OriginReadTimeout `read_timeout`, one attempt; the origin
  // named `origin_host` (an IP literal or a name).
  void Start(absl::Duration read_timeout = absl::Seconds(30),
             const std::string& origin_host = "127.0.0.1") {
    policy::Distribution d =
        policy::SingleOriginDistribution("origin.example", policy::CachePolicy());
    d.config.origins[0].read_timeout = read_timeout;
    d.config.origins[0].connection_attempts = 1;
    auto router = OriginRouter::Create(
        d.config, {.http_client = client_,
                   .origin_urls = {{"origin", absl::StrCat("http://", origin_host, ":",
                                                           origin_.port())}}});
    ASSERT_TRUE(router.ok()) << router.status();
    auto live = LiveDistribution::Create(std::move(d), {}, *std::move(router));
    ASSERT_TRUE(live.ok()) << live.status();
    ASSERT_TRUE(registry_.Add(*live).ok());
    auto server = EdgeServer::Start(registry_, {.port = 0,
                                                .threads = 1,
                                                .origin_workers = 1,
                                                .origin_client = client_.get(),
                                                .clock = &clock_});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  // From a client that gives up long after any answer this test expects: a bound against hangs
  // only.
  LoopFetchReply Get(const std::string& path) {
    httplib::Client c("127.0.0.1", server_->port());
    c.set_read_timeout(std::chrono::seconds(20));
    LoopFetchReply reply;
    if (httplib::Result r = c.Get(path)) {
      reply = {true, r->status, r->body, r->get_header_value("X-Cache")};
    }
    return reply;
  }

  LoopFetchOrigin origin_;
  // Shared by the router and the edge, which abandons its fetches at shutdown.
  std::shared_ptr<HttpOriginClient> client_ =
      std::make_shared<HttpOriginClient>(HttpClientOptions{});
  core::ManualClock clock_;
  DistributionRegistry registry_;
  std::unique_ptr<EdgeServer> server_;
};

// An origin named by a host name is resolved asynchronously and still fetched on the loop.
TEST_F(LoopFetchTest, AnOriginNamedByAHostNameIsFetchedOnTheLoop) {
  Start(absl::Seconds(30), "localhost");
  const LoopFetchReply miss = Get("/now/named");
  EXPECT_EQ(miss.status, 200);
  EXPECT_EQ(miss.body, "now /now/named");
  EXPECT_EQ(server_->counters().fetched_on_loop, 1u);
  EXPECT_EQ(server_->counters().to_workers, 0u);
}

TEST_F(LoopFetchTest, MissesAndHitsAreAnsweredWhileAnotherMissIsHeldAtTheOrigin) {
  Start();
  ASSERT_EQ(Get("/now/cached").body, "now /now/cached");
  std::atomic<bool> held_answered{false};
  LoopFetchReply held;
  std::thread viewer([&] {
    held = Get("/held/a");
    held_answered = true;
  });
  origin_.AwaitHeld(1);
  // The loop fetches the held miss without waiting on it, and the only worker is free: another
  // miss and a hit are answered meanwhile.
  const LoopFetchReply miss = Get("/now/other");
  EXPECT_EQ(miss.status, 200);
  EXPECT_EQ(miss.body, "now /now/other");
  EXPECT_EQ(miss.x_cache, "Miss from cloudfront");
  EXPECT_EQ(Get("/now/cached").x_cache, "Hit from cloudfront");
  EXPECT_FALSE(held_answered);
  origin_.Release();
  viewer.join();
  EXPECT_EQ(held.status, 200);
  EXPECT_EQ(held.body, "held /held/a");
  EXPECT_EQ(server_->counters().fetched_on_loop, 3u);
  EXPECT_EQ(server_->counters().to_workers, 0u);
}

TEST_F(LoopFetchTest, CollapsedViewersOfALoopFetchAllGetItsBody) {
  Start();
  constexpr int kLoopFetchViewers = 4;
  std::vector<LoopFetchReply> results(kLoopFetchViewers);
  std::vector<std::thread> viewers;
  viewers.emplace_back([&] { results[0] = Get("/held/hot"); });
  origin_.AwaitHeld(1);
  for (int i = 1; i < kLoopFetchViewers; ++i) {
    viewers.emplace_back([&, i] { results[i] = Get("/held/hot"); });
  }
  // The followers wait on the worker side, one at a time: the first is waiting once counted.
  while (server_->counters().to_workers == 0) std::this_thread::yield();
  origin_.Release();
  for (std::thread& t : viewers) t.join();
  for (const LoopFetchReply& r : results) {
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "held /held/hot");
  }
  EXPECT_EQ(origin_.requests(), 1);
}

TEST_F(LoopFetchTest, AnOriginSilentPastOriginReadTimeoutIs504WhileOtherMissesGoOn) {
  Start(/*read_timeout=*/absl::Seconds(1));
  LoopFetchReply stalled;
  std::thread viewer([&] { stalled = Get("/held/stall"); });
  origin_.AwaitHeld(1);
  EXPECT_EQ(Get("/now/meanwhile").body, "now /now/meanwhile");
  viewer.join();
  EXPECT_EQ(stalled.status, 504);
  EXPECT_EQ(stalled.x_cache, "Error from cloudfront");
  origin_.Release();
}

// Shutdown abandons a fetch the loop is making (after the grace for requests in flight): its
// viewer and the viewer collapsed on it get CloudFront's 502, and the edge stops.
TEST_F(LoopFetchTest, ShutdownEndsALoopFetchAndTheRequestsCollapsedOnIt) {
  Start();
  LoopFetchReply leader, follower;
  std::thread first([&] { leader = Get("/held/stuck"); });
  origin_.AwaitHeld(1);
  std::thread second([&] { follower = Get("/held/stuck"); });
  while (server_->counters().to_workers == 0) std::this_thread::yield();
  server_->Shutdown();
  first.join();
  second.join();
  EXPECT_EQ(leader.status, 502);
  EXPECT_EQ(follower.status, 502);
  origin_.Release();
}

}  // namespace
}  // namespace edgesim::emulator
