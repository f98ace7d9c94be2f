#include "core/topology.h"

#include "gtest/gtest.h"

namespace edgesim::core {
namespace {

TEST(TopologyTest, RegionOfPopByAirport) {
  EXPECT_EQ(RegionOfPop("FRA6-C1"), "eu-central-1");
  EXPECT_EQ(RegionOfPop("iad89-c1"), "us-east-1");
  EXPECT_EQ(RegionOfPop("NRT57-C1"), "ap-northeast-1");
  EXPECT_EQ(RegionOfPop("ZZZ1"), "us-east-1");
}

// Every POP maps to a region that can be an Origin Shield (SPEC 7.1), so a shield named after any
// POP's region is valid: SFO and LAX go to us-west-2, CDG to eu-west-1 (us-west-1 and eu-west-3
// offer no Origin Shield).
TEST(TopologyTest, EveryRegionIsAnOriginShieldRegion) {
  for (const char* pop : {"SFO5-C1", "LAX50-C3", "CDG3-C2", "GRU1-C1", "HKG62-C1", "DEL54-C1"}) {
    EXPECT_TRUE(IsOriginShieldRegion(RegionOfPop(pop))) << pop;
  }
  EXPECT_EQ(RegionOfPop("SFO5-C1"), "us-west-2");
  EXPECT_EQ(RegionOfPop("CDG3-C2"), "eu-west-1");
  EXPECT_FALSE(IsOriginShieldRegion("us-west-1"));
  EXPECT_FALSE(IsOriginShieldRegion("eu-west-3"));
}

TEST(TopologyTest, RegionalGroupsAndShield) {
  const std::vector<std::string> pops = {"IAD89-C1", "FRA6-C1", "MUC50-C1", "JFK5-C1"};
  absl::StatusOr<CacheTopology> t = MakeTopology(pops, {}, {});
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_TRUE(t->regionals.empty());
  EXPECT_EQ(t->pops, pops);

  t = MakeTopology(pops, {.regional = true}, {});
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->regionals.size(), 2u);
  EXPECT_EQ(t->regionals[0].name, "us-east-1");
  EXPECT_EQ(t->regionals[0].pops, (std::vector<std::string>{"IAD89-C1", "JFK5-C1"}));
  EXPECT_EQ(t->regionals[1].pops, (std::vector<std::string>{"FRA6-C1", "MUC50-C1"}));
  EXPECT_TRUE(t->origin_shield.empty());

  t = MakeTopology(pops, {.origin_shield = "ap-south-1"}, {});  // a region with no POP of its own
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->regionals.size(), 3u);
  EXPECT_EQ(t->regionals[2].name, "ap-south-1");
  EXPECT_TRUE(t->regionals[2].pops.empty());
  EXPECT_EQ(t->origin_shield, "ap-south-1");
}

TEST(TopologyTest, CacheOptionsAreEveryTiersTemplate) {
  EdgeCacheOptions options;
  options.store.capacity_bytes = 12345;
  absl::StatusOr<CacheTopology> t = MakeTopology({"IAD89-C1"}, {.regional = true}, options);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->pop_options.store.capacity_bytes, 12345u);
  EXPECT_EQ(t->regional_options.store.capacity_bytes, 12345u);
}

TEST(TopologyTest, RefusesNoPopsDuplicatesAndNonShieldRegions) {
  EXPECT_EQ(MakeTopology({}, {}, {}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MakeTopology({"IAD89-C1", "IAD89-C1"}, {}, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  const absl::Status bad = MakeTopology({"IAD89-C1"}, {.origin_shield = "us-west-1"}, {}).status();
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("us-west-1"), std::string::npos);
}

}  // namespace
}  // namespace edgesim::core
