// `edgesim serve` in front of an S3 origin: a real moto_server (S3-compatible, path style, via
// --s3-endpoint) holding an object uploaded by the real `aws s3 cp --cache-control`.
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/substitute.h"
#include "gtest/gtest.h"
#include "tests/emulator/serve_process.h"

namespace edgesim::emulator {
namespace {

using testing::ServeProcess;

// A port free right now (moto_server takes no port 0).
int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// Runs `argv` to completion; its exit code.
int RunToCompletion(std::vector<std::string> argv) {
  std::vector<char*> cargv;
  for (std::string& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  pid_t pid;
  if (posix_spawnp(&pid, cargv[0], nullptr, nullptr, cargv.data(), environ) != 0) return -1;
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class MotoServer {
 public:
  MotoServer() : port_(FreePort()) {
    std::vector<std::string> argv = {"moto_server", "-H", "127.0.0.1", "-p", absl::StrCat(port_)};
    std::vector<char*> cargv;
    for (std::string& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    if (posix_spawnp(&pid_, cargv[0], &actions, nullptr, cargv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~MotoServer() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  // Until it answers (it is a Python process: it takes a moment to listen).
  bool WaitReady() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    httplib::Client c("127.0.0.1", port_);
    c.set_connection_timeout(1);
    while (std::chrono::steady_clock::now() < deadline) {
      if (pid_ > 0 && ::waitpid(pid_, nullptr, WNOHANG) != 0) return false;  // it exited
      if (c.Get("/moto-api/")) return true;
      std::this_thread::yield();
    }
    return false;
  }
  int port() const { return port_; }
  std::string url() const { return absl::StrCat("http://127.0.0.1:", port_); }

 private:
  int port_;
  pid_t pid_ = -1;
};

TEST(EdgeServerS3Test, ObjectsUploadedWithAwsCliAreCachedByTheirCacheControl) {
  MotoServer moto;
  ASSERT_TRUE(moto.WaitReady()) << "moto_server did not start";
  setenv("AWS_ACCESS_KEY_ID", "testing", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "testing", 1);
  setenv("AWS_DEFAULT_REGION", "us-east-1", 1);
  httplib::Client s3("127.0.0.1", moto.port());
  ASSERT_EQ(s3.Put("/site", "", "text/plain")->status, 200);  // CreateBucket, path style

  char dir[] = "/tmp/edgesim-s3-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string page = absl::StrCat(dir, "/index.html");
  const std::string config = absl::StrCat(dir, "/distribution.json");
  std::ofstream(page) << "<h1>from S3</h1>";
  // public-read: the origin router's S3 requests are anonymous (no OAC signature), and moto, like
  // S3, refuses anonymous reads of private objects.
  ASSERT_EQ(RunToCompletion({"aws", "s3", "cp", page, "s3://site/index.html", "--endpoint-url", moto.url(),
                 "--cache-control", "max-age=120", "--content-type", "text/html", "--acl", "public-read",
                 "--only-show-errors"}),
            0);
  std::ofstream(config) << R"({"CallerReference": "s3", "Comment": "", "Enabled": true,
    "DefaultRootObject": "index.html",
    "Origins": {"Quantity": 1, "Items": [{"Id": "bucket", "DomainName": "site.s3.us-east-1.amazonaws.com",
      "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
    "DefaultCacheBehavior": {"TargetOriginId": "bucket", "ViewerProtocolPolicy": "allow-all",
      "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"}})";

  absl::StatusOr<std::unique_ptr<ServeProcess>> serve =
      ServeProcess::Start({"--config", config, "--s3-endpoint", moto.url()});
  ASSERT_TRUE(serve.ok()) << serve.status();
  httplib::Client edge = (*serve)->Edge();
  auto miss = edge.Get("/");
  ASSERT_TRUE(miss);
  EXPECT_EQ(miss->status, 200);
  EXPECT_EQ(miss->body, "<h1>from S3</h1>");
  EXPECT_EQ(miss->get_header_value("Cache-Control"), "max-age=120");
  EXPECT_EQ(miss->get_header_value("X-Cache"), "Miss from cloudfront");
  ASSERT_TRUE((*serve)->AdvanceClock(absl::Seconds(100)).ok());
  EXPECT_EQ(edge.Get("/")->get_header_value("X-Cache"), "Hit from cloudfront");
  ASSERT_TRUE((*serve)->AdvanceClock(absl::Seconds(30)).ok());
  auto expired = edge.Get("/");
  EXPECT_EQ(expired->status, 200);
  EXPECT_EQ(expired->body, "<h1>from S3</h1>");
  // S3 answers the revalidation with 304 (its ETag did not change).
  EXPECT_EQ(expired->get_header_value("X-Cache"), "RefreshHit from cloudfront");
  auto missing = edge.Get("/nothing-here.js");
  EXPECT_GE(missing->status, 400);
  EXPECT_EQ(missing->get_header_value("X-Cache"), "Error from cloudfront");

  std::remove(page.c_str());
  std::remove(config.c_str());
  rmdir(dir);
}

}  // namespace
}  // namespace edgesim::emulator
