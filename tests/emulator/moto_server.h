// moto_server.h — a real `moto_server` (S3 and friends, in Python) on 127.0.0.1 and a port from
// the OS, plus the real `aws` CLI pointed at it, for the S3 origin tests.
//
//   MotoServer moto;                       // starts it and waits until it answers
//   ASSERT_TRUE(moto.ok());
//   moto.Aws("s3 mb s3://assets");         // exit status 0 on success
//   moto.endpoint();                       // "http://127.0.0.1:PORT"
#pragma once

#include <fcntl.h>
#include <httplib.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "tests/emulator/local_http_server.h"

extern char** environ;

namespace edgesim::emulator {

class MotoServer {
 public:
  MotoServer() : port_(UnusedLoopbackPort()) {
    const std::string port = std::to_string(port_);
    const char* argv[] = {"moto_server", "-H", "127.0.0.1", "-p", port.c_str(), nullptr};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    if (posix_spawnp(&pid_, "moto_server", &actions, nullptr, const_cast<char**>(argv), environ) !=
        0) {
      pid_ = -1;
    }
    posix_spawn_file_actions_destroy(&actions);
    if (pid_ > 0) ready_ = WaitUntilAnswering();
  }

  ~MotoServer() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }

  bool ok() const { return ready_; }
  int port() const { return port_; }
  std::string endpoint() const { return absl::StrCat("http://127.0.0.1:", port_); }

  // Runs `aws --endpoint-url ENDPOINT <args>` with test credentials; its exit status.
  int Aws(const std::string& args) const {
    const std::string command = absl::StrCat(
        "AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 "
        "aws --endpoint-url ",
        endpoint(), " ", args, " >/dev/null 2>&1");
    return std::system(command.c_str());
  }

 private:
  // Python takes a moment to start: poll until it answers HTTP (or give up after 30 s).
  bool WaitUntilAnswering() {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < give_up) {
      httplib::Client client("127.0.0.1", port_);
      client.set_connection_timeout(0, 200000);
      if (client.Get("/")) return true;
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {  // it died
        pid_ = -1;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  int port_;
  pid_t pid_ = -1;
  bool ready_ = false;
};

}  // namespace edgesim::emulator
