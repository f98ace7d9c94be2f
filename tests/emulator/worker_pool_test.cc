#include "emulator/worker_pool.h"

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "gtest/gtest.h"

namespace edgesim::emulator {
namespace {

// Holds the workers until released.
class Gate {
 public:
  void Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    ++waiting_;
    changed_.notify_all();
    changed_.wait(lock, [this] { return open_; });
  }
  void WaitForWaiters(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [&] { return waiting_ >= n; });
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  int waiting_ = 0;
  bool open_ = false;
};

TEST(WorkerPoolTest, RunsEveryAcceptedTask) {
  std::atomic<int> ran{0};
  {
    WorkerPool pool({.threads = 3, .queue_capacity = 1000});
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(pool.TrySubmit("o", [&] { ran.fetch_add(1); }));
  }  // the destructor runs what is queued
  EXPECT_EQ(ran.load(), 100);
}

TEST(WorkerPoolTest, AFullQueueRefusesAndCounts) {
  Gate gate;
  std::atomic<int> ran{0};
  WorkerPool pool({.threads = 1, .queue_capacity = 2});
  ASSERT_TRUE(pool.TrySubmit("o", [&] { gate.Wait(); }));
  gate.WaitForWaiters(1);  // the worker is busy; the queue is empty
  EXPECT_TRUE(pool.TrySubmit("o", [&] { ran.fetch_add(1); }));
  EXPECT_TRUE(pool.TrySubmit("o", [&] { ran.fetch_add(1); }));
  EXPECT_FALSE(pool.TrySubmit("o", [&] { ran.fetch_add(100); }));
  EXPECT_EQ(pool.queued(), 2u);
  EXPECT_EQ(pool.rejected(), 1u);
  EXPECT_TRUE(pool.Submit("o", [&] { ran.fetch_add(10); }));  // past the capacity
  gate.Open();
  pool.Shutdown();
  EXPECT_EQ(ran.load(), 12);
  EXPECT_FALSE(pool.TrySubmit("o", [] {}));  // shut down
  EXPECT_FALSE(pool.Submit("o", [] {}));
}

// A lane at its concurrency limit holds no more threads: its next task waits in its queue while
// another lane's runs.
TEST(WorkerPoolTest, ALaneAtItsLimitLeavesTheOtherThreadsToOtherLanes) {
  Gate hung;
  std::atomic<int> hung_ran{0};
  WorkerPool pool({.threads = 4, .queue_capacity = 100, .lane_concurrency = 2});
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(pool.TrySubmit("hung", [&] {
      hung_ran.fetch_add(1);
      hung.Wait();
    }));
  }
  hung.WaitForWaiters(2);
  std::atomic<int> healthy{0};
  Gate done;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(pool.TrySubmit("healthy", [&] {
      if (healthy.fetch_add(1) == 4) done.Open();
    }));
  }
  done.Wait();  // returns only if all five ran while the hung lane still holds its tasks
  EXPECT_EQ(healthy.load(), 5);
  EXPECT_EQ(hung_ran.load(), 2);
  EXPECT_EQ(pool.queued(), 8u);
  hung.Open();
  pool.Shutdown();
  EXPECT_EQ(hung_ran.load(), 10);
}

// Each lane's queue has its own bound: one full lane refuses, another still queues.
TEST(WorkerPoolTest, EachLaneHasItsOwnQueueBound) {
  Gate gate;
  WorkerPool pool({.threads = 2, .queue_capacity = 1, .lane_concurrency = 1});
  ASSERT_TRUE(pool.TrySubmit("a", [&] { gate.Wait(); }));
  gate.WaitForWaiters(1);
  EXPECT_TRUE(pool.TrySubmit("a", [] {}));
  EXPECT_FALSE(pool.TrySubmit("a", [] {}));
  EXPECT_TRUE(pool.TrySubmit("b", [] {}));
  EXPECT_EQ(pool.rejected(), 1u);
  gate.Open();
}

}  // namespace
}  // namespace edgesim::emulator
