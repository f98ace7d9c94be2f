#include "emulator/serve_child.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"

extern char** environ;

namespace edgesim::emulator {
namespace {

// Bounds what is read while looking for the ports.
constexpr size_t kMaxStartupOutput = 64 * 1024;

// The port after `prefix` on a complete line of `text`, or 0.
int PortAfter(const std::string& text, const std::string& prefix) {
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

}  // namespace

absl::StatusOr<std::unique_ptr<ServeChild>> ServeChild::Start(const std::string& binary,
                                                              const std::vector<std::string>& args,
                                                              absl::Duration timeout,
                                                              bool stderr_to_stdout) {
  std::vector<std::string> argv = {binary,        "serve", "--listen",
                                   "127.0.0.1:0", "--api", "127.0.0.1:0"};
  argv.insert(argv.end(), args.begin(), args.end());
  const std::string command = absl::StrJoin(argv, " ");
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return absl::InternalError("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  if (stderr_to_stdout) posix_spawn_file_actions_adddup2(&actions, out[1], STDERR_FILENO);
  std::vector<char*> cargv;
  for (std::string& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  pid_t pid;
  const int rc = ::posix_spawn(&pid, cargv[0], &actions, nullptr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  if (rc != 0) {
    ::close(out[0]);
    return absl::UnavailableError(absl::StrCat(command, ": cannot start: ", strerror(rc)));
  }
  std::unique_ptr<ServeChild> child(new ServeChild(pid, out[0], command));
  if (absl::Status s = child->ReadPorts(timeout); !s.ok()) {
    return absl::Status(s.code(), absl::StrCat(command, ": ", s.message()));
  }
  return child;
}

ServeChild::~ServeChild() {
  if (pid_ > 0) Terminate(SIGKILL);
  ::close(stdout_fd_);
}

int ServeChild::Terminate(int signal) {
  if (pid_ <= 0) return -1;  // reaped already: kill(-1) would signal every process
  ::kill(pid_, signal);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

absl::Status ServeChild::ReadPorts(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (edge_port_ == 0 || api_port_ == 0) {
    const int64_t left_ms = absl::ToInt64Milliseconds(deadline - absl::Now());
    pollfd p{stdout_fd_, POLLIN, 0};
    if (left_ms <= 0 || ::poll(&p, 1, static_cast<int>(left_ms)) <= 0) {
      return absl::DeadlineExceededError(
          absl::StrCat("no listening lines; stdout so far: ", startup_output_));
    }
    char chunk[4096];
    const ssize_t n = ::read(stdout_fd_, chunk, sizeof(chunk));
    if (n <= 0) {
      return absl::UnavailableError(absl::StrCat(
          "exited before listening (its error is on stderr); stdout: ", startup_output_));
    }
    startup_output_.append(chunk, static_cast<size_t>(n));
    if (startup_output_.size() > kMaxStartupOutput) {
      return absl::InternalError("printed too much before its ports");
    }
    edge_port_ = PortAfter(startup_output_, "edge listening on http://127.0.0.1:");
    api_port_ = PortAfter(startup_output_, "api listening on http://127.0.0.1:");
  }
  // Printed before the api line (cli/serve.h), so already read.
  tls_port_ = PortAfter(startup_output_, "edge listening on https://127.0.0.1:");
  return absl::OkStatus();
}

}  // namespace edgesim::emulator
