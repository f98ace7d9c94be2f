// `edgesim serve` (--pops, --regional, --origin-shield) and `edgesim simulate` (a variant's
// "regional" and "origin_shield") build the same tier tree for the same POPs (SPEC 7.1).
#include <string>
#include <vector>

#include "core/topology.h"
#include "emulator/distribution_registry.h"
#include "gtest/gtest.h"
#include "sim/variant.h"

namespace edgesim::cli {
namespace {

struct Layout {
  bool regional;
  std::string origin_shield;
};

class TopologyAgreementTest : public ::testing::TestWithParam<Layout> {};

TEST_P(TopologyAgreementTest, ServeAndSimulateBuildTheSameTree) {
  const std::vector<std::string> pops = {"IAD89-C1", "SFO5-C1", "LAX50-C3", "CDG3-C2",
                                         "FRA56-P1", "NRT57-C1"};
  absl::StatusOr<core::CacheTopology> serve = emulator::MakeCacheTopology(
      {.pops = pops, .regional = GetParam().regional, .origin_shield = GetParam().origin_shield});
  ASSERT_TRUE(serve.ok()) << serve.status();

  sim::Variant variant;
  variant.regional = GetParam().regional;
  variant.origin_shield = GetParam().origin_shield;
  absl::StatusOr<core::CacheTopology> simulate =
      core::MakeTopology(pops, sim::TierLayoutOf(variant), {});
  ASSERT_TRUE(simulate.ok()) << simulate.status();

  EXPECT_EQ(serve->pops, simulate->pops);
  EXPECT_EQ(serve->origin_shield, simulate->origin_shield);
  ASSERT_EQ(serve->regionals.size(), simulate->regionals.size());
  for (size_t i = 0; i < serve->regionals.size(); ++i) {
    EXPECT_EQ(serve->regionals[i].name, simulate->regionals[i].name);
    EXPECT_EQ(serve->regionals[i].pops, simulate->regionals[i].pops);
    EXPECT_TRUE(core::IsOriginShieldRegion(serve->regionals[i].name));
  }
}

INSTANTIATE_TEST_SUITE_P(Layouts, TopologyAgreementTest,
                         ::testing::Values(Layout{false, ""}, Layout{true, ""},
                                           Layout{true, "us-east-1"}, Layout{false, "ap-south-1"}));

}  // namespace
}  // namespace edgesim::cli
