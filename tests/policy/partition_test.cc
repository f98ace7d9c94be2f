#include "policy/partition.h"

#include "gtest/gtest.h"

namespace edgesim::policy {
namespace {

TEST(CloudFrontPartitionTest, ChinaRegionsAreAwsCn) {
  EXPECT_EQ(CloudFrontPartition("cn-north-1"), "aws-cn");
  EXPECT_EQ(CloudFrontPartition("cn-northwest-1"), "aws-cn");
}

// CloudFront lives outside the GovCloud partition: its users get standard ARNs.
TEST(CloudFrontPartitionTest, EveryOtherRegionIsTheStandardPartition) {
  for (const char* region : {"us-east-1", "eu-west-1", "us-gov-west-1", "us-gov-east-1", ""}) {
    EXPECT_EQ(CloudFrontPartition(region), "aws") << region;
  }
}

TEST(DistributionDomainSuffixTest, ChinaIsCloudFrontCnEveryOtherCloudFrontNet) {
  EXPECT_EQ(DistributionDomainSuffix("aws-cn"), "cloudfront.cn");
  EXPECT_EQ(DistributionDomainSuffix("aws"), "cloudfront.net");
}

TEST(DistributionArnTest, NamesThePartitionAccountAndId) {
  EXPECT_EQ(DistributionArn("aws-cn", "123456789012", "E2EXAMPLE"),
            "arn:aws-cn:cloudfront::123456789012:distribution/E2EXAMPLE");
}

}  // namespace
}  // namespace edgesim::policy
