// ControlPlane's distributions (control_plane_distributions.cc): create, read, update, delete,
// list, and what the registry serves meanwhile.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "emulator/control_plane.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/emulator/control_plane_fixture.h"

namespace edgesim::emulator {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

TEST_F(ControlPlaneTest, CreateDeploysAndTheRegistryRoutesTheDomain) {
  absl::StatusOr<Versioned> d = cp_->CreateDistribution(Config(), nullptr, now_);
  ASSERT_TRUE(d.ok()) << d.status();
  const std::string id = d->body["Id"];
  EXPECT_THAT(id, MatchesRegex("E[A-Z0-9]{13}"));
  EXPECT_THAT(d->etag, MatchesRegex("[A-Z0-9]{13}"));
  EXPECT_THAT(d->body["DomainName"].get<std::string>(),
              MatchesRegex("d[a-z0-9]{13}\\.cloudfront\\.net"));
  EXPECT_EQ(d->body["ARN"], "arn:aws:cloudfront::123456789012:distribution/" + id);
  EXPECT_EQ(d->body["Status"], "InProgress");
  EXPECT_EQ(d->body["LastModifiedTime"], "2026-12-04T18:00:00.000Z");
  EXPECT_EQ(d->body["InProgressInvalidationBatches"], 0);
  ASSERT_TRUE(cp_->CreateDistribution(Config("ref-2"), nullptr, now_).ok());
  std::shared_ptr<const RegistrySnapshot> s = registry_.Snapshot();
  ASSERT_NE(s->Route(d->body["DomainName"].get<std::string>()), nullptr);
  EXPECT_EQ(s->Route(d->body["DomainName"].get<std::string>())->id(), id);
  EXPECT_EQ(s->Route(absl::StrCat(id, ".cloudfront.localhost:8080"))->id(), id);
  // Zero deploy delay: every later read says Deployed, with the same ETag.
  absl::StatusOr<Versioned> got = cp_->GetDistribution(id, now_);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->body["Status"], "Deployed");
  EXPECT_EQ(got->etag, d->etag);
  EXPECT_EQ(Code(cp_->GetDistribution("ENOSUCHDISTRIB", now_).status()), "NoSuchDistribution");
}

TEST_F(ControlPlaneTest, StatusIsDeployedAfterTheDeployDelay) {
  Start({.distribution_deploy_delay = absl::Seconds(60)});
  const std::string id = Create();
  EXPECT_EQ(cp_->GetDistribution(id, now_ + absl::Seconds(59))->body["Status"], "InProgress");
  EXPECT_EQ(cp_->GetDistribution(id, now_ + absl::Seconds(60))->body["Status"], "Deployed");
}

TEST_F(ControlPlaneTest, ReadsKeepTheCallersMembersAndFillDefaults) {
  json config = Config();
  config["PriceClass"] = "PriceClass_100";
  config["ContinuousDeploymentPolicyId"] = "";  // a member edgesim does not model
  const std::string id = Create(config);
  absl::StatusOr<Versioned> got = cp_->GetDistributionConfig(id);
  ASSERT_TRUE(got.ok());
  const json& c = got->body;
  EXPECT_EQ(c["CallerReference"], "ref-1");
  EXPECT_EQ(c["Comment"], "test");
  EXPECT_EQ(c["PriceClass"], "PriceClass_100");
  EXPECT_EQ(c["ContinuousDeploymentPolicyId"], "");
  // The caller's ForwardedValues, with the empty lists CloudFront answers (API 1.7).
  json forwarded = Config()["DefaultCacheBehavior"]["ForwardedValues"];
  forwarded["Headers"] = {{"Quantity", 0}};
  forwarded["QueryStringCacheKeys"] = {{"Quantity", 0}};
  EXPECT_EQ(c["DefaultCacheBehavior"]["ForwardedValues"], forwarded);
  // API 1.7's defaults.
  EXPECT_EQ(c["HttpVersion"], "http2");
  EXPECT_EQ(c["IsIPV6Enabled"], true);
  EXPECT_EQ(c["ViewerCertificate"]["CloudFrontDefaultCertificate"], true);
  EXPECT_EQ(c["Restrictions"]["GeoRestriction"]["RestrictionType"], "none");
  EXPECT_EQ(c["WebACLId"], "");
  EXPECT_EQ(c["Logging"]["Enabled"], false);
  // CloudFront's API default (policy/cloudfront_defaults.h); moto's true is the console's.
  EXPECT_EQ(c["DefaultCacheBehavior"]["Compress"], false);
  EXPECT_EQ(c["DefaultCacheBehavior"]["FieldLevelEncryptionId"], "");
  EXPECT_EQ(c["Origins"]["Items"][0]["ConnectionAttempts"], 3);
  EXPECT_EQ(c["Origins"]["Items"][0]["ConnectionTimeout"], 10);
  EXPECT_EQ(c["Origins"]["Items"][0]["OriginShield"], json({{"Enabled", false}}));
  EXPECT_FALSE(c["Aliases"].contains("Items"));  // empty lists have no Items
  // The edge runs what the reads say.
  EXPECT_EQ(Live(id)->distribution().config.default_behavior.compress,
            c["DefaultCacheBehavior"]["Compress"].get<bool>());
  EXPECT_EQ(cp_->GetDistribution(id, now_)->body["DistributionConfig"], c);
}

TEST_F(ControlPlaneTest, UpdateNeedsTheCurrentETagAndServesTheNewBehaviors) {
  const std::string id = Create();
  const std::string etag = ETag(id);
  json config = Config();
  config["CacheBehaviors"] = {{"Quantity", 1},
                              {"Items",
                               {{{"PathPattern", "api/*"},
                                 {"TargetOriginId", "origin-1"},
                                 {"ViewerProtocolPolicy", "https-only"},
                                 {"CachePolicyId", "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"}}}}};
  EXPECT_EQ(Code(cp_->UpdateDistribution(id, config, "", now_).status()), "InvalidIfMatchVersion");
  EXPECT_EQ(Code(cp_->UpdateDistribution(id, config, "STALE", now_).status()),
            "PreconditionFailed");
  EXPECT_EQ(Code(cp_->UpdateDistribution(id, Config("other-ref"), etag, now_).status()),
            "IllegalUpdate");
  EXPECT_TRUE(Live(id)->distribution().config.behaviors.empty());

  absl::StatusOr<Versioned> updated =
      cp_->UpdateDistribution(id, config, etag, now_ + absl::Seconds(5));
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_NE(updated->etag, etag);
  EXPECT_EQ(updated->body["Status"], "InProgress");
  EXPECT_EQ(updated->body["LastModifiedTime"], "2026-12-04T18:00:05.000Z");
  EXPECT_EQ(ETag(id), updated->etag);
  ASSERT_EQ(Live(id)->distribution().config.behaviors.size(), 1u);
  EXPECT_EQ(Live(id)->distribution().config.behaviors[0].path_pattern, "api/*");
  // The old ETag is stale now; each update makes a new one.
  EXPECT_EQ(Code(cp_->UpdateDistribution(id, Config(), etag, now_).status()), "PreconditionFailed");
  absl::StatusOr<Versioned> again = cp_->UpdateDistribution(id, Config(), updated->etag, now_);
  ASSERT_TRUE(again.ok());
  EXPECT_NE(again->etag, updated->etag);
}

// A request without If-Match is refused before its Id is looked up (API 1.7).
TEST_F(ControlPlaneTest, AMissingIfMatchIsRefusedWhateverTheIdNames) {
  EXPECT_EQ(Code(cp_->UpdateDistribution("ENOSUCHID", Config(), "", now_).status()),
            "InvalidIfMatchVersion");
  EXPECT_EQ(Code(cp_->DeleteDistribution("ENOSUCHID", "")), "InvalidIfMatchVersion");
  EXPECT_EQ(Code(cp_->DeleteDistribution("ENOSUCHID", "E1")), "NoSuchDistribution");
}

TEST_F(ControlPlaneTest, DisableLeavesTheRegistryAndOnlyDisabledOnesDelete) {
  const std::string id = Create();
  EXPECT_EQ(Code(cp_->DeleteDistribution(id, ETag(id))), "DistributionNotDisabled");
  EXPECT_EQ(Code(cp_->DeleteDistribution(id, "")), "InvalidIfMatchVersion");
  json disabled = Config();
  disabled["Enabled"] = false;
  ASSERT_TRUE(cp_->UpdateDistribution(id, disabled, ETag(id), now_).ok());
  EXPECT_EQ(Live(id), nullptr);
  EXPECT_TRUE(cp_->GetDistribution(id, now_).ok());  // the record stays
  ASSERT_TRUE(cp_->UpdateDistribution(id, Config(), ETag(id), now_).ok());
  EXPECT_NE(Live(id), nullptr);  // re-enabled
  ASSERT_TRUE(cp_->UpdateDistribution(id, disabled, ETag(id), now_).ok());
  EXPECT_EQ(Code(cp_->DeleteDistribution(id, "STALE")), "PreconditionFailed");
  ASSERT_TRUE(cp_->DeleteDistribution(id, ETag(id)).ok());
  EXPECT_EQ(Code(cp_->GetDistribution(id, now_).status()), "NoSuchDistribution");
  EXPECT_EQ(Code(cp_->DeleteDistribution(id, "X")), "NoSuchDistribution");
}

TEST_F(ControlPlaneTest, ReusedCallerReferenceIsDistributionAlreadyExists) {
  const std::string id = Create();
  absl::StatusOr<Versioned> again = cp_->CreateDistribution(Config(), nullptr, now_);
  EXPECT_EQ(Code(again.status()), "DistributionAlreadyExists");
  EXPECT_EQ(ToApiError(again.status()).http_status, 409);
  EXPECT_THAT(again.status().message(), HasSubstr(id));
}

TEST_F(ControlPlaneTest, ConfigErrorsHaveCloudFrontsCodesAndChangeNothing) {
  json no_origin = Config();
  no_origin["DefaultCacheBehavior"]["TargetOriginId"] = "nope";
  json no_policy = Config();
  no_policy["DefaultCacheBehavior"].erase("ForwardedValues");
  no_policy["DefaultCacheBehavior"]["CachePolicyId"] = "00000000-0000-4000-8000-000000000000";
  json inconsistent = Config();
  inconsistent["Origins"]["Quantity"] = 2;
  json bad_value = Config();
  bad_value["DefaultCacheBehavior"]["ViewerProtocolPolicy"] = "sometimes";
  json no_reference = Config();
  no_reference.erase("CallerReference");
  json bad_port = Config();
  bad_port["Origins"]["Items"][0]["CustomOriginConfig"]["HTTPPort"] = 83637;
  json negative_port = Config();
  negative_port["Origins"]["Items"][0]["CustomOriginConfig"]["HTTPSPort"] = -1;
  struct Case {
    json config;
    std::string code;
    std::string message;
  } cases[] = {
      {no_origin, "NoSuchOrigin", "One or more of your origins or origin groups do not exist"},
      {no_policy, "NoSuchCachePolicy", "The cache policy does not exist"},
      {inconsistent, "InconsistentQuantities",
       "The specified quantity of Origins (2) does not match the actual quantity supplied (1)."},
      {bad_value, "InvalidArgument",
       "DistributionConfig.DefaultCacheBehavior.ViewerProtocolPolicy"},
      {no_reference, "InvalidArgument", "DistributionConfig.CallerReference"},
      {json::array(), "InvalidArgument", "expected an object"},
      // SPEC 7.3: the loader's port rule, the same as check-config's.
      {bad_port, "InvalidArgument",
       "CustomOriginConfig.HTTPPort: 83637 is not a port CloudFront connects to"},
      {negative_port, "InvalidArgument", "CustomOriginConfig.HTTPSPort: -1 is not a port"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.code + ": " + c.message);
    absl::Status status = cp_->CreateDistribution(c.config, nullptr, now_).status();
    EXPECT_EQ(Code(status), c.code);
    EXPECT_THAT(status.message(), HasSubstr(c.message));
  }
  fail_deploys_ = true;
  absl::Status failed = cp_->CreateDistribution(Config(), nullptr, now_).status();
  EXPECT_EQ(Code(failed), "InvalidArgument");
  EXPECT_THAT(failed.message(), HasSubstr("no origin today"));
  EXPECT_TRUE(registry_.Snapshot()->distributions().empty());
  EXPECT_EQ(cp_->ListDistributions("", 100, now_)->at("Quantity"), 0);
}

TEST_F(ControlPlaneTest, FailedUpdateChangesNothing) {
  const std::string id = Create();
  const std::string etag = ETag(id);
  const LiveDistribution* live = Live(id);
  fail_deploys_ = true;
  EXPECT_EQ(Code(cp_->UpdateDistribution(id, Config(), etag, now_).status()), "InvalidArgument");
  EXPECT_EQ(ETag(id), etag);
  EXPECT_EQ(Live(id), live);
}

TEST_F(ControlPlaneTest, AliasesAreUnique) {
  json config = Config();
  config["Aliases"] = {{"Quantity", 1}, {"Items", {"www.example.com"}}};
  Create(config);
  config["CallerReference"] = "ref-2";
  config["Aliases"]["Items"][0] = "WWW.example.com";
  EXPECT_EQ(Code(cp_->CreateDistribution(config, nullptr, now_).status()), "CNAMEAlreadyExists");
}

TEST_F(ControlPlaneTest, ListDistributionsOldestFirstPaginated) {
  absl::StatusOr<json> empty = cp_->ListDistributions("", 100, now_);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty,
            json({{"Marker", ""}, {"MaxItems", 100}, {"IsTruncated", false}, {"Quantity", 0}}));
  const std::vector<std::string> ids = {Create(Config("a")), Create(Config("b")),
                                        Create(Config("c"))};
  absl::StatusOr<json> first = cp_->ListDistributions("", 2, now_);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ((*first)["Quantity"], 2);
  EXPECT_EQ((*first)["IsTruncated"], true);
  EXPECT_EQ((*first)["NextMarker"], ids[1]);
  EXPECT_EQ((*first)["Items"][0]["Id"], ids[0]);
  EXPECT_EQ((*first)["Items"][1]["Id"], ids[1]);
  const json& summary = (*first)["Items"][0];
  EXPECT_EQ(summary["Status"], "Deployed");
  EXPECT_EQ(summary["Comment"], "test");
  EXPECT_EQ(summary["Enabled"], true);
  EXPECT_EQ(summary["ETag"], ETag(ids[0]));
  EXPECT_FALSE(summary.contains("DistributionConfig"));
  absl::StatusOr<json> second = cp_->ListDistributions(ids[1], 2, now_);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ((*second)["Marker"], ids[1]);
  EXPECT_EQ((*second)["Quantity"], 1);
  EXPECT_EQ((*second)["Items"][0]["Id"], ids[2]);
  EXPECT_EQ((*second)["IsTruncated"], false);
  EXPECT_FALSE(second->contains("NextMarker"));
  EXPECT_EQ(Code(cp_->ListDistributions("ENOPE", 2, now_).status()), "InvalidArgument");
}

// API 2.1: a distribution created in China's partition is served at *.cloudfront.cn, and the
// registry routes that name.
TEST_F(ControlPlaneTest, ChinaPartitionDistributionsAreUnderCloudFrontCn) {
  absl::StatusOr<Versioned> d = cp_->CreateDistribution(Config("china"), nullptr, now_, "aws-cn");
  ASSERT_TRUE(d.ok()) << d.status();
  const std::string domain = d->body["DomainName"];
  EXPECT_TRUE(absl::EndsWith(domain, ".cloudfront.cn")) << domain;
  EXPECT_NE(registry_.Snapshot()->Route(domain), nullptr);
  EXPECT_EQ(cp_->GetDistribution(d->body["Id"], now_)->body["DomainName"], domain);
}

}  // namespace
}  // namespace edgesim::emulator
