// serve's console lines: the request log of --verbose, the reason of a 502 (there, in
// --debug-headers' header, never in CloudFront's body), the unknown-Host hint and the banner's
// Hosts, against a real `edgesim serve` with its stderr read back.
#include "emulator/console_log.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/emulator/serve_process.h"

namespace edgesim::emulator {
namespace {

TEST(ConsoleLogTest, ARequestLineSaysWhatHappenedAndWhy) {
  policy::AccessLogRecord r;
  r.time = absl::FromUnixSeconds(1767225600);
  r.edge_location = "IAD89-C1";
  r.method = "GET";
  r.uri_stem = "/api/x";
  r.uri_query = "a=1";
  r.sc_status = 502;
  r.detailed_result_type = "OriginConnectError";
  EXPECT_EQ(FormatConsoleRequestLine(r, "Error from cloudfront", absl::Milliseconds(31), 256),
            "2026-01-01T00:00:00Z IAD89-C1 GET /api/x?a=1 502 Error from cloudfront "
            "(OriginConnectError) origin 31 ms\n");
  r.uri_query.clear();
  r.uri_stem = "/\x1b[2J" + std::string(300, 'a');
  const std::string bounded = FormatConsoleRequestLine(r, "Hit from cloudfront", absl::nullopt, 8);
  EXPECT_TRUE(absl::StrContains(bounded, " /?[2Jaaa... 502 ")) << bounded;
  EXPECT_TRUE(absl::EndsWith(bounded, "origin -\n")) << bounded;
}

TEST(ConsoleLogTest, UnknownHostsAreHintedOnceEachUpToTheLimit) {
  std::ostringstream out;
  RegistrySnapshot empty;
  {
    ConsoleLog console(out, {.max_hinted_hosts = 2});
    for (const char* host : {"a.example", "a.example", "b.example", "c.example", "d.example"}) {
      console.UnknownHost(host, empty);
    }
    console.Close();
  }
  const std::string text = out.str();
  EXPECT_EQ(text,
            "edgesim: Host \"a.example\" is no distribution's, so the edge answers CloudFront's "
            "403; no distribution runs yet (--config, --demo or CloudFront's API)\n"
            "edgesim: Host \"b.example\" is no distribution's, so the edge answers CloudFront's "
            "403; no distribution runs yet (--config, --demo or CloudFront's API)\n"
            "edgesim: 2 unknown Hosts reported; further ones are not\n");
}

// A port nothing listens on: the origin's connection is refused.
int ConsoleClosedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::string ConsoleConfigFile(int origin_port) {
  char path[] = "/tmp/edgesim-console-XXXXXX.json";
  const int fd = ::mkstemps(path, 5);
  ::close(fd);
  std::ofstream(path) << absl::StrCat(
      R"({"CallerReference": "console", "Comment": "", "Enabled": true,
    "Origins": {"Quantity": 1, "Items": [{"Id": "o", "DomainName": "127.0.0.1",
      "CustomOriginConfig": {"HTTPPort": )",
      origin_port, R"(, "HTTPSPort": 443, "OriginProtocolPolicy": "http-only"},
        "ConnectionAttempts": 1, "ConnectionTimeout": 1}]},
    "DefaultCacheBehavior": {"TargetOriginId": "o", "ViewerProtocolPolicy": "allow-all",
      "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"}})");
  return path;
}

std::unique_ptr<testing::ServeProcess> ConsoleServe(std::vector<std::string> args) {
  absl::StatusOr<std::unique_ptr<testing::ServeProcess>> p =
      testing::ServeProcess::Start(std::move(args), {.stderr_to_stdout = true});
  EXPECT_TRUE(p.ok()) << p.status();
  return p.ok() ? *std::move(p) : nullptr;
}

TEST(ConsoleLogTest, VerboseLogsEachRequestWithWhyA502IsOne) {
  const std::string config = ConsoleConfigFile(ConsoleClosedPort());
  auto serve = ConsoleServe({"--config", config, "--demo", "--verbose"});
  ASSERT_NE(serve, nullptr);
  auto hit = serve->Edge().Get("/about.html", {{"Host", "e1edgesimdemo1.cloudfront.localhost"}});
  ASSERT_TRUE(hit);
  EXPECT_TRUE(serve->WaitForStdout(" GET /about.html 200 Miss from cloudfront (Miss) origin "))
      << serve->Stdout();
  const std::string out_before = serve->Stdout();
  const size_t line = out_before.find("distribution E");
  ASSERT_NE(line, std::string::npos);
  const std::string id = out_before.substr(line + 13, out_before.find(' ', line + 13) - line - 13);
  auto failed = serve->Edge().Get("/x", {{"Host", absl::StrCat(id, ".cloudfront.localhost")}});
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->status, 502);
  // CloudFront's body and headers, nothing of edgesim's without --debug-headers.
  EXPECT_FALSE(failed->has_header("x-edgesim-detailed-result-type"));
  EXPECT_FALSE(absl::StrContains(failed->body, "OriginConnectError"));
  EXPECT_TRUE(
      serve->WaitForStdout(" GET /x 502 Error from cloudfront (OriginConnectError) origin "))
      << serve->Stdout();
  EXPECT_EQ(serve->Terminate(), 0);
  std::remove(config.c_str());
}

TEST(ConsoleLogTest, DebugHeadersSayWhyAndNoRequestLinesWithoutVerbose) {
  const std::string config = ConsoleConfigFile(ConsoleClosedPort());
  auto serve = ConsoleServe({"--config", config, "--debug-headers"});
  ASSERT_NE(serve, nullptr);
  auto failed = serve->Edge().Get("/x");
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->status, 502);
  EXPECT_EQ(failed->get_header_value("x-edgesim-detailed-result-type"), "OriginConnectError");
  EXPECT_EQ(serve->Terminate(), 0);
  EXPECT_FALSE(absl::StrContains(serve->Stdout(), " GET /x ")) << serve->Stdout();
  std::remove(config.c_str());
}

TEST(ConsoleLogTest, BannerShowsHostsAndAnUnknownHostIsHintedOnce) {
  const std::string config = ConsoleConfigFile(ConsoleClosedPort());
  auto serve = ConsoleServe({"--config", config, "--demo"});
  ASSERT_NE(serve, nullptr);
  ASSERT_TRUE(serve->WaitForStdout("curl -si -H 'Host: d111111abcdef8.cloudfront.net' "));
  EXPECT_TRUE(absl::StrContains(
      serve->Stdout(), absl::StrCat("  Host: d111111abcdef8.cloudfront.net, "
                                    "e1edgesimdemo1.cloudfront.localhost\n  curl -si -H 'Host: "
                                    "d111111abcdef8.cloudfront.net' ",
                                    serve->edge_url(), "/\n")))
      << serve->Stdout();
  for (int i = 0; i < 2; ++i) {
    auto unknown = serve->Edge().Get("/", {{"Host", "nobody.example.com"}});
    ASSERT_TRUE(unknown);
    EXPECT_EQ(unknown->status, 403);  // CloudFront's answer stays
  }
  ASSERT_TRUE(
      serve->WaitForStdout("  E1EDGESIMDEMO1: d111111abcdef8.cloudfront.net, "
                           "e1edgesimdemo1.cloudfront.localhost\n"))
      << serve->Stdout();
  EXPECT_EQ(serve->Terminate(), 0);
  const std::string out = serve->Stdout();
  const std::string hint = "Host \"nobody.example.com\" is no distribution's";
  ASSERT_TRUE(absl::StrContains(out, hint)) << out;
  EXPECT_EQ(out.find(hint), out.rfind(hint)) << out;
  std::remove(config.c_str());
}

}  // namespace
}  // namespace edgesim::emulator
