#include "policy/cloudfront_defaults.h"

#include "gtest/gtest.h"
#include "policy/distribution.h"

namespace edgesim::policy {
namespace {

// The model's structs start from the table, so a config that omits a member means the same to
// the model as to the emulator's API answers.
TEST(CloudFrontDefaultsTest, ModelStructsStartFromTheTable) {
  const Origin o;
  EXPECT_EQ(o.connection_attempts, kDefaultConnectionAttempts);
  EXPECT_EQ(o.connection_timeout, absl::Seconds(kDefaultConnectionTimeoutSeconds));
  EXPECT_EQ(o.read_timeout, absl::Seconds(kDefaultOriginReadTimeoutSeconds));
  EXPECT_EQ(o.keepalive_timeout, absl::Seconds(kDefaultOriginKeepaliveTimeoutSeconds));
  EXPECT_EQ(o.http_port, kDefaultHttpPort);
  EXPECT_EQ(o.https_port, kDefaultHttpsPort);
  EXPECT_EQ(o.protocol_policy, kDefaultOriginProtocolPolicy);
  const CacheBehavior b;
  EXPECT_EQ(b.compress, kDefaultCompress);
  EXPECT_EQ(b.viewer_protocol_policy, kDefaultViewerProtocolPolicy);
  EXPECT_EQ(b.allowed_methods, (std::vector<std::string>{"GET", "HEAD"}));
  EXPECT_EQ(b.cached_methods, b.allowed_methods);
  EXPECT_EQ(DistributionConfig().price_class, kDefaultPriceClass);
}

// The API reference: "the default (if you don't specify otherwise)" values, within SPEC 7.3's
// ranges; compression is opt-in through the API.
TEST(CloudFrontDefaultsTest, ValuesAreTheApiReferences) {
  EXPECT_EQ(kDefaultConnectionAttempts, 3);
  EXPECT_EQ(kDefaultConnectionTimeoutSeconds, 10);
  EXPECT_EQ(kDefaultOriginReadTimeoutSeconds, 30);
  EXPECT_EQ(kDefaultOriginKeepaliveTimeoutSeconds, 5);
  EXPECT_FALSE(kDefaultCompress);
  EXPECT_EQ(kDefaultPriceClass, "PriceClass_All");
}

}  // namespace
}  // namespace edgesim::policy
