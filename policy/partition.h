// partition.h — the ARN partition of CloudFront's resources, from the region a client signs its
// requests for (the credential scope of its SigV4 Authorization header).
//
// CloudFront is a global service with one control plane per partition it exists in: the standard
// one ("aws", cloudfront.amazonaws.com) and China's ("aws-cn", cloudfront.cn-northwest-1
// .amazonaws.com.cn), so a client configured for cn-north-1 or cn-northwest-1 names and is given
// arn:aws-cn:cloudfront::ACCOUNT:distribution/ID. CloudFront does not exist in the AWS GovCloud
// (US) partition: GovCloud users reach it with standard-partition credentials ("CloudFront is
// located outside of the AWS GovCloud (US) boundary", AWS GovCloud (US) User Guide, Credentials),
// so a us-gov region gets "aws" here, not "aws-us-gov" (API 2.1).
//
//   CloudFrontPartition("cn-north-1");   // "aws-cn"
//   DistributionDomainSuffix("aws-cn");   // "cloudfront.cn"
//   DistributionArn("aws-cn", "123456789012", "E2EXAMPLE");
//   // "arn:aws-cn:cloudfront::123456789012:distribution/E2EXAMPLE"
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace edgesim::policy {

inline constexpr absl::string_view kStandardPartition = "aws";

// "aws-cn" for a China region (cn-*), "aws" for any other and for "" (an unsigned request).
absl::string_view CloudFrontPartition(absl::string_view region);

// The domain a distribution's DomainName ends in: "cloudfront.cn" in "aws-cn" (Getting Started
// with AWS in China, CloudFront: "the default CloudFront domain, *.cloudfront.cn"),
// "cloudfront.net" in any other (API 2.1).
absl::string_view DistributionDomainSuffix(absl::string_view partition);

// arn:PARTITION:cloudfront::ACCOUNT:distribution/ID.
std::string DistributionArn(absl::string_view partition, absl::string_view account_id,
                            absl::string_view id);

}  // namespace edgesim::policy
