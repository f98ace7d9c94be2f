#include "policy/origin_request.h"

#include <memory>
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
  r.headers = {{"Host", "www.example.com"},        {"User-Agent", "curl/8"},
               {"Referer", "https://r.example"},   {"X-Internal", "1"},
               {"Authorization", "secret"},        {"Cookie", "t=2; s=1"},
               {"Connection", "keep-alive"},       {"TE", "trailers"},
               {"Accept-Encoding", "gzip, br"},    {"If-None-Match", "\"v1\""},
               {"CloudFront-Viewer-Country", "FR"}};
  r.viewer_address = "192.0.2.2";
  r.viewer_port = 46532;
  return r;
}

using ExpectedHeaders = std::vector<std::pair<std::string, absl::optional<std::string>>>;

struct OriginRequestCase {
  const char* name;
  CachePolicy key;
  absl::optional<OriginRequestPolicy> orp;
  std::string method;
  std::string target;
  ExpectedHeaders headers;  // nullopt: absent
};

std::vector<OriginRequestCase> Cases() {
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
      // SPEC 13.2: the viewer's validators go on a miss whatever the policies list.
      {"ViewerConditionalsGoWithoutAnyPolicy",
       Key(),
       absl::nullopt,
       "GET",
       "/p",
       {{"If-None-Match", "\"v1\""}}},
      // SPEC 13.3: CloudFront's headers only when a policy names them.
      {"AllViewerAddsNoCloudFrontHeader",
       Key(),
       Managed("AllViewer"),
       "GET",
       "/p?a=1&b=2&c",
       {{"CloudFront-Viewer-Country", "FR"},
        {"CloudFront-Is-Desktop-Viewer", absent},
        {"CloudFront-Viewer-Address", absent}}},
      {"AllViewerAndCloudFrontHeadersAddsThem",
       Key(),
       Managed("AllViewerAndCloudFrontHeaders-2022-06"),
       "GET",
       "/p?a=1&b=2&c",
       {{"CloudFront-Viewer-Country", "FR"},
        {"CloudFront-Is-Desktop-Viewer", "true"},
        {"CloudFront-Is-Mobile-Viewer", "false"},
        {"CloudFront-Is-Tablet-Viewer", "false"},
        {"CloudFront-Is-SmartTV-Viewer", "false"},
        {"CloudFront-Is-IOS-Viewer", "false"},
        {"CloudFront-Is-Android-Viewer", "false"},
        {"CloudFront-Forwarded-Proto", "http"},
        {"CloudFront-Viewer-Http-Version", "1.1"},
        {"CloudFront-Viewer-Address", "192.0.2.2:46532"}}},
      {"CachePolicyNamesOne",
       Key({}, List(KeyListBehavior::kWhitelist, {"cloudfront-is-mobile-viewer"})),
       absl::nullopt,
       "GET",
       "/p",
       {{"cloudfront-is-mobile-viewer", "false"},
        {"CloudFront-Viewer-Country", absent},
        {"CloudFront-Forwarded-Proto", absent}}},
      {"WhitelistPolicyNamesOne",
       Key(),
       Orp(OriginHeaderBehavior::kWhitelist, {"CloudFront-Viewer-Country"}, {}, {}),
       "GET",
       "/p",
       {{"CloudFront-Viewer-Country", "FR"}, {"CloudFront-Is-Desktop-Viewer", absent}}},
  };
}

class OriginRequestTableTest : public ::testing::TestWithParam<OriginRequestCase> {};

CacheBehavior OriginRequestCaseBehavior(const OriginRequestCase& c) {
  CacheBehavior behavior;
  behavior.cache_policy = c.key;
  behavior.origin_request_policy = c.orp;
  return behavior;
}

TEST_P(OriginRequestTableTest, Forwards) {
  const OriginRequestCase& c = GetParam();
  const CacheBehavior behavior = OriginRequestCaseBehavior(c);
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

// What an origin reading only the request line and the validators sees is the same either way,
// with the viewer's conditionals forwarded or kept back, and an origin custom header among them.
TEST_P(OriginRequestTableTest, BareRequestHasTheWholeOnesLineAndValidators) {
  const OriginRequestCase& c = GetParam();
  const CacheBehavior behavior = OriginRequestCaseBehavior(c);
  Origin origin;
  origin.domain_name = "origin.example.com";
  origin.origin_path = "/o";
  for (const bool custom_validator : {false, true}) {
    if (custom_validator) {
      origin.custom_headers = {{"If-Modified-Since", "Mon, 01 Jan 2024 00:00:00 GMT"}};
    }
    for (const bool conditionals : {true, false}) {
      ModelOptions model;
      model.forward_viewer_conditionals = conditionals;
      const OriginRequestContext context{.behavior = &behavior, .origin = &origin,
                                         .distribution_domain = "d1", .root_path = "/i.html",
                                         .via = "1.1 v", .request_id = "id", .model = &model};
      const Request whole = BuildOriginRequest(Viewer(c.method), context);
      const Request bare = BuildBareOriginRequest(Viewer(c.method), context);
      EXPECT_EQ(bare.method, whole.method);
      EXPECT_EQ(bare.target, whole.target);
      EXPECT_EQ(bare.https, whole.https);
      EXPECT_EQ(bare.http_minor_version, whole.http_minor_version);
      for (absl::string_view name : {"If-None-Match", "If-Modified-Since"}) {
        EXPECT_EQ(bare.headers.GetAll(name), whole.headers.GetAll(name)) << name << " in " << whole;
      }
      EXPECT_EQ(bare.headers.size(), whole.headers.GetAll("If-None-Match").size() +
                                         whole.headers.GetAll("If-Modified-Since").size());
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
  EXPECT_EQ(f.headers.Get("X-Forwarded-For"), "198.51.100.1,192.0.2.7");
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

// SPEC 13.1: the viewer's address is appended to the viewer's own list, with "," (the doc's
// example; UNCONFIRMED on the wire).
TEST(OriginRequestTest, XForwardedForAppendsTheViewerAddress) {
  struct XffCase {
    const char* sent;  // null: none
    const char* address;
    const char* forwarded;  // null: none
  };
  const XffCase cases[] = {
      {nullptr, "192.0.2.2", "192.0.2.2"},
      {"192.0.2.4,192.0.2.3", "192.0.2.2", "192.0.2.4,192.0.2.3,192.0.2.2"},
      {"192.0.2.4, 192.0.2.3", "2001:db8::1", "192.0.2.4, 192.0.2.3,2001:db8::1"},
      {"192.0.2.4", "", "192.0.2.4"},
      {nullptr, "", nullptr},
  };
  CacheBehavior behavior;
  for (const XffCase& c : cases) {
    Request viewer = Request::Get("/p");
    if (c.sent != nullptr) viewer.headers.Add("X-Forwarded-For", c.sent);
    viewer.viewer_address = c.address;
    const Request f = BuildOriginRequest(viewer, {.behavior = &behavior});
    if (c.forwarded == nullptr) {
      EXPECT_FALSE(f.headers.Has("X-Forwarded-For")) << f;
    } else {
      EXPECT_EQ(f.headers.Get("X-Forwarded-For"), c.forwarded);
    }
  }
}

// SPEC 13.3: a viewer's header of a name CloudFront adds is overwritten, not doubled.
TEST(OriginRequestTest, ANamedCloudFrontHeaderOverwritesTheViewers) {
  CacheBehavior behavior;
  behavior.origin_request_policy =
      Orp(OriginHeaderBehavior::kAllViewerAndWhitelistCloudFront,
          {"CloudFront-Is-Mobile-Viewer", "CloudFront-Forwarded-Proto"}, {}, {});
  Request viewer = Request::Get("/p");
  viewer.https = true;
  viewer.headers = {{"CloudFront-Is-Mobile-Viewer", "true"},
                    {"CloudFront-Forwarded-Proto", "http"},
                    {"User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/126.0"}};
  const Request f = BuildOriginRequest(viewer, {.behavior = &behavior});
  EXPECT_EQ(f.headers.GetAll("CloudFront-Is-Mobile-Viewer"),
            std::vector<absl::string_view>{"false"});
  EXPECT_EQ(f.headers.GetAll("CloudFront-Forwarded-Proto"),
            std::vector<absl::string_view>{"https"});
}

TEST(OriginRequestTest, TheViewerCountryDefaultIsTheModels) {
  CacheBehavior behavior;
  behavior.origin_request_policy =
      Orp(OriginHeaderBehavior::kWhitelist, {"CloudFront-Viewer-Country"}, {}, {});
  ModelOptions model;
  model.viewer_country = "JP";
  const Request f =
      BuildOriginRequest(Request::Get("/p"), {.behavior = &behavior, .model = &model});
  EXPECT_EQ(f.headers.Get("CloudFront-Viewer-Country"), "JP");
  EXPECT_EQ(BuildOriginRequest(Request::Get("/p"), {.behavior = &behavior})
                .headers.Get("CloudFront-Viewer-Country"),
            "US");
}

TEST(OriginRequestTest, ViewerConditionalsCanBeKeptBack) {
  CacheBehavior behavior;
  ModelOptions model;
  model.forward_viewer_conditionals = false;
  Request viewer = Request::Get("/p");
  viewer.headers = {{"If-None-Match", "\"v1\""},
                    {"If-Modified-Since", "Wed, 01 May 2024 00:00:00 GMT"}};
  const Request f = BuildOriginRequest(viewer, {.behavior = &behavior, .model = &model});
  EXPECT_FALSE(f.headers.Has("If-None-Match"));
  EXPECT_FALSE(f.headers.Has("If-Modified-Since"));
  EXPECT_TRUE(BuildOriginRequest(viewer, {.behavior = &behavior}).headers.Has("If-Modified-Since"));
}

// SPEC 13.4: the body goes with the methods that write, shared with the viewer's request.
TEST(OriginRequestTest, TheBodyGoesWithWritingMethodsUncopied) {
  CacheBehavior behavior;
  for (const char* method : {"POST", "PUT", "PATCH", "DELETE", "OPTIONS", "GET"}) {
    Request viewer = Request::Get("/p");
    viewer.method = method;
    viewer.body = std::make_shared<const std::string>(R"({"a":1})");
    viewer.headers = {{"Content-Length", "7"}};
    const Request f = BuildOriginRequest(viewer, {.behavior = &behavior});
    if (viewer.method == "GET") {
      EXPECT_EQ(f.body, nullptr);
    } else {
      EXPECT_EQ(f.body.get(), viewer.body.get()) << method;
    }
    // The framing is the client's to write from the body.
    EXPECT_FALSE(f.headers.Has("Content-Length")) << method;
  }
}

TEST(OriginRequestTest, GetAndHeadWithABodyAreRefused) {
  struct BodyCase {
    const char* method;
    Headers headers;
    bool carries;
    bool refused;
  };
  const BodyCase cases[] = {
      {"GET", {}, false, false},
      {"GET", {{"Content-Length", "0"}}, false, false},
      {"GET", {{"Content-Length", "4"}}, true, true},
      {"HEAD", {{"Transfer-Encoding", "chunked"}}, true, true},
      {"POST", {{"Content-Length", "4"}}, true, false},
      {"DELETE", {}, false, false},
  };
  for (const BodyCase& c : cases) {
    Request r = Request::Get("/p");
    r.method = c.method;
    r.headers = c.headers;
    EXPECT_EQ(CarriesBody(r), c.carries) << r;
    EXPECT_EQ(RefusedForBody(r), c.refused) << r;
  }
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
