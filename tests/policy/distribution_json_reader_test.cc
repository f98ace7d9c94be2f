#include "policy/distribution_json_reader.h"

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/distribution_json_writer.h"
#include "policy/distribution_validator.h"
#include "tests/policy/distribution_json_samples.h"

namespace edgesim::policy {
namespace {

using testing::Not;

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

// SPEC 12.1: OriginGroups as CloudFront's JSON spells them; a behavior may target a group.
TEST(LoadDistributionConfigJson, OriginGroups) {
  Json j = WithOriginGroup(BaseJson(), Json::array({503, 404}));
  j["OriginGroups"]["Items"][0]["SelectionCriteria"] = "media-quality-based";
  absl::StatusOr<DistributionConfig> c = LoadDistributionConfigJson(j.dump());
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->origin_groups.size(), 1u);
  const OriginGroup& g = c->origin_groups[0];
  EXPECT_EQ(g.id, "group-1");
  EXPECT_THAT(g.failover_status_codes, testing::ElementsAre(503, 404));
  EXPECT_THAT(g.member_origin_ids, testing::ElementsAre("origin-1", "origin-2"));
  EXPECT_EQ(g.selection_criteria, "media-quality-based");
  EXPECT_EQ(c->FindOriginGroup("group-1"), &g);
  EXPECT_EQ(c->FindOriginGroup("origin-1"), nullptr);
  EXPECT_TRUE(
      LoadDistributionConfigJson(ReadTestdata("dist-config-minimal.json"))->origin_groups.empty());
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
  AccountResources caller;
  caller.cache_policies = {{"from-caller", CustomPolicy("from-caller", 1, 1, 1)},
                           {"shared", CustomPolicy("shared", 9, 9, 9)}};
  absl::StatusOr<DistributionConfig> got = LoadDistributionConfigJson(doc.dump(), &caller);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->default_behavior.cache_policy, caller.cache_policies["from-caller"]);
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

TEST(LoadDistributionJson, ResponseHeadersPolicyIdNamesManagedOrFileOrAccountPolicies) {
  Json config = MinimalJson();
  config["DefaultCacheBehavior"]["ResponseHeadersPolicyId"] = "Managed-SimpleCORS";
  absl::StatusOr<DistributionConfig> managed = LoadDistributionConfigJson(config.dump());
  ASSERT_TRUE(managed.ok()) << managed.status();
  ASSERT_TRUE(managed->default_behavior.response_headers_policy.has_value());
  EXPECT_EQ(managed->default_behavior.response_headers_policy->id,
            "60669652-455b-4ae9-85a4-c4c02393f86c");

  config["DefaultCacheBehavior"]["ResponseHeadersPolicyId"] = "rhp-1";
  absl::StatusOr<DistributionConfig> unknown = LoadDistributionConfigJson(config.dump());
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(std::string(unknown.status().message()),
              testing::HasSubstr("ResponseHeadersPolicyId: NoSuchResponseHeadersPolicy"));

  AccountResources account;
  account.response_headers_policies["rhp-1"].id = "rhp-1";
  absl::StatusOr<DistributionConfig> from_account =
      LoadDistributionConfigJson(config.dump(), &account);
  ASSERT_TRUE(from_account.ok()) << from_account.status();

  const Json file = {{"DistributionConfig", config},
                     {"ResponseHeadersPolicies",
                      Json::array({{{"Id", "rhp-1"},
                                    {"ResponseHeadersPolicyConfig",
                                     {{"Name", "mine"},
                                      {"CustomHeadersConfig",
                                       {{"Quantity", 1},
                                        {"Items", Json::array({{{"Header", "X-Mine"},
                                                                {"Value", "1"},
                                                                {"Override", true}}})}}}}}}})}};
  absl::StatusOr<DistributionConfig> from_file = LoadDistributionConfigJson(file.dump());
  ASSERT_TRUE(from_file.ok()) << from_file.status();
  EXPECT_EQ(from_file->default_behavior.response_headers_policy->name, "mine");
  EXPECT_EQ(from_file->default_behavior.response_headers_policy->custom_headers.size(), 1u);
}

Json ConfigFileWithFunction(const Json& associations) {
  Json config = MinimalJson();
  config["DefaultCacheBehavior"]["FunctionAssociations"] = associations;
  return {{"DistributionConfig", config},
          {"Functions", Json::array({{{"Name", "spa"},
                                      {"FunctionConfig",
                                       {{"Comment", ""}, {"Runtime", "cloudfront-js-2.0"}}},
                                      {"FunctionCode", "function handler(e) { return e.request; }"}}})}};
}

TEST(LoadDistributionJson, FunctionAssociationsNameTheFilesFunctionsByArnOrName) {
  const Json file = ConfigFileWithFunction(
      {{"Quantity", 2},
       {"Items", Json::array({{{"FunctionARN", "arn:aws:cloudfront::123456789012:function/spa"},
                               {"EventType", "viewer-request"}},
                              {{"FunctionARN", "spa"}, {"EventType", "viewer-response"}}})}});
  absl::StatusOr<DistributionConfig> config = LoadDistributionConfigJson(file.dump());
  ASSERT_TRUE(config.ok()) << config.status();
  const std::vector<FunctionAssociation>& a = config->default_behavior.function_associations;
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].event_type, "viewer-request");
  EXPECT_EQ(a[0].name, "spa");
  EXPECT_EQ(a[0].function_arn, "arn:aws:cloudfront::123456789012:function/spa");
  EXPECT_EQ(a[0].runtime, "cloudfront-js-2.0");
  EXPECT_EQ(a[0].code, "function handler(e) { return e.request; }");
  EXPECT_EQ(a[1].event_type, "viewer-response");

  // The control plane attaches its own functions: with an account, associations are its.
  AccountResources account;
  absl::StatusOr<DistributionConfig> from_api = LoadDistributionConfigJson(file.dump(), &account);
  ASSERT_TRUE(from_api.ok()) << from_api.status();
  EXPECT_TRUE(from_api->default_behavior.function_associations.empty());
}

TEST(LoadDistributionJsonProblems, FunctionAssociationsAndFunctions) {
  Json file = ConfigFileWithFunction(
      {{"Quantity", 3},
       {"Items", Json::array({{{"FunctionARN", "other"}, {"EventType", "viewer-request"}},
                              {{"FunctionARN", "spa"}, {"EventType", "origin-request"}},
                              {{"FunctionARN", "spa"}, {"EventType", "viewer-response"}}})}});
  file["Functions"].push_back({{"Name", "old"},
                               {"FunctionConfig", {{"Runtime", "cloudfront-js-0.9"}}},
                               {"FunctionCode", "x"}});
  file["Functions"].push_back({{"Name", "big"},
                               {"FunctionConfig", {{"Runtime", "cloudfront-js-1.0"}}},
                               {"FunctionCode", std::string(kMaxFunctionCodeBytes + 1, ' ')}});
  const absl::StatusOr<DistributionConfig> config = LoadDistributionConfigJson(file.dump());
  ASSERT_FALSE(config.ok());
  const std::string message(config.status().message());
  EXPECT_THAT(message, testing::HasSubstr(
                           "FunctionAssociations.Items[0].FunctionARN: names no function \"other\""));
  EXPECT_THAT(message, testing::HasSubstr("Items[1].EventType: \"origin-request\" is not"));
  EXPECT_THAT(message, testing::HasSubstr("\"cloudfront-js-0.9\" is not cloudfront-js-1.0"));
  EXPECT_THAT(message, testing::HasSubstr("Functions[2].FunctionCode: the code has 10241 bytes"));
}

TEST(LoadDistributionJson, UnknownFieldsAreIgnoredEverywhere) {
  Json plain = BaseJson();
  Json noisy = plain;
  noisy["SomeFutureField"] = {{"Nested", Json::array({1, 2})}};
  noisy["Origins"]["Items"][0]["VpcOriginConfig"] = {{"VpcOriginId", "vo_1"}};
  noisy["Origins"]["Items"][0]["CustomOriginConfig"]["IpAddressType"] = "dualstack";
  noisy["DefaultCacheBehavior"]["GrpcConfig"] = {{"Enabled", false}};
  noisy["DefaultCacheBehavior"]["ForwardedValues"]["Extra"] = true;
  noisy["CacheBehaviors"]["Items"][0]["RealtimeLogConfigArn"] = "arn:aws:cloudfront::1:x";
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

TEST(LoadDistributionJsonProblems, EveryProblemAtOnce) {
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
TEST(LoadDistributionJsonProblems, MissingFieldIsNotAlsoReportedAsInvalid) {
  Json j = BaseJson();
  Default(j).erase("TargetOriginId");
  absl::StatusOr<DistributionConfig> c = LoadDistributionConfigJson(j.dump());
  std::vector<std::string> lines = ProblemLines(c.status());
  EXPECT_THAT(lines, HasProblem(kDefault + ".TargetOriginId", "required"));
  EXPECT_THAT(lines, Not(Contains(HasSubstr("names no origin"))));
  EXPECT_EQ(lines.size(), 1u) << c.status().message();
}

TEST(LoadDistributionJsonProblems, LocationsFollowTheGetDistributionWrapper) {
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

TEST(LoadDistributionJsonProblems, WrapperWithoutConfigOrNonObjectRoot) {
  EXPECT_THAT(
      ProblemLines(LoadDistributionJson(R"({"ETag": "E1", "DistributionConfig": null})").status()),
      HasProblem("DistributionConfig", "required field is missing"));
  EXPECT_THAT(ProblemLines(LoadDistributionJson(R"({"Distribution": {"Id": "E1"}})").status()),
              HasProblem("Distribution.DistributionConfig", "required field is missing"));
  EXPECT_THAT(ProblemLines(LoadDistributionJson("[1, 2]").status()),
              HasProblem("DistributionConfig", "expected an object, got array"));
}

TEST(LoadDistributionJsonProblems, MalformedJsonGivesParserPosition) {
  absl::StatusOr<DistributionConfig> c =
      LoadDistributionConfigJson("{\n  \"Comment\": \"x\",\n  \"Enabled\": tru }");
  std::vector<std::string> lines = ProblemLines(c.status());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], StartsWith("JSON: parse error at line 3, column"));
  EXPECT_THAT(lines[0], HasSubstr("(byte "));
  EXPECT_THAT(ProblemLines(LoadDistributionConfigJson("").status())[0], StartsWith("JSON: "));
}

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

// ---------------------------------------------------------------------------------------------
// Origin request policies (SPEC 14).

Json OrpConfig(const std::string& name, const std::string& header_behavior,
               std::vector<std::string> headers) {
  Json config = {
      {"Name", name},
      {"HeadersConfig", {{"HeaderBehavior", header_behavior}}},
      {"CookiesConfig",
       {{"CookieBehavior", "whitelist"}, {"Cookies", {{"Quantity", 1}, {"Items", {"session"}}}}}},
      {"QueryStringsConfig", {{"QueryStringBehavior", "all"}}}};
  if (!headers.empty()) {
    config["HeadersConfig"]["Headers"] = {{"Quantity", headers.size()}, {"Items", headers}};
  }
  return config;
}

TEST(LoadOriginRequestPolicyConfigJson, BareAndWrapperShapes) {
  const Json config = OrpConfig("mine", "whitelist", {"X-Tenant"});
  absl::StatusOr<OriginRequestPolicy> bare = LoadOriginRequestPolicyConfigJson(config.dump());
  ASSERT_TRUE(bare.ok()) << bare.status();
  EXPECT_EQ(bare->name, "mine");
  EXPECT_EQ(bare->header_behavior, OriginHeaderBehavior::kWhitelist);
  EXPECT_EQ(bare->headers, std::vector<std::string>{"X-Tenant"});
  EXPECT_EQ(bare->cookies, (KeyList{KeyListBehavior::kWhitelist, {"session"}}));
  EXPECT_EQ(bare->query_strings.behavior, KeyListBehavior::kAll);
  EXPECT_EQ(bare->id, "");
  absl::StatusOr<OriginRequestPolicy> got = LoadOriginRequestPolicyConfigJson(Json{
      {"OriginRequestPolicy",
       {{"Id", "orp-1"}, {"OriginRequestPolicyConfig", config}}}}.dump());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->id, "orp-1");
  // What the writer prints loads back to the same policy.
  absl::StatusOr<OriginRequestPolicy> again =
      LoadOriginRequestPolicyConfigJson(OriginRequestPolicyConfigToJson(*got));
  ASSERT_TRUE(again.ok()) << again.status();
  again->id = got->id;
  EXPECT_EQ(*again, *got);
}

TEST(LoadOriginRequestPolicyConfigJson, ProblemsAllAtOnce) {
  Json config = OrpConfig("", "everything", {"Accept-Encoding"});
  config.erase("Name");
  config.erase("QueryStringsConfig");
  const std::vector<std::string> lines =
      ProblemLines(LoadOriginRequestPolicyConfigJson(config.dump()).status());
  const std::string root = "OriginRequestPolicyConfig";
  EXPECT_THAT(lines, HasProblem(root + ".Name", "required field is missing"));
  EXPECT_THAT(lines, HasProblem(root + ".QueryStringsConfig", "required field is missing"));
  EXPECT_THAT(lines, HasProblem(root + ".HeadersConfig.HeaderBehavior",
                                "\"everything\" is not one of none, whitelist, allViewer"));
  // Headers are checked against a known HeaderBehavior only.
  EXPECT_EQ(lines.size(), 3u) << absl::StrJoin(lines, "\n");
  EXPECT_THAT(ProblemLines(LoadOriginRequestPolicyConfigJson(
                               OrpConfig("ae", "whitelist", {"X-Tenant", "Accept-Encoding"}).dump())
                               .status()),
              HasProblem(root + ".HeadersConfig.Headers",
                         "The parameter Headers contains Accept-Encoding that is not allowed."));
}

// Quotas are the caller's (they have codes of their own), except in a config file.
TEST(LoadOriginRequestPolicyConfigJson, QuotasAreLeftToTheCaller) {
  std::vector<std::string> many;
  for (int i = 0; i <= static_cast<int>(kMaxHeadersInOriginRequestPolicy); ++i) {
    many.push_back(absl::StrCat("X-H", i));
  }
  absl::StatusOr<OriginRequestPolicy> p =
      LoadOriginRequestPolicyConfigJson(OrpConfig("many", "whitelist", many).dump());
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(ExceededQuota(*p), OriginRequestPolicyQuota::kHeaders);

  Json file = Json::parse(ReadTestdata("dist-config-minimal.json"));
  file["OriginRequestPolicies"] = {
      {{"Id", "orp-many"}, {"OriginRequestPolicyConfig", OrpConfig("many", "whitelist", many)}}};
  EXPECT_THAT(ProblemLines(LoadDistributionConfigJson(file.dump()).status()),
              HasProblem("OriginRequestPolicies[0].OriginRequestPolicyConfig",
                         "TooManyHeadersInOriginRequestPolicy"));
}

TEST(LoadDistributionConfigJson, BehaviorsUseCustomOriginRequestPolicies) {
  Json file = Json::parse(ReadTestdata("dist-config-minimal.json"));
  file["DefaultCacheBehavior"]["OriginRequestPolicyId"] = "orp-file";
  file["OriginRequestPolicies"] = {
      {{"OriginRequestPolicy",
        {{"Id", "orp-file"},
         {"OriginRequestPolicyConfig", OrpConfig("from-file", "whitelist", {"X-Tenant"})}}}}};
  absl::StatusOr<DistributionConfig> c = LoadDistributionConfigJson(file.dump());
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_TRUE(c->default_behavior.origin_request_policy.has_value());
  EXPECT_EQ(c->default_behavior.origin_request_policy->name, "from-file");
  EXPECT_EQ(c->default_behavior.origin_request_policy->id, "orp-file");

  file.erase("OriginRequestPolicies");
  AccountResources account;
  OriginRequestPolicy mine =
      *LoadOriginRequestPolicyConfigJson(OrpConfig("from-account", "allViewer", {}).dump());
  mine.id = "orp-file";
  account.origin_request_policies[mine.id] = mine;
  c = LoadDistributionConfigJson(file.dump(), &account);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->default_behavior.origin_request_policy, mine);
}

}  // namespace
}  // namespace edgesim::policy

namespace edgesim::policy {
namespace {

std::string ReaderOriginAccessConfig(absl::string_view origin_extra) {
  return absl::StrCat(R"({"OriginAccessControls": [{"Id": "EOAC1", "OriginAccessControlConfig": {
      "Name": "n", "SigningProtocol": "sigv4", "SigningBehavior": "no-override",
      "OriginAccessControlOriginType": "s3"}}],
    "DistributionConfig": {"Origins": {"Quantity": 1, "Items": [{"Id": "b",
      "DomainName": "b.s3.eu-west-1.amazonaws.com", )",
                      origin_extra, R"(}]},
      "DefaultCacheBehavior": {"TargetOriginId": "b", "ViewerProtocolPolicy": "allow-all",
        "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"}}})");
}

TEST(LoadDistributionConfigJsonOriginAccess, OacGivesTheOriginItsSigning) {
  absl::StatusOr<DistributionConfig> c =
      LoadDistributionConfigJson(ReaderOriginAccessConfig(R"("OriginAccessControlId": "EOAC1")"));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->origins[0].origin_access_control_id, "EOAC1");
  EXPECT_EQ(c->origins[0].signing,
            (OriginSigning{.behavior = SigningBehavior::kNoOverride, .service = "s3"}));
}

TEST(LoadDistributionConfigJsonOriginAccess, OaiSignsAlwaysAsS3) {
  absl::StatusOr<DistributionConfig> c = LoadDistributionConfigJson(ReaderOriginAccessConfig(
      R"("S3OriginConfig": {"OriginAccessIdentity": "origin-access-identity/cloudfront/EX"})"));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->origins[0].signing, LegacyIdentitySigning());
}

TEST(LoadDistributionConfigJsonOriginAccess, AFileAloneTakesAnUnknownOacAsAlwaysS3) {
  absl::StatusOr<DistributionConfig> c =
      LoadDistributionConfigJson(ReaderOriginAccessConfig(R"("OriginAccessControlId": "EREAL")"));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->origins[0].signing, SigningOf(OriginAccessControl{}));
}

TEST(LoadDistributionConfigJsonOriginAccess, UnknownOacBothAndUnknownOaiAreProblems) {
  const AccountResources account;  // no OACs, no identities
  EXPECT_THAT(
      LoadDistributionConfigJson(ReaderOriginAccessConfig(R"("OriginAccessControlId": "ENO")"), &account)
          .status()
          .message(),
      testing::HasSubstr("names no origin access control"));
  EXPECT_THAT(LoadDistributionConfigJson(
                  ReaderOriginAccessConfig(R"("OriginAccessControlId": "EOAC1", "S3OriginConfig":
                      {"OriginAccessIdentity": "origin-access-identity/cloudfront/EX"})"))
                  .status()
                  .message(),
              testing::HasSubstr("not both"));
  EXPECT_THAT(LoadDistributionConfigJson(
                  ReaderOriginAccessConfig(R"("S3OriginConfig":
                      {"OriginAccessIdentity": "origin-access-identity/cloudfront/EX"})"),
                  &account)
                  .status()
                  .message(),
              testing::HasSubstr("names no origin access identity"));
  EXPECT_FALSE(LoadDistributionConfigJson(ReaderOriginAccessConfig(R"("OriginAccessControlId": "",
      "S3OriginConfig": {"OriginAccessIdentity": ""})"))->origins[0].signing.has_value());
}

TEST(LoadOriginAccessControlConfigJson, EveryProblem) {
  absl::StatusOr<OriginAccessControl> ok = LoadOriginAccessControlConfigJson(
      R"({"Name": "a", "SigningProtocol": "sigv4", "SigningBehavior": "never",
          "OriginAccessControlOriginType": "lambda"})");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->signing_behavior, SigningBehavior::kNever);
  const absl::Status bad = LoadOriginAccessControlConfigJson(
                               absl::StrCat(R"({"Name": ")", std::string(65, 'x'),
                                            R"(", "SigningProtocol": "sigv2", "SigningBehavior":
                                            "sometimes", "OriginAccessControlOriginType": "ec2"})"))
                               .status();
  for (const char* member :
       {"Name", "SigningProtocol", "SigningBehavior", "OriginAccessControlOriginType"}) {
    EXPECT_THAT(bad.message(), testing::HasSubstr(member));
  }
}

}  // namespace
}  // namespace edgesim::policy
