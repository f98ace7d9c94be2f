#include "policy/response_headers_policy.h"

#include <string>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace edgesim::policy {
namespace {

absl::StatusOr<ResponseHeadersPolicy> ParseRhp(const std::string& json) {
  return ParseResponseHeadersPolicyConfig(nlohmann::json::parse(json), "ResponseHeadersPolicyConfig");
}

ResponseHeadersPolicy LoadRhpOrDie(const std::string& json) {
  absl::StatusOr<ResponseHeadersPolicy> p = ParseRhp(json);
  EXPECT_TRUE(p.ok()) << p.status();
  return p.ok() ? *p : ResponseHeadersPolicy();
}

std::string RhpCodeOf(const std::string& json) {
  absl::StatusOr<ResponseHeadersPolicy> p = ParseRhp(json);
  return p.ok() ? "OK" : std::string(ResponseHeadersPolicyErrorCode(p.status()));
}

Request RhpRequest(absl::string_view method, absl::string_view origin) {
  Request r = Request::Get("/a");
  r.method = std::string(method);
  if (!origin.empty()) r.headers.Add("Origin", origin);
  return r;
}

TEST(ResponseHeadersPolicyTest, ManagedPoliciesByIdApiAndConsoleName) {
  ASSERT_EQ(ManagedResponseHeadersPolicies().size(), 5u);
  const ResponseHeadersPolicy* p = FindManagedResponseHeadersPolicy("SecurityHeadersPolicy");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->id, "67f7725c-6f97-4210-82d7-5512b31e9d03");
  EXPECT_EQ(p->name, "Managed-SecurityHeadersPolicy");
  EXPECT_EQ(FindManagedResponseHeadersPolicy("60669652-455b-4ae9-85a4-c4c02393f86c")->name,
            "Managed-SimpleCORS");
  EXPECT_EQ(FindManagedResponseHeadersPolicy("Managed-CORS-With-Preflight")->id,
            "5cc3b908-e619-4b99-88e5-2cf7f45965bd");
  EXPECT_EQ(FindManagedResponseHeadersPolicy("nope"), nullptr);
}

TEST(ResponseHeadersPolicyTest, ManagedSecurityHeadersOverrideOnlyContentTypeOptions) {
  const ResponseHeadersPolicy& p = *FindManagedResponseHeadersPolicy("SecurityHeadersPolicy");
  Headers h;
  h.Add("X-Frame-Options", "DENY");
  h.Add("X-Content-Type-Options", "sniff-please");
  ApplyResponseHeadersPolicy(p, RhpRequest("GET", ""), {}, &h);
  EXPECT_EQ(h.Get("X-Frame-Options"), "DENY");  // Override no: the origin's wins
  EXPECT_EQ(h.Get("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(h.Get("Strict-Transport-Security"), "max-age=31536000");
  EXPECT_EQ(h.Get("Referrer-Policy"), "strict-origin-when-cross-origin");
  EXPECT_EQ(h.Get("X-XSS-Protection"), "1; mode=block");
}

TEST(ResponseHeadersPolicyTest, SecurityHeaderValuesAreGenerated) {
  const ResponseHeadersPolicy p = LoadRhpOrDie(R"({"Name": "s", "SecurityHeadersConfig": {
      "XSSProtection": {"Override": true, "Protection": true, "ReportUri": "https://r.example/x"},
      "StrictTransportSecurity": {"Override": true, "AccessControlMaxAgeSec": 600,
                                  "IncludeSubdomains": true, "Preload": true},
      "FrameOptions": {"Override": true, "FrameOption": "DENY"},
      "ContentSecurityPolicy": {"Override": false, "ContentSecurityPolicy": "default-src 'self'"}}})");
  Headers h;
  ApplyResponseHeadersPolicy(p, RhpRequest("GET", ""), {}, &h);
  EXPECT_EQ(h.Get("X-XSS-Protection"), "1; report=https://r.example/x");
  EXPECT_EQ(h.Get("Strict-Transport-Security"), "max-age=600; includeSubDomains; preload");
  EXPECT_EQ(h.Get("X-Frame-Options"), "DENY");
  EXPECT_EQ(h.Get("Content-Security-Policy"), "default-src 'self'");
}

TEST(ResponseHeadersPolicyTest, RemoveThenAddAndOverride) {
  const ResponseHeadersPolicy p = LoadRhpOrDie(R"({"Name": "c",
      "CustomHeadersConfig": {"Quantity": 2, "Items": [
        {"Header": "X-Both", "Value": "policy", "Override": false},
        {"Header": "X-Kept", "Value": "policy", "Override": false}]},
      "RemoveHeadersConfig": {"Quantity": 2, "Items": [{"Header": "X-Both"}, {"Header": "Server"}]}})");
  Headers h;
  h.Add("X-Both", "origin");
  h.Add("X-Kept", "origin");
  h.Add("Server", "nginx");
  ApplyResponseHeadersPolicy(p, RhpRequest("GET", ""), {}, &h);
  EXPECT_EQ(h.Get("X-Both"), "policy");  // removed first, then added
  EXPECT_EQ(h.Get("X-Kept"), "origin");  // Override false keeps the origin's
  EXPECT_FALSE(h.Has("Server"));
}

TEST(ResponseHeadersPolicyTest, ValidationCodes) {
  EXPECT_EQ(RhpCodeOf(R"({"Name": "x", "RemoveHeadersConfig": {"Quantity": 1,
      "Items": [{"Header": "X-Cache"}]}})"), "InvalidArgument");
  EXPECT_EQ(RhpCodeOf(R"({"Name": "x", "CustomHeadersConfig": {"Quantity": 1,
      "Items": [{"Header": "x-amz-cf-pop", "Value": "v", "Override": true}]}})"), "InvalidArgument");
  EXPECT_EQ(RhpCodeOf(R"({"Name": "x", "SecurityHeadersConfig": {"XSSProtection":
      {"Override": true, "Protection": true, "ModeBlock": true, "ReportUri": "https://r"}}})"),
            "InvalidArgument");
  const std::string long_csp(1784, 'a');
  EXPECT_EQ(RhpCodeOf(R"({"Name": "x", "SecurityHeadersConfig": {"ContentSecurityPolicy":
      {"Override": true, "ContentSecurityPolicy": ")" + long_csp + R"("}}})"),
            "TooLongCSPInResponseHeadersPolicy");
  std::string custom = R"({"Name": "x", "CustomHeadersConfig": {"Quantity": 11, "Items": [)";
  std::string remove = R"({"Name": "x", "RemoveHeadersConfig": {"Quantity": 11, "Items": [)";
  for (int i = 0; i < 11; ++i) {
    custom += (i ? "," : "") + std::string(R"({"Header": "X-H)") + std::to_string(i) +
              R"(", "Value": "v", "Override": true})";
    remove += (i ? "," : "") + std::string(R"({"Header": "X-H)") + std::to_string(i) + R"("})";
  }
  EXPECT_EQ(RhpCodeOf(custom + "]}}"), "TooManyCustomHeadersInResponseHeadersPolicy");
  EXPECT_EQ(RhpCodeOf(remove + "]}}"), "TooManyRemoveHeadersInResponseHeadersPolicy");
  EXPECT_EQ(RhpCodeOf(R"({"Comment": "no name"})"), "InvalidArgument");
  EXPECT_EQ(RhpCodeOf(R"({"Name": "x", "CorsConfig": {"AccessControlAllowOrigins":
      {"Quantity": 1, "Items": ["https://example.*"]}, "AccessControlAllowHeaders": {"Quantity": 0},
      "AccessControlAllowMethods": {"Quantity": 1, "Items": ["GET"]},
      "AccessControlAllowCredentials": false, "OriginOverride": false}})"), "InvalidArgument");
}

TEST(ResponseHeadersPolicyTest, OriginMatchingTable) {
  CorsConfig cors;
  cors.allow_origins = {"https://app.example.com", "https://*.example.org"};
  struct Case {
    const char* origin;
    const char* want;  // "" for no match
  };
  for (const Case& c : {Case{"https://app.example.com", "https://app.example.com"},
                        Case{"https://APP.example.com", "https://APP.example.com"},
                        Case{"http://app.example.com", ""},
                        Case{"https://a.example.org", "https://a.example.org"},
                        Case{"https://a.b.example.org", "https://a.b.example.org"},
                        Case{"https://example.org", ""},
                        Case{"https://evil.com/.example.org", ""},
                        Case{"http://a.example.org", ""}}) {
    const absl::optional<std::string> got = AllowedOrigin(cors, c.origin);
    EXPECT_EQ(got.value_or(""), c.want) << c.origin;
  }
  cors.allow_origins = {"*"};
  EXPECT_EQ(AllowedOrigin(cors, "https://any.test"), "*");
}

TEST(ResponseHeadersPolicyTest, CorsPreflightGetsMethodsSimpleRequestDoesNot) {
  const ResponseHeadersPolicy& p = *FindManagedResponseHeadersPolicy("CORS-With-Preflight");
  Headers simple;
  ApplyResponseHeadersPolicy(p, RhpRequest("GET", "https://a.test"), {}, &simple);
  EXPECT_EQ(simple.Get("Access-Control-Allow-Origin"), "*");
  EXPECT_FALSE(simple.Has("Access-Control-Allow-Methods"));
  Request preflight = RhpRequest("OPTIONS", "https://a.test");
  preflight.headers.Add("Access-Control-Request-Method", "PUT");
  Headers answered;
  ApplyResponseHeadersPolicy(p, preflight, {}, &answered);
  EXPECT_EQ(answered.Get("Access-Control-Allow-Methods"),
            "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT");
  Headers none;
  ApplyResponseHeadersPolicy(p, RhpRequest("GET", ""), {}, &none);
  EXPECT_FALSE(none.Has("Access-Control-Allow-Origin"));  // not a CORS request
}

TEST(ResponseHeadersPolicyTest, CorsOriginOverride) {
  const ResponseHeadersPolicy p = LoadRhpOrDie(R"({"Name": "c", "CorsConfig": {
      "AccessControlAllowOrigins": {"Quantity": 1, "Items": ["https://*.example.com"]},
      "AccessControlAllowHeaders": {"Quantity": 0},
      "AccessControlAllowMethods": {"Quantity": 1, "Items": ["GET"]},
      "AccessControlAllowCredentials": true, "OriginOverride": true}})");
  Headers h;
  h.Add("Access-Control-Allow-Origin", "https://other.test");
  ApplyResponseHeadersPolicy(p, RhpRequest("GET", "https://a.example.com"), {}, &h);
  EXPECT_EQ(h.Get("Access-Control-Allow-Origin"), "https://a.example.com");
  EXPECT_EQ(h.Get("Access-Control-Allow-Credentials"), "true");
}

TEST(ResponseHeadersPolicyTest, ServerTimingSamplingIsDeterministic) {
  ResponseHeadersPolicy p;
  p.server_timing_enabled = true;
  p.server_timing_sampling_rate = 100;
  Headers h;
  ApplyResponseHeadersPolicy(p, RhpRequest("GET", ""), {"cdn-cache-hit", "IAD89-C1", "rid"}, &h);
  EXPECT_EQ(h.Get("Server-Timing"), "cdn-cache-hit,cdn-pop;desc=\"IAD89-C1\",cdn-rid;desc=\"rid\"");
  p.server_timing_sampling_rate = 0;
  EXPECT_FALSE(SamplesServerTiming(p, RhpRequest("GET", ""), "rid"));
  Request pragma = RhpRequest("GET", "");
  pragma.headers.Add("Pragma", "no-cache, server-timing");
  EXPECT_TRUE(SamplesServerTiming(p, pragma, "rid"));
  p.server_timing_sampling_rate = 50;
  EXPECT_EQ(SamplesServerTiming(p, RhpRequest("GET", ""), "abc"),
            SamplesServerTiming(p, RhpRequest("GET", ""), "abc"));
}

}  // namespace
}  // namespace edgesim::policy
