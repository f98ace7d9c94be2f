// The edge's TLS listener and ViewerProtocolPolicy (SPEC 4.7), against a real `edgesim serve`
// child: curl and openssl s_client over real sockets, a real origin (LocalHttpServer).
#include <stdio.h>

#include <array>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/substitute.h"
#include "boost/asio.hpp"
#include "gtest/gtest.h"
#include "tests/emulator/local_http_server.h"
#include "tests/emulator/local_https_server.h"
#include "tests/emulator/origin_config.h"
#include "tests/emulator/serve_process.h"

namespace edgesim::emulator::testing {
namespace {

// What a shell command prints on stdout (its stderr is dropped).
std::string TlsTestShell(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(absl::StrCat("(", command, ") 2>/dev/null").c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 4096> chunk;
  size_t n;
  while ((n = fread(chunk.data(), 1, chunk.size(), pipe)) > 0) out.append(chunk.data(), n);
  ::pclose(pipe);
  return out;
}

// The certificate the TLS port presents, as PEM.
std::string ServedCertificate(int port) {
  return TlsTestShell(absl::StrCat("openssl s_client -connect 127.0.0.1:", port,
                                   " -servername localhost </dev/null | openssl x509"));
}

std::string ReadTlsTestFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// /r/* redirect-to-https (every method allowed), /s/* https-only, the rest allow-all.
std::string TlsTestBehavior(absl::string_view pattern, absl::string_view viewer_policy) {
  return absl::StrCat(R"({"PathPattern": ")", pattern,
                      R"(", "TargetOriginId": "o0", "ViewerProtocolPolicy": ")", viewer_policy,
                      R"(", "CachePolicyId": ")", kCachingOptimized,
                      R"(", "AllowedMethods": {"Quantity": 7, "Items": ["GET", "HEAD", "OPTIONS",
                      "PUT", "POST", "PATCH", "DELETE"], "CachedMethods": {"Quantity": 2,
                      "Items": ["GET", "HEAD"]}}})");
}

class EdgeServerTlsTest : public ::testing::Test {
 protected:
  EdgeServerTlsTest()
      : config_(Config({origin_.port()}, kCachingOptimized,
                       {TlsTestBehavior("/r/*", "redirect-to-https"),
                        TlsTestBehavior("/s/*", "https-only")})) {
    origin_.server().Get(".*", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(absl::StrCat("page ", req.path), "text/plain");
    });
    origin_.server().Post(".*", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(absl::StrCat("posted ", req.path), "text/plain");
    });
  }

  std::unique_ptr<ServeProcess> ServeTls(std::vector<std::string> more = {}) {
    more.insert(more.begin(), {"--listen-tls", "127.0.0.1:0"});
    std::unique_ptr<ServeProcess> serve = ServeConfig(config_, more);
    if (serve != nullptr) EXPECT_NE(serve->tls_port(), 0);
    return serve;
  }

  // `curl -k` over HTTPS: the status, then the body.
  static std::string CurlHttps(const ServeProcess& serve, absl::string_view path,
                               absl::string_view flags = "") {
    return TlsTestShell(absl::StrCat("curl -sk --max-time 20 ", flags,
                                     " -w ' %{http_code}' https://127.0.0.1:", serve.tls_port(),
                                     path));
  }

  // One raw request over plain HTTP.
  static boost::beast::http::response<boost::beast::http::string_body> Plain(
      const ServeProcess& serve, const std::string& request) {
    auto answers = serve.RawExchange(request, 1);
    EXPECT_TRUE(answers.ok()) << answers.status();
    if (!answers.ok() || answers->empty()) return {};
    return (*answers)[0];
  }

  LocalHttpServer origin_;
  ConfigFile config_;
};

TEST_F(EdgeServerTlsTest, ServesHttpsWithTheGeneratedCertificateForLocalhost) {
  auto serve = ServeTls({"--access-log", config_.log()});
  ASSERT_NE(serve, nullptr);
  // Trust exactly the served certificate: curl then checks its name against localhost.
  const std::string cert_path = config_.log() + ".pem";
  std::ofstream(cert_path) << ServedCertificate(serve->tls_port());
  const std::string verified = TlsTestShell(
      absl::StrCat("curl -s --max-time 20 --cacert ", cert_path, " -w ' %{http_code}' https://",
                   "localhost:", serve->tls_port(), "/index.html"));
  std::remove(cert_path.c_str());
  EXPECT_EQ(verified, "page /index.html 200");
  EXPECT_EQ(serve->Terminate(), 0);

  // SPEC 8.2: cs-protocol https, and the handshake's protocol and cipher.
  const std::string log = ReadTlsTestFile(config_.log());
  EXPECT_TRUE(absl::StrContains(log, "\thttps\t")) << log;
  EXPECT_TRUE(absl::StrContains(log, "\tTLSv1.3\tTLS_")) << log;
}

TEST_F(EdgeServerTlsTest, AGivenCertificateAndKeyAreServed) {
  char dir[] = "/tmp/edgesim-tls-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string cert = absl::StrCat(dir, "/cert.pem"), key = absl::StrCat(dir, "/key.pem");
  TlsTestShell(absl::StrCat("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -keyout ", key,
                            " -out ", cert, " -subj /CN=given.edgesim.test"));
  auto serve = ServeTls({"--tls-cert", cert, "--tls-key", key});
  ASSERT_NE(serve, nullptr);
  const std::string subject =
      TlsTestShell(absl::StrCat("openssl s_client -connect 127.0.0.1:", serve->tls_port(),
                                " </dev/null | openssl x509 -noout -subject"));
  EXPECT_TRUE(absl::StrContains(subject, "given.edgesim.test")) << subject;
  EXPECT_EQ(CurlHttps(*serve, "/a"), "page /a 200");
  std::remove(cert.c_str());
  std::remove(key.c_str());
  rmdir(dir);
}

TEST_F(EdgeServerTlsTest, BadCertificateFilesStopServeWithAnError) {
  const std::string garbage = config_.path();  // JSON, not PEM
  for (const std::vector<std::string>& files :
       {std::vector<std::string>{"--tls-cert", garbage, "--tls-key", garbage},
        std::vector<std::string>{"--tls-cert", "/nonexistent/cert.pem", "--tls-key", garbage},
        std::vector<std::string>{"--tls-cert", garbage}}) {
    std::vector<std::string> args = {"--demo", "--listen", "127.0.0.1:0", "--api", "127.0.0.1:0",
                                     "--listen-tls", "127.0.0.1:0"};
    args.insert(args.end(), files.begin(), files.end());
    const ServeRun run = RunServeToExit(args);
    EXPECT_FALSE(run.listened) << run.output;
    EXPECT_NE(run.code, 0) << run.output;
    EXPECT_TRUE(absl::StrContains(run.output, "--tls-")) << run.output;
  }
}

TEST_F(EdgeServerTlsTest, RedirectToHttpsAnswersHttpWithCloudFrontsRedirects) {
  auto serve = ServeTls();
  ASSERT_NE(serve, nullptr);
  const std::string host = absl::StrCat("127.0.0.1:", serve->edge_port());
  const auto get = Plain(*serve, absl::StrCat("GET /r/x?y=1 HTTP/1.1\r\nHost: ", host,
                                              "\r\nConnection: close\r\n\r\n"));
  EXPECT_EQ(get.result_int(), 301);
  // The TLS listener's port replaces the Host's (it is not on 443).
  EXPECT_EQ(get["Location"], absl::StrCat("https://127.0.0.1:", serve->tls_port(), "/r/x?y=1"));
  EXPECT_EQ(get["Server"], "CloudFront");
  EXPECT_EQ(get["Content-Type"], "text/html");
  EXPECT_EQ(get["X-Cache"], "Redirect from cloudfront");
  EXPECT_EQ(get.body().size(), 167u);

  const auto post =
      Plain(*serve, absl::StrCat("POST /r/x HTTP/1.1\r\nHost: ", host,
                                 "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
  EXPECT_EQ(post.result_int(), 307);
  const auto old_post =
      Plain(*serve, absl::StrCat("POST /r/x HTTP/1.0\r\nHost: ", host, "\r\n\r\n"));
  EXPECT_EQ(old_post.result_int(), 403);
  EXPECT_EQ(origin_.requests(), 0);  // never the origin

  EXPECT_EQ(CurlHttps(*serve, "/r/x?y=1"), "page /r/x 200");
  EXPECT_EQ(CurlHttps(*serve, "/r/x", "-X POST -d ''"), "posted /r/x 200");
}

TEST_F(EdgeServerTlsTest, WithoutATlsListenerTheLocationKeepsTheHost) {
  auto serve = ServeConfig(config_);
  ASSERT_NE(serve, nullptr);
  const auto get = Plain(*serve, "GET /r/x HTTP/1.1\r\nHost: d3origintest1.cloudfront.net\r\n"
                                 "Connection: close\r\n\r\n");
  EXPECT_EQ(get.result_int(), 301);
  EXPECT_EQ(get["Location"], "https://d3origintest1.cloudfront.net/r/x");
}

TEST_F(EdgeServerTlsTest, HttpsOnlyRefusesHttpAndAllowAllServesBoth) {
  auto serve = ServeTls();
  ASSERT_NE(serve, nullptr);
  const auto refused = Plain(*serve, "GET /s/x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(refused.result_int(), 403);
  EXPECT_EQ(refused["X-Cache"], "Error from cloudfront");
  EXPECT_EQ(origin_.requests(), 0);
  EXPECT_EQ(CurlHttps(*serve, "/s/x"), "page /s/x 200");

  const auto plain = Plain(*serve, "GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(plain.result_int(), 200);
  EXPECT_EQ(plain.body(), "page /x");
  EXPECT_EQ(CurlHttps(*serve, "/x"), "page /x 200");
}

// Connects to `port`, sends `bytes` and reads until the server closes: true when it does (within
// a generous bound that only keeps a broken server from hanging the test).
bool ClosedAfterSending(int port, const std::string& bytes) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  boost::system::error_code ec;
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)},
                 ec);
  if (ec) return false;
  if (!bytes.empty()) boost::asio::write(socket, boost::asio::buffer(bytes), ec);
  const timeval bound{.tv_sec = 30, .tv_usec = 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &bound, sizeof(bound));
  std::array<char, 4096> chunk;
  for (;;) {
    const ssize_t n = ::recv(socket.native_handle(), chunk.data(), chunk.size(), 0);
    if (n == 0) return true;  // closed (an alert may come first)
    if (n < 0) return errno == ECONNRESET;
  }
}

TEST_F(EdgeServerTlsTest, GarbageOrASilentHandshakeIsClosedAndTheServerServesOn) {
  auto serve = ServeTls({"--viewer-read-timeout", "0.3"});
  ASSERT_NE(serve, nullptr);
  EXPECT_TRUE(ClosedAfterSending(serve->tls_port(), "GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
  EXPECT_TRUE(ClosedAfterSending(serve->tls_port(), std::string(5000, '\x16')));
  // The first bytes of a ClientHello, then nothing: the read timeout ends the handshake.
  EXPECT_TRUE(ClosedAfterSending(serve->tls_port(), std::string("\x16\x03\x01\x02\x00", 5)));
  EXPECT_EQ(CurlHttps(*serve, "/x"), "page /x 200");
  const auto plain = Plain(*serve, "GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(plain.result_int(), 200);
  absl::StatusOr<nlohmann::json> stats = serve->AdminGet("/_edgesim/stats");
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ((*stats)["edge"]["tls_handshake_failures"], 3);
  EXPECT_EQ(serve->Terminate(), 0);
}

// OriginProtocolPolicy match-viewer: HTTP viewers reach the origin's HTTPPort, HTTPS viewers its
// HTTPSPort over TLS, verified against --origin-ca-file.
TEST_F(EdgeServerTlsTest, MatchViewerFetchesOverTheViewersProtocol) {
  LocalHttpsServer secure;
  secure.server().Get(".*", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(absl::StrCat("secure ", req.path), "text/plain");
  });
  ConfigFile config(absl::Substitute(
      R"({"Distribution": {"Id": "E3MATCHVIEWER", "DomainName": "d3matchviewer.cloudfront.net",
  "DistributionConfig": {"CallerReference": "t", "Comment": "", "Enabled": true,
    "Origins": {"Quantity": 1, "Items": [{"Id": "o0", "DomainName": "127.0.0.1",
      "CustomOriginConfig": {"HTTPPort": $0, "HTTPSPort": $1,
        "OriginProtocolPolicy": "match-viewer", "OriginReadTimeout": 5},
      "ConnectionAttempts": 1, "ConnectionTimeout": 5}]},
    "DefaultCacheBehavior": {"TargetOriginId": "o0", "ViewerProtocolPolicy": "allow-all",
      "CachePolicyId": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"}}}})",
      origin_.port(), secure.port()));
  auto serve = ServeConfig(config, {"--listen-tls", "127.0.0.1:0", "--origin-ca-file",
                                    secure.ca_file()});
  ASSERT_NE(serve, nullptr);
  EXPECT_EQ(CurlHttps(*serve, "/m"), "secure /m 200");
  const auto plain = Plain(*serve, "GET /m HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(plain.body(), "page /m");

  // Without the origin's CA, its certificate is refused: 502.
  auto untrusting = ServeConfig(config, {"--listen-tls", "127.0.0.1:0"});
  ASSERT_NE(untrusting, nullptr);
  EXPECT_EQ(CurlHttps(*untrusting, "/m", "-o /dev/null"), " 502");
}

}  // namespace
}  // namespace edgesim::emulator::testing
