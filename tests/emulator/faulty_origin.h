// faulty_origin.h — a raw TCP origin that misbehaves on purpose, for what no HTTP library would
// send: each connection's first request gets what the current Answer writes (a body short of its
// Content-Length, garbage, a reset, a trickle, nothing at all), then the connection closes.
// A thread per connection; Refuse() stops listening (connections are refused) and Listen() takes
// the same port again.
//
//   FaultyOrigin origin(FaultyOrigin::Bytes("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nshort"));
//   origin.port();                       // connect here
//   origin.Set(FaultyOrigin::Hang());    // reads the request, answers nothing until Set again
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace edgesim::emulator {

class FaultyOrigin {
 public:
  // Writes the answer to `fd`; `request` is what came up to the blank line.
  using Answer = std::function<void(FaultyOrigin& origin, int fd, const std::string& request)>;

  explicit FaultyOrigin(Answer answer) : answer_(std::move(answer)) { Listen(); }
  ~FaultyOrigin() {
    Refuse();
    {
      std::lock_guard<std::mutex> lock(mu_);
      closing_ = true;  // a Hang that starts only now must not wait for a change to come
    }
    changed_.notify_all();
    for (std::thread& t : connections_) t.join();
  }
  FaultyOrigin(const FaultyOrigin&) = delete;
  FaultyOrigin& operator=(const FaultyOrigin&) = delete;

  int port() const { return port_; }
  int accepted() const { return accepted_.load(); }

  // From now on, connections get `answer`; the hung ones are let go (closed unanswered).
  void Set(Answer answer) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      answer_ = std::move(answer);
      ++generation_;
    }
    changed_.notify_all();
  }

  // Stops listening: connecting is refused until Listen().
  void Refuse() {
    if (listen_fd_ < 0) return;
    ::shutdown(listen_fd_, SHUT_RDWR);
    acceptor_.join();
    ::close(listen_fd_);
    listen_fd_ = -1;
  }

  // Listens (again) on its port; the first call picks one.
  void Listen() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    const int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    ::listen(listen_fd_, 128);
    socklen_t len = sizeof(addr);
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this, fd = listen_fd_] {
      for (;;) {
        const int connection = ::accept(fd, nullptr, nullptr);
        if (connection < 0) return;
        ++accepted_;
        std::lock_guard<std::mutex> lock(mu_);
        connections_.emplace_back([this, connection] { Serve(connection); });
      }
    });
  }

  // Blocks until Set() or destruction; what a hanging Answer waits on.
  void WaitForChange(uint64_t generation) {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [&] { return closing_ || generation_ != generation; });
  }

  // ---- Answers ------------------------------------------------------------------------------

  // `raw`, then a normal close.
  static Answer Bytes(std::string raw) {
    return [raw = std::move(raw)](FaultyOrigin&, int fd, const std::string&) { Write(fd, raw); };
  }
  // `raw`, then a reset (RST): an abortive close.
  static Answer ResetAfter(std::string raw) {
    return [raw = std::move(raw)](FaultyOrigin&, int fd, const std::string&) {
      Write(fd, raw);
      const linger abort{1, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort, sizeof(abort));
    };
  }
  // Nothing, until the next Set() or destruction.
  static Answer Hang() {
    return [](FaultyOrigin& origin, int, const std::string&) {
      origin.WaitForChange(origin.generation());
    };
  }
  // `head` at once, then `body` one byte at a time, `gap` apart.
  static Answer Trickle(std::string head, std::string body, absl::Duration gap) {
    return [head = std::move(head), body = std::move(body), gap](FaultyOrigin&, int fd,
                                                                 const std::string&) {
      if (!Write(fd, head)) return;
      for (char c : body) {
        absl::SleepFor(gap);
        if (!Write(fd, std::string(1, c))) return;
      }
    };
  }

 private:
  uint64_t generation() {
    std::lock_guard<std::mutex> lock(mu_);
    return generation_;
  }

  static bool Write(int fd, const std::string& bytes) {
    return ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }

  void Serve(int fd) {
    std::string request;
    char buf[4096];
    while (request.find("\r\n\r\n") == std::string::npos) {
      const ssize_t n = ::read(fd, buf, sizeof(buf));
      if (n <= 0) break;
      request.append(buf, n);
    }
    Answer answer;
    {
      std::lock_guard<std::mutex> lock(mu_);
      answer = answer_;
    }
    answer(*this, fd, request);
    ::close(fd);
  }

  std::mutex mu_;
  std::condition_variable changed_;
  Answer answer_;
  uint64_t generation_ = 0;
  bool closing_ = false;
  std::vector<std::thread> connections_;
  std::atomic<int> accepted_{0};
  int listen_fd_ = -1;
  int port_ = 0;
  std::thread acceptor_;
};

}  // namespace edgesim::emulator
