// serve_process.h — `edgesim serve` as a real child process, for the emulator's tests, the
// scenario runner and the CloudFront API tests (DESIGN.md section 8: real processes over
// loopback, ports from the OS, no sleeps).
//
// Start() runs EDGESIM_BINARY `serve --manual-clock --listen 127.0.0.1:0 --api 127.0.0.1:0
// --threads 2 ARGS...`, reads the two "... listening on http://HOST:PORT" lines it prints first,
// and returns once both ports answer. The destructor kills the process (SIGKILL) if a test has not
// stopped it; Terminate() sends SIGTERM and returns the exit status. The admin helpers speak the
// /_edgesim/ API; `Raw*` helpers talk to the edge over a plain socket (pipelining, oversized
// requests).
//
//   absl::StatusOr<std::unique_ptr<ServeProcess>> serve = ServeProcess::Start({"--demo"});
//   httplib::Client edge = (*serve)->Edge();
//   auto r = edge.Get("/");                       // X-Cache: Miss from cloudfront
//   (*serve)->AdvanceClock(absl::Seconds(31));    // the HTML has expired
//   EXPECT_EQ((*serve)->Terminate(), 0);
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "boost/asio.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "httplib.h"
#include "nlohmann/json.hpp"

extern char** environ;

namespace edgesim::emulator::testing {

struct ServeOptions {
  bool manual_clock = true;
  int threads = 2;
  // How long Start waits for the listening lines (a broken build, not slowness, exceeds it).
  absl::Duration startup_timeout = absl::Seconds(20);
};

class ServeProcess {
 public:
  static absl::StatusOr<std::unique_ptr<ServeProcess>> Start(std::vector<std::string> args,
                                                             ServeOptions options = {}) {
    std::vector<std::string> argv = {EDGESIM_BINARY, "serve", "--listen", "127.0.0.1:0", "--api",
                                     "127.0.0.1:0", "--threads", absl::StrCat(options.threads)};
    if (options.manual_clock) argv.push_back("--manual-clock");
    argv.insert(argv.end(), args.begin(), args.end());

    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) return absl::InternalError("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    std::vector<char*> cargv;
    for (std::string& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    pid_t pid;
    const int rc = posix_spawn(&pid, cargv[0], &actions, nullptr, cargv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    if (rc != 0) {
      ::close(out[0]);
      return absl::InternalError(absl::StrCat("posix_spawn ", argv[0], ": ", strerror(rc)));
    }
    std::unique_ptr<ServeProcess> p(new ServeProcess(pid, out[0], absl::StrJoin(argv, " ")));
    if (absl::Status s = p->ReadPorts(options.startup_timeout); !s.ok()) return s;
    return p;
  }

  ~ServeProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (reader_.joinable()) reader_.join();
    ::close(fd_);
  }

  int edge_port() const { return edge_port_; }
  int api_port() const { return api_port_; }
  pid_t pid() const { return pid_; }
  std::string edge_url() const { return absl::StrCat("http://127.0.0.1:", edge_port_); }
  std::string api_url() const { return absl::StrCat("http://127.0.0.1:", api_port_); }

  httplib::Client Edge() const { return Client(edge_port_); }
  httplib::Client Api() const { return Client(api_port_); }

  // Everything the process printed on stdout so far.
  std::string Stdout() {
    std::lock_guard<std::mutex> lock(mu_);
    return stdout_;
  }

  // True once stdout holds `text` (false if the process closes stdout first, or after `timeout`).
  bool WaitForStdout(const std::string& text, absl::Duration timeout = absl::Seconds(10)) {
    std::unique_lock<std::mutex> lock(mu_);
    return grew_.wait_for(lock, absl::ToChronoMilliseconds(timeout), [&] {
      return stdout_.find(text) != std::string::npos || stdout_closed_;
    }) && stdout_.find(text) != std::string::npos;
  }

  // Sends `signal` and waits: the exit code, or -1 when the process died of a signal.
  int Terminate(int signal = SIGTERM) {
    ::kill(pid_, signal);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  // ---- Admin API -------------------------------------------------------------------------

  absl::StatusOr<nlohmann::json> AdminGet(const std::string& path) {
    return Json(Api().Get(path.c_str()), path);
  }
  absl::StatusOr<nlohmann::json> AdminPost(const std::string& path, const nlohmann::json& body) {
    return Json(Api().Post(path.c_str(), body.dump(), "application/json"), path);
  }
  absl::Status AdvanceClock(absl::Duration d) {
    return AdminPost("/_edgesim/clock/advance", {{"seconds", absl::ToDoubleSeconds(d)}}).status();
  }

  // ---- The edge over a plain socket --------------------------------------------------------

  // Sends `bytes` in one write, then reads `responses` HTTP responses off the same connection
  // (HEAD responses are not expected here). Stops early at end of stream.
  absl::StatusOr<std::vector<boost::beast::http::response<boost::beast::http::string_body>>>
  RawExchange(const std::string& bytes, int responses) const {
    namespace beast = boost::beast;
    namespace http = beast::http;
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket socket(io);
    beast::error_code ec;
    socket.connect({boost::asio::ip::make_address("127.0.0.1"),
                    static_cast<unsigned short>(edge_port_)},
                   ec);
    if (!ec) boost::asio::write(socket, boost::asio::buffer(bytes), ec);
    if (ec) return absl::UnavailableError(absl::StrCat("edge: ", ec.message()));
    std::vector<http::response<http::string_body>> out;
    beast::flat_buffer buffer;
    for (int i = 0; i < responses; ++i) {
      http::response<http::string_body> r;
      http::read(socket, buffer, r, ec);
      if (ec) break;
      out.push_back(std::move(r));
    }
    return out;
  }

 private:
  ServeProcess(pid_t pid, int fd, std::string command)
      : pid_(pid), fd_(fd), command_(std::move(command)) {}

  static httplib::Client Client(int port) {
    httplib::Client c("127.0.0.1", port);
    c.set_connection_timeout(10);
    c.set_read_timeout(30);
    return c;
  }

  static absl::StatusOr<nlohmann::json> Json(const httplib::Result& r, const std::string& path) {
    if (!r) return absl::UnavailableError(absl::StrCat("admin API ", path, ": no answer"));
    nlohmann::json j = nlohmann::json::parse(r->body, nullptr, false);
    if (j.is_discarded()) {
      return absl::InternalError(absl::StrCat("admin API ", path, ": not JSON: ", r->body));
    }
    if (r->status != 200) {
      return absl::FailedPreconditionError(
          absl::StrCat("admin API ", path, ": ", r->status, " ", r->body));
    }
    return j;
  }

  // The first lines name the ports; the rest of stdout is collected by a thread, so the child
  // never blocks on a full pipe.
  absl::Status ReadPorts(absl::Duration timeout) {
    const auto deadline = std::chrono::steady_clock::now() + absl::ToChronoMilliseconds(timeout);
    std::string text;
    while (edge_port_ == 0 || api_port_ == 0) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd p{fd_, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
        return absl::DeadlineExceededError(
            absl::StrCat(command_, ": no listening lines; stdout so far: ", text));
      }
      char chunk[4096];
      const ssize_t n = ::read(fd_, chunk, sizeof(chunk));
      if (n <= 0) {
        return absl::UnavailableError(absl::StrCat(command_, ": exited; stdout: ", text));
      }
      text.append(chunk, n);
      edge_port_ = PortAfter(text, "edge listening on http://127.0.0.1:");
      api_port_ = PortAfter(text, "api listening on http://127.0.0.1:");
    }
    stdout_ = std::move(text);
    reader_ = std::thread([this] {
      char chunk[4096];
      ssize_t n;
      while ((n = ::read(fd_, chunk, sizeof(chunk))) > 0) {
        std::lock_guard<std::mutex> lock(mu_);
        stdout_.append(chunk, n);
        grew_.notify_all();
      }
      std::lock_guard<std::mutex> lock(mu_);
      stdout_closed_ = true;
      grew_.notify_all();
    });
    return absl::OkStatus();
  }

  static int PortAfter(const std::string& text, const std::string& prefix) {
    const size_t at = text.find(prefix);
    if (at == std::string::npos) return 0;
    const size_t start = at + prefix.size();
    const size_t end = text.find('\n', start);
    int port = 0;
    if (end == std::string::npos || !absl::SimpleAtoi(text.substr(start, end - start), &port)) {
      return 0;
    }
    return port;
  }

  pid_t pid_;
  int fd_;
  std::string command_;
  int edge_port_ = 0;
  int api_port_ = 0;
  std::mutex mu_;
  std::condition_variable grew_;
  std::string stdout_;
  bool stdout_closed_ = false;
  std::thread reader_;
};

}  // namespace edgesim::emulator::testing
