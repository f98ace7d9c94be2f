#include "policy/origin_access.h"

#include "gtest/gtest.h"

namespace edgesim::policy {
namespace {

Request SigningTestRequest(bool viewer_authorization) {
  Request r = Request::Get("/key");
  if (viewer_authorization) r.headers.Add("Authorization", "Bearer viewer");
  return r;
}

TEST(OriginAccessTest, AlwaysSignsOverAViewerAuthorization) {
  const OriginSigning always{.behavior = SigningBehavior::kAlways};
  EXPECT_TRUE(SignsOriginRequest(always, SigningTestRequest(false)));
  EXPECT_TRUE(SignsOriginRequest(always, SigningTestRequest(true)));
}

TEST(OriginAccessTest, NeverSigns) {
  const OriginSigning never{.behavior = SigningBehavior::kNever};
  EXPECT_FALSE(SignsOriginRequest(never, SigningTestRequest(false)));
  EXPECT_FALSE(SignsOriginRequest(never, SigningTestRequest(true)));
}

TEST(OriginAccessTest, NoOverrideSignsOnlyWithoutAForwardedAuthorization) {
  const OriginSigning no_override{.behavior = SigningBehavior::kNoOverride};
  EXPECT_TRUE(SignsOriginRequest(no_override, SigningTestRequest(false)));
  EXPECT_FALSE(SignsOriginRequest(no_override, SigningTestRequest(true)));
}

TEST(OriginAccessTest, SigningBehaviorNames) {
  for (SigningBehavior b :
       {SigningBehavior::kAlways, SigningBehavior::kNever, SigningBehavior::kNoOverride}) {
    EXPECT_EQ(ParseSigningBehavior(ToString(b)), b);
  }
  EXPECT_EQ(ParseSigningBehavior("Always"), absl::nullopt);
}

TEST(OriginAccessTest, OriginTypesAreTheServices) {
  for (const char* type : {"s3", "mediastore", "mediapackagev2", "lambda"}) {
    EXPECT_TRUE(IsOriginAccessControlOriginType(type));
    EXPECT_EQ(SigningOf({.origin_type = type}).service, type);
  }
  EXPECT_FALSE(IsOriginAccessControlOriginType("S3"));
  EXPECT_EQ(LegacyIdentitySigning(),
            (OriginSigning{.behavior = SigningBehavior::kAlways, .service = "s3"}));
}

// SPEC 10.1: an s3 OAC fits an S3 bucket's REST endpoint given as an S3 origin only; the other
// types are not checked.
TEST(OriginAccessTest, S3OriginAccessControlFitsS3RestOriginsOnly) {
  EXPECT_TRUE(OriginAccessControlFits("s3", "b.s3.eu-west-1.amazonaws.com", false));
  EXPECT_TRUE(OriginAccessControlFits("s3", "b.s3.amazonaws.com", false));
  EXPECT_FALSE(OriginAccessControlFits("s3", "b.s3.eu-west-1.amazonaws.com", true));
  EXPECT_FALSE(OriginAccessControlFits("s3", "b.s3-website.eu-west-1.amazonaws.com", false));
  EXPECT_FALSE(OriginAccessControlFits("s3", "example.com", false));
  EXPECT_TRUE(OriginAccessControlFits("lambda", "x.lambda-url.us-east-1.on.aws", true));
  EXPECT_TRUE(OriginAccessControlFits("mediastore", "example.com", true));
}

TEST(OriginAccessTest, RegionComesFromTheDomain) {
  EXPECT_EQ(SigningRegion("assets.s3.eu-west-1.amazonaws.com"), "eu-west-1");
  EXPECT_EQ(SigningRegion("Assets.S3.AP-SOUTHEAST-2.amazonaws.com"), "ap-southeast-2");
  EXPECT_EQ(SigningRegion("assets.s3.amazonaws.com"), "us-east-1");
  EXPECT_EQ(SigningRegion("abc.lambda-url.us-west-2.on.aws"), "us-west-2");
  EXPECT_EQ(SigningRegion("x.data.mediastore.ca-central-1.amazonaws.com"), "ca-central-1");
  EXPECT_EQ(SigningRegion("origin.example.com"), "us-east-1");
}

TEST(OriginAccessTest, IdentityIdFromTheS3OriginConfigValue) {
  EXPECT_EQ(OriginAccessIdentityId("origin-access-identity/cloudfront/E74FTE3AJFJ256A"),
            "E74FTE3AJFJ256A");
  EXPECT_EQ(OriginAccessIdentityId(""), absl::nullopt);
  EXPECT_EQ(OriginAccessIdentityId("E74FTE3AJFJ256A"), absl::nullopt);
  EXPECT_EQ(OriginAccessIdentityId("origin-access-identity/cloudfront/"), absl::nullopt);
}

}  // namespace
}  // namespace edgesim::policy
