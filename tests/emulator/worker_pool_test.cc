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
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(pool.TrySubmit([&] { ran.fetch_add(1); }));
  }  // the destructor runs what is queued
  EXPECT_EQ(ran.load(), 100);
}

TEST(WorkerPoolTest, AFullQueueRefusesAndCounts) {
  Gate gate;
  std::atomic<int> ran{0};
  WorkerPool pool({.threads = 1, .queue_capacity = 2});
  ASSERT_TRUE(pool.TrySubmit([&] { gate.Wait(); }));
  gate.WaitForWaiters(1);  // the worker is busy; the queue is empty
  EXPECT_TRUE(pool.TrySubmit([&] { ran.fetch_add(1); }));
  EXPECT_TRUE(pool.TrySubmit([&] { ran.fetch_add(1); }));
  EXPECT_FALSE(pool.TrySubmit([&] { ran.fetch_add(100); }));
  EXPECT_EQ(pool.queued(), 2u);
  EXPECT_EQ(pool.rejected(), 1u);
  EXPECT_TRUE(pool.Submit([&] { ran.fetch_add(10); }));  // past the capacity
  gate.Open();
  pool.Shutdown();
  EXPECT_EQ(ran.load(), 12);
  EXPECT_FALSE(pool.TrySubmit([] {}));  // shut down
  EXPECT_FALSE(pool.Submit([] {}));
}

}  // namespace
}  // namespace edgesim::emulator
