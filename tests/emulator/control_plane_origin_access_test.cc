// ControlPlane's origin access controls and identities (control_plane_origin_access.cc): their
// rules and the distributions that name them (SPEC 10).
#include <string>

#include "emulator/control_plane.h"
#include "gtest/gtest.h"
#include "policy/origin_access.h"
#include "tests/emulator/control_plane_fixture.h"

namespace edgesim::emulator {
namespace {

using nlohmann::json;

json OriginAccessControlConfigNamed(const std::string& name, const std::string& behavior = "always") {
  return {{"Name", name},
          {"SigningProtocol", "sigv4"},
          {"SigningBehavior", behavior},
          {"OriginAccessControlOriginType", "s3"}};
}

// Config() with its origin an S3 bucket naming `oac` and `oai` (either may be empty).
json BucketBehindOriginAccess(const std::string& ref, const std::string& oac, const std::string& oai = "") {
  json config = Config(ref);
  config["Origins"]["Items"][0] = {{"Id", "origin-1"},
                                   {"DomainName", "b.s3.eu-west-1.amazonaws.com"},
                                   {"OriginAccessControlId", oac},
                                   {"S3OriginConfig", {{"OriginAccessIdentity", oai}}}};
  return config;
}

TEST_F(ControlPlaneTest, OriginAccessControlUpdateRedeploysItsDistributions) {
  absl::StatusOr<Versioned> oac = cp_->CreateOriginAccessControl(OriginAccessControlConfigNamed("a"));
  ASSERT_TRUE(oac.ok()) << oac.status();
  const std::string oac_id = oac->body["Id"];
  EXPECT_EQ(oac->body["OriginAccessControlConfig"]["Description"], "");
  const std::string id = Create(BucketBehindOriginAccess("ref-1", oac_id));
  EXPECT_EQ(Live(id)->distribution().config.origins[0].signing, policy::OriginSigning{});

  absl::StatusOr<Versioned> updated =
      cp_->UpdateOriginAccessControl(oac_id, OriginAccessControlConfigNamed("a", "never"), oac->etag);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(Live(id)->distribution().config.origins[0].signing->behavior,
            policy::SigningBehavior::kNever);
  EXPECT_EQ(Code(cp_->DeleteOriginAccessControl(oac_id, updated->etag)),
            "OriginAccessControlInUse");
}

TEST_F(ControlPlaneTest, OriginAccessControlIfMatchIsCheckedBeforeTheId) {
  EXPECT_EQ(Code(cp_->DeleteOriginAccessControl("ENOSUCH", "")), "InvalidIfMatchVersion");
  EXPECT_EQ(Code(cp_->UpdateOriginAccessControl("ENOSUCH", OriginAccessControlConfigNamed("a"), "").status()),
            "InvalidIfMatchVersion");
  EXPECT_EQ(Code(cp_->DeleteOriginAccessControl("ENOSUCH", "E1")), "NoSuchOriginAccessControl");
  EXPECT_EQ(Code(cp_->DeleteCloudFrontOriginAccessIdentity("ENOSUCH", "")),
            "InvalidIfMatchVersion");
}

TEST_F(ControlPlaneTest, OriginAccessQuotaAndNames) {
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(cp_->CreateOriginAccessControl(OriginAccessControlConfigNamed(std::to_string(i))).ok());
  }
  EXPECT_EQ(Code(cp_->CreateOriginAccessControl(OriginAccessControlConfigNamed("0")).status()),
            "OriginAccessControlAlreadyExists");
  EXPECT_EQ(Code(cp_->CreateOriginAccessControl(OriginAccessControlConfigNamed("new")).status()),
            "TooManyOriginAccessControls");
  EXPECT_EQ((*cp_->ListOriginAccessControls("", 10))["NextMarker"],
            (*cp_->ListOriginAccessControls("", 10))["Items"][9]["Id"]);
}

TEST_F(ControlPlaneTest, DistributionsNameExistingOriginAccessOnly) {
  EXPECT_EQ(Code(cp_->CreateDistribution(BucketBehindOriginAccess("r1", "ENOSUCH"), nullptr, now_).status()),
            "InvalidOriginAccessControl");
  EXPECT_EQ(Code(cp_->CreateDistribution(BucketBehindOriginAccess("r2", "", "origin-access-identity/cloudfront/"
                                                                "ENOSUCH"),
                                         nullptr, now_)
                     .status()),
            "InvalidOriginAccessIdentity");
  const std::string oai =
      (*cp_->CreateCloudFrontOriginAccessIdentity({{"CallerReference", "c"}, {"Comment", ""}}))
          .body["Id"];
  const std::string value = "origin-access-identity/cloudfront/" + oai;
  const std::string oac = (*cp_->CreateOriginAccessControl(OriginAccessControlConfigNamed("a"))).body["Id"];
  EXPECT_EQ(Code(cp_->CreateDistribution(BucketBehindOriginAccess("r3", oac, value), nullptr, now_).status()),
            "IllegalOriginAccessConfiguration");
  const std::string id = Create(BucketBehindOriginAccess("r4", "", value));
  EXPECT_EQ(Live(id)->distribution().config.origins[0].signing, policy::LegacyIdentitySigning());
  EXPECT_EQ(Code(cp_->DeleteCloudFrontOriginAccessIdentity(
                oai, cp_->GetCloudFrontOriginAccessIdentity(oai)->etag)),
            "CloudFrontOriginAccessIdentityInUse");
}

TEST_F(ControlPlaneTest, ResetForgetsOriginAccess) {
  ASSERT_TRUE(cp_->CreateOriginAccessControl(OriginAccessControlConfigNamed("a")).ok());
  ASSERT_TRUE(cp_->CreateCloudFrontOriginAccessIdentity({{"CallerReference", "c"}, {"Comment", ""}})
                  .ok());
  EXPECT_EQ(cp_->OriginAccessState()["origin_access_controls"].size(), 1u);
  cp_->Reset(now_);
  EXPECT_EQ(cp_->OriginAccessState(),
            json({{"origin_access_controls", json::array()},
                  {"origin_access_identities", json::array()}}));
}

// SPEC 10.1: at most 100 distributions name one OAC; the 101st is refused, an update of one of
// the 100 is not.
TEST_F(ControlPlaneTest, OriginAccessControlOnAtMostAHundredDistributions) {
  const std::string oac =
      (*cp_->CreateOriginAccessControl(OriginAccessControlConfigNamed("shared"))).body["Id"];
  auto disabled_behind_oac = [&](const std::string& ref) {
    json config = BucketBehindOriginAccess(ref, oac);
    config["Enabled"] = false;  // nothing to deploy: the quota counts configs
    return config;
  };
  std::string first;
  for (int i = 0; i < 100; ++i) {
    absl::StatusOr<Versioned> d =
        cp_->CreateDistribution(disabled_behind_oac("q" + std::to_string(i)), nullptr, now_);
    ASSERT_TRUE(d.ok()) << i << " " << d.status();
    if (i == 0) first = d->body["Id"];
  }
  EXPECT_EQ(Code(cp_->CreateDistribution(disabled_behind_oac("q100"), nullptr, now_).status()),
            "TooManyDistributionsAssociatedToOriginAccessControl");
  EXPECT_TRUE(cp_->UpdateDistribution(first, disabled_behind_oac("q0"),
                                      cp_->GetDistribution(first, now_)->etag, now_)
                  .ok());
}

// SPEC 10.1: an s3 OAC fits an S3 bucket's REST endpoint given as an S3 origin only.
TEST_F(ControlPlaneTest, S3OriginAccessControlOnlyOnS3BucketOrigins) {
  const std::string oac =
      (*cp_->CreateOriginAccessControl(OriginAccessControlConfigNamed("s3-only"))).body["Id"];
  json custom = Config("custom");  // origin.example.com, a CustomOriginConfig
  custom["Origins"]["Items"][0]["OriginAccessControlId"] = oac;
  EXPECT_EQ(Code(cp_->CreateDistribution(custom, nullptr, now_).status()),
            "InvalidDomainNameForOriginAccessControl");
  json website = BucketBehindOriginAccess("website", oac);
  website["Origins"]["Items"][0]["DomainName"] = "b.s3-website.eu-west-1.amazonaws.com";
  EXPECT_EQ(Code(cp_->CreateDistribution(website, nullptr, now_).status()),
            "InvalidDomainNameForOriginAccessControl");
  json lambda_config = OriginAccessControlConfigNamed("lambda");
  lambda_config["OriginAccessControlOriginType"] = "lambda";
  custom["CallerReference"] = "custom-lambda";
  custom["Origins"]["Items"][0]["OriginAccessControlId"] =
      (*cp_->CreateOriginAccessControl(lambda_config)).body["Id"];
  EXPECT_TRUE(cp_->CreateDistribution(custom, nullptr, now_).ok());
}

// SPEC 10.3: an OAI is keyed by its CallerReference: the same config answers the same identity.
TEST_F(ControlPlaneTest, OriginAccessIdentityCallerReferenceIsItsKey) {
  const json config = {{"CallerReference", "key"}, {"Comment", "one"}};
  absl::StatusOr<Versioned> created = cp_->CreateCloudFrontOriginAccessIdentity(config);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(cp_->CreateCloudFrontOriginAccessIdentity(config)->body, created->body);
  EXPECT_EQ(Code(cp_->CreateCloudFrontOriginAccessIdentity({{"CallerReference", "key"},
                                                            {"Comment", "two"}})
                     .status()),
            "CloudFrontOriginAccessIdentityAlreadyExists");
  EXPECT_EQ(Code(cp_->UpdateCloudFrontOriginAccessIdentity(
                       created->body["Id"], {{"CallerReference", "other"}, {"Comment", ""}},
                       created->etag)
                     .status()),
            "IllegalUpdate");
  EXPECT_EQ((*cp_->ListCloudFrontOriginAccessIdentities("", 10))["Items"][0],
            json({{"Id", created->body["Id"]},
                  {"S3CanonicalUserId", created->body["S3CanonicalUserId"]},
                  {"Comment", "one"}}));
}

}  // namespace
}  // namespace edgesim::emulator
