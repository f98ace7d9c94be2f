#include "policy/distribution_json.h"

#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace edgesim::policy {
namespace {

using Json = nlohmann::json;
using testing::AllOf;
using testing::Contains;
using testing::HasSubstr;
using testing::Not;
using testing::StartsWith;

constexpr char kCachingOptimizedId[] = "658327ea-f89d-4fab-a63d-7e88639e58f6";
constexpr char kCachingDisabledId[] = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";

std::string ReadTestdata(const std::string& name) {
  std::ifstream in(absl::StrCat(EDGESIM_SOURCE_DIR, "/tests/testdata/", name));
  EXPECT_TRUE(in.good()) << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Json MinimalJson() { return Json::parse(ReadTestdata("dist-config-minimal.json")); }

// Every `location: message` line of a failed load.
std::vector<std::string> ProblemLines(const absl::Status& status) {
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  return absl::StrSplit(status.message(), '\n');
}

testing::Matcher<std::vector<std::string>> HasProblem(const std::string& location,
                                                      const std::string& fragment) {
  return Contains(AllOf(StartsWith(location + ": "), HasSubstr(fragment)));
}

Json LegacyBehavior(const std::string& pattern) {
  return {{"PathPattern", pattern},
          {"TargetOriginId", "origin-1"},
          {"ViewerProtocolPolicy", "allow-all"},
          {"ForwardedValues", {{"QueryString", false}, {"Cookies", {{"Forward", "none"}}}}},
          {"MinTTL", 0}};
}

Json List(Json items) { return {{"Quantity", items.size()}, {"Items", std::move(items)}}; }

// The minimal sample plus one ordered legacy behavior.
Json BaseJson() {
  Json j = MinimalJson();
  j["CacheBehaviors"] = List(Json::array({LegacyBehavior("/api/*")}));
  return j;
}

Json CustomPolicyJson(const std::string& id, int64_t min_ttl, int64_t default_ttl,
                      int64_t max_ttl) {
  return {
      {"Id", id},
      {"CachePolicyConfig",
       {{"Name", id + "-name"},
        {"MinTTL", min_ttl},
        {"DefaultTTL", default_ttl},
        {"MaxTTL", max_ttl},
        {"ParametersInCacheKeyAndForwardedToOrigin",
         {{"EnableAcceptEncodingGzip", true},
          {"EnableAcceptEncodingBrotli", false},
          {"HeadersConfig",
           {{"HeaderBehavior", "whitelist"}, {"Headers", List(Json::array({"Accept-Language"}))}}},
          {"CookiesConfig",
           {{"CookieBehavior", "allExcept"}, {"Cookies", List(Json::array({"tracking"}))}}},
          {"QueryStringsConfig", {{"QueryStringBehavior", "all"}}}}}}}};
}

CachePolicy CustomPolicy(const std::string& id, int64_t min_ttl, int64_t default_ttl,
                         int64_t max_ttl) {
  CachePolicy p;
  p.id = id;
  p.name = id + "-name";
  p.min_ttl = absl::Seconds(min_ttl);
  p.default_ttl = absl::Seconds(default_ttl);
  p.max_ttl = absl::Seconds(max_ttl);
  p.enable_accept_encoding_gzip = true;
  p.headers = {KeyListBehavior::kWhitelist, {"Accept-Language"}};
  p.cookies = {KeyListBehavior::kAllExcept, {"tracking"}};
  p.query_strings = {KeyListBehavior::kAll, {}};
  return p;
}

// ---------------------------------------------------------------------------------------------
// The samples of docs/api-samples/ (copies in tests/testdata/).

TEST(LoadDistributionConfigJson, MinimalSample) {
  absl::StatusOr<DistributionConfig> c =
      LoadDistributionConfigJson(ReadTestdata("dist-config-minimal.json"));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->caller_reference, "cf-emu-sample-001");
  EXPECT_EQ(c->comment, "minimal distribution for emulator tests");
  EXPECT_TRUE(c->enabled);
  ASSERT_EQ(c->origins.size(), 1u);
  const Origin& o = c->origins[0];
  EXPECT_EQ(o.id, "origin-1");
  EXPECT_EQ(o.domain_name, "origin.example.com");
  EXPECT_EQ(o.kind, OriginKind::kCustom);
  EXPECT_EQ(o.http_port, 80);
  EXPECT_EQ(o.https_port, 443);
  EXPECT_EQ(o.protocol_policy, "http-only");
  EXPECT_TRUE(c->behaviors.empty());
  const CacheBehavior& d = c->default_behavior;
  EXPECT_EQ(d.path_pattern, "*");
  EXPECT_EQ(d.target_origin_id, "origin-1");
  EXPECT_EQ(d.viewer_protocol_policy, "allow-all");
  EXPECT_TRUE(d.cache_policy_id.empty());
  // Legacy with only MinTTL 0: the documented defaults fill the rest (SPEC 2.5).
  EXPECT_TRUE(d.cache_policy.legacy);
  EXPECT_EQ(d.cache_policy.min_ttl, absl::ZeroDuration());
  EXPECT_EQ(d.cache_policy.default_ttl, absl::Seconds(86400));
  EXPECT_EQ(d.cache_policy.max_ttl, absl::Seconds(31536000));
  EXPECT_EQ(d.cache_policy.query_strings.behavior, KeyListBehavior::kNone);
  EXPECT_EQ(d.cache_policy.cookies.behavior, KeyListBehavior::kNone);
}

TEST(LoadDistributionConfigJson, S3Sample) {
  absl::StatusOr<DistributionConfig> c =
      LoadDistributionConfigJson(ReadTestdata("dist-config-s3.json"));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_FALSE(c->enabled);
  EXPECT_EQ(c->default_root_object, "index.html");
  EXPECT_EQ(c->price_class, "PriceClass_100");
  ASSERT_EQ(c->origins.size(), 1u);
  EXPECT_EQ(c->origins[0].kind, OriginKind::kS3);
  const CacheBehavior& d = c->default_behavior;
  EXPECT_EQ(d.viewer_protocol_policy, "redirect-to-https");
  EXPECT_TRUE(d.compress);
  EXPECT_EQ(d.cache_policy_id, kCachingOptimizedId);
  EXPECT_EQ(d.cache_policy, *FindManagedCachePolicy(kCachingOptimizedId));
  ASSERT_EQ(c->behaviors.size(), 1u);
  EXPECT_EQ(c->behaviors[0].path_pattern, "/api/*");
  EXPECT_EQ(c->behaviors[0].viewer_protocol_policy, "https-only");
  EXPECT_EQ(c->behaviors[0].cache_policy.name, "Managed-CachingDisabled");
  EXPECT_EQ(c->behaviors[0].allowed_methods, (std::vector<std::string>{"GET", "HEAD"}));
  ASSERT_EQ(c->custom_error_responses.size(), 1u);
  const CustomErrorResponse& e = c->custom_error_responses[0];
  EXPECT_EQ(e.error_code, 404);
  EXPECT_EQ(e.response_page_path, "/index.html");
  EXPECT_EQ(e.response_code, 200);  // "200", a string in CloudFront's JSON
  EXPECT_EQ(e.error_caching_min_ttl, absl::Seconds(10));
  EXPECT_EQ(c->FindCustomErrorResponse(404), &e);
}

// DESIGN 1: a real exported config loads unchanged, unknown fields and all.
TEST(LoadDistributionConfigJson, FullGetDistributionConfigExport) {
  absl::StatusOr<DistributionConfig> c =
      LoadDistributionConfigJson(ReadTestdata("get-distribution-config-full.json"));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->aliases, (std::vector<std::string>{"www.example.com"}));
  ASSERT_EQ(c->origins.size(), 2u);
  const Origin& app = c->origins[0];
  EXPECT_EQ(app.kind, OriginKind::kCustom);
  EXPECT_EQ(app.protocol_policy, "https-only");
  EXPECT_EQ(app.read_timeout, absl::Seconds(60));
  EXPECT_EQ(app.keepalive_timeout, absl::Seconds(10));
  EXPECT_EQ(app.connection_attempts, 2);
  EXPECT_EQ(app.connection_timeout, absl::Seconds(5));
  EXPECT_EQ(app.origin_shield_region, "eu-west-1");
  EXPECT_EQ(app.custom_headers,
            (std::vector<std::pair<std::string, std::string>>{{"X-Origin-Verify", "secret"}}));
  const Origin& assets = c->origins[1];
  EXPECT_EQ(assets.kind, OriginKind::kS3);
  EXPECT_EQ(assets.origin_path, "/public");
  EXPECT_EQ(assets.read_timeout, absl::Seconds(30));
  EXPECT_TRUE(assets.origin_shield_region.empty());
  EXPECT_EQ(c->default_behavior.allowed_methods.size(), 7u);
  EXPECT_EQ(c->default_behavior.origin_request_policy_id, "b689b0a8-53d0-40ab-baf2-68738e2966ac");
  ASSERT_TRUE(c->default_behavior.origin_request_policy.has_value());
  EXPECT_EQ(c->default_behavior.origin_request_policy->name, "Managed-AllViewerExceptHostHeader");
  EXPECT_FALSE(c->behaviors[0].origin_request_policy.has_value());
  EXPECT_EQ(c->default_behavior.cache_policy.id, kCachingDisabledId);
  ASSERT_EQ(c->behaviors.size(), 2u);
  const CachePolicy& legacy = c->behaviors[1].cache_policy;
  EXPECT_TRUE(legacy.legacy);
  EXPECT_EQ(legacy.query_strings, (KeyList{KeyListBehavior::kWhitelist, {"lang"}}));
  EXPECT_TRUE(legacy.legacy_forward_all_query_strings);
  EXPECT_EQ(legacy.cookies, (KeyList{KeyListBehavior::kWhitelist, {"session"}}));
  EXPECT_EQ(legacy.headers, (KeyList{KeyListBehavior::kWhitelist, {"Accept-Language"}}));
  EXPECT_EQ(legacy.default_ttl, absl::Seconds(300));
  EXPECT_EQ(legacy.max_ttl, absl::Seconds(3600));
  EXPECT_EQ(c->behaviors[1].cached_methods, (std::vector<std::string>{"HEAD", "GET", "OPTIONS"}));
  ASSERT_EQ(c->custom_error_responses.size(), 2u);
  EXPECT_EQ(c->custom_error_responses[0].error_caching_min_ttl, absl::ZeroDuration());
  // CloudFront prints "" for an unset page and code.
  EXPECT_EQ(c->custom_error_responses[1].response_code, absl::nullopt);
  EXPECT_EQ(c->custom_error_responses[1].response_page_path, "");
}

// ---------------------------------------------------------------------------------------------
// Wrapper shapes.

struct ShapeCase {
  std::string name;
  std::function<Json(Json config)> wrap;
  std::string want_id;
  std::string want_domain;
};

const Distribution kDefaults;

const ShapeCase kShapeCases[] = {
    {"BareCreateDistributionInput", [](Json c) { return c; }, kDefaults.id, kDefaults.domain_name},
    {"DistributionConfigWrapper",
     [](Json c) {
       return Json{{"DistributionConfig", c}};
     },
     kDefaults.id, kDefaults.domain_name},
    {"GetDistributionConfigOutput",
     [](Json c) {
       return Json{{"ETag", "E3UN6WX5RRO2AG"}, {"DistributionConfig", c}};
     },
     kDefaults.id, kDefaults.domain_name},
    {"GetDistributionOutput",
     [](Json c) {
       return Json{{"ETag", "E3UN6WX5RRO2AG"},
                   {"Distribution",
                    {{"Id", "EDFDVBD6EXAMPLE"},
                     {"ARN", "arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE"},
                     {"Status", "Deployed"},
                     {"DomainName", "d2oxqriwljiwb9.cloudfront.net"},
                     {"DistributionConfig", c}}}};
     },
     "EDFDVBD6EXAMPLE", "d2oxqriwljiwb9.cloudfront.net"},
};

class ShapeTest : public testing::TestWithParam<ShapeCase> {};

TEST_P(ShapeTest, LoadsTheSameConfig) {
  const std::string bare = ReadTestdata("dist-config-s3.json");
  absl::StatusOr<DistributionConfig> want = LoadDistributionConfigJson(bare);
  ASSERT_TRUE(want.ok()) << want.status();
  absl::StatusOr<Distribution> got =
      LoadDistributionJson(GetParam().wrap(Json::parse(bare)).dump());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(got->config == *want) << DistributionConfigToJson(got->config);
  EXPECT_EQ(got->id, GetParam().want_id);
  EXPECT_EQ(got->domain_name, GetParam().want_domain);
}

// Custom policies ride beside the config in every shape (bare: at its top level).
TEST_P(ShapeTest, CustomPoliciesBesideTheConfig) {
  Json config = MinimalJson();
  config["DefaultCacheBehavior"].erase("ForwardedValues");
  config["DefaultCacheBehavior"]["CachePolicyId"] = "custom-1";
  Json doc = GetParam().wrap(config);
  doc["CachePolicies"] = Json::array({CustomPolicyJson("custom-1", 0, 60, 600)});
  absl::StatusOr<Distribution> got = LoadDistributionJson(doc.dump());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->config.default_behavior.cache_policy, CustomPolicy("custom-1", 0, 60, 600));
}

INSTANTIATE_TEST_SUITE_P(CliShapes, ShapeTest, testing::ValuesIn(kShapeCases),
                         [](const testing::TestParamInfo<ShapeCase>& info) {
                           return info.param.name;
                         });

TEST(LoadDistributionJson, GetCachePolicyItemShapeInCachePolicies) {
  Json config = MinimalJson();
  config["DefaultCacheBehavior"].erase("ForwardedValues");
  config["DefaultCacheBehavior"]["CachePolicyId"] = "custom-2";
  Json item = CustomPolicyJson("custom-2", 1, 2, 3);
  item["LastModifiedTime"] = "2024-01-10T09:34:12Z";
  Json doc = {{"DistributionConfig", config},
              {"CachePolicies", Json::array({Json{{"CachePolicy", item}}})}};
  absl::StatusOr<DistributionConfig> got = LoadDistributionConfigJson(doc.dump());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->default_behavior.cache_policy, CustomPolicy("custom-2", 1, 2, 3));
}

TEST(LoadDistributionJson, CustomPoliciesFromCallerAndFileWinsOnSharedId) {
  Json config = BaseJson();
  config["DefaultCacheBehavior"].erase("ForwardedValues");
  config["DefaultCacheBehavior"]["CachePolicyId"] = "from-caller";
  config["CacheBehaviors"]["Items"][0].erase("ForwardedValues");
  config["CacheBehaviors"]["Items"][0]["CachePolicyId"] = "shared";
  Json doc = {{"DistributionConfig", config},
              {"CachePolicies", Json::array({CustomPolicyJson("shared", 5, 5, 5)})}};
  CustomCachePolicies caller = {{"from-caller", CustomPolicy("from-caller", 1, 1, 1)},
                                {"shared", CustomPolicy("shared", 9, 9, 9)}};
  absl::StatusOr<DistributionConfig> got = LoadDistributionConfigJson(doc.dump(), &caller);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->default_behavior.cache_policy, caller["from-caller"]);
  EXPECT_EQ(got->behaviors[0].cache_policy, CustomPolicy("shared", 5, 5, 5));
}

// DESIGN 1 lets a hand-written config name a managed policy instead of its ID.
TEST(LoadDistributionJson, CachePolicyIdMayBeAManagedName) {
  for (const char* name : {"Managed-CachingOptimized", "CachingOptimized"}) {
    Json config = MinimalJson();
    config["DefaultCacheBehavior"].erase("ForwardedValues");
    config["DefaultCacheBehavior"]["CachePolicyId"] = name;
    absl::StatusOr<DistributionConfig> got = LoadDistributionConfigJson(config.dump());
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(got->default_behavior.cache_policy_id, name);
    EXPECT_EQ(got->default_behavior.cache_policy.id, kCachingOptimizedId);
  }
}

TEST(LoadDistributionJson, EmptyCachePolicyIdBesideForwardedValuesIsLegacy) {
  Json config = MinimalJson();
  config["DefaultCacheBehavior"]["CachePolicyId"] = "";
  absl::StatusOr<DistributionConfig> got = LoadDistributionConfigJson(config.dump());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(got->default_behavior.cache_policy.legacy);
  EXPECT_EQ(got->default_behavior.cache_policy_id, "");
}

TEST(LoadDistributionJson, UnknownFieldsAreIgnoredEverywhere) {
  Json plain = BaseJson();
  Json noisy = plain;
  noisy["SomeFutureField"] = {{"Nested", Json::array({1, 2})}};
  noisy["Origins"]["Items"][0]["VpcOriginConfig"] = {{"VpcOriginId", "vo_1"}};
  noisy["Origins"]["Items"][0]["CustomOriginConfig"]["IpAddressType"] = "dualstack";
  noisy["DefaultCacheBehavior"]["GrpcConfig"] = {{"Enabled", false}};
  noisy["DefaultCacheBehavior"]["ForwardedValues"]["Extra"] = true;
  noisy["CacheBehaviors"]["Items"][0]["ResponseHeadersPolicyId"] = "67f7725c";
  noisy["CacheBehaviors"]["Extra"] = "x";
  Json wrapped = {{"ETag", "E1"}, {"Unknown", 1}, {"DistributionConfig", noisy}};
  absl::StatusOr<DistributionConfig> want = LoadDistributionConfigJson(plain.dump());
  absl::StatusOr<DistributionConfig> got = LoadDistributionConfigJson(wrapped.dump());
  ASSERT_TRUE(want.ok()) << want.status();
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(*got == *want);
}

// ---------------------------------------------------------------------------------------------
// S3 origins: S3OriginConfig or an S3 domain (website endpoints too).

struct S3Case {
  std::string name;
  std::string domain;
  bool s3_origin_config;
  OriginKind want;
};

const S3Case kS3Cases[] = {
    {"GlobalRest", "bucket.s3.amazonaws.com", false, OriginKind::kS3},
    {"RegionalRest", "my.dotted.bucket.s3.eu-west-1.amazonaws.com", false, OriginKind::kS3},
    {"WebsiteDash", "bucket.s3-website-us-east-1.amazonaws.com", false, OriginKind::kS3},
    {"WebsiteDot", "bucket.s3-website.eu-central-1.amazonaws.com", false, OriginKind::kS3},
    {"UpperCase", "Bucket.S3.AmazonAWS.com", false, OriginKind::kS3},
    {"S3OriginConfigAnyName", "minio.internal", true, OriginKind::kS3},
    {"PlainHost", "origin.example.com", false, OriginKind::kCustom},
    {"NoBucket", "s3.amazonaws.com", false, OriginKind::kCustom},
    {"NotAmazon", "bucket.s3.example.com", false, OriginKind::kCustom},
    {"SuffixTrick", "bucket.s3.amazonaws.com.evil.example", false, OriginKind::kCustom},
    {"OtherAwsService", "api.execute-api.us-east-1.amazonaws.com", false, OriginKind::kCustom},
};

class S3OriginTest : public testing::TestWithParam<S3Case> {};

TEST_P(S3OriginTest, Kind) {
  Json config = MinimalJson();
  Json& origin = config["Origins"]["Items"][0];
  origin["DomainName"] = GetParam().domain;
  if (GetParam().s3_origin_config) {
    origin.erase("CustomOriginConfig");
    origin["S3OriginConfig"] = {{"OriginAccessIdentity", ""}};
  }
  absl::StatusOr<DistributionConfig> c = LoadDistributionConfigJson(config.dump());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->origins[0].kind, GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(Origins, S3OriginTest, testing::ValuesIn(kS3Cases),
                         [](const testing::TestParamInfo<S3Case>& info) {
                           return info.param.name;
                         });

// ---------------------------------------------------------------------------------------------
// Validation: each problem with its location.

struct ProblemCase {
  std::string name;
  std::function<void(Json&)> mutate;  // applied to BaseJson()
  std::string location;
  std::string fragment;
};

Json& Default(Json& j) { return j["DefaultCacheBehavior"]; }
Json& Ordered(Json& j) { return j["CacheBehaviors"]["Items"][0]; }
Json& FirstOrigin(Json& j) { return j["Origins"]["Items"][0]; }

void UsePolicy(Json& behavior, const std::string& id) {
  behavior.erase("ForwardedValues");
  behavior.erase("MinTTL");
  behavior["CachePolicyId"] = id;
}

void SetErrorResponse(Json& j, Json response) {
  j["CustomErrorResponses"] = List(Json::array({std::move(response)}));
}

const std::string kRoot = "DistributionConfig";
const std::string kDefault = kRoot + ".DefaultCacheBehavior";
const std::string kItem0 = kRoot + ".CacheBehaviors.Items[0]";
const std::string kOrigin0 = kRoot + ".Origins.Items[0]";
const std::string kError0 = kRoot + ".CustomErrorResponses.Items[0]";

const ProblemCase kProblemCases[] = {
    // SPEC 1.1 rule 12.
    {"TargetOriginIdNamesNoOrigin", [](Json& j) { Ordered(j)["TargetOriginId"] = "nope"; },
     kItem0 + ".TargetOriginId", "\"nope\" names no origin"},
    {"TargetOriginIdMissing", [](Json& j) { Default(j).erase("TargetOriginId"); },
     kDefault + ".TargetOriginId", "required field is missing"},
    // SPEC 2.2 / 3.1 TTL order.
    {"LegacyDefaultTtlBelowMinTtl",
     [](Json& j) {
       Ordered(j)["MinTTL"] = 100;
       Ordered(j)["DefaultTTL"] = 50;
     },
     kItem0 + ".DefaultTTL", "InvalidTTLOrder: DefaultTTL (50) is less than MinTTL (100)"},
    {"LegacyMaxTtlBelowDefaultTtl",
     [](Json& j) {
       Default(j)["DefaultTTL"] = 100;
       Default(j)["MaxTTL"] = 10;
     },
     kDefault + ".MaxTTL", "InvalidTTLOrder: MaxTTL (10) is less than DefaultTTL (100)"},
    {"LegacyNegativeMinTtl", [](Json& j) { Default(j)["MinTTL"] = -1; }, kDefault + ".MinTTL",
     "must not be negative"},
    {"CustomPolicyTtlOrder",
     [](Json& j) {
       j["CachePolicies"] = Json::array({CustomPolicyJson("bad", 10, 5, 600)});
       UsePolicy(Default(j), "bad");
     },
     kDefault + ".CachePolicyId", "InvalidTTLOrder"},
    // SPEC 2.2: a behavior's cache key source.
    {"UnknownCachePolicyId", [](Json& j) { UsePolicy(Ordered(j), "no-such-policy"); },
     kItem0 + ".CachePolicyId", "NoSuchCachePolicy: \"no-such-policy\""},
    {"CachePolicyIdAndForwardedValues",
     [](Json& j) { Ordered(j)["CachePolicyId"] = kCachingOptimizedId; },
     kItem0 + ".ForwardedValues", "not both"},
    {"NeitherCachePolicyIdNorForwardedValues", [](Json& j) { Ordered(j).erase("ForwardedValues"); },
     kItem0, "needs a CachePolicyId"},
    // SPEC 2.5: Headers "*".
    {"ForwardAllHeadersNeedsMinTtlZero",
     [](Json& j) {
       Default(j)["ForwardedValues"]["Headers"] = List(Json::array({"*"}));
       Default(j)["MinTTL"] = 5;
     },
     kDefault + ".MinTTL", "requires MinTTL 0"},
    {"LegacyCookiesAllExceptNotAllowed",
     [](Json& j) { Default(j)["ForwardedValues"]["Cookies"]["Forward"] = "allExcept"; },
     kDefault + ".ForwardedValues.Cookies.Forward", "is not one of none, whitelist, all"},
    // SPEC 1.1 rule 11.
    {"SeventySixBehaviors",
     [](Json& j) {
       Json items = Json::array();
       for (int i = 0; i < 76; ++i) items.push_back(LegacyBehavior(absl::StrCat("/p", i, "/*")));
       j["CacheBehaviors"] = List(items);
     },
     kRoot + ".CacheBehaviors.Quantity", "TooManyCacheBehaviors: 76"},
    // InconsistentQuantities, at any depth.
    {"OriginsQuantityDisagrees", [](Json& j) { j["Origins"]["Quantity"] = 2; },
     kRoot + ".Origins.Quantity", "InconsistentQuantities: Quantity is 2 but Items has 1"},
    {"NestedQuantityDisagrees",
     [](Json& j) {
       Ordered(j)["ForwardedValues"]["Headers"] = {{"Quantity", 0},
                                                   {"Items", Json::array({"Origin"})}};
     },
     kItem0 + ".ForwardedValues.Headers.Quantity", "InconsistentQuantities"},
    {"QuantityMissing", [](Json& j) { j["Origins"].erase("Quantity"); },
     kRoot + ".Origins.Quantity", "required field is missing"},
    {"DuplicateOriginId",
     [](Json& j) {
       j["Origins"]["Items"].push_back(FirstOrigin(j));
       j["Origins"]["Quantity"] = 2;
     },
     kRoot + ".Origins.Items[1].Id", "duplicate origin Id \"origin-1\" (also Items[0])"},
    {"OriginsMissing", [](Json& j) { j.erase("Origins"); }, kRoot + ".Origins",
     "required field is missing"},
    // SPEC 7.4.
    {"ErrorCodeOutsideSet",
     [](Json& j) {
       SetErrorResponse(j, {{"ErrorCode", 401}});
     },
     kError0 + ".ErrorCode", "401 cannot have a custom error response"},
    {"ResponseCodeOutsideSet",
     [](Json& j) {
       SetErrorResponse(
           j, {{"ErrorCode", 404}, {"ResponsePagePath", "/e.html"}, {"ResponseCode", "201"}});
     },
     kError0 + ".ResponseCode", "201 is not an allowed response code"},
    {"ResponseCodeNotANumber",
     [](Json& j) {
       SetErrorResponse(
           j, {{"ErrorCode", 404}, {"ResponsePagePath", "/e.html"}, {"ResponseCode", "OK"}});
     },
     kError0 + ".ResponseCode", "\"OK\" is not an HTTP status code"},
    {"ResponsePagePathWithoutSlash",
     [](Json& j) {
       SetErrorResponse(
           j, {{"ErrorCode", 404}, {"ResponsePagePath", "index.html"}, {"ResponseCode", 200}});
     },
     kError0 + ".ResponsePagePath", "must start with /"},
    {"ResponsePagePathWithoutResponseCode",
     [](Json& j) {
       SetErrorResponse(j, {{"ErrorCode", 404}, {"ResponsePagePath", "/e.html"}});
     },
     kError0 + ".ResponseCode", "set together"},
    {"NegativeErrorCachingMinTtl",
     [](Json& j) {
       SetErrorResponse(j, {{"ErrorCode", 500}, {"ErrorCachingMinTTL", -5}});
     },
     kError0 + ".ErrorCachingMinTTL", "must not be negative"},
    {"DuplicateErrorCode",
     [](Json& j) {
       j["CustomErrorResponses"] = List(Json::array({{{"ErrorCode", 500}}, {{"ErrorCode", 500}}}));
     },
     kRoot + ".CustomErrorResponses.Items[1].ErrorCode", "duplicate ErrorCode 500"},
    // SPEC 7.3 ranges.
    {"ConnectionAttemptsAboveThree", [](Json& j) { FirstOrigin(j)["ConnectionAttempts"] = 4; },
     kOrigin0 + ".ConnectionAttempts", "4 is outside the allowed range 1-3"},
    {"ConnectionAttemptsZero", [](Json& j) { FirstOrigin(j)["ConnectionAttempts"] = 0; },
     kOrigin0 + ".ConnectionAttempts", "1-3"},
    {"ConnectionTimeoutAboveTen", [](Json& j) { FirstOrigin(j)["ConnectionTimeout"] = 11; },
     kOrigin0 + ".ConnectionTimeout", "1-10"},
    {"OriginReadTimeoutAbove120",
     [](Json& j) { FirstOrigin(j)["CustomOriginConfig"]["OriginReadTimeout"] = 121; },
     kOrigin0 + ".CustomOriginConfig.OriginReadTimeout", "1-120"},
    {"S3OriginReadTimeoutZero",
     [](Json& j) {
       FirstOrigin(j).erase("CustomOriginConfig");
       FirstOrigin(j)["S3OriginConfig"] = {{"OriginAccessIdentity", ""}, {"OriginReadTimeout", 0}};
     },
     kOrigin0 + ".S3OriginConfig.OriginReadTimeout", "1-120"},
    {"OriginKeepaliveTimeoutZero",
     [](Json& j) { FirstOrigin(j)["CustomOriginConfig"]["OriginKeepaliveTimeout"] = 0; },
     kOrigin0 + ".CustomOriginConfig.OriginKeepaliveTimeout", "1-120"},
    {"OriginProtocolPolicyUnknown",
     [](Json& j) { FirstOrigin(j)["CustomOriginConfig"]["OriginProtocolPolicy"] = "ftp"; },
     kOrigin0 + ".CustomOriginConfig.OriginProtocolPolicy", "\"ftp\" is not one of"},
    {"OriginShieldWithoutRegion",
     [](Json& j) {
       FirstOrigin(j)["OriginShield"] = {{"Enabled", true}};
     },
     kOrigin0 + ".OriginShield.OriginShieldRegion", "required field is missing"},
    // Enumerations and SPEC 4.1 method sets.
    {"ViewerProtocolPolicyUnknown",
     [](Json& j) { Default(j)["ViewerProtocolPolicy"] = "http-only"; },
     kDefault + ".ViewerProtocolPolicy", "\"http-only\" is not one of"},
    {"AllowedMethodsNotACloudFrontSet",
     [](Json& j) {
       Default(j)["AllowedMethods"] = List(Json::array({"GET", "POST"}));
     },
     kDefault + ".AllowedMethods.Items", "[GET, POST] is not one of"},
    {"CachedMethodsOutsideAllowed",
     [](Json& j) {
       Json allowed = List(Json::array({"GET", "HEAD"}));
       allowed["CachedMethods"] = List(Json::array({"GET", "HEAD", "OPTIONS"}));
       Default(j)["AllowedMethods"] = allowed;
     },
     kDefault + ".AllowedMethods.CachedMethods.Items", "within AllowedMethods"},
    // Types.
    {"EnabledNotABool", [](Json& j) { j["Enabled"] = "yes"; }, kRoot + ".Enabled",
     "expected true or false, got string"},
    {"MinTtlNotAnInteger", [](Json& j) { Default(j)["MinTTL"] = 1.5; }, kDefault + ".MinTTL",
     "expected an integer, got number"},
    {"ItemsNotAnArray",
     [](Json& j) {
       j["Aliases"] = {{"Quantity", 1}, {"Items", "a.com"}};
     },
     kRoot + ".Aliases.Items", "expected an array, got string"},
    {"CustomPolicyHeaderBehaviorAll",
     [](Json& j) {
       Json p = CustomPolicyJson("p", 0, 0, 0);
       p["CachePolicyConfig"]["ParametersInCacheKeyAndForwardedToOrigin"]["HeadersConfig"] = {
           {"HeaderBehavior", "all"}};
       j["CachePolicies"] = Json::array({p});
     },
     "CachePolicies[0].CachePolicyConfig.ParametersInCacheKeyAndForwardedToOrigin.HeadersConfig."
     "HeaderBehavior",
     "\"all\" is not one of none, whitelist"},
};

class ProblemTest : public testing::TestWithParam<ProblemCase> {};

TEST_P(ProblemTest, ReportedWithLocation) {
  Json j = BaseJson();
  GetParam().mutate(j);
  absl::StatusOr<DistributionConfig> c = LoadDistributionConfigJson(j.dump());
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(ProblemLines(c.status()), HasProblem(GetParam().location, GetParam().fragment))
      << c.status().message();
}

INSTANTIATE_TEST_SUITE_P(Validation, ProblemTest, testing::ValuesIn(kProblemCases),
                         [](const testing::TestParamInfo<ProblemCase>& info) {
                           return info.param.name;
                         });

TEST(Validation, BaseConfigAndSeventyFiveBehaviorsAreValid) {
  Json j = BaseJson();
  ASSERT_TRUE(LoadDistributionConfigJson(j.dump()).ok());
  Json items = Json::array();
  for (int i = 0; i < 75; ++i) items.push_back(LegacyBehavior(absl::StrCat("/p", i, "/*")));
  j["CacheBehaviors"] = List(items);
  absl::StatusOr<DistributionConfig> c = LoadDistributionConfigJson(j.dump());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->behaviors.size(), 75u);
}

TEST(Validation, EveryProblemAtOnce) {
  Json j = BaseJson();
  Ordered(j)["TargetOriginId"] = "nope";
  Default(j)["MinTTL"] = 90000;
  Default(j)["DefaultTTL"] = 60;
  j["Origins"]["Items"].push_back(FirstOrigin(j));
  j["Origins"]["Quantity"] = 2;
  SetErrorResponse(j, {{"ErrorCode", 418}});
  FirstOrigin(j)["ConnectionAttempts"] = 9;
  absl::StatusOr<DistributionConfig> c = LoadDistributionConfigJson(j.dump());
  ASSERT_FALSE(c.ok());
  std::vector<std::string> lines = ProblemLines(c.status());
  EXPECT_THAT(lines, HasProblem(kItem0 + ".TargetOriginId", "names no origin"));
  EXPECT_THAT(lines, HasProblem(kDefault + ".DefaultTTL", "InvalidTTLOrder"));
  EXPECT_THAT(lines, HasProblem(kRoot + ".Origins.Items[1].Id", "duplicate"));
  EXPECT_THAT(lines, HasProblem(kError0 + ".ErrorCode", "418"));
  EXPECT_THAT(lines, HasProblem(kOrigin0 + ".ConnectionAttempts", "1-3"));
  EXPECT_EQ(lines.size(), 5u) << c.status().message();
}

// A field already reported while loading is not reported again by validation.
TEST(Validation, MissingFieldIsNotAlsoReportedAsInvalid) {
  Json j = BaseJson();
  Default(j).erase("TargetOriginId");
  absl::StatusOr<DistributionConfig> c = LoadDistributionConfigJson(j.dump());
  std::vector<std::string> lines = ProblemLines(c.status());
  EXPECT_THAT(lines, HasProblem(kDefault + ".TargetOriginId", "required"));
  EXPECT_THAT(lines, Not(Contains(HasSubstr("names no origin"))));
  EXPECT_EQ(lines.size(), 1u) << c.status().message();
}

TEST(Validation, LocationsFollowTheGetDistributionWrapper) {
  Json config = BaseJson();
  Ordered(config)["TargetOriginId"] = "nope";
  Ordered(config)["ForwardedValues"]["QueryString"] = "yes";
  Json doc = {{"Distribution", {{"Id", "E1"}, {"DistributionConfig", config}}}};
  absl::StatusOr<Distribution> d = LoadDistributionJson(doc.dump());
  std::vector<std::string> lines = ProblemLines(d.status());
  const std::string item = "Distribution.DistributionConfig.CacheBehaviors.Items[0]";
  EXPECT_THAT(lines, HasProblem(item + ".TargetOriginId", "names no origin"));
  EXPECT_THAT(lines, HasProblem(item + ".ForwardedValues.QueryString", "expected true or false"));
}

TEST(Validation, WrapperWithoutConfigOrNonObjectRoot) {
  EXPECT_THAT(
      ProblemLines(LoadDistributionJson(R"({"ETag": "E1", "DistributionConfig": null})").status()),
      HasProblem("DistributionConfig", "required field is missing"));
  EXPECT_THAT(ProblemLines(LoadDistributionJson(R"({"Distribution": {"Id": "E1"}})").status()),
              HasProblem("Distribution.DistributionConfig", "required field is missing"));
  EXPECT_THAT(ProblemLines(LoadDistributionJson("[1, 2]").status()),
              HasProblem("DistributionConfig", "expected an object, got array"));
}

TEST(Validation, MalformedJsonGivesParserPosition) {
  absl::StatusOr<DistributionConfig> c =
      LoadDistributionConfigJson("{\n  \"Comment\": \"x\",\n  \"Enabled\": tru }");
  std::vector<std::string> lines = ProblemLines(c.status());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], StartsWith("JSON: parse error at line 3, column"));
  EXPECT_THAT(lines[0], HasSubstr("(byte "));
  EXPECT_THAT(ProblemLines(LoadDistributionConfigJson("").status())[0], StartsWith("JSON: "));
}

TEST(ValidateDistributionConfig, DefaultConstructedConfigNeedsOriginAndPolicy) {
  std::vector<ConfigProblem> problems = ValidateDistributionConfig(DistributionConfig());
  EXPECT_THAT(problems, Contains(ConfigProblem{"DistributionConfig.Origins",
                                               "at least one origin is required"}));
  EXPECT_THAT(problems, Contains(ConfigProblem{"DistributionConfig.DefaultCacheBehavior",
                                               "needs a CachePolicyId or legacy ForwardedValues"}));
}

TEST(ConfigProblem, PrintsLocationColonMessage) {
  std::ostringstream os;
  os << ConfigProblem{"a.b", "bad"};
  EXPECT_EQ(os.str(), "a.b: bad");
}

// ---------------------------------------------------------------------------------------------
// Round trip: load(save(x)) == x.

DistributionConfig RichConfig(const CachePolicy& custom) {
  DistributionConfig c;
  c.caller_reference = "ref-rich";
  c.comment = "every field edgesim keeps";
  c.enabled = false;
  c.default_root_object = "index.html";
  c.aliases = {"www.example.com", "example.com"};
  c.price_class = "PriceClass_200";

  Origin web;
  web.id = "web";
  web.domain_name = "origin.example.com";
  web.origin_path = "/v1";
  web.http_port = 8080;
  web.https_port = 8443;
  web.protocol_policy = "https-only";
  web.connection_attempts = 2;
  web.connection_timeout = absl::Seconds(4);
  web.read_timeout = absl::Seconds(90);
  web.keepalive_timeout = absl::Seconds(20);
  web.custom_headers = {{"X-Secret", "s3cr3t"}, {"X-Env", "prod"}};
  web.origin_shield_region = "us-east-1";
  Origin bucket;  // S3 REST: written as S3OriginConfig
  bucket.id = "bucket";
  bucket.domain_name = "assets.s3.eu-west-1.amazonaws.com";
  bucket.kind = OriginKind::kS3;
  bucket.read_timeout = absl::Seconds(45);
  Origin website;  // S3 website endpoint: a custom origin in CloudFront
  website.id = "website";
  website.domain_name = "site.s3-website-us-east-1.amazonaws.com";
  website.kind = OriginKind::kS3;
  Origin rest_as_custom;  // S3 REST name with custom transport settings
  rest_as_custom.id = "rest-custom";
  rest_as_custom.domain_name = "b.s3.amazonaws.com";
  rest_as_custom.kind = OriginKind::kS3;
  rest_as_custom.protocol_policy = "match-viewer";
  Origin minio;  // S3OriginConfig on a non-AWS name
  minio.id = "minio";
  minio.domain_name = "minio.internal";
  minio.kind = OriginKind::kS3;
  c.origins = {web, bucket, website, rest_as_custom, minio};

  CacheBehavior legacy;
  legacy.path_pattern = "/api/*";
  legacy.target_origin_id = "web";
  legacy.viewer_protocol_policy = "https-only";
  legacy.allowed_methods = {"GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"};
  legacy.cached_methods = {"GET", "HEAD", "OPTIONS"};
  legacy.cache_policy = CachePolicyFromForwardedValues(
      {true, {"v", "lang"}, KeyListBehavior::kWhitelist, {"session", "userid_*"}, {"Origin"}}, 0,
      60, 3600);
  CacheBehavior managed;
  managed.path_pattern = "/static/*";
  managed.target_origin_id = "bucket";
  managed.compress = true;
  managed.cache_policy_id = "Managed-CachingOptimized";
  managed.cache_policy = *FindManagedCachePolicy("Managed-CachingOptimized");
  CacheBehavior with_custom;
  with_custom.path_pattern = "/site/*";
  with_custom.target_origin_id = "website";
  with_custom.cache_policy_id = custom.id;
  with_custom.cache_policy = custom;
  with_custom.origin_request_policy_id = "orp-1";
  CacheBehavior forward_all;
  forward_all.path_pattern = "/live/*";
  forward_all.target_origin_id = "minio";
  forward_all.cache_policy = CachePolicyFromForwardedValues(
      {false, {}, KeyListBehavior::kAll, {}, {"*"}}, absl::nullopt, absl::nullopt, absl::nullopt);
  CacheBehavior query_all;
  query_all.path_pattern = "/q?/*";
  query_all.target_origin_id = "rest-custom";
  query_all.cache_policy = CachePolicyFromForwardedValues(
      {true, {}, KeyListBehavior::kNone, {}, {}}, 100000, absl::nullopt, absl::nullopt);
  c.behaviors = {legacy, managed, with_custom, forward_all, query_all};

  c.default_behavior.target_origin_id = "web";
  c.default_behavior.viewer_protocol_policy = "redirect-to-https";
  c.default_behavior.cache_policy_id = kCachingDisabledId;
  c.default_behavior.cache_policy = *FindManagedCachePolicy(kCachingDisabledId);

  CustomErrorResponse spa{403, absl::Seconds(0), "/index.html", 200};
  CustomErrorResponse ttl_only{503, absl::Seconds(30), "", absl::nullopt};
  CustomErrorResponse no_ttl{404, absl::nullopt, "/404.html", 404};
  c.custom_error_responses = {spa, ttl_only, no_ttl};
  return c;
}

TEST(RoundTrip, RichHandBuiltConfig) {
  const CachePolicy custom = CustomPolicy("custom-1", 0, 60, 600);
  const CustomCachePolicies policies = {{custom.id, custom}};
  const DistributionConfig want = RichConfig(custom);
  ASSERT_THAT(ValidateDistributionConfig(want), testing::IsEmpty());
  const std::string saved = DistributionConfigToJson(want);
  absl::StatusOr<DistributionConfig> got = LoadDistributionConfigJson(saved, &policies);
  ASSERT_TRUE(got.ok()) << got.status() << "\n" << saved;
  EXPECT_EQ(DistributionConfigToJson(*got), saved);
  EXPECT_TRUE(*got == want) << saved;
}

TEST(RoundTrip, SavedJsonHasCloudFrontShape) {
  const CachePolicy custom = CustomPolicy("custom-1", 0, 60, 600);
  Json saved = Json::parse(DistributionConfigToJson(RichConfig(custom)));
  EXPECT_EQ(saved["Origins"]["Quantity"], 5);
  EXPECT_TRUE(saved["Origins"]["Items"][1].contains("S3OriginConfig"));
  EXPECT_TRUE(saved["Origins"]["Items"][2].contains("CustomOriginConfig"));  // website endpoint
  EXPECT_TRUE(saved["Origins"]["Items"][3].contains("CustomOriginConfig"));  // custom transport
  EXPECT_TRUE(saved["Origins"]["Items"][4].contains("S3OriginConfig"));
  EXPECT_FALSE(saved["DefaultCacheBehavior"].contains("PathPattern"));
  EXPECT_FALSE(saved["DefaultCacheBehavior"].contains("ForwardedValues"));
  const Json& legacy = saved["CacheBehaviors"]["Items"][0];
  EXPECT_EQ(legacy["ForwardedValues"]["QueryStringCacheKeys"]["Items"], Json::array({"v", "lang"}));
  EXPECT_EQ(legacy["ForwardedValues"]["Cookies"]["Forward"], "whitelist");
  EXPECT_EQ(legacy["DefaultTTL"], 60);
  EXPECT_EQ(saved["CacheBehaviors"]["Items"][3]["ForwardedValues"]["Headers"]["Items"],
            Json::array({"*"}));
  EXPECT_EQ(saved["CustomErrorResponses"]["Items"][0]["ResponseCode"], "200");  // a string
  EXPECT_EQ(saved["CustomErrorResponses"]["Items"][1]["ResponseCode"], "");
  EXPECT_EQ(saved["Aliases"]["Quantity"], 2);
}

class SampleRoundTripTest : public testing::TestWithParam<std::string> {};

TEST_P(SampleRoundTripTest, LoadSaveLoad) {
  absl::StatusOr<DistributionConfig> first = LoadDistributionConfigJson(ReadTestdata(GetParam()));
  ASSERT_TRUE(first.ok()) << first.status();
  const std::string saved = DistributionConfigToJson(*first);
  absl::StatusOr<DistributionConfig> second = LoadDistributionConfigJson(saved);
  ASSERT_TRUE(second.ok()) << second.status() << "\n" << saved;
  EXPECT_TRUE(*second == *first) << saved;
  EXPECT_EQ(DistributionConfigToJson(*second), saved);
}

INSTANTIATE_TEST_SUITE_P(Samples, SampleRoundTripTest,
                         testing::Values("dist-config-minimal.json", "dist-config-s3.json",
                                         "get-distribution-config-full.json"),
                         [](const testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param.substr(0, info.param.find('.'));
                           for (char& ch : name) {
                             if (ch == '-') ch = '_';
                           }
                           return name;
                         });

// ---------------------------------------------------------------------------------------------
// CachePolicyConfig.

TEST(LoadCachePolicyConfigJson, SampleFile) {
  absl::StatusOr<CachePolicy> p =
      LoadCachePolicyConfigJson(ReadTestdata("cache-policy-config.json"));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->id, "");
  EXPECT_EQ(p->name, "cf-emu-sample-cache-policy");
  EXPECT_EQ(p->comment, "sample custom cache policy");
  EXPECT_EQ(p->min_ttl, absl::Seconds(1));
  EXPECT_EQ(p->default_ttl, absl::Seconds(86400));
  EXPECT_EQ(p->max_ttl, absl::Seconds(31536000));
  EXPECT_TRUE(p->enable_accept_encoding_gzip);
  EXPECT_TRUE(p->enable_accept_encoding_brotli);
  EXPECT_EQ(p->headers, KeyList{});
  EXPECT_EQ(p->cookies, KeyList{});
  EXPECT_EQ(p->query_strings, (KeyList{KeyListBehavior::kWhitelist, {"v"}}));
  EXPECT_FALSE(p->legacy);
}

TEST(LoadCachePolicyConfigJson, WrapperShapes) {
  const Json config = Json::parse(ReadTestdata("cache-policy-config.json"));
  absl::StatusOr<CachePolicy> bare = LoadCachePolicyConfigJson(config.dump());
  ASSERT_TRUE(bare.ok()) << bare.status();
  absl::StatusOr<CachePolicy> get_config =
      LoadCachePolicyConfigJson(Json{{"ETag", "E1"}, {"CachePolicyConfig", config}}.dump());
  ASSERT_TRUE(get_config.ok()) << get_config.status();
  EXPECT_EQ(*get_config, *bare);
  absl::StatusOr<CachePolicy> get_policy = LoadCachePolicyConfigJson(Json{
      {"ETag", "E1"},
      {"CachePolicy",
       {{"Id", "abc-123"},
        {"LastModifiedTime", "2024-01-01T00:00:00Z"},
        {"CachePolicyConfig", config}}}}.dump());
  ASSERT_TRUE(get_policy.ok()) << get_policy.status();
  EXPECT_EQ(get_policy->id, "abc-123");
  CachePolicy without_id = *get_policy;
  without_id.id = "";
  EXPECT_EQ(without_id, *bare);
}

TEST(LoadCachePolicyConfigJson, AbsentTtlsTakeSpecDefaults) {
  absl::StatusOr<CachePolicy> p = LoadCachePolicyConfigJson(R"({"Name": "n", "MinTTL": 100000})");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->default_ttl, absl::Seconds(100000));
  EXPECT_EQ(p->max_ttl, absl::Seconds(31536000));
  EXPECT_EQ(p->headers, KeyList{});
}

TEST(LoadCachePolicyConfigJson, Problems) {
  std::vector<std::string> lines = ProblemLines(
      LoadCachePolicyConfigJson(
          R"({"CachePolicy": {"Id": "x", "CachePolicyConfig": {"MinTTL": 10, "DefaultTTL": 5,
              "ParametersInCacheKeyAndForwardedToOrigin": {
                "HeadersConfig": {"HeaderBehavior": "allExcept"},
                "QueryStringsConfig": {"QueryStringBehavior": "whitelist",
                                       "QueryStrings": {"Quantity": 2, "Items": ["a"]}}}}}})")
          .status());
  const std::string root = "CachePolicy.CachePolicyConfig";
  EXPECT_THAT(lines, HasProblem(root + ".Name", "required field is missing"));
  EXPECT_THAT(lines, HasProblem(root + ".DefaultTTL", "InvalidTTLOrder"));
  EXPECT_THAT(lines, HasProblem(root + ".ParametersInCacheKeyAndForwardedToOrigin.HeadersConfig."
                                       "HeaderBehavior",
                                "\"allExcept\" is not one of none, whitelist"));
  EXPECT_THAT(lines, HasProblem(root + ".ParametersInCacheKeyAndForwardedToOrigin."
                                       "QueryStringsConfig.QueryStrings.Quantity",
                                "InconsistentQuantities"));
  EXPECT_EQ(lines.size(), 4u) << absl::StrJoin(lines, "\n");
  EXPECT_THAT(ProblemLines(LoadCachePolicyConfigJson(R"({"Name": "n"})").status()),
              HasProblem("CachePolicyConfig.MinTTL", "required field is missing"));
  EXPECT_THAT(ProblemLines(LoadCachePolicyConfigJson("{").status())[0], StartsWith("JSON: "));
}

TEST(CachePolicyConfigToJson, EveryManagedPolicyLoadsBack) {
  for (const CachePolicy& managed : ManagedCachePolicies()) {
    SCOPED_TRACE(managed.name);
    absl::StatusOr<CachePolicy> loaded =
        LoadCachePolicyConfigJson(CachePolicyConfigToJson(managed));
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    CachePolicy expected = managed;
    expected.id.clear();
    EXPECT_EQ(*loaded, expected);
  }
}

TEST(CachePolicyConfigToJson, WritesCloudFrontsShape) {
  CachePolicy p;
  p.name = "custom";
  p.min_ttl = absl::Seconds(1);
  p.query_strings = {KeyListBehavior::kAllExcept, {"utm_source"}};
  const nlohmann::json j = nlohmann::json::parse(CachePolicyConfigToJson(p));
  EXPECT_EQ(j["Name"], "custom");
  EXPECT_EQ(j["MinTTL"], 1);
  const nlohmann::json& params = j["ParametersInCacheKeyAndForwardedToOrigin"];
  EXPECT_EQ(params["HeadersConfig"], nlohmann::json({{"HeaderBehavior", "none"}}));
  EXPECT_EQ(params["QueryStringsConfig"]["QueryStringBehavior"], "allExcept");
  EXPECT_EQ(params["QueryStringsConfig"]["QueryStrings"]["Items"][0], "utm_source");
}

}  // namespace
}  // namespace edgesim::policy
