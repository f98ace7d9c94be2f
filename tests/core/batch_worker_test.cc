#include "core/batch_worker.h"

#include <future>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace edgesim::core {
namespace {

TEST(BatchWorker, HandsItemsToTheConsumerInOrder) {
  std::vector<int> seen;
  BatchWorker<int> worker(100, [&](std::vector<int>& batch) {
    seen.insert(seen.end(), batch.begin(), batch.end());
  });
  for (int i = 0; i < 50; ++i) EXPECT_TRUE(worker.Push(i));
  worker.Close();
  ASSERT_EQ(seen.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(seen[i], i);
  EXPECT_EQ(worker.counters().done, 50u);
  EXPECT_EQ(worker.counters().dropped, 0u);
}

// The consumer is held inside its first batch, so the queue fills: later pushes are refused and
// counted, never waited on.
TEST(BatchWorker, AFullQueueDropsAndCounts) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  bool first = true;
  std::vector<std::string> seen;
  BatchWorker<std::string> worker(2, [&](std::vector<std::string>& batch) {
    if (first) {
      first = false;
      entered.set_value();
      released.wait();
    }
    seen.insert(seen.end(), batch.begin(), batch.end());
  });
  ASSERT_TRUE(worker.Push("held"));
  entered.get_future().wait();
  EXPECT_TRUE(worker.Push("a"));
  EXPECT_TRUE(worker.Push("b"));
  EXPECT_FALSE(worker.Push("c"));
  EXPECT_EQ(worker.counters().dropped, 1u);
  release.set_value();
  worker.Close();
  EXPECT_EQ(seen, (std::vector<std::string>{"held", "a", "b"}));
  EXPECT_EQ(worker.counters().done, 3u);
}

TEST(BatchWorker, CloseDrainsThenRefuses) {
  int consumed = 0;
  BatchWorker<int> worker(10, [&](std::vector<int>& batch) { consumed += batch.size(); });
  worker.Push(1);
  worker.Push(2);
  worker.Close();
  EXPECT_EQ(consumed, 2);
  EXPECT_FALSE(worker.Push(3));
  worker.Close();  // idempotent
  EXPECT_EQ(worker.counters().dropped, 1u);
  worker.ResetCounters();
  EXPECT_EQ(worker.counters().done, 0u);
  EXPECT_EQ(worker.counters().dropped, 0u);
}

TEST(BatchWorker, ManyProducers) {
  std::vector<int> seen;
  BatchWorker<int> worker(100000, [&](std::vector<int>& batch) {
    seen.insert(seen.end(), batch.begin(), batch.end());
  });
  std::vector<std::thread> producers;
  for (int t = 0; t < 4; ++t) {
    producers.emplace_back([&worker, t] {
      for (int i = 0; i < 1000; ++i) worker.Push(t * 1000 + i);
    });
  }
  for (std::thread& p : producers) p.join();
  worker.Close();
  EXPECT_EQ(seen.size(), 4000u);
  EXPECT_EQ(worker.counters().done, 4000u);
}

}  // namespace
}  // namespace edgesim::core
