#include "sim/topology.h"

#include "gtest/gtest.h"

namespace edgesim::sim {
namespace {

TEST(TopologyTest, RegionOfPopByAirport) {
  EXPECT_EQ(RegionOfPop("FRA6-C1"), "eu-central-1");
  EXPECT_EQ(RegionOfPop("iad89-c1"), "us-east-1");
  EXPECT_EQ(RegionOfPop("NRT57-C1"), "ap-northeast-1");
  EXPECT_EQ(RegionOfPop("ZZZ1"), "us-east-1");
}

TEST(TopologyTest, RegionalGroupsAndShield) {
  const std::vector<std::string> pops = {"IAD89-C1", "FRA6-C1", "MUC50-C1", "JFK5-C1"};
  Variant plain;
  EXPECT_TRUE(MakeTopology(pops, plain, {}).regionals.empty());

  Variant regional;
  regional.regional = true;
  core::CacheTopology t = MakeTopology(pops, regional, {});
  ASSERT_EQ(t.regionals.size(), 2u);
  EXPECT_EQ(t.regionals[0].name, "us-east-1");
  EXPECT_EQ(t.regionals[0].pops, (std::vector<std::string>{"IAD89-C1", "JFK5-C1"}));
  EXPECT_EQ(t.regionals[1].pops, (std::vector<std::string>{"FRA6-C1", "MUC50-C1"}));
  EXPECT_TRUE(t.origin_shield.empty());

  Variant shield;
  shield.origin_shield = "ap-south-1";  // a region with no POP of its own
  t = MakeTopology(pops, shield, {});
  ASSERT_EQ(t.regionals.size(), 3u);
  EXPECT_EQ(t.regionals[2].name, "ap-south-1");
  EXPECT_TRUE(t.regionals[2].pops.empty());
  EXPECT_EQ(t.origin_shield, "ap-south-1");
  EXPECT_FALSE(t.regional_options.viewer_headers);
}

}  // namespace
}  // namespace edgesim::sim
