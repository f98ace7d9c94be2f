#include "core/clock.h"

#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace edgesim::core {
namespace {

TEST(ManualClockTest, StartsWhereToldAndAdvances) {
  ManualClock clock(absl::FromUnixSeconds(100));
  EXPECT_EQ(clock.Now(), absl::FromUnixSeconds(100));
  clock.Advance(absl::Seconds(61));
  EXPECT_EQ(clock.Now(), absl::FromUnixSeconds(161));
  clock.Advance(absl::Milliseconds(500));
  EXPECT_EQ(clock.Now(), absl::FromUnixMillis(161'500));
}

TEST(ManualClockTest, SetMovesForwardButNeverBack) {
  ManualClock clock(absl::FromUnixSeconds(100));
  EXPECT_TRUE(clock.Set(absl::FromUnixSeconds(200)));
  EXPECT_FALSE(clock.Set(absl::FromUnixSeconds(150)));
  EXPECT_EQ(clock.Now(), absl::FromUnixSeconds(200));
  EXPECT_TRUE(clock.Set(absl::FromUnixSeconds(200)));
}

// An advance of 1e10 s used to wrap the int64 nanoseconds and move the clock backwards.
TEST(ManualClockTest, AdvanceStopsShortOfTheLatestTime) {
  ManualClock clock(absl::FromUnixSeconds(1'700'000'000));
  EXPECT_FALSE(clock.Advance(absl::Seconds(1e10)));
  EXPECT_FALSE(clock.Advance(absl::InfiniteDuration()));
  EXPECT_EQ(clock.Now(), absl::FromUnixSeconds(1'700'000'000));
  EXPECT_TRUE(clock.Advance(kLatestTime - clock.Now()));
  EXPECT_EQ(clock.Now(), kLatestTime);
  EXPECT_FALSE(clock.Advance(absl::Nanoseconds(1)));
  EXPECT_TRUE(clock.Advance(absl::ZeroDuration()));
  EXPECT_EQ(clock.Now(), kLatestTime);
}

TEST(ManualClockTest, SetRefusesTimesPastTheLatest) {
  ManualClock clock(absl::FromUnixSeconds(100));
  EXPECT_FALSE(clock.Set(kLatestTime + absl::Seconds(1)));
  EXPECT_FALSE(clock.Set(absl::InfiniteFuture()));
  EXPECT_EQ(clock.Now(), absl::FromUnixSeconds(100));
  EXPECT_TRUE(clock.Set(kLatestTime));
  EXPECT_EQ(ManualClock(absl::InfiniteFuture()).Now(), kLatestTime);
}

TEST(ManualClockTest, ConcurrentAdvancesAllCount) {
  ManualClock clock(absl::FromUnixSeconds(0));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) clock.Advance(absl::Seconds(1));
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(clock.Now(), absl::FromUnixSeconds(4000));
}

TEST(SystemClockTest, FollowsTheWallClock) {
  SystemClock clock;
  const absl::Time before = absl::Now();
  const absl::Time now = clock.Now();
  EXPECT_GE(now, before);
  EXPECT_LE(now, absl::Now());
}

}  // namespace
}  // namespace edgesim::core
