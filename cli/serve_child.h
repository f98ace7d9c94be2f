// serve_child.h — `edgesim serve` as a child process of another edgesim command (`edgesim play
// --live` starts its own server; DESIGN.md section 7).
//
// Start() runs `BINARY serve --listen 127.0.0.1:0 --api 127.0.0.1:0 ARGS...`, reads the two
// "... listening on http://127.0.0.1:PORT" lines it prints first (serve.h) and returns the ports.
// The child's stderr is ours, so its errors reach the user. The destructor kills and reaps it.
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

namespace edgesim::cli {

class ServeChild {
 public:
  // Unavailable when the child exits first (a bad config: its message went to stderr),
  // DeadlineExceeded when it prints no ports within `timeout`.
  static absl::StatusOr<std::unique_ptr<ServeChild>> Start(
      const std::string& binary, const std::vector<std::string>& args,
      absl::Duration timeout = absl::Seconds(20));

  ~ServeChild();
  ServeChild(const ServeChild&) = delete;
  ServeChild& operator=(const ServeChild&) = delete;

  int edge_port() const { return edge_port_; }
  int api_port() const { return api_port_; }

 private:
  ServeChild(pid_t pid, int stdout_fd) : pid_(pid), stdout_fd_(stdout_fd) {}

  absl::Status ReadPorts(absl::Duration timeout);

  pid_t pid_;
  // Kept open and unread after the ports: serve prints only a few lines, and a closed pipe would
  // kill it with SIGPIPE.
  int stdout_fd_;
  int edge_port_ = 0;
  int api_port_ = 0;
};

}  // namespace edgesim::cli
