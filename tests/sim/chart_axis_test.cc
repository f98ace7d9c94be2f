#include "sim/chart_axis.h"

#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace edgesim::sim {
namespace {

using ::testing::ElementsAre;

// The mantissa of a 1-2-5 step: 1, 2 or 5.
double ChartAxisMantissa(double step) {
  return std::round(step / std::pow(10.0, std::floor(std::log10(step))) * 1000) / 1000;
}

TEST(ChartAxisTest, ValueTicksStepByOneTwoOrFiveAndCoverTheMaximum) {
  for (double max : {0.0137, 0.9187, 1.0, 3.0, 7.0, 97.0, 16120.0, 652114.0, 2.5e9}) {
    const AxisTicks t = ValueTicks(max);
    EXPECT_THAT(ChartAxisMantissa(t.step), ::testing::AnyOf(1.0, 2.0, 5.0)) << max;
    EXPECT_GE(t.values.back(), max) << max;
    EXPECT_LT(t.values.back() - t.step, max) << max;  // no empty tick band on top
    EXPECT_LE(t.values.size(), 8u) << max;
    EXPECT_EQ(t.values.front(), 0) << max;
  }
  EXPECT_THAT(ValueTicks(16120).values, ElementsAre(0, 5000, 10000, 15000, 20000));
  EXPECT_THAT(ValueTicks(0.9187).values, ElementsAre(0, 0.2, 0.4, 0.6000000000000001, 0.8, 1));
}

TEST(ChartAxisTest, CountsStepByWholeNumbers) {
  EXPECT_EQ(ValueTicks(3, 5, true).step, 1);
  EXPECT_THAT(ValueTicks(0, 5, true).values, ElementsAre(0, 1));
}

TEST(ChartAxisTest, TimeTicksUseClockSteps) {
  const TimeAxis hour = TimeTicks(3600);
  EXPECT_EQ(hour.ticks.step, 600);
  EXPECT_EQ(hour.unit_seconds, 60);
  EXPECT_EQ(hour.ticks.values.back(), 3600);
  const TimeAxis day = TimeTicks(86400);
  EXPECT_EQ(day.ticks.step, 21600);
  EXPECT_EQ(day.unit_seconds, 3600);
  EXPECT_EQ(TimeTicks(80).ticks.step, 15);
  EXPECT_EQ(TimeTicks(80).unit_seconds, 1);
  // Past a week: whole weeks.
  const TimeAxis quarter = TimeTicks(90 * 86400.0);
  EXPECT_EQ(std::fmod(quarter.ticks.step, 604800), 0);
  EXPECT_LE(quarter.ticks.values.size(), 8u);
}

}  // namespace
}  // namespace edgesim::sim
