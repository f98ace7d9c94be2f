#include "emulator/distribution_config_shape.h"

#include <string>

#include "emulator/api_error.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace edgesim::emulator {
namespace {

using nlohmann::json;

json Minimal() {
  return json::parse(R"({"CallerReference": "r", "Comment": "", "Enabled": true,
    "Origins": {"Quantity": 1, "Items": [{"Id": "o", "DomainName": "o.example",
                "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                                       "OriginProtocolPolicy": "http-only"}}]},
    "OriginGroups": {"Quantity": 1, "Items": [{"Id": "group"}]},
    "DefaultCacheBehavior": {"TargetOriginId": "o", "ViewerProtocolPolicy": "allow-all",
                             "CachePolicyId": "known"},
    "CacheBehaviors": {"Quantity": 1, "Items": [{"PathPattern": "api/*",
                       "TargetOriginId": "group", "ViewerProtocolPolicy": "allow-all"}]}})");
}

bool Known(absl::string_view id) { return id == "known"; }

std::string CodeOrOk(const absl::Status& status) {
  return status.ok() ? "OK" : ToApiError(status).code;
}

TEST(CheckDistributionConfigShapeTest, CodesOfTheirOwn) {
  EXPECT_EQ(CodeOrOk(CheckDistributionConfigShape(Minimal(), Known)), "OK");
  json no_enabled = Minimal();
  no_enabled.erase("Enabled");
  absl::Status missing = CheckDistributionConfigShape(no_enabled, Known);
  EXPECT_EQ(CodeOrOk(missing), "InvalidArgument");
  EXPECT_EQ(missing.message(), "DistributionConfig.Enabled: required field is missing");
  json no_origin = Minimal();
  no_origin["CacheBehaviors"]["Items"][0]["TargetOriginId"] = "other";
  EXPECT_EQ(CodeOrOk(CheckDistributionConfigShape(no_origin, Known)), "NoSuchOrigin");
  json no_policy = Minimal();
  no_policy["CacheBehaviors"]["Items"][0]["CachePolicyId"] = "unknown";
  EXPECT_EQ(CodeOrOk(CheckDistributionConfigShape(no_policy, Known)), "NoSuchCachePolicy");
  // Wrong types are left to policy's loader.
  json mistyped = Minimal();
  mistyped["Origins"] = "none";
  mistyped["DefaultCacheBehavior"]["TargetOriginId"] = 5;
  EXPECT_EQ(CodeOrOk(CheckDistributionConfigShape(mistyped, Known)), "OK");
  const absl::Status not_object = CheckDistributionConfigShape(json(3), Known);
  EXPECT_EQ(CodeOrOk(not_object), "InvalidArgument");
  EXPECT_EQ(not_object.message(), "DistributionConfig: expected an object, got number");
}

TEST(CachePolicyIdsOfTest, DefaultBehaviorFirst) {
  json config = Minimal();
  config["CacheBehaviors"]["Items"][0]["CachePolicyId"] = "second";
  EXPECT_EQ(CachePolicyIdsOf(config), (std::vector<std::string>{"known", "second"}));
  EXPECT_TRUE(CachePolicyIdsOf(json("x")).empty());
}

TEST(WithDistributionConfigDefaultsTest, FillsOnlyWhatIsMissing) {
  json config = Minimal();
  config["ViewerCertificate"] = {{"ACMCertificateArn", "arn:acm"},
                                 {"SSLSupportMethod", "sni-only"}};
  config["DefaultCacheBehavior"]["Compress"] = false;
  config["DefaultCacheBehavior"]["AllowedMethods"] = {{"Quantity", 3},
                                                      {"Items", {"GET", "HEAD", "OPTIONS"}}};
  const json filled = WithDistributionConfigDefaults(config);
  EXPECT_EQ(filled["ViewerCertificate"], config["ViewerCertificate"]);  // kept whole
  EXPECT_EQ(filled["DefaultCacheBehavior"]["Compress"], false);
  EXPECT_EQ(filled["DefaultCacheBehavior"]["AllowedMethods"]["Quantity"], 3);
  EXPECT_EQ(filled["DefaultCacheBehavior"]["AllowedMethods"]["CachedMethods"]["Items"],
            json({"GET", "HEAD"}));
  // CloudFront's default (policy/cloudfront_defaults.h), not the console's.
  EXPECT_EQ(filled["CacheBehaviors"]["Items"][0]["Compress"], false);
  EXPECT_EQ(filled["CacheBehaviors"]["Items"][0]["AllowedMethods"]["Items"], json({"GET", "HEAD"}));
  EXPECT_EQ(filled["PriceClass"], "PriceClass_All");
  EXPECT_EQ(filled["HttpVersion"], "http2");
  EXPECT_EQ(filled["Origins"]["Items"][0]["ConnectionAttempts"], 3);
  EXPECT_EQ(filled["Origins"]["Items"][0]["CustomOriginConfig"]["OriginReadTimeout"], 30);
  EXPECT_EQ(filled["Origins"]["Items"][0]["CustomOriginConfig"]["HTTPPort"], 80);
  EXPECT_EQ(WithDistributionConfigDefaults(filled), filled);
  EXPECT_EQ(WithDistributionConfigDefaults(json("x")), json("x"));
}

}  // namespace
}  // namespace edgesim::emulator
