#include "emulator/origin_router.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/emulator/local_http_server.h"

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

core::OriginRequest RequestFor(const policy::DistributionConfig& config,
                               absl::string_view target) {
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

TEST(OriginRouterTest, HttpsOnlyOriginIsRefusedWithAReason) {
  policy::DistributionConfig config = OneOrigin("127.0.0.1", 1);
  config.origins[0].protocol_policy = "https-only";
  auto router = MakeRouter(config);
  absl::StatusOr<core::OriginResponse> r =
      router->Fetch(RequestFor(config, "/"), absl::UnixEpoch());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(r.status().message(), "https-only")) << r.status();
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
  EXPECT_EQ(OriginRouter::Create(config, {.s3_endpoint = "http://127.0.0.1:notaport"})
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(OriginRouter::Create(config, {.origin_dirs = {{"nope", "/tmp"}}}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace edgesim::emulator
