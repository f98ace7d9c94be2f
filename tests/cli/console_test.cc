// The live console's routes on a real `edgesim serve` (serve_process.h): the embedded page with
// its types and CSP, the event stream's resume and its bound on open streams, and the explain
// route running the same model as `edgesim explain`.
#include "cli/console.h"

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "cli/console_files.h"
#include "gtest/gtest.h"
#include "tests/emulator/event_stream_reader.h"
#include "tests/emulator/serve_process.h"

namespace edgesim::cli {
namespace {

using emulator::testing::EventStream;
using emulator::testing::ReadEventStream;
using emulator::testing::ServeProcess;

std::unique_ptr<ServeProcess> ConsoleServe() {
  absl::StatusOr<std::unique_ptr<ServeProcess>> p = ServeProcess::Start({"--demo"});
  EXPECT_TRUE(p.ok()) << p.status();
  return p.ok() ? *std::move(p) : nullptr;
}

TEST(ConsoleTest, ServesTheEmbeddedPageWithItsTypesAndARestrictivePolicy) {
  auto serve = ConsoleServe();
  ASSERT_NE(serve, nullptr);
  struct File {
    std::string path, name, type;
  };
  for (const File& f : std::vector<File>{
           {"/_edgesim/console", "console.html", "text/html; charset=utf-8"},
           {"/_edgesim/console/console.js", "console.js", "text/javascript; charset=utf-8"},
           {"/_edgesim/console/console.css", "console.css", "text/css; charset=utf-8"}}) {
    auto r = serve->Api().Get(f.path);
    ASSERT_TRUE(r) << f.path;
    EXPECT_EQ(r->status, 200) << f.path;
    EXPECT_EQ(r->get_header_value("Content-Type"), f.type);
    EXPECT_EQ(r->get_header_value("X-Content-Type-Options"), "nosniff");
    const std::string csp = r->get_header_value("Content-Security-Policy");
    EXPECT_TRUE(absl::StrContains(csp, "default-src 'none'")) << csp;
    EXPECT_TRUE(absl::StrContains(csp, "script-src 'self'")) << csp;
    EXPECT_TRUE(absl::StrContains(csp, "frame-ancestors 'none'")) << csp;
    ASSERT_NE(FindConsoleFile(f.name), nullptr);
    EXPECT_TRUE(r->body == FindConsoleFile(f.name)->bytes) << f.path << ": not the embedded file";
  }
  auto missing = serve->Api().Get("/_edgesim/console/other.js");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

TEST(ConsoleTest, AStreamResumesAfterLastEventIdAndGetsLiveEvents) {
  auto serve = ConsoleServe();
  ASSERT_NE(serve, nullptr);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(serve->Edge().Get("/index.html"));
  std::thread later([&serve] {
    // Published while the stream below waits: it arrives live.
    auto r = serve->Edge().Get("/about.html");
  });
  absl::StatusOr<EventStream> s = ReadEventStream(serve->Api(), 2, {{"Last-Event-ID", "2"}});
  later.join();
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->ids, (std::vector<uint64_t>{3, 4}));
  EXPECT_EQ(s->events[0]["x_cache"], "Hit from cloudfront");
  EXPECT_EQ(s->events[1]["path"], "/about.html");
  EXPECT_EQ(s->events[1]["x_cache"], "Miss from cloudfront");
}

TEST(ConsoleTest, RefusesStreamsBeyondTheBoundAndEndsThemOnShutdown) {
  auto serve = ConsoleServe();
  ASSERT_NE(serve, nullptr);
  constexpr int kOpenStreams = 8;  // the server's bound
  std::vector<std::thread> readers;
  std::vector<absl::StatusOr<EventStream>> results(kOpenStreams, absl::UnknownError("unread"));
  for (int i = 0; i < kOpenStreams; ++i) {
    readers.emplace_back([&serve, &results, i] {
      results[i] = ReadEventStream(serve->Api(), 1'000'000);  // until the server ends it
    });
  }
  // Waits (bounded by the test's timeout) until every reader holds a stream.
  for (;;) {
    absl::StatusOr<nlohmann::json> stats = serve->AdminGet("/_edgesim/stats");
    ASSERT_TRUE(stats.ok()) << stats.status();
    if ((*stats)["events"]["subscribers"] == kOpenStreams) break;
    std::this_thread::yield();
  }
  absl::StatusOr<EventStream> refused = ReadEventStream(serve->Api(), 1);
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_EQ(refused->status, 503);
  EXPECT_TRUE(absl::StrContains(refused->body, "TooManyStreams")) << refused->body;

  EXPECT_EQ(serve->Terminate(), 0);  // does not wait for the streams' clients
  for (std::thread& t : readers) t.join();
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->status, 200);
  }
}

TEST(ConsoleTest, ExplainsAKeptEventWithTheExplainModel) {
  auto serve = ConsoleServe();
  ASSERT_NE(serve, nullptr);
  ASSERT_TRUE(serve->Edge().Get("/assets/app.3f9a1c.js"));
  absl::StatusOr<nlohmann::json> x = serve->AdminGet("/_edgesim/explain?event=1");
  ASSERT_TRUE(x.ok()) << x.status();
  EXPECT_EQ((*x)["event"]["id"], 1);
  const nlohmann::json& e = (*x)["explanation"];
  EXPECT_EQ(e["behavior"]["path_pattern"], "/assets/*");
  EXPECT_EQ(e["object_path"], "/assets/app.3f9a1c.js");
  EXPECT_EQ(e["cache_key"], (*x)["event"]["cache_key"]);
  EXPECT_EQ(e["ttl"]["reason"], (*x)["event"]["ttl_reason"]);
  EXPECT_EQ(e["ttl"]["fresh_seconds"], (*x)["event"]["ttl"]);
  // The text `edgesim explain` prints for the same decisions.
  EXPECT_TRUE(absl::StrContains((*x)["text"].get<std::string>(), "/assets/*"));

  auto gone = serve->Api().Get("/_edgesim/explain?event=99");
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, 404);
  auto bad = serve->Api().Get("/_edgesim/explain?event=x");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
}

}  // namespace
}  // namespace edgesim::cli
