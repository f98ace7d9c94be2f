#include "sim/report_units.h"

#include "gtest/gtest.h"

namespace edgesim::sim {
namespace {

TEST(ReportUnitsTest, BytesAndPercentages) {
  EXPECT_EQ(FormatBytes(512), "512 B");
  EXPECT_EQ(FormatBytes(1'500'000), "1.50 MB");
  EXPECT_EQ(FormatShortBytes(0), "0 B");
  EXPECT_EQ(FormatShortBytes(2.5e6), "2.5 MB");
  EXPECT_EQ(FormatPercent(0.91874), "91.87 %");
  EXPECT_EQ(FormatPercent(0.5, 0), "50 %");
}

TEST(ReportUnitsTest, CountsGroupedOrShortNeverWithAnExponent) {
  EXPECT_EQ(FormatCount(0), "0");
  EXPECT_EQ(FormatCount(1000), "1,000");
  EXPECT_EQ(FormatCount(652114), "652,114");
  for (auto [n, text] : {std::pair<double, const char*>{950, "950"}, {16120, "16.12k"},
                         {15000, "15k"}, {2'000'000, "2M"}, {0.5, "0.5"}}) {
    EXPECT_EQ(FormatShortCount(n), text);
  }
}

TEST(ReportUnitsTest, DurationsInTheirLargestUnit) {
  for (auto [seconds, text] : {std::pair<double, const char*>{0, "0 s"}, {45, "45 s"},
                               {150, "2.5 min"}, {5400, "1.5 h"}, {172800, "2 d"}}) {
    EXPECT_EQ(FormatDuration(seconds), text);
  }
  EXPECT_EQ(FormatDurationIn(5400, 60), "90 min");
  EXPECT_EQ(TrimmedNumber(3.0, 2), "3");
  EXPECT_EQ(TrimmedNumber(-0.0001, 2), "0");
}

}  // namespace
}  // namespace edgesim::sim
