#include "sim/progress_line.h"

#include "gtest/gtest.h"

namespace edgesim::sim {
namespace {

TEST(ProgressLineTest, ShowsTheFractionTheVariantsAndTheTimeLeft) {
  EXPECT_EQ(ProgressText({.fraction = 0.25, .elapsed = absl::Seconds(10), .finished = 0,
                          .variants = 2}),
            "[#######                       ] 25% 0/2 variants, 10s elapsed, about 30s left");
  EXPECT_EQ(ProgressText({.fraction = 0.5, .elapsed = absl::Seconds(125), .finished = 1,
                          .variants = 2}),
            "[###############               ] 50% 1/2 variants, 2m05s elapsed, about 2m05s left");
  EXPECT_EQ(ProgressText({.fraction = 0.1, .elapsed = absl::Minutes(10), .variants = 1}),
            "[###                           ] 10% 0/1 variants, 10m00s elapsed, about 1h30m left");
}

TEST(ProgressLineTest, NoEstimateBeforeAnythingIsDoneNorAfterTheEnd) {
  EXPECT_EQ(ProgressText({.fraction = 0, .elapsed = absl::Seconds(3), .variants = 1}),
            "[                              ] 0% 0/1 variants, 3s elapsed");
  EXPECT_EQ(ProgressText({.fraction = 1, .elapsed = absl::Seconds(3), .finished = 1,
                          .variants = 1}),
            "[##############################] 100% 1/1 variants, 3s elapsed");
}

TEST(ProgressLineTest, APipedLineEveryTenthOrEveryPeriod) {
  EXPECT_TRUE(ProgressLineDue(0.19, 0.21, absl::Seconds(1)));
  EXPECT_FALSE(ProgressLineDue(0.21, 0.29, absl::Seconds(1)));
  EXPECT_TRUE(ProgressLineDue(0.21, 0.22, kProgressLinePeriod));
  EXPECT_FALSE(ProgressLineDue(0, 0.05, kProgressLinePeriod - absl::Seconds(1)));
}

}  // namespace
}  // namespace edgesim::sim
