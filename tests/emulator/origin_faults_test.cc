// `edgesim serve` in front of origins that fail: a raw TCP origin that misbehaves per case
// (faulty_origin.h) beside a healthy one, checked against SPEC 3.5, 3.6, 4.3 and 7.3; shutdown
// with a fetch stuck on a silent origin; a hung origin next to a healthy one.
#include <sys/socket.h>
#include <sys/time.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "boost/asio/connect.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/write.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "gtest/gtest.h"
#include "tests/emulator/faulty_origin.h"
#include "tests/emulator/local_http_server.h"
#include "tests/emulator/origin_config.h"
#include "tests/emulator/serve_process.h"

// Beside origin_config.h's helpers.
namespace edgesim::emulator::testing {
namespace {

// What a viewer got for one GET, read off a plain socket so a cut body shows as one.
struct EdgeReply {
  bool answered = false;  // a status line and headers came
  int status = 0;
  std::string x_cache;
  std::string body;
  bool complete = false;  // the body came whole under the framing the head announced
};

EdgeReply GetFromEdge(int port, const std::string& path) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  beast::error_code ec;
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)}, ec);
  EdgeReply reply;
  if (ec) return reply;
  // A generous bound, so a broken edge fails the test instead of hanging it.
  const timeval bound{60, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &bound, sizeof(bound));
  const std::string request =
      absl::StrCat("GET ", path, " HTTP/1.1\r\nHost: d3origintest1.cloudfront.net\r\n\r\n");
  boost::asio::write(socket, boost::asio::buffer(request), ec);
  http::response_parser<http::string_body> parser;
  beast::flat_buffer buffer;
  http::read(socket, buffer, parser, ec);
  reply.answered = parser.is_header_done();
  if (!reply.answered) return reply;
  reply.status = parser.get().result_int();
  reply.x_cache = std::string(parser.get()["X-Cache"]);
  reply.body = parser.get().body();
  reply.complete = !ec;
  return reply;
}

// The behavior sending /healthy/* to origin o1.
std::string HealthyBehavior() {
  return absl::StrCat(R"({"PathPattern": "/healthy/*", "TargetOriginId": "o1",)",
                      R"("ViewerProtocolPolicy": "allow-all", "CachePolicyId": ")",
                      kCachingOptimized, R"("})");
}

// A healthy origin for /healthy/a.
void ServeHealthyPath(LocalHttpServer& origin) {
  origin.server().Get("/healthy/a", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("fine", "text/plain");
  });
}

// The edge's access log, once the child has exited.
std::string ReadAccessLog(const ConfigFile& config) {
  std::ifstream in(config.log());
  std::stringstream log;
  log << in.rdbuf();
  return log.str();
}

constexpr char kGoodBody[] = "good-body";

// The healthy answer: cached for a second, then stale-if-error for ten minutes.
std::string GoodHead() {
  return absl::StrCat("HTTP/1.1 200 OK\r\nCache-Control: max-age=1, stale-if-error=600\r\n",
                      "Content-Length: ", sizeof(kGoodBody) - 1, "\r\n\r\n");
}

// The faults claim a long TTL, so one that were wrongly cached would outlive the test's waits.
constexpr char kFaultHead[] = "HTTP/1.1 200 OK\r\nCache-Control: max-age=600\r\n";

struct OriginFault {
  std::string name;
  FaultyOrigin::Answer answer;  // null: the port refuses connections
  // A path with no stored copy gets `status`, its body cut short when `truncated`.
  int status;
  bool truncated = false;
  // A path with an expired copy inside stale-if-error gets that copy (SPEC 3.6).
  bool serves_stale = true;
};

std::vector<OriginFault> OriginFaults() {
  return {
      // SPEC 7.3: no connection -> 502.
      {"refused", nullptr, 502},
      {"reset-in-headers", FaultyOrigin::ResetAfter(absl::StrCat(kFaultHead, "Content-Le")), 502},
      // SPEC 4.3: a body cut short is relayed under its promised length, then cut.
      {"reset-in-body",
       FaultyOrigin::ResetAfter(absl::StrCat(kFaultHead, "Content-Length: 100\r\n\r\nfifty")), 200,
       true},
      {"short-content-length",
       FaultyOrigin::Bytes(absl::StrCat(kFaultHead, "Content-Length: 100\r\n\r\nfifty")), 200,
       true},
      {"unfinished-chunks",
       FaultyOrigin::Bytes(
           absl::StrCat(kFaultHead, "Transfer-Encoding: chunked\r\n\r\n5\r\nfifty\r\n")),
       200, true},
      // SPEC 7.3: an invalid response -> 502.
      {"garbage-status-line", FaultyOrigin::Bytes("HTTP/1.1 2x0 Maybe\r\n\r\n"), 502},
      // OriginReadTimeout (1 s) bounds each gap, not the whole body: a 1.8 s trickle completes.
      {"slow-trickle", FaultyOrigin::Trickle(GoodHead(), kGoodBody, absl::Milliseconds(200)), 200,
       false, false},
      // SPEC 7.3: no answer within OriginReadTimeout -> 504.
      {"hang", FaultyOrigin::Hang(), 504},
      // SPEC 3.5: the origin's own 5xx.
      {"server-error",
       FaultyOrigin::Bytes("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy"),
       503},
      // A header block over the 64 KiB bound -> 502.
      {"oversized-headers",
       FaultyOrigin::Bytes(absl::StrCat(kFaultHead, "X-Big: ", std::string(70 << 10, 'a'),
                                        "\r\nContent-Length: 2\r\n\r\nok")),
       502},
  };
}

// Each fault, for a path with an expired copy and one without: the documented answer, the edge
// still serving another origin's paths meanwhile, and nothing of the fault cached once the origin
// heals.
TEST(OriginFaultsTest, EachFaultGetsItsDocumentedAnswerAndNothingBadIsCached) {
  const FaultyOrigin::Answer good = FaultyOrigin::Bytes(GoodHead() + kGoodBody);
  FaultyOrigin origin(good);
  LocalHttpServer healthy;
  ServeHealthyPath(healthy);
  ConfigFile config(
      Config({origin.port(), healthy.port()}, kCachingOptimized, {HealthyBehavior()}));
  auto serve = ServeConfig(config, {"--access-log", config.log()});
  ASSERT_NE(serve, nullptr);
  const int port = serve->edge_port();

  for (const OriginFault& fault : OriginFaults()) {
    SCOPED_TRACE(fault.name);
    const std::string stale_path = absl::StrCat("/", fault.name, "/stale");
    const std::string fresh_path = absl::StrCat("/", fault.name, "/fresh");
    EdgeReply cached = GetFromEdge(port, stale_path);
    EXPECT_EQ(cached.status, 200);
    EXPECT_EQ(cached.x_cache, "Miss from cloudfront");

    if (fault.answer == nullptr) {
      origin.Refuse();
    } else {
      origin.Set(fault.answer);
    }
    ASSERT_TRUE(serve->AdvanceClock(absl::Seconds(2)).ok());  // the copy expires

    const EdgeReply stale = GetFromEdge(port, stale_path);
    EXPECT_EQ(stale.status, 200);
    EXPECT_TRUE(stale.complete);
    EXPECT_EQ(stale.body, kGoodBody);
    EXPECT_EQ(stale.x_cache, fault.serves_stale ? "Hit from cloudfront" : "Miss from cloudfront");

    const EdgeReply fresh = GetFromEdge(port, fresh_path);
    EXPECT_TRUE(fresh.answered);
    EXPECT_EQ(fresh.status, fault.status);
    EXPECT_EQ(fresh.complete, !fault.truncated);
    if (fault.truncated) {
      EXPECT_EQ(fresh.body, "fifty");
    }

    const EdgeReply other = GetFromEdge(port, "/healthy/a");
    EXPECT_EQ(other.status, 200);
    EXPECT_EQ(other.body, "fine");

    origin.Set(good);
    if (fault.answer == nullptr) origin.Listen();
    // Past ErrorCachingMinTTL (10 s), which CloudFront's own 502/504 and an origin's 503 are
    // cached for (SPEC 3.5); the faults' max-age=600 would still stand.
    ASSERT_TRUE(serve->AdvanceClock(absl::Seconds(11)).ok());
    for (const std::string& path : {stale_path, fresh_path}) {
      const EdgeReply healed = GetFromEdge(port, path);
      EXPECT_EQ(healed.status, 200) << path;
      EXPECT_TRUE(healed.complete) << path;
      EXPECT_EQ(healed.body, kGoodBody) << path;
    }
  }

  // SPEC 8.3: a cut body keeps its 200 and logs an Error of the origin exchange.
  EXPECT_EQ(serve->Terminate(), 0);
  const std::string log = ReadAccessLog(config);
  int cut = 0;  // of its two lines, the one before the origin healed
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    if (!absl::StrContains(line, "/short-content-length/fresh\t200\t")) continue;
    if (!absl::StrContains(line, "\tOriginCommError\t")) continue;
    ++cut;
    EXPECT_TRUE(absl::StrContains(line, "\tError\t")) << line;
  }
  EXPECT_EQ(cut, 1) << log;
}

// SIGTERM with a request waiting on an origin that never answers (OriginReadTimeout 60 s): the
// fetch is abandoned after the 5 s grace, the viewer gets a 502, the request is logged, and the
// process exits cleanly well before the origin's timeout.
TEST(OriginFaultsTest, ShutdownAbandonsAFetchStuckOnASilentOrigin) {
  FaultyOrigin silent(FaultyOrigin::Hang());
  ConfigFile config(Config({silent.port()}, kCachingOptimized, {}, "", "[]",
                           /*read_timeout_seconds=*/60));
  auto serve = ServeConfig(config, {"--access-log", config.log()});
  ASSERT_NE(serve, nullptr);
  EdgeReply reply;
  std::thread viewer([&] { reply = GetFromEdge(serve->edge_port(), "/stuck"); });
  while (silent.accepted() == 0) std::this_thread::yield();
  const absl::Time signalled = absl::Now();
  EXPECT_EQ(serve->Terminate(SIGTERM), 0);
  // A bound far above the grace (5 s) and far below the origin's 60 s.
  EXPECT_LT(absl::Now() - signalled, absl::Seconds(20));
  viewer.join();
  if (reply.answered) {
    EXPECT_EQ(reply.status, 502);
  }
  const std::string log = ReadAccessLog(config);
  EXPECT_TRUE(absl::StrContains(log, "/stuck")) << log;
}

// One origin hung with 40 requests, more than the 32 origin workers, while a miss on another
// origin of the same distribution is answered. `flags` decide where the hung fetches wait; the
// edge must have sent `in_flight` of them to the hung origin, the rest waiting in its queue.
void ExpectAHungOriginHoldsUpNoOtherMiss(const std::vector<std::string>& flags, int in_flight) {
  FaultyOrigin hung(FaultyOrigin::Hang());
  LocalHttpServer healthy;
  ServeHealthyPath(healthy);
  ConfigFile config(Config({hung.port(), healthy.port()}, kCachingOptimized, {HealthyBehavior()},
                           "", "[]",
                           /*read_timeout_seconds=*/60));
  auto serve = ServeConfig(config, flags);
  ASSERT_NE(serve, nullptr);
  constexpr int kStuck = 40;
  std::atomic<int> answered{0};
  std::vector<std::thread> viewers;
  for (int i = 0; i < kStuck; ++i) {
    viewers.emplace_back([&, i] {
      GetFromEdge(serve->edge_port(), absl::StrCat("/stuck/", i));
      answered.fetch_add(1);
    });
  }
  for (;;) {
    absl::StatusOr<nlohmann::json> stats = serve->AdminGet("/_edgesim/stats");
    ASSERT_TRUE(stats.ok());
    const nlohmann::json& edge = (*stats)["edge"];
    const uint64_t upstream =
        edge["to_workers"].get<uint64_t>() + edge["fetched_on_loop"].get<uint64_t>();
    if (upstream == kStuck && hung.accepted() >= in_flight) break;
    std::this_thread::yield();
  }
  const EdgeReply other = GetFromEdge(serve->edge_port(), "/healthy/a");
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(other.body, "fine");
  EXPECT_EQ(answered.load(), 0);
  EXPECT_EQ(hung.accepted(), in_flight);
  serve->Terminate(SIGKILL);
  for (std::thread& t : viewers) t.join();
}

// On the workers alone: --origin-concurrency's default of them, 16.
TEST(OriginFaultsTest, AHungOriginHoldsItsShareOfTheWorkersOnly) {
  ExpectAHungOriginHoldsUpNoOtherMiss({"--origin-loop-fetches", "0"}, 16);
}

// Fetched on the event loops, the hung fetches hold no worker: each of the two loops (ServeConfig's
// --threads 2, connections dealt in turn) takes 4 of them, the rest go to the workers, 16 at most
// there.
TEST(OriginFaultsTest, AHungOriginOnTheLoopHoldsItsLoopSlotsAndItsShareOfTheWorkers) {
  ExpectAHungOriginHoldsUpNoOtherMiss({"--origin-loop-fetches", "4"}, 2 * 4 + 16);
}

// With the default bound every hung fetch is on the loop, each on its own connection.
TEST(OriginFaultsTest, AHungOriginOnTheLoopHoldsNoWorker) {
  ExpectAHungOriginHoldsUpNoOtherMiss({}, 40);
}

}  // namespace
}  // namespace edgesim::emulator::testing
