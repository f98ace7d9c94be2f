#include "core/thread_index.h"

#include <set>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "core/mutex_lock.h"
#include "gtest/gtest.h"

namespace edgesim::core {
namespace {

TEST(ThreadIndexTest, StableWithinAThreadAndDistinctAcrossLiveThreads) {
  const size_t mine = ThisThreadIndex();
  EXPECT_EQ(ThisThreadIndex(), mine);
  absl::Mutex mu;
  std::set<size_t> seen = {mine};
  int arrived = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      const size_t index = ThisThreadIndex();
      {
        WriterLock lock(&mu);
        EXPECT_TRUE(seen.insert(index).second) << "index " << index << " handed out twice";
        ++arrived;
      }
      // Stay alive until all have taken an index, so none is recycled meanwhile.
      WriterLock all_arrived(&mu, absl::Condition(+[](int* n) { return *n == 8; }, &arrived));
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
