#include "emulator/origin_router.h"

#include <sys/stat.h>

#include <cstdio>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/origin_request.h"
#include "tests/emulator/local_http_server.h"
#include "tests/emulator/local_https_server.h"
#include "tests/emulator/moto_server.h"

namespace edgesim::emulator {
namespace {

policy::DistributionConfig OneOrigin(absl::string_view domain, int port) {
  policy::DistributionConfig config;
  policy::Origin origin;
  origin.id = "o1";
  origin.domain_name = std::string(domain);
  origin.http_port = port;
  origin.connection_attempts = 1;
  origin.read_timeout = absl::Milliseconds(300);
  config.origins.push_back(origin);
  config.default_behavior.target_origin_id = "o1";
  return config;
}

std::unique_ptr<OriginRouter> MakeRouter(const policy::DistributionConfig& config,
                                         OriginOptions options = {}) {
  absl::StatusOr<std::unique_ptr<OriginRouter>> router = OriginRouter::Create(config, options);
  EXPECT_TRUE(router.ok()) << router.status();
  return *std::move(router);
}

std::string Body(const core::OriginResponse& r) { return r.body != nullptr ? *r.body : ""; }

core::OriginRequest RequestFor(const policy::DistributionConfig& config, absl::string_view target) {
  core::OriginRequest r;
  r.behavior = &config.default_behavior;
  r.origin = config.FindOrigin(config.default_behavior.target_origin_id);
  r.forwarded = policy::Request::Get(target);
  r.forwarded.headers.Add("Host", r.origin != nullptr ? r.origin->domain_name : "");
  return r;
}

TEST(OriginRouterTest, CustomOriginGetsTheForwardedRequest) {
  LocalHttpServer origin;
  std::string seen_host, seen_target;
  origin.server().Get("/p", [&](const httplib::Request& req, httplib::Response& res) {
    seen_host = req.get_header_value("Host");
    seen_target = req.target;
    res.set_header("Cache-Control", "max-age=5");
    res.set_content("page", "text/html");
  });
  const policy::DistributionConfig config = OneOrigin("127.0.0.1", origin.port());
  auto router = MakeRouter(config);
  absl::StatusOr<core::OriginResponse> r =
      router->Fetch(RequestFor(config, "/p?q=1"), absl::UnixEpoch());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->head.status, 200);
  EXPECT_EQ(*r->body, "page");
  EXPECT_EQ(seen_host, "127.0.0.1");
  EXPECT_EQ(seen_target, "/p?q=1");
}

// OriginProtocolPolicy: https-only always goes over TLS to HTTPSPort; match-viewer follows the
// viewer; http-only never uses TLS.
TEST(OriginRouterTest, OriginProtocolPolicyPicksThePortAndTls) {
  LocalHttpServer plain;
  plain.server().Get("/p", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("plain", "text/plain");
  });
  LocalHttpsServer secure;
  secure.server().Get("/p", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("secure", "text/plain");
  });
  const auto client = std::make_shared<HttpOriginClient>(
      HttpClientOptions{.ca_file = secure.ca_file()});
  for (const auto& [policy_name, over_http, over_https] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"http-only", "plain", "plain"},
           {"https-only", "secure", "secure"},
           {"match-viewer", "plain", "secure"}}) {
    policy::DistributionConfig config = OneOrigin("127.0.0.1", plain.port());
    config.origins[0].https_port = secure.port();
    config.origins[0].protocol_policy = policy_name;
    auto router = MakeRouter(config, {.http_client = client});
    for (const bool https : {false, true}) {
      core::OriginRequest request = RequestFor(config, "/p");
      request.forwarded.https = https;
      absl::StatusOr<core::OriginResponse> r = router->Fetch(request, absl::UnixEpoch());
      ASSERT_TRUE(r.ok()) << policy_name << " " << https << ": " << r.status();
      EXPECT_EQ(Body(*r), https ? over_https : over_http) << policy_name << " " << https;
    }
  }
}

TEST(OriginRouterTest, UndefinedOriginIsAnError) {
  policy::DistributionConfig config = OneOrigin("127.0.0.1", 1);
  config.default_behavior.target_origin_id = "missing";
  auto router = MakeRouter(config);
  absl::StatusOr<core::OriginResponse> r =
      router->Fetch(RequestFor(config, "/"), absl::UnixEpoch());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(r.status().code(), absl::StatusCode::kDeadlineExceeded);
}

TEST(OriginRouterTest, S3OriginWithoutEndpointSaysWhatToPass) {
  const policy::DistributionConfig config = OneOrigin("assets.s3.amazonaws.com", 80);
  auto router = MakeRouter(config);
  absl::StatusOr<core::OriginResponse> r =
      router->Fetch(RequestFor(config, "/a.js"), absl::UnixEpoch());
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(absl::StrContains(r.status().message(), "--s3-endpoint")) << r.status();
}

TEST(OriginRouterTest, CreateRejectsBadOptions) {
  const policy::DistributionConfig config = OneOrigin("127.0.0.1", 80);
  EXPECT_EQ(OriginRouter::Create(config, {.s3_endpoint = "https://s3.local"}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      OriginRouter::Create(config, {.s3_endpoint = "http://127.0.0.1:notaport"}).status().code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(OriginRouter::Create(config, {.origin_dirs = {{"nope", "/tmp"}}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(OriginRouter::Create(config, {.origin_dirs = {{"o1", "/no/such/dir"}}}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(OriginRouterTest, DirectoryOriginServesInsteadOfTheDomain) {
  char dir[] = "/tmp/edgesim-router-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  const std::string file = absl::StrCat(dir, "/page.html");
  std::FILE* f = std::fopen(file.c_str(), "w");
  std::fputs("from disk", f);
  std::fclose(f);
  const policy::DistributionConfig config = OneOrigin("unreachable.invalid", 80);
  auto router = MakeRouter(
      config, {.origin_dirs = {{"o1", dir}}, .cache_control_rules = {{"*.html", "max-age=60"}}});
  absl::StatusOr<core::OriginResponse> r =
      router->Fetch(RequestFor(config, "/page.html"), absl::UnixEpoch());
  std::remove(file.c_str());
  ::rmdir(dir);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->head.status, 200);
  EXPECT_EQ(Body(*r), "from disk");
  EXPECT_EQ(r->head.headers.Get("Cache-Control").value_or(""), "max-age=60");
}

// S3 origins through a real moto_server, objects uploaded by the real aws CLI (one server for the
// suite: Python starts slowly).
class S3OriginTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    moto_ = new MotoServer();
    if (!moto_->ok()) return;
    char dir[] = "/tmp/edgesim-s3-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    const std::string prod = absl::StrCat(dir, "/prod");
    ASSERT_EQ(::mkdir(prod.c_str(), 0700), 0);
    const std::string app = absl::StrCat(dir, "/app.js");
    const std::string index = absl::StrCat(prod, "/index.html");
    std::FILE* f = std::fopen(app.c_str(), "w");
    std::fputs("console.log('v1')", f);
    std::fclose(f);
    f = std::fopen(index.c_str(), "w");
    std::fputs("<h1>prod</h1>", f);
    std::fclose(f);
    // public-read: edgesim does not sign origin requests (no OAC/OAI), so the objects must be
    // readable anonymously, as behind a public bucket or a website endpoint.
    uploaded_ = moto_->Aws("s3 mb s3://assets") == 0 &&
                moto_->Aws(absl::StrCat("s3 cp ", dir,
                                        " s3://assets/ --recursive --acl public-read "
                                        "--cache-control max-age=300")) == 0;
    std::remove(app.c_str());
    std::remove(index.c_str());
    ::rmdir(prod.c_str());
    ::rmdir(dir);
  }
  static void TearDownTestSuite() {
    delete moto_;
    moto_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(moto_->ok()) << "moto_server did not start";
    ASSERT_TRUE(uploaded_) << "aws s3 mb/cp against moto_server failed";
  }

  // The viewer's request as CloudFront would forward it to `domain` (OriginPath `origin_path`).
  absl::StatusOr<core::OriginResponse> Fetch(absl::string_view domain,
                                             absl::string_view origin_path,
                                             absl::string_view target) {
    config_ = OneOrigin(domain, 80);
    config_.origins[0].origin_path = std::string(origin_path);
    config_.default_root_object = "index.html";
    auto router = MakeRouter(config_, {.s3_endpoint = moto_->endpoint()});
    core::OriginRequest request = RequestFor(config_, target);
    request.forwarded = policy::BuildOriginRequest(policy::Request::Get(target),
                                                   {.behavior = request.behavior,
                                                    .origin = request.origin,
                                                    .distribution_domain = "d1.cloudfront.net",
                                                    .root_path = "/index.html"});
    return router->Fetch(request, absl::UnixEpoch());
  }

  static MotoServer* moto_;
  static bool uploaded_;
  policy::DistributionConfig config_;
};

MotoServer* S3OriginTest::moto_ = nullptr;
bool S3OriginTest::uploaded_ = false;

TEST_F(S3OriginTest, RestEndpointServesTheObjectWithItsMetadata) {
  absl::StatusOr<core::OriginResponse> r = Fetch("assets.s3.amazonaws.com", "", "/app.js");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->head.status, 200);
  EXPECT_EQ(r->head.headers.Get("Cache-Control").value_or(""), "max-age=300");
  // The CLI guesses the type from the extension (text/ or application/javascript).
  EXPECT_TRUE(absl::StrContains(r->head.headers.Get("Content-Type").value_or(""), "javascript"));
  // S3's ETag of a single-part upload is the body's MD5, quoted.
  EXPECT_THAT(std::string(r->head.headers.Get("ETag").value_or("")),
              ::testing::MatchesRegex("\"[0-9a-f]{32}\""));
  ASSERT_NE(r->body, nullptr);
  EXPECT_EQ(*r->body, "console.log('v1')");
}

TEST_F(S3OriginTest, RegionalAndWebsiteEndpointsWithOriginPathAndRootObject) {
  for (absl::string_view domain :
       {"assets.s3.us-east-1.amazonaws.com", "assets.s3-website-us-east-1.amazonaws.com",
        "assets.s3-website.eu-west-1.amazonaws.com"}) {
    absl::StatusOr<core::OriginResponse> r = Fetch(domain, "/prod", "/");
    ASSERT_TRUE(r.ok()) << domain << ": " << r.status();
    EXPECT_EQ(r->head.status, 200) << domain;
    EXPECT_EQ(r->head.headers.Get("Cache-Control").value_or(""), "max-age=300") << domain;
    EXPECT_EQ(*r->body, "<h1>prod</h1>") << domain;
  }
}

TEST_F(S3OriginTest, MissingKeyIsS3sOwnAnswer) {
  absl::StatusOr<core::OriginResponse> r = Fetch("assets.s3.amazonaws.com", "", "/nope.js");
  ASSERT_TRUE(r.ok()) << r.status();
  // SPEC A13: 404 NoSuchKey, or 403 without s3:ListBucket; either passes through as S3 sent it.
  EXPECT_TRUE(r->head.status == 404 || r->head.status == 403) << r->head.status;
  EXPECT_TRUE(absl::StrContains(Body(*r), "NoSuchKey") ||
              absl::StrContains(Body(*r), "AccessDenied"))
      << Body(*r);
}

}  // namespace
}  // namespace edgesim::emulator

namespace edgesim::emulator {
namespace {

// An S3 origin behind an OAC, mapped to a local server that records what it is sent.
class SignedOriginRouterTest : public ::testing::Test {
 protected:
  SignedOriginRouterTest() {
    origin_.server().Get(R"(/.*)", [this](const httplib::Request& req, httplib::Response& res) {
      seen_ = req;
      res.set_content("object", "text/plain");
    });
    config_ = OneOrigin("assets.s3.eu-west-1.amazonaws.com", 80);
    config_.origins[0].kind = policy::OriginKind::kS3;
  }

  // What the origin saw for one fetch of /key.txt with `signing`, `credentials` and, when not
  // empty, a viewer Authorization the policies forwarded.
  httplib::Request Fetch(absl::optional<policy::OriginSigning> signing,
                         absl::optional<AwsCredentials> credentials,
                         absl::string_view viewer_authorization = "") {
    config_.origins[0].signing = signing;
    std::unique_ptr<OriginRouter> router = MakeRouter(
        config_, {.origin_urls = {{"o1", absl::StrCat("http://127.0.0.1:", origin_.port())}},
                  .origin_credentials = credentials});
    core::OriginRequest r = RequestFor(config_, "/key.txt");
    if (!viewer_authorization.empty()) {
      r.forwarded.headers.Add("Authorization", viewer_authorization);
    }
    absl::StatusOr<core::OriginResponse> answer = router->Fetch(r, absl::UnixEpoch());
    EXPECT_TRUE(answer.ok()) << answer.status();
    return seen_;
  }

  const AwsCredentials credentials_{.access_key_id = "AKIDROUTER", .secret_access_key = "s"};
  LocalHttpServer origin_;
  httplib::Request seen_;
  policy::DistributionConfig config_;
};

TEST_F(SignedOriginRouterTest, SignsWhatTheServerSeesForTheDomainsRegion) {
  const httplib::Request seen = Fetch(policy::OriginSigning{}, credentials_);
  EXPECT_EQ(seen.target, "/assets/key.txt");
  const std::string authorization = seen.get_header_value("Authorization");
  // Signed at the wall clock's time (the origin checks it against its own), not the fetch's.
  const std::string day = seen.get_header_value("X-Amz-Date").substr(0, 8);
  EXPECT_TRUE(absl::StartsWith(
      authorization, absl::StrCat("AWS4-HMAC-SHA256 Credential=AKIDROUTER/", day, "/eu-west-1/s3/")))
      << authorization;
  // The signature recomputed over the request as received (its Host is the server's own).
  policy::Request received = policy::Request::Get(seen.target);
  for (const char* name : {"Host", "X-Amz-Date", "X-Amz-Content-Sha256"}) {
    received.headers.Add(name, seen.get_header_value(name));
  }
  EXPECT_EQ(received.headers.Get("Host"), absl::StrCat("127.0.0.1:", origin_.port()));
  EXPECT_EQ(authorization,
            SigV4Authorization(received, credentials_, {.region = "eu-west-1", .service = "s3"},
                               {"host", "x-amz-content-sha256", "x-amz-date"},
                               kEmptyPayloadSha256, seen.get_header_value("X-Amz-Date")));
}

TEST_F(SignedOriginRouterTest, UnsignedWithoutCredentialsOrSigningOrWithNever) {
  EXPECT_FALSE(Fetch(policy::OriginSigning{}, absl::nullopt).has_header("Authorization"));
  EXPECT_FALSE(Fetch(absl::nullopt, credentials_).has_header("Authorization"));
  EXPECT_FALSE(Fetch(policy::OriginSigning{.behavior = policy::SigningBehavior::kNever},
                     credentials_)
                   .has_header("X-Amz-Date"));
}

TEST_F(SignedOriginRouterTest, NoOverrideKeepsAForwardedViewerAuthorization) {
  const policy::OriginSigning no_override{.behavior = policy::SigningBehavior::kNoOverride};
  EXPECT_EQ(Fetch(no_override, credentials_, "viewer").get_header_value("Authorization"),
            "viewer");
  EXPECT_TRUE(absl::StartsWith(
      Fetch(policy::OriginSigning{}, credentials_, "viewer").get_header_value("Authorization"),
      "AWS4-HMAC-SHA256 "));
}

}  // namespace
}  // namespace edgesim::emulator
