#include "core/epoch_seconds.h"

#include "gtest/gtest.h"

namespace edgesim::core {
namespace {

TEST(EpochSecondsTest, RoundsToWholeSeconds) {
  const absl::Time t = absl::FromUnixMillis(1'700'000'000'500);
  EXPECT_EQ(EpochSecondsFloor(t), 1'700'000'000u);
  EXPECT_EQ(EpochSecondsCeil(t), 1'700'000'001u);
  EXPECT_EQ(EpochSecondsCeil(absl::FromUnixSeconds(7)), 7u);
}

TEST(EpochSecondsTest, ClampsToTheUint32Range) {
  EXPECT_EQ(EpochSecondsFloor(absl::FromUnixSeconds(-5)), 0u);
  EXPECT_EQ(EpochSecondsCeil(absl::InfinitePast()), 0u);
  EXPECT_EQ(absl::FromUnixSeconds(EpochSecondsFloor(kLatestTime + absl::Hours(1))), kLatestTime);
  // InfiniteFuture: ToUnixSeconds gives INT64_MAX, and rounding it up must not overflow.
  EXPECT_EQ(EpochSecondsCeil(absl::InfiniteFuture()), kLatestEpochSeconds);
  EXPECT_EQ(EpochSecondsCeil(absl::FromUnixSeconds(INT64_MAX)), kLatestEpochSeconds);
  EXPECT_EQ(kLatestTime,
            absl::FromCivil(absl::CivilSecond(2106, 2, 7, 6, 28, 15), absl::UTCTimeZone()));
}

}  // namespace
}  // namespace edgesim::core
