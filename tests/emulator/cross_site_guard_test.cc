// The cross-site guard: its decisions on requests built in memory, then on a real `edgesim serve`
// with raw requests shaped like a browser's (refused, state untouched) and like curl's, the AWS
// CLI's and the JS SDK's (served).
#include "emulator/cross_site_guard.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/emulator/serve_process.h"

namespace edgesim::emulator {
namespace {

using ::testing::HasSubstr;
using testing::ServeProcess;

httplib::Request GuardRequest(const std::string& method, httplib::Headers headers) {
  httplib::Request req;
  req.method = method;
  req.path = "/_edgesim/reset";
  req.headers = std::move(headers);
  return req;
}

bool GuardPasses(const std::string& method, httplib::Headers headers,
                 const std::string& api_host = "127.0.0.1") {
  return CheckCrossSite(GuardRequest(method, std::move(headers)), {.api_host = api_host}).ok();
}

TEST(CrossSiteGuardTest, ToolsPass) {
  // curl -d, the AWS CLI (rest-xml: no Content-Type), the JS SDK, no Host at all (HTTP/1.0).
  EXPECT_TRUE(GuardPasses("POST", {{"Host", "127.0.0.1:4510"},
                                   {"Content-Type", "application/x-www-form-urlencoded"}}));
  EXPECT_TRUE(GuardPasses("POST", {{"Host", "127.0.0.1:4510"}, {"User-Agent", "aws-cli/2.15"}}));
  EXPECT_TRUE(GuardPasses("PUT", {{"Host", "localhost:4510"}, {"Content-Type", "application/xml"}}));
  EXPECT_TRUE(GuardPasses("DELETE", {}));
}

TEST(CrossSiteGuardTest, BrowsersCannotChangeState) {
  const httplib::Headers host = {{"Host", "127.0.0.1:4510"}};
  auto with = [&](httplib::Headers extra) {
    extra.insert(host.begin(), host.end());
    return extra;
  };
  EXPECT_FALSE(GuardPasses("POST", with({{"Sec-Fetch-Site", "cross-site"},
                                         {"Content-Type", "application/json"}})));
  EXPECT_FALSE(GuardPasses("DELETE", with({{"Sec-Fetch-Site", "same-site"}})));
  EXPECT_FALSE(GuardPasses("POST", with({{"Origin", "https://evil.example"},
                                         {"Content-Type", "application/json"}})));
  EXPECT_FALSE(GuardPasses("POST", with({{"Origin", "null"}, {"Content-Type", "application/xml"}})));
  // The API's own origin, but a body type no preflight guards (or none).
  EXPECT_FALSE(GuardPasses("POST", with({{"Origin", "http://127.0.0.1:4510"},
                                         {"Content-Type", "text/plain;charset=UTF-8"}})));
  EXPECT_FALSE(GuardPasses("POST", with({{"Sec-Fetch-Mode", "no-cors"},
                                         {"Content-Type", "Multipart/Form-Data; boundary=x"}})));
  EXPECT_FALSE(GuardPasses("POST", with({{"Sec-Fetch-Site", "same-origin"}})));
  // What a preflight let through from the API's own origin passes; reads pass.
  EXPECT_TRUE(GuardPasses("POST", with({{"Origin", "http://127.0.0.1:4510"},
                                        {"Sec-Fetch-Site", "same-origin"},
                                        {"Content-Type", "application/json"}})));
  EXPECT_TRUE(GuardPasses("GET", with({{"Origin", "https://evil.example"},
                                       {"Sec-Fetch-Site", "cross-site"}})));
}

TEST(CrossSiteGuardTest, OnLoopbackOnlyLoopbackHostsPass) {
  for (const char* ok : {"127.0.0.1:4510", "127.8.9.10", "localhost:4510", "LOCALHOST.",
                         "d111111abcdef8.cloudfront.localhost:4510", "[::1]:4510"}) {
    EXPECT_TRUE(GuardPasses("GET", {{"Host", ok}})) << ok;
  }
  for (const char* bad : {"attacker.example:4510", "127.0.0.1.attacker.example", "10.0.0.1:4510",
                          "localhost.attacker.example", ""}) {
    EXPECT_FALSE(GuardPasses("GET", {{"Host", bad}})) << bad;
  }
  // The --api host is the API's own name; bound to all interfaces, any Host is the user's choice.
  EXPECT_TRUE(GuardPasses("GET", {{"Host", "[::1]:4510"}}, "[::1]"));
  EXPECT_TRUE(GuardPasses("GET", {{"Host", "devbox.lan:4510"}}, "0.0.0.0"));
}

// ---- On a real `edgesim serve` ------------------------------------------------------------------

class CrossSiteGuardServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<std::string> args = {"--demo", "--invalidation-delay", "0"};
    args.insert(args.end(), extra_args_.begin(), extra_args_.end());
    absl::StatusOr<std::unique_ptr<ServeProcess>> p = ServeProcess::Start(args);
    ASSERT_TRUE(p.ok()) << p.status();
    serve_ = *std::move(p);
    demo_id_ = (*serve_->AdminGet("/_edgesim/cache"))["distribution"];
    // Something a reset would empty.
    ASSERT_TRUE(serve_->Edge().Get("/"));
    ASSERT_EQ(CachedEntries(), 1u);
  }

  size_t CachedEntries() {
    absl::StatusOr<nlohmann::json> cache = serve_->AdminGet("/_edgesim/cache");
    return cache.ok() ? (*cache)["entries"].size() : 0;
  }

  std::string Host() const { return absl::StrCat("127.0.0.1:", serve_->api_port()); }

  // One request as a browser or a tool writes it.
  static std::string Raw(const std::string& method, const std::string& path,
                         const std::vector<std::string>& headers, const std::string& body = "") {
    std::string out = absl::StrCat(method, " ", path, " HTTP/1.1\r\n");
    for (const std::string& h : headers) absl::StrAppend(&out, h, "\r\n");
    if (!body.empty() || method == "POST") {
      absl::StrAppend(&out, "Content-Length: ", body.size(), "\r\n");
    }
    return absl::StrCat(out, "\r\n", body);
  }

  // The one answer to `request`; status 0 when there is none.
  std::pair<int, std::string> Answer(const std::string& request) {
    auto responses = serve_->RawApiExchange(request, 1);
    if (!responses.ok() || responses->empty()) return {0, ""};
    return {responses->front().result_int(), responses->front().body()};
  }

  std::vector<std::string> extra_args_;
  std::unique_ptr<ServeProcess> serve_;
  std::string demo_id_;
};

// An idle keep-alive connection closes after a second.
class CrossSiteGuardKeepAliveTest : public CrossSiteGuardServeTest {
 protected:
  CrossSiteGuardKeepAliveTest() { extra_args_ = {"--api-timeout", "1"}; }
};

TEST_F(CrossSiteGuardServeTest, BrowserRequestsAreRefusedInTheApisOwnFormat) {
  // A page's fetch('http://127.0.0.1:4510/_edgesim/reset', {method: 'POST', mode: 'no-cors'}).
  auto [status, body] = Answer(Raw("POST", "/_edgesim/reset",
                                   {"Host: " + Host(), "Origin: https://evil.example",
                                    "Content-Type: text/plain;charset=UTF-8",
                                    "Sec-Fetch-Site: cross-site", "Sec-Fetch-Mode: no-cors"},
                                   "{}"));
  EXPECT_EQ(status, 403);
  EXPECT_THAT(body, HasSubstr(R"("code": "AccessDenied")"));
  EXPECT_THAT(body, HasSubstr("Sec-Fetch-Site is cross-site"));

  // A sandboxed iframe's form post (Origin: null) to CloudFront's API.
  std::tie(status, body) =
      Answer(Raw("POST", "/2020-05-31/distribution",
                 {"Host: " + Host(), "Origin: null", "Content-Type: text/plain"}, "<x/>"));
  EXPECT_EQ(status, 403);
  EXPECT_THAT(body, HasSubstr("<Code>AccessDenied</Code>"));
  EXPECT_THAT(body, HasSubstr("<Type>Sender</Type>"));

  // An older browser: no Sec-Fetch-*, a form's urlencoded body.
  std::tie(status, body) = Answer(Raw(
      "POST", "/_edgesim/clock/advance",
      {"Host: " + Host(), "Origin: http://localhost:3000",
       "Content-Type: application/x-www-form-urlencoded"},
      R"({"seconds": 3600})"));
  EXPECT_EQ(status, 403);

  // Nothing happened: the cache, the clock, the distributions.
  EXPECT_EQ(CachedEntries(), 1u);
  auto list = serve_->Api().Get("/2020-05-31/distribution");
  ASSERT_TRUE(list);
  EXPECT_THAT(list->body, HasSubstr("<Quantity>1</Quantity>"));
}

TEST_F(CrossSiteGuardKeepAliveTest, ARequestHiddenInARefusedBodyDoesNotRun) {
  // The refusal comes before the body is read: the server must skip it, not read it as the next
  // request on the connection (which carries no browser markers).
  const std::string hidden = Raw("POST", "/_edgesim/reset",
                                 {"Host: " + Host(), "Content-Type: application/json"}, "{}");
  auto responses = serve_->RawApiExchange(
      Raw("POST", "/_edgesim/reset",
          {"Host: " + Host(), "Origin: https://evil.example", "Content-Type: text/plain"}, hidden),
      2);
  ASSERT_TRUE(responses.ok()) << responses.status();
  ASSERT_EQ(responses->size(), 1u);
  EXPECT_EQ((*responses)[0].result_int(), 403);
  EXPECT_EQ(CachedEntries(), 1u);
}

TEST_F(CrossSiteGuardServeTest, RebindingHostsAreRefusedEvenForReads) {
  const std::string port = absl::StrCat(serve_->api_port());
  auto [status, body] =
      Answer(Raw("GET", "/_edgesim/cache", {"Host: attacker.example:" + port}));
  EXPECT_EQ(status, 403);
  EXPECT_THAT(body, HasSubstr("AccessDenied"));
  std::tie(status, body) =
      Answer(Raw("GET", "/2020-05-31/distribution", {"Host: attacker.example:" + port}));
  EXPECT_EQ(status, 403);
  EXPECT_THAT(body, HasSubstr("<Code>AccessDenied</Code>"));
  std::tie(status, body) = Answer(Raw("GET", "/_edgesim/health", {"Host: localhost:" + port}));
  EXPECT_EQ(status, 200);
}

TEST_F(CrossSiteGuardServeTest, ToolsAreServed) {
  // curl -d '{"seconds": 31}' http://127.0.0.1:4510/_edgesim/clock/advance
  auto [status, body] = Answer(Raw("POST", "/_edgesim/clock/advance",
                                   {"Host: " + Host(), "User-Agent: curl/8.5.0", "Accept: */*",
                                    "Content-Type: application/x-www-form-urlencoded"},
                                   R"({"seconds": 31})"));
  EXPECT_EQ(status, 200) << body;
  // The AWS CLI: rest-xml bodies go without a Content-Type.
  const std::string batch = absl::StrCat(
      R"(<InvalidationBatch xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">)",
      R"(<CallerReference>cross-site-cli</CallerReference><Paths><Quantity>1</Quantity>)",
      R"(<Items><Path>/*</Path></Items></Paths></InvalidationBatch>)");
  const std::string invalidations = absl::StrCat("/2020-05-31/distribution/", demo_id_,
                                                 "/invalidation");
  std::tie(status, body) = Answer(Raw(
      "POST", invalidations,
      {"Host: " + Host(), "User-Agent: aws-cli/2.15.0 md/Botocore#1.34.0", "Accept-Encoding: identity"},
      batch));
  EXPECT_EQ(status, 201) << body;
  // The JS SDK: application/xml, no browser markers.
  std::tie(status, body) = Answer(Raw(
      "POST", invalidations,
      {"Host: " + Host(), "Content-Type: application/xml", "User-Agent: aws-sdk-js/3.500.0"},
      absl::StrCat(batch.substr(0, batch.find("cross-site-cli")), "cross-site-js",
                   batch.substr(batch.find("</CallerReference>")))));
  EXPECT_EQ(status, 201) << body;
  // The reset a test suite sends between tests.
  std::tie(status, body) = Answer(Raw("POST", "/_edgesim/reset",
                                      {"Host: " + Host(), "Content-Type: application/json"}, "{}"));
  EXPECT_EQ(status, 200) << body;
  EXPECT_EQ(CachedEntries(), 0u);
}

}  // namespace
}  // namespace edgesim::emulator
