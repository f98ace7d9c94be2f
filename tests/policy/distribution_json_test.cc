#include "policy/distribution_json.h"

#include "gtest/gtest.h"
#include "tests/policy/distribution_json_samples.h"

namespace edgesim::policy {
namespace {

// The control plane's include: reading, validating and writing through this one header give
// the same config back.
TEST(DistributionJsonTest, OneIncludeForTheWholeRoundTrip) {
  const CachePolicy custom = CustomPolicy("custom-1", 0, 60, 600);
  const CustomCachePolicies policies = {{custom.id, custom}};
  Json config = BaseJson();
  UsePolicy(Default(config), custom.id);
  absl::StatusOr<DistributionConfig> loaded = LoadDistributionConfigJson(config.dump(), &policies);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_TRUE(ValidateDistributionConfig(*loaded).empty());
  absl::StatusOr<DistributionConfig> again =
      LoadDistributionConfigJson(DistributionConfigToJson(*loaded), &policies);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *loaded);
  EXPECT_EQ(*LoadCachePolicyConfigJson(CachePolicyConfigToJson(custom)), [&] {
    CachePolicy without_id = custom;
    without_id.id.clear();
    return without_id;
  }());
}

}  // namespace
}  // namespace edgesim::policy
