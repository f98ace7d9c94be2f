#include "policy/partition.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace edgesim::policy {

absl::string_view CloudFrontPartition(absl::string_view region) {
  return absl::StartsWith(region, "cn-") ? "aws-cn" : kStandardPartition;
}

absl::string_view DistributionDomainSuffix(absl::string_view partition) {
  return partition == "aws-cn" ? "cloudfront.cn" : "cloudfront.net";
}

std::string DistributionArn(absl::string_view partition, absl::string_view account_id,
                            absl::string_view id) {
  return absl::StrCat("arn:", partition, ":cloudfront::", account_id, ":distribution/", id);
}

}  // namespace edgesim::policy
