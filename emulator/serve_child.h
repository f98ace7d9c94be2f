// serve_child.h — `edgesim serve` as a child process: `edgesim play --live` (cli/live_driver.h)
// starts its own server with it, and the emulator's tests build their harness on it
// (tests/emulator/serve_process.h). DESIGN 8: real processes, ports from the OS.
//
// Start() runs `BINARY serve --listen 127.0.0.1:0 --api 127.0.0.1:0 ARGS...` with its stdout on a
// pipe, reads the two "... listening on http://127.0.0.1:PORT" lines serve prints first
// (cli/serve.h) and returns the ports. The child's stderr is ours, so its errors reach the user.
// The destructor kills and reaps it unless Terminate() already has.
//
//   absl::StatusOr<std::unique_ptr<ServeChild>> serve =
//       ServeChild::Start("/proc/self/exe", {"--manual-clock", "--config", "site.json"});
//   httplib::Client edge("127.0.0.1", (*serve)->edge_port());
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace edgesim::emulator {

class ServeChild {
 public:
  // Unavailable when the child cannot start or exits first (a bad config: its message went to
  // stderr), DeadlineExceeded when it prints no ports within `timeout`; messages start with the
  // command line. `stderr_to_stdout`: the child's stderr goes to the stdout pipe too (a test
  // reading serve's console lines).
  static absl::StatusOr<std::unique_ptr<ServeChild>> Start(
      const std::string& binary, const std::vector<std::string>& args,
      absl::Duration timeout = absl::Seconds(20), bool stderr_to_stdout = false);

  ~ServeChild();
  ServeChild(const ServeChild&) = delete;
  ServeChild& operator=(const ServeChild&) = delete;

  int edge_port() const { return edge_port_; }
  int api_port() const { return api_port_; }
  // The edge's HTTPS port with --listen-tls 127.0.0.1:PORT among ARGS; 0 otherwise.
  int tls_port() const { return tls_port_; }
  pid_t pid() const { return pid_; }
  // The command line, for messages.
  const std::string& command() const { return command_; }

  // What the child printed up to its ports.
  const std::string& startup_output() const { return startup_output_; }
  // The read end of the child's stdout, still open: serve prints only a few lines, which the
  // pipe holds unread, and closing it would kill the child with SIGPIPE. A caller may read it
  // (until end of stream); ServeChild closes it.
  int stdout_fd() const { return stdout_fd_; }

  // Sends `signal` and waits: the exit code, or -1 when the child died of a signal (or was
  // reaped before).
  int Terminate(int signal);

 private:
  ServeChild(pid_t pid, int stdout_fd, std::string command)
      : pid_(pid), stdout_fd_(stdout_fd), command_(std::move(command)) {}

  absl::Status ReadPorts(absl::Duration timeout);

  pid_t pid_;  // -1 once reaped
  int stdout_fd_;
  std::string command_;
  std::string startup_output_;
  int edge_port_ = 0;
  int api_port_ = 0;
  int tls_port_ = 0;
};

}  // namespace edgesim::emulator
