// The edge's viewer connections: timeouts, the connection cap, accepting again after running out
// of descriptors, one listener per port, and what the edge refuses before routing (SPEC 4.3,
// SPEC B16, SPEC B17). Over real sockets: in process with small timeouts, or a real `edgesim
// serve` child where the process itself is the subject.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/clock.h"
#include "emulator/demo_origin.h"
#include "emulator/distribution_registry.h"
#include "emulator/edge_server.h"
#include "gtest/gtest.h"
#include "policy/cache_policy.h"
#include "tests/emulator/serve_process.h"

namespace edgesim::emulator {
namespace {

// A blocking loopback connection whose reads and writes give up after 20 s (a hang, not a slow server).
class ViewerSocket {
 public:
  explicit ViewerSocket(int port, int receive_buffer = 0) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    if (receive_buffer > 0) {
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof(receive_buffer));
    }
    const timeval limit{.tv_sec = 20, .tv_usec = 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~ViewerSocket() { ::close(fd_); }
  ViewerSocket(const ViewerSocket&) = delete;
  ViewerSocket& operator=(const ViewerSocket&) = delete;

  bool connected() const { return connected_; }

  // Sends all of `bytes`; false once the peer has gone.
  bool Send(const std::string& bytes) {
    for (size_t sent = 0; sent < bytes.size();) {
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += n;
    }
    return true;
  }

  // Reads until the edge closes the connection: what it sent, and whether it closed (false: 20 s
  // passed with the connection still open).
  std::pair<std::string, bool> ReadUntilClosed() {
    std::string got;
    char chunk[4096];
    for (;;) {
      const ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
      if (n > 0) {
        got.append(chunk, n);
        continue;
      }
      return {got, n == 0 || errno == ECONNRESET};
    }
  }

  // Reads until `got` ends one response with no body (the demo's answers here all have one, so
  // the head's Content-Length says where it ends).
  std::string ReadResponse() {
    std::string got;
    char chunk[4096];
    for (;;) {
      const size_t head_end = got.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        const size_t cl = got.find("Content-Length: ");
        const size_t length = cl < head_end ? std::stoul(got.substr(cl + 16)) : 0;
        if (got.size() >= head_end + 4 + length) return got;
      }
      const ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
      if (n <= 0) return got;
      got.append(chunk, n);
    }
  }

 private:
  int fd_;
  bool connected_ = false;
};

constexpr char kViewerGet[] = "GET /about.html HTTP/1.1\r\nHost: d111.cloudfront.net\r\n\r\n";

// Records the targets the origin is asked for, answering like the demo origin.
class TargetRecordingOrigin final : public core::OriginFetcher {
 public:
  absl::StatusOr<core::OriginResponse> Fetch(const core::OriginRequest& request,
                                             absl::Time now) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      targets_.push_back(request.forwarded.target);
    }
    return demo_.Fetch(request, now);
  }
  std::vector<std::string> targets() {
    std::lock_guard<std::mutex> lock(mu_);
    return targets_;
  }

 private:
  DemoOrigin demo_;
  std::mutex mu_;
  std::vector<std::string> targets_;
};

class ViewerConnectionTest : public ::testing::Test {
 protected:
  void Start(EdgeServerOptions options) {
    auto origin = std::make_unique<TargetRecordingOrigin>();
    origin_ = origin.get();
    auto live = LiveDistribution::Create(
        policy::SingleOriginDistribution("demo", policy::CachePolicy()), {}, std::move(origin));
    ASSERT_TRUE(live.ok()) << live.status();
    ASSERT_TRUE(registry_.Add(*live).ok());
    options.port = 0;
    options.threads = 2;
    options.clock = &clock_;
    auto server = EdgeServer::Start(registry_, options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }
  int port() const { return server_->port(); }

  core::ManualClock clock_;
  DistributionRegistry registry_;
  TargetRecordingOrigin* origin_ = nullptr;
  std::unique_ptr<EdgeServer> server_;
};

TEST_F(ViewerConnectionTest, HalfAHeaderIsClosedAfterTheReadTimeout) {
  Start({.idle_timeout = absl::Seconds(60), .read_timeout = absl::Milliseconds(300)});
  ViewerSocket slow(port());
  ASSERT_TRUE(slow.Send("GET / HTTP/1.1\r\nHost: d111.cloudfront.net\r\nX-Slow: "));
  const auto [got, closed] = slow.ReadUntilClosed();
  EXPECT_TRUE(closed);
  EXPECT_EQ(got, "");  // no answer: the request never arrived
  EXPECT_EQ(server_->counters().timed_out, 1u);
}

TEST_F(ViewerConnectionTest, ABodyPromisedButNotSentIsClosedAfterTheReadTimeout) {
  Start({.idle_timeout = absl::Seconds(60), .read_timeout = absl::Milliseconds(300)});
  ViewerSocket expecting(port());
  ASSERT_TRUE(expecting.Send(
      "POST /form HTTP/1.1\r\nHost: d111.cloudfront.net\r\nExpect: 100-continue\r\n"
      "Content-Length: 10\r\n\r\n"));
  EXPECT_TRUE(expecting.ReadUntilClosed().second);
}

TEST_F(ViewerConnectionTest, AChunkedBodyOverTheLimitIs413) {
  Start({.max_request_body_bytes = 1024});
  ViewerSocket big(port());
  std::string request =
      "POST /form HTTP/1.1\r\nHost: d111.cloudfront.net\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 4; ++i) absl::StrAppend(&request, "200\r\n", std::string(512, 'x'), "\r\n");
  big.Send(request);  // the edge may close before it has read everything
  const auto [got, closed] = big.ReadUntilClosed();
  EXPECT_TRUE(absl::StartsWith(got, "HTTP/1.1 413")) << got;
  EXPECT_TRUE(closed);
}

TEST_F(ViewerConnectionTest, AnIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout) {
  Start({.idle_timeout = absl::Milliseconds(300), .read_timeout = absl::Seconds(60)});
  ViewerSocket viewer(port());
  ASSERT_TRUE(viewer.Send(kViewerGet));
  const auto [got, closed] = viewer.ReadUntilClosed();
  EXPECT_TRUE(absl::StartsWith(got, "HTTP/1.1 200")) << got;  // answered, then left idle
  EXPECT_TRUE(closed);
  EXPECT_EQ(server_->counters().timed_out, 1u);
}

// Each request starts the idle time anew: a connection busy for many idle timeouts stays open.
TEST_F(ViewerConnectionTest, AKeepAliveViewerThatKeepsAskingKeepsItsConnection) {
  Start({.idle_timeout = absl::Milliseconds(400), .read_timeout = absl::Milliseconds(400)});
  ViewerSocket viewer(port());
  for (int i = 0; i < 12; ++i) {
    ASSERT_TRUE(viewer.Send(kViewerGet));
    const std::string got = viewer.ReadResponse();
    ASSERT_TRUE(absl::StartsWith(got, "HTTP/1.1 200")) << i << ": " << got;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(server_->counters().connections, 1u);
  EXPECT_EQ(server_->counters().timed_out, 0u);
}

TEST_F(ViewerConnectionTest, AViewerThatStopsReadingIsClosedAfterTheWriteTimeout) {
  Start({.write_timeout = absl::Milliseconds(300)});
  ViewerSocket stalled(port(), /*receive_buffer=*/4096);
  // Pipelined hits until the edge cannot write more: it reads on while it can write.
  std::string requests;
  for (int i = 0; i < 2000; ++i) absl::StrAppend(&requests, kViewerGet);
  for (int round = 0; round < 50 && stalled.Send(requests); ++round) {
  }
  for (int i = 0; i < 400 && server_->counters().timed_out == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(server_->counters().timed_out, 1u);
}

TEST_F(ViewerConnectionTest, ConnectionsOverTheCapAreClosedAtOnce) {
  Start({.max_connections = 2});
  ViewerSocket first(port()), second(port());
  for (ViewerSocket* s : {&first, &second}) {
    ASSERT_TRUE(s->Send(kViewerGet));
    ASSERT_TRUE(absl::StartsWith(s->ReadResponse(), "HTTP/1.1 200"));
  }
  ViewerSocket third(port());
  const auto [got, closed] = third.ReadUntilClosed();
  EXPECT_TRUE(closed);
  EXPECT_EQ(got, "");
  EXPECT_EQ(server_->counters().refused_connections, 1u);
  ASSERT_TRUE(first.Send(kViewerGet));  // the first two go on
  EXPECT_TRUE(absl::StartsWith(first.ReadResponse(), "HTTP/1.1 200"));
}

// RFC 9112 section 3.2 via policy/request_target.h: refused with CloudFront's 400 page before
// routing; the origin sees only origin-form targets.
TEST_F(ViewerConnectionTest, HostAndTargetHygieneBeforeTheOrigin) {
  Start({});
  for (const char* request : {
           "GET /a HTTP/1.1\r\n\r\n",
           "GET /a HTTP/1.1\r\nHost: d111.cloudfront.net\r\nHost: evil.example\r\n\r\n",
           "GET ../../etc/passwd HTTP/1.1\r\nHost: d111.cloudfront.net\r\n\r\n",
           "GET * HTTP/1.1\r\nHost: d111.cloudfront.net\r\n\r\n",
           "GET http://user@evil.example/x HTTP/1.1\r\nHost: d111.cloudfront.net\r\n\r\n",
       }) {
    ViewerSocket viewer(port());
    ASSERT_TRUE(viewer.Send(request));
    const auto [got, closed] = viewer.ReadUntilClosed();
    EXPECT_TRUE(absl::StartsWith(got, "HTTP/1.1 400")) << request << got;
    EXPECT_TRUE(absl::StrContains(got, "X-Cache: Error from cloudfront")) << got;
    EXPECT_TRUE(closed) << request;
  }
  EXPECT_EQ(server_->counters().bad_requests, 5u);

  ViewerSocket absolute(port());
  ASSERT_TRUE(absolute.Send("GET http://d111.cloudfront.net/about.html HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_TRUE(absl::StartsWith(absolute.ReadResponse(), "HTTP/1.1 200"));
  EXPECT_EQ(origin_->targets(), std::vector<std::string>{"/about.html"});
}

// ---- A real `edgesim serve` ------------------------------------------------------------------

// The soft descriptor limit, lowered for a child started meanwhile (it inherits it).
class ScopedDescriptorLimit {
 public:
  explicit ScopedDescriptorLimit(rlim_t soft) {
    ::getrlimit(RLIMIT_NOFILE, &saved_);
    rlimit lowered = saved_;
    lowered.rlim_cur = soft;
    ::setrlimit(RLIMIT_NOFILE, &lowered);
  }
  ~ScopedDescriptorLimit() { ::setrlimit(RLIMIT_NOFILE, &saved_); }

 private:
  rlimit saved_{};
};

TEST(ServeConnectionsTest, TheEdgeAcceptsAgainAfterRunningOutOfDescriptors) {
  std::unique_ptr<testing::ServeProcess> serve;
  {
    ScopedDescriptorLimit limit(64);
    auto started = testing::ServeProcess::Start({"--demo"});
    ASSERT_TRUE(started.ok()) << started.status();
    serve = *std::move(started);
  }
  // One admin connection opened now, kept alive: the API cannot accept either while the edge has
  // every descriptor.
  httplib::Client api = serve->Api();
  api.set_keep_alive(true);
  uint64_t accept_errors = 0;
  const auto read_accept_errors = [&] {
    const httplib::Result r = api.Get("/_edgesim/stats");
    if (!r) return false;
    const nlohmann::json stats = nlohmann::json::parse(r->body, nullptr, false);
    accept_errors = stats.is_discarded() ? 0 : stats["edge"].value("accept_errors", uint64_t{0});
    return true;
  };
  ASSERT_TRUE(read_accept_errors());

  std::vector<std::unique_ptr<ViewerSocket>> hogs;
  for (int i = 0; i < 120; ++i) hogs.push_back(std::make_unique<ViewerSocket>(serve->edge_port()));
  for (int i = 0; i < 200 && read_accept_errors() && accept_errors == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_GT(accept_errors, 0u) << "the edge never ran out of descriptors";
  hogs.clear();

  httplib::Client edge = serve->Edge();
  edge.set_read_timeout(15);
  const httplib::Result r = edge.Get("/");
  ASSERT_TRUE(r) << "the edge stopped accepting";
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(serve->Terminate(), 0);
}

TEST(ServeConnectionsTest, ASecondServeOnATakenEdgePortFailsWithAClearMessage) {
  auto first = testing::ServeProcess::Start({"--demo"});
  ASSERT_TRUE(first.ok()) << first.status();
  const std::string listen = absl::StrCat("127.0.0.1:", (*first)->edge_port());
  const testing::ServeRun second =
      testing::RunServeToExit({"--listen", listen, "--api", "127.0.0.1:0", "--threads", "1"});
  EXPECT_FALSE(second.listened) << second.output;
  EXPECT_EQ(second.code, 1) << second.output;
  EXPECT_TRUE(absl::StrContains(second.output,
                                absl::StrCat("--listen ", listen, ": Address already in use")))
      << second.output;
  EXPECT_EQ((*first)->Terminate(), 0);
}

}  // namespace
}  // namespace edgesim::emulator
