// local_https_server.h — a real HTTPS server on 127.0.0.1 and a port from the OS, for the TLS
// origin tests: cpp-httplib's SSLServer in a thread, with a fresh self-signed certificate
// (emulator/self_signed_certificate.h, for 127.0.0.1 and localhost) whose PEM file a client
// trusts as its CA.
//
//   LocalHttpsServer origin;
//   origin.server().Get("/a", ...);
//   HttpOriginClient client({.ca_file = origin.ca_file()});
#pragma once

#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "emulator/self_signed_certificate.h"
#include "gtest/gtest.h"
#include "httplib.h"

namespace edgesim::emulator {

class LocalHttpsServer {
 public:
  LocalHttpsServer() {
    char dir[] = "/tmp/edgesim-https-origin-XXXXXX";
    EXPECT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    absl::StatusOr<PemCertificate> made = MakeSelfSignedCertificate({"localhost"});
    EXPECT_TRUE(made.ok()) << made.status();
    std::ofstream(ca_file()) << made->certificate_pem;
    std::ofstream(key_file()) << made->private_key_pem;
    server_ = std::make_unique<httplib::SSLServer>(ca_file().c_str(), key_file().c_str());
    port_ = server_->bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    while (!server_->is_running()) std::this_thread::yield();
  }

  ~LocalHttpsServer() {
    server_->stop();
    thread_.join();
    std::remove(ca_file().c_str());
    std::remove(key_file().c_str());
    rmdir(dir_.c_str());
  }

  httplib::Server& server() { return *server_; }
  int port() const { return port_; }
  // The server's certificate (PEM), to trust as a CA.
  std::string ca_file() const { return dir_ + "/cert.pem"; }

 private:
  std::string key_file() const { return dir_ + "/key.pem"; }

  std::string dir_;
  std::unique_ptr<httplib::SSLServer> server_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace edgesim::emulator
