// local_http_server.h — a real HTTP server on 127.0.0.1 and a port from the OS, for the origin
// tests: cpp-httplib in a thread, counting requests and client connections (distinct peer ports).
// `Hang()` gives a handler that answers nothing until the server is destroyed, for timeouts.
//
//   LocalHttpServer origin;
//   origin.server().Get("/a", [](const httplib::Request&, httplib::Response& res) {
//     res.set_content("hello", "text/plain");
//   });
//   origin.port();   // connect here
#pragma once

#include <httplib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

namespace edgesim::emulator {

// A loopback port nothing listens on: bound, then closed. Connecting to it is refused; a child
// server told to listen there gets it (barring a race with another process).
inline int UnusedLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

class LocalHttpServer {
 public:
  LocalHttpServer() {
    server_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response&) {
      std::lock_guard<std::mutex> lock(mu_);
      ++requests_;
      peer_ports_.insert(req.remote_port);
      return httplib::Server::HandlerResponse::Unhandled;
    });
    // Accepted sockets inherit TCP_NODELAY: no Nagle delay between httplib's header and body
    // writes.
    server_.set_socket_options([](int fd) {
      const int one = 1;
      ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() is a no-op until the accept loop runs; the socket already listens meanwhile.
    while (!server_.is_running()) std::this_thread::yield();
  }

  ~LocalHttpServer() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      released_ = true;
    }
    released_cv_.notify_all();
    server_.stop();
    thread_.join();
  }

  httplib::Server& server() { return server_; }
  int port() const { return port_; }

  int requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  int connections() {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<int>(peer_ports_.size());
  }

  // A handler that sends nothing until the server shuts down.
  httplib::Server::Handler Hang() {
    return [this](const httplib::Request&, httplib::Response& res) {
      std::unique_lock<std::mutex> lock(mu_);
      released_cv_.wait(lock, [this] { return released_; });
      res.status = 200;
    };
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable released_cv_;
  bool released_ = false;
  int requests_ = 0;
  std::set<int> peer_ports_;
};

}  // namespace edgesim::emulator
