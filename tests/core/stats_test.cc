#include "core/stats.h"

#include <sstream>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace edgesim::core {
namespace {

TEST(StripedCountersTest, SumsAcrossThreads) {
  StripedCounters counters;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10'000; ++i) {
        counters.Add(Counter::kHits);
        counters.Add(Counter::kBytesFromCache, 3);
      }
    });
  }
  for (auto& t : threads) t.join();
  const CounterSnapshot s = counters.Snapshot();
  EXPECT_EQ(s[Counter::kHits], 40'000u);
  EXPECT_EQ(s[Counter::kBytesFromCache], 120'000u);
  EXPECT_EQ(s[Counter::kMisses], 0u);
}

TEST(StripedCountersTest, ResetZeroes) {
  StripedCounters counters;
  counters.Add(Counter::kMisses, 5);
  counters.Reset();
  EXPECT_EQ(counters.Snapshot(), CounterSnapshot{});
}

TEST(CounterSnapshotTest, AddsAndPrintsNonZeroCounters) {
  CounterSnapshot a, b;
  a[Counter::kHits] = 2;
  b[Counter::kHits] = 3;
  b[Counter::kErrors] = 1;
  a += b;
  EXPECT_EQ(a[Counter::kHits], 5u);
  EXPECT_EQ(a[Counter::kErrors], 1u);
  std::ostringstream os;
  os << a;
  EXPECT_EQ(os.str(), "{ hits=5 errors=1 }");
}

TEST(CounterTest, EveryCounterHasAName) {
  for (int i = 0; i < static_cast<int>(Counter::kCount); ++i) {
    EXPECT_NE(ToString(static_cast<Counter>(i)), "unknown") << i;
  }
}

}  // namespace
}  // namespace edgesim::core
