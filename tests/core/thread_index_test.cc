#include "core/thread_index.h"

#include <latch>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace edgesim::core {
namespace {

TEST(ThreadIndexTest, StableWithinAThreadAndDistinctAcrossLiveThreads) {
  const size_t mine = ThisThreadIndex();
  EXPECT_EQ(ThisThreadIndex(), mine);
  std::mutex mu;
  std::set<size_t> seen = {mine};
  std::latch arrived(8);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      const size_t index = ThisThreadIndex();
      {
        std::lock_guard<std::mutex> lock(mu);
        EXPECT_TRUE(seen.insert(index).second) << "index " << index << " handed out twice";
      }
      // Stay alive until all have taken an index, so none is recycled meanwhile.
      arrived.arrive_and_wait();
    });
  }
  for (auto& t : threads) t.join();
  for (size_t index : seen) EXPECT_LT(index, kMaxThreads);
}

TEST(ThreadIndexTest, IndexesOfExitedThreadsAreReused) {
  size_t first = 0, second = 0;
  std::thread([&] { first = ThisThreadIndex(); }).join();
  std::thread([&] { second = ThisThreadIndex(); }).join();
  EXPECT_EQ(first, second);
}

}  // namespace
}  // namespace edgesim::core
