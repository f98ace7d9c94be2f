#include "policy/behavior_lint.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "policy/cache_policy.h"

namespace edgesim::policy {
namespace {

DistributionConfig ConfigWithBehaviorPatterns(const std::vector<std::string>& patterns) {
  DistributionConfig config = SingleOriginDistribution("origin.example.com", CachePolicy()).config;
  for (const std::string& pattern : patterns) {
    CacheBehavior b = config.default_behavior;
    b.path_pattern = pattern;
    config.behaviors.push_back(b);
  }
  return config;
}

std::vector<std::string> ShadowedLocations(const std::vector<std::string>& patterns) {
  std::vector<std::string> out;
  for (const ConfigProblem& p : ShadowedBehaviors(ConfigWithBehaviorPatterns(patterns))) {
    out.push_back(p.location);
  }
  return out;
}

TEST(BehaviorLintTest, ARepeatedPatternNamesTheEarlierItem) {
  const std::vector<ConfigProblem> problems =
      ShadowedBehaviors(ConfigWithBehaviorPatterns({"/api/*", "*.png", "api/*"}));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].location, "DistributionConfig.CacheBehaviors.Items[2].PathPattern");
  EXPECT_TRUE(absl::StrContains(problems[0].message, "repeats the pattern of Items[0]"))
      << problems[0].message;
  EXPECT_TRUE(absl::StrContains(problems[0].message, "not a CloudFront rule"));
}

TEST(BehaviorLintTest, APatternUnderAnEarlierPrefixWildcardIsShadowed) {
  using Locations = std::vector<std::string>;
  EXPECT_EQ(ShadowedLocations({"*", "/a/*"}),
            Locations{"DistributionConfig.CacheBehaviors.Items[1].PathPattern"});
  EXPECT_EQ(ShadowedLocations({"/*", "*.png"}),
            Locations{"DistributionConfig.CacheBehaviors.Items[1].PathPattern"});
  EXPECT_EQ(ShadowedLocations({"/img/*", "/img/a/*.png", "/img/x.png", "/img"}),
            (Locations{"DistributionConfig.CacheBehaviors.Items[1].PathPattern",
                       "DistributionConfig.CacheBehaviors.Items[2].PathPattern"}));
}

// Only what is decidable simply: specific before general is the normal order.
TEST(BehaviorLintTest, OverlapsThatStillMatchSomethingAreNotReported) {
  EXPECT_TRUE(ShadowedLocations({"/img/a/*", "/img/*"}).empty());
  EXPECT_TRUE(ShadowedLocations({"*.png", "/img/*"}).empty());
  EXPECT_TRUE(ShadowedLocations({"/img/*.png", "/img/a.png"}).empty());
  EXPECT_TRUE(ShadowedLocations({"/img?/*", "/img1/*"}).empty());
  EXPECT_TRUE(ShadowedLocations({"/API/*", "/api/*"}).empty());  // case-sensitive (SPEC 1.1)
}

}  // namespace
}  // namespace edgesim::policy
