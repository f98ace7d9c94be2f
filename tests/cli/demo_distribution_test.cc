#include "cli/demo_distribution.h"

#include "gtest/gtest.h"
#include "policy/behavior_table.h"
#include "policy/distribution_validator.h"

namespace edgesim::cli {
namespace {

TEST(DemoDistributionTest, LoadsAndValidatesAsCloudFrontJson) {
  absl::StatusOr<policy::Distribution> d = LoadDemoDistribution();
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_TRUE(policy::ValidateDistributionConfig(d->config).empty());
  EXPECT_EQ(d->id, "E1EDGESIMDEMO1");
  EXPECT_EQ(d->domain_name, "d111111abcdef8.cloudfront.net");
  EXPECT_EQ(d->config.default_root_object, "index.html");
}

// The usual deploy pattern: hashed assets for a year, HTML briefly.
TEST(DemoDistributionTest, HashedAssetsLongHtmlShort) {
  absl::StatusOr<policy::Distribution> d = LoadDemoDistribution();
  ASSERT_TRUE(d.ok()) << d.status();
  absl::StatusOr<policy::BehaviorTable> table = policy::BehaviorTable::Build(d->config);
  ASSERT_TRUE(table.ok()) << table.status();

  const policy::CacheBehavior& assets = *table->Match("/assets/app.3f9a1c.js").behavior;
  EXPECT_EQ(assets.cache_policy.name, "Managed-CachingOptimized");
  EXPECT_EQ(assets.cache_policy.max_ttl, absl::Seconds(31536000));

  const policy::CacheBehavior& html = *table->Match("/index.html").behavior;
  EXPECT_EQ(html.path_pattern, "*");
  EXPECT_EQ(html.cache_policy.default_ttl, absl::Seconds(60));
  EXPECT_EQ(html.cache_policy.max_ttl, absl::Seconds(300));
  EXPECT_EQ(d->config.FindCustomErrorResponse(404)->error_caching_min_ttl, absl::Seconds(10));
}

}  // namespace
}  // namespace edgesim::cli
