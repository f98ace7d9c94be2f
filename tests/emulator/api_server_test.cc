// The API port's limits and exclusive bind: in process on httplib servers, then on real
// `edgesim serve` processes (slow clients, a second serve on the same port).
#include "emulator/api_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/emulator/serve_process.h"

extern char** environ;

namespace edgesim::emulator {
namespace {

using ::testing::HasSubstr;
using testing::ServeProcess;

TEST(ApiServerTest, ALimitedServerBindsItsPortAlone) {
  httplib::Server first;
  LimitApiServer(first, {});
  absl::StatusOr<int> port = BindApiServer(first, "127.0.0.1", 0);
  ASSERT_TRUE(port.ok()) << port.status();

  // Neither another limited server nor one with httplib's defaults (SO_REUSEPORT) shares it.
  httplib::Server second;
  LimitApiServer(second, {});
  absl::StatusOr<int> again = BindApiServer(second, "127.0.0.1", *port);
  ASSERT_FALSE(again.ok());
  EXPECT_THAT(again.status().message(), HasSubstr(absl::StrCat("127.0.0.1:", *port)));
  EXPECT_THAT(again.status().message(), HasSubstr("Address already in use"));
  httplib::Server defaults;
  EXPECT_FALSE(defaults.bind_to_port("127.0.0.1", *port));
}

TEST(ApiServerTest, ServesThroughItsBoundedPool) {
  httplib::Server server;
  LimitApiServer(server, {.threads = 2, .queue_capacity = 1, .timeout = absl::Seconds(2)});
  server.Get("/n", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("n", "text/plain");
  });
  absl::StatusOr<int> port = BindApiServer(server, "127.0.0.1", 0);
  ASSERT_TRUE(port.ok()) << port.status();
  std::thread listener([&] { server.listen_after_bind(); });
  while (!server.is_running()) std::this_thread::yield();
  // More connections than threads and queue: the accepting thread serves the overflow.
  std::vector<std::thread> clients;
  std::atomic<int> served{0};
  for (int i = 0; i < 8; ++i) {
    clients.emplace_back([&] {
      httplib::Client c("127.0.0.1", *port);
      c.set_read_timeout(30);
      if (auto r = c.Get("/n"); r && r->body == "n") ++served;
    });
  }
  for (std::thread& t : clients) t.join();
  server.stop();
  listener.join();
  EXPECT_EQ(served.load(), 8);
}

// ---- On real `edgesim serve` processes ---------------------------------------------------------

// A connection to the API port that sent the start of a request and stops there.
class ApiHalfRequest {
 public:
  explicit ApiHalfRequest(int port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    const std::string start = "GET /_edgesim/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
    connected_ = connected_ && ::send(fd_, start.data(), start.size(), MSG_NOSIGNAL) ==
                                   static_cast<ssize_t>(start.size());
  }
  ~ApiHalfRequest() { ::close(fd_); }
  ApiHalfRequest(const ApiHalfRequest&) = delete;
  ApiHalfRequest& operator=(const ApiHalfRequest&) = delete;

  bool connected() const { return connected_; }

  // True while the server has neither answered nor closed.
  bool Pending() const {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, 0) == 0;
  }

  // Reads until the server closes (true) or `bound` passes (false).
  bool ClosedByServerWithin(absl::Duration bound) const {
    const absl::Time deadline = absl::Now() + bound;
    char buf[1024];
    while (absl::Now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      const ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n <= 0) return true;  // end of stream, or reset
    }
    return false;
  }

 private:
  int fd_;
  bool connected_ = false;
};

// A `serve --api-timeout SECONDS` with 16 slow clients on its API port: more than httplib's
// default pool of 8 threads.
struct ApiSlowClients {
  explicit ApiSlowClients(const std::string& timeout_seconds) {
    absl::StatusOr<std::unique_ptr<ServeProcess>> started =
        ServeProcess::Start({"--api-timeout", timeout_seconds});
    if (!started.ok()) return;
    serve = *std::move(started);
    for (int i = 0; i < 16; ++i) {
      clients.push_back(std::make_unique<ApiHalfRequest>(serve->api_port()));
      if (!clients.back()->connected()) return;
    }
    ready = true;
  }

  std::unique_ptr<ServeProcess> serve;
  std::vector<std::unique_ptr<ApiHalfRequest>> clients;
  bool ready = false;
};

TEST(ApiServerServeTest, SlowClientsDoNotBlockTheApi) {
  // Timeouts far longer than the test: every slow client is still waiting when health answers.
  ApiSlowClients slow("300");
  ASSERT_TRUE(slow.ready);
  absl::StatusOr<nlohmann::json> health = slow.serve->AdminGet("/_edgesim/health");
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ((*health)["status"], "ok");
  for (const auto& c : slow.clients) EXPECT_TRUE(c->Pending());
}

TEST(ApiServerServeTest, SlowClientsAreClosedAfterTheTimeout) {
  ApiSlowClients slow("1");
  ASSERT_TRUE(slow.ready);
  // The bound only keeps a broken server from hanging the test.
  for (const auto& c : slow.clients) EXPECT_TRUE(c->ClosedByServerWithin(absl::Seconds(60)));
  EXPECT_TRUE(slow.serve->AdminGet("/_edgesim/health").ok());
}

TEST(ApiServerServeTest, ASecondServeOnTheSameApiPortFails) {
  auto first = ServeProcess::Start({});
  ASSERT_TRUE(first.ok()) << first.status();
  const testing::ServeRun second = testing::RunServeToExit(
      {"--listen", "127.0.0.1:0", "--api", absl::StrCat("127.0.0.1:", (*first)->api_port())});
  EXPECT_FALSE(second.listened) << second.output;
  EXPECT_EQ(second.code, 1) << second.output;
  EXPECT_THAT(second.output, HasSubstr("Address already in use"));
  EXPECT_TRUE((*first)->AdminGet("/_edgesim/health").ok());
}

}  // namespace
}  // namespace edgesim::emulator
