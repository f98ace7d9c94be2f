#include "policy/distribution_json_writer.h"

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/distribution_json_reader.h"
#include "policy/distribution_validator.h"
#include "tests/policy/distribution_json_samples.h"

namespace edgesim::policy {
namespace {

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
  c.origin_groups = {{"web-then-bucket", {500, 502, 503, 504}, {"web", "bucket"}, "default"},
                     {"site-then-minio", {404}, {"website", "minio"}, ""}};

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
  CacheBehavior failover;
  failover.path_pattern = "/ha/*";
  failover.target_origin_id = "web-then-bucket";
  failover.cache_policy_id = "Managed-CachingOptimized";
  failover.cache_policy = *FindManagedCachePolicy("Managed-CachingOptimized");
  CacheBehavior query_all;
  query_all.path_pattern = "/q?/*";
  query_all.target_origin_id = "rest-custom";
  query_all.cache_policy = CachePolicyFromForwardedValues(
      {true, {}, KeyListBehavior::kNone, {}, {}}, 100000, absl::nullopt, absl::nullopt);
  c.behaviors = {legacy, managed, with_custom, forward_all, query_all, failover};

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
  AccountResources policies;
  policies.cache_policies = {{custom.id, custom}};
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
  // SPEC 12.1's shape; SelectionCriteria only when set.
  const Json& group = saved["OriginGroups"]["Items"][0];
  EXPECT_EQ(saved["OriginGroups"]["Quantity"], 2);
  EXPECT_EQ(group["Id"], "web-then-bucket");
  EXPECT_EQ(group["FailoverCriteria"]["StatusCodes"],
            Json::parse(R"({"Quantity": 4, "Items": [500, 502, 503, 504]})"));
  EXPECT_EQ(group["Members"]["Items"][1]["OriginId"], "bucket");
  EXPECT_EQ(group["SelectionCriteria"], "default");
  EXPECT_FALSE(saved["OriginGroups"]["Items"][1].contains("SelectionCriteria"));
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
