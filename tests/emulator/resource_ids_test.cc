#include "emulator/resource_ids.h"

#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace edgesim::emulator {
namespace {

using ::testing::MatchesRegex;

TEST(ResourceIdsTest, ShapesOfCloudFrontsNames) {
  ResourceIds ids(1);
  for (int i = 0; i < 50; ++i) {
    EXPECT_THAT(ids.DistributionId(), MatchesRegex("E[A-Z0-9]{13}"));
    EXPECT_THAT(ids.DomainName(), MatchesRegex("d[a-z0-9]{13}\\.cloudfront\\.net"));
    EXPECT_THAT(ids.DomainName("cloudfront.cn"), MatchesRegex("d[a-z0-9]{13}\\.cloudfront\\.cn"));
    EXPECT_THAT(ids.InvalidationId(), MatchesRegex("I[A-Z0-9]{13}"));
    EXPECT_THAT(ids.ETag(), MatchesRegex("[A-Z0-9]{13}"));
    EXPECT_THAT(
        ids.CachePolicyId(),
        MatchesRegex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
  }
}

TEST(ResourceIdsTest, ASeedRepeatsTheSequenceAndEveryETagIsNew) {
  ResourceIds a(42), b(42), c(43);
  EXPECT_EQ(a.DistributionId(), b.DistributionId());
  EXPECT_EQ(a.CachePolicyId(), b.CachePolicyId());
  EXPECT_NE(a.ETag(), c.ETag());
  std::set<std::string> etags;
  for (int i = 0; i < 1000; ++i) etags.insert(a.ETag());
  EXPECT_EQ(etags.size(), 1000u);
}

TEST(ResourceIdsTest, UnseededGeneratorsDiffer) {
  EXPECT_NE(ResourceIds().DistributionId(), ResourceIds().DistributionId());
}

}  // namespace
}  // namespace edgesim::emulator
