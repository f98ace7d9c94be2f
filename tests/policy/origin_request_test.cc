#include "policy/origin_request.h"

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "policy/origin_request_policy.h"

namespace edgesim::policy {
namespace {

KeyList List(KeyListBehavior b, std::vector<std::string> names = {}) {
  return {b, std::move(names)};
}

CachePolicy Key(KeyList query = {}, KeyList headers = {}, KeyList cookies = {}) {
  CachePolicy p;
  p.query_strings = std::move(query);
  p.headers = std::move(headers);
  p.cookies = std::move(cookies);
  return p;
}

OriginRequestPolicy Orp(OriginHeaderBehavior headers, std::vector<std::string> header_names,
                        KeyList cookies, KeyList query) {
  OriginRequestPolicy p;
  p.header_behavior = headers;
  p.headers = std::move(header_names);
  p.cookies = std::move(cookies);
  p.query_strings = std::move(query);
  return p;
}

const OriginRequestPolicy& Managed(absl::string_view name) {
  return *FindManagedOriginRequestPolicy(name);
}

Request Viewer(absl::string_view method = "GET") {
  Request r = Request::Get("/p?a=1&b=2&c");
  r.method = std::string(method);
  r.headers = {
      {"Host", "www.example.com"},  {"User-Agent", "curl/8"},    {"Referer", "https://r.example"},
      {"X-Internal", "1"},          {"Authorization", "secret"}, {"Cookie", "t=2; s=1"},
      {"Connection", "keep-alive"}, {"TE", "trailers"},          {"Accept-Encoding", "gzip, br"}};
  return r;
}

using ExpectedHeaders = std::vector<std::pair<std::string, absl::optional<std::string>>>;

struct Case {
  const char* name;
  CachePolicy key;
  absl::optional<OriginRequestPolicy> orp;
  std::string method;
  std::string target;
  ExpectedHeaders headers;  // nullopt: absent
};

std::vector<Case> Cases() {
  const absl::optional<std::string> absent;
  CachePolicy legacy = CachePolicyFromForwardedValues({true, {"a"}, KeyListBehavior::kNone, {}, {}},
                                                      absl::nullopt, absl::nullopt, absl::nullopt);
  CachePolicy normalizing;
  normalizing.enable_accept_encoding_gzip = normalizing.enable_accept_encoding_brotli = true;
  return {
      {"NothingBeyondThePath",
       Key(),
       absl::nullopt,
       "GET",
       "/p",
       {{"Host", "origin.example.com"},
        {"User-Agent", "Amazon CloudFront"},
        {"X-Internal", absent},
        {"Referer", absent},
        {"Cookie", absent},
        {"Authorization", absent},
        {"Accept-Encoding", absent},
        {"Connection", absent}}},
      {"KeyWhitelistedQuery",
       Key(List(KeyListBehavior::kWhitelist, {"b"})),
       absl::nullopt,
       "GET",
       "/p?b=2",
       {}},
      {"KeyAndPolicyQueriesInViewerOrder",
       Key(List(KeyListBehavior::kWhitelist, {"b"})),
       Orp(OriginHeaderBehavior::kNone, {}, {}, List(KeyListBehavior::kWhitelist, {"a"})),
       "GET",
       "/p?a=1&b=2",
       {}},
      {"KeyAllExceptQuery",
       Key(List(KeyListBehavior::kAllExcept, {"a"})),
       absl::nullopt,
       "GET",
       "/p?b=2&c",
       {}},
      {"PolicyAllowListBeatsKeyBlockList",
       Key(List(KeyListBehavior::kAllExcept, {"a"})),
       Orp(OriginHeaderBehavior::kNone, {}, {}, List(KeyListBehavior::kWhitelist, {"a"})),
       "GET",
       "/p?a=1&b=2&c",
       {}},
      {"LegacyQueryStringTrueForwardsAll", legacy, absl::nullopt, "GET", "/p?a=1&b=2&c", {}},
      {"AllViewerSendsHostAndEverythingButHopByHop",
       Key(),
       Managed("AllViewer"),
       "GET",
       "/p?a=1&b=2&c",
       {{"Host", "www.example.com"},
        {"User-Agent", "curl/8"},
        {"X-Internal", "1"},
        {"Cookie", "t=2; s=1"},
        {"Accept-Encoding", "gzip, br"},
        {"Connection", absent},
        {"TE", absent}}},
      {"AllViewerExceptHostHeader",
       Key(),
       Managed("AllViewerExceptHostHeader"),
       "GET",
       "/p?a=1&b=2&c",
       {{"Host", "origin.example.com"}, {"X-Internal", "1"}}},
      {"UserAgentRefererHeaders",
       Key(),
       Managed("UserAgentRefererHeaders"),
       "GET",
       "/p",
       {{"User-Agent", "curl/8"},
        {"Referer", "https://r.example"},
        {"X-Internal", absent},
        {"Host", "origin.example.com"}}},
      {"HostInTheKeyIsTheViewers",
       Key({}, List(KeyListBehavior::kWhitelist, {"host"})),
       absl::nullopt,
       "GET",
       "/p",
       {{"Host", "www.example.com"}}},
      {"CookiesFromKeyAndPolicy",
       Key({}, {}, List(KeyListBehavior::kWhitelist, {"s"})),
       Orp(OriginHeaderBehavior::kNone, {}, List(KeyListBehavior::kWhitelist, {"t"}), {}),
       "GET",
       "/p",
       {{"Cookie", "t=2; s=1"}}},
      {"AuthorizationPassesForPost",
       Key(),
       absl::nullopt,
       "POST",
       "/p",
       {{"Authorization", "secret"}, {"X-Internal", absent}}},
      {"NormalizedAcceptEncodingEvenWithAllViewer",
       normalizing,
       Managed("AllViewer"),
       "GET",
       "/p?a=1&b=2&c",
       {{"Accept-Encoding", "br,gzip"}}},
  };
}

class OriginRequestTableTest : public ::testing::TestWithParam<Case> {};

TEST_P(OriginRequestTableTest, Forwards) {
  const Case& c = GetParam();
  CacheBehavior behavior;
  behavior.cache_policy = c.key;
  behavior.origin_request_policy = c.orp;
  Origin origin;
  origin.domain_name = "origin.example.com";
  const Request f = BuildOriginRequest(
      Viewer(c.method), {.behavior = &behavior, .origin = &origin, .distribution_domain = "d1"});
  EXPECT_EQ(f.method, c.method);
  EXPECT_EQ(f.target, c.target);
  for (const auto& [name, value] : c.headers) {
    const absl::optional<absl::string_view> got = f.headers.Get(name);
    EXPECT_EQ(got.has_value(), value.has_value()) << name << " in " << f;
    if (got && value) {
      EXPECT_EQ(*got, *value) << name;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Table, OriginRequestTableTest, ::testing::ValuesIn(Cases()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(OriginRequestTest, OriginPathAndDefaultRootObject) {
  CacheBehavior behavior;
  Origin origin;
  origin.domain_name = "o";
  origin.origin_path = "/prod";
  const OriginRequestContext context{
      .behavior = &behavior, .origin = &origin, .root_path = "/index.html"};
  EXPECT_EQ(BuildOriginRequest(Request::Get("/"), context).target, "/prod/index.html");
  EXPECT_EQ(BuildOriginRequest(Request::Get("/docs/"), context).target, "/prod/docs/");
}

TEST(OriginRequestTest, CloudFrontHeadersAndCustomHeaders) {
  CacheBehavior behavior;
  Origin origin;
  origin.domain_name = "o";
  origin.custom_headers = {{"X-Origin-Verify", "s3cr3t"}, {"User-Agent", "custom"}};
  Request viewer = Request::Get("/p");
  viewer.viewer_address = "192.0.2.7";
  viewer.headers = {{"X-Forwarded-For", "198.51.100.1"}, {"Via", "1.1 proxy"}};
  const Request f = BuildOriginRequest(viewer, {.behavior = &behavior,
                                                .origin = &origin,
                                                .via = "1.1 abc.cloudfront.net (CloudFront)",
                                                .request_id = "id=="});
  EXPECT_EQ(f.headers.Get("X-Forwarded-For"), "198.51.100.1, 192.0.2.7");
  EXPECT_EQ(f.headers.Get("Via"), "1.1 proxy, 1.1 abc.cloudfront.net (CloudFront)");
  EXPECT_EQ(f.headers.Get("X-Amz-Cf-Id"), "id==");
  EXPECT_EQ(f.headers.Get("X-Origin-Verify"), "s3cr3t");
  EXPECT_EQ(f.headers.GetAll("User-Agent").size(), 1u);
  EXPECT_EQ(f.headers.Get("User-Agent"), "custom");
}

TEST(OriginRequestTest, NoOriginNamesTheDistribution) {
  CacheBehavior behavior;
  const Request f =
      BuildOriginRequest(Request::Get("/p"), {.behavior = &behavior, .distribution_domain = "d1"});
  EXPECT_EQ(f.headers.Get("Host"), "d1");
  EXPECT_FALSE(f.headers.Has("X-Forwarded-For"));
  EXPECT_FALSE(f.headers.Has("Via"));
}

// OriginProtocolPolicy match-viewer: the origin leg knows whether the viewer used HTTPS.
TEST(OriginRequestTest, CarriesWhetherTheViewerUsedHttps) {
  CacheBehavior behavior;
  Request viewer = Request::Get("/p");
  EXPECT_FALSE(BuildOriginRequest(viewer, {.behavior = &behavior}).https);
  viewer.https = true;
  EXPECT_TRUE(BuildOriginRequest(viewer, {.behavior = &behavior}).https);
}

}  // namespace
}  // namespace edgesim::policy
