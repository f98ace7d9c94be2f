// serve_process.h — `edgesim serve` as a real child process, for the emulator's tests, the
// scenario runner and the CloudFront API tests (DESIGN 8: real processes over
// loopback, ports from the OS, no sleeps).
//
// Start() runs EDGESIM_BINARY `serve --manual-clock --listen 127.0.0.1:0 --api 127.0.0.1:0
// --threads 2 ARGS...` as an emulator::ServeChild (emulator/serve_child.h), which returns once
// the two "... listening on http://HOST:PORT" lines are printed. The destructor kills the process
// (SIGKILL) if a test has not stopped it; Terminate() sends SIGTERM and returns the exit status.
// The admin helpers speak the /_edgesim/ API; `Raw*` helpers talk to the edge over a plain socket
// (pipelining, oversized requests).
//
//   absl::StatusOr<std::unique_ptr<ServeProcess>> serve = ServeProcess::Start({"--demo"});
//   httplib::Client edge = (*serve)->Edge();
//   auto r = edge.Get("/");                       // X-Cache: Miss from cloudfront
//   (*serve)->AdvanceClock(absl::Seconds(31));    // the HTML has expired
//   EXPECT_EQ((*serve)->Terminate(), 0);
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "boost/asio.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "emulator/serve_child.h"
#include "httplib.h"
#include "nlohmann/json.hpp"

namespace edgesim::emulator::testing {

struct ServeOptions {
  bool manual_clock = true;
  int threads = 2;
  // How long Start waits for the listening lines (a broken build, not slowness, exceeds it).
  absl::Duration startup_timeout = absl::Seconds(20);
  // serve's stderr into Stdout() too (its console lines), instead of the test's stderr.
  bool stderr_to_stdout = false;
};

class ServeProcess {
 public:
  static absl::StatusOr<std::unique_ptr<ServeProcess>> Start(std::vector<std::string> args,
                                                             ServeOptions options = {}) {
    std::vector<std::string> flags = {"--threads", absl::StrCat(options.threads)};
    if (options.manual_clock) flags.push_back("--manual-clock");
    flags.insert(flags.end(), args.begin(), args.end());
    absl::StatusOr<std::unique_ptr<ServeChild>> child =
        ServeChild::Start(EDGESIM_BINARY, flags, options.startup_timeout,
                          options.stderr_to_stdout);
    if (!child.ok()) return child.status();
    return std::unique_ptr<ServeProcess>(new ServeProcess(*std::move(child)));
  }

  ~ServeProcess() {
    child_->Terminate(SIGKILL);  // if a test has not stopped it
    if (reader_.joinable()) reader_.join();
  }

  int edge_port() const { return child_->edge_port(); }
  int api_port() const { return child_->api_port(); }
  // With --listen-tls 127.0.0.1:PORT: the edge's HTTPS port; else 0.
  int tls_port() const { return child_->tls_port(); }
  pid_t pid() const { return child_->pid(); }
  std::string edge_url() const { return absl::StrCat("http://127.0.0.1:", edge_port()); }
  std::string api_url() const { return absl::StrCat("http://127.0.0.1:", api_port()); }

  httplib::Client Edge() const { return Client(edge_port()); }
  httplib::Client Api() const { return Client(api_port()); }

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
  int Terminate(int signal = SIGTERM) { return child_->Terminate(signal); }

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

  // ---- The edge (or the API port) over a plain socket ------------------------------------

  // Sends `bytes` in one write, then reads `responses` HTTP responses off the same connection
  // (HEAD responses are not expected here). Stops early at end of stream.
  absl::StatusOr<std::vector<boost::beast::http::response<boost::beast::http::string_body>>>
  RawExchange(const std::string& bytes, int responses) const {
    return RawExchangeOn(edge_port(), bytes, responses);
  }
  absl::StatusOr<std::vector<boost::beast::http::response<boost::beast::http::string_body>>>
  RawApiExchange(const std::string& bytes, int responses) const {
    return RawExchangeOn(api_port(), bytes, responses);
  }

 private:
  static absl::StatusOr<std::vector<boost::beast::http::response<boost::beast::http::string_body>>>
  RawExchangeOn(int port, const std::string& bytes, int responses) {
    namespace beast = boost::beast;
    namespace http = beast::http;
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket socket(io);
    beast::error_code ec;
    socket.connect(
        {boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)}, ec);
    if (!ec) boost::asio::write(socket, boost::asio::buffer(bytes), ec);
    if (ec) return absl::UnavailableError(absl::StrCat("port ", port, ": ", ec.message()));
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

  // The rest of stdout is collected by a thread, so the child never blocks on a full pipe.
  explicit ServeProcess(std::unique_ptr<ServeChild> child)
      : child_(std::move(child)), stdout_(child_->startup_output()) {
    reader_ = std::thread([this] {
      char chunk[4096];
      ssize_t n;
      while ((n = ::read(child_->stdout_fd(), chunk, sizeof(chunk))) > 0) {
        std::lock_guard<std::mutex> lock(mu_);
        stdout_.append(chunk, n);
        grew_.notify_all();
      }
      std::lock_guard<std::mutex> lock(mu_);
      stdout_closed_ = true;
      grew_.notify_all();
    });
  }

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

  std::unique_ptr<ServeChild> child_;
  std::mutex mu_;
  std::condition_variable grew_;
  std::string stdout_;
  bool stdout_closed_ = false;
  std::thread reader_;
};

// The response's X-Cache ("Hit from cloudfront", ...), or "" when there was no response.
inline std::string XCache(const httplib::Result& r) {
  return r ? r->get_header_value("X-Cache") : "";
}

// Runs `edgesim serve ARGS...` to its exit, or kills it once it listens (a server that should
// have refused to start): its exit code and what it printed on stdout and stderr.
struct ServeRun {
  int code = -1;
  bool listened = false;
  std::string output;
};

inline ServeRun RunServeToExit(std::vector<std::string> args) {
  args.insert(args.begin(), {EDGESIM_BINARY, "serve"});
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return {};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDERR_FILENO);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid;
  const int rc = ::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  ServeRun run;
  if (rc != 0) {
    ::close(out[0]);
    return run;
  }
  char chunk[4096];
  ssize_t n;
  while (!run.listened && (n = ::read(out[0], chunk, sizeof(chunk))) > 0) {
    run.output.append(chunk, n);
    run.listened = absl::StrContains(run.output, "api listening");
  }
  if (run.listened) ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(out[0]);
  run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

}  // namespace edgesim::emulator::testing
