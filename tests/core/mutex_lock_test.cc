#include "core/mutex_lock.h"

#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace edgesim::core {
namespace {

TEST(MutexLockTest, WriterLockExcludesEveryone) {
  absl::Mutex mu;
  {
    WriterLock lock(&mu);
    EXPECT_FALSE(mu.TryLock());
    EXPECT_FALSE(mu.ReaderTryLock());
  }
  EXPECT_TRUE(mu.TryLock());
  mu.Unlock();
}

TEST(MutexLockTest, ReaderLocksShareButExcludeWriters) {
  absl::Mutex mu;
  {
    ReaderLock lock(&mu);
    EXPECT_FALSE(mu.TryLock());
    EXPECT_TRUE(mu.ReaderTryLock());
    mu.ReaderUnlock();
  }
  EXPECT_TRUE(mu.TryLock());
  mu.Unlock();
}

TEST(MutexLockTest, ConditionalWriterLockWaitsForTheCondition) {
  absl::Mutex mu;
  bool ready = false;
  int value = 0;  // guarded by mu: written before `ready` by another thread
  std::thread producer([&] {
    WriterLock lock(&mu);
    value = 42;
    ready = true;
  });
  {
    WriterLock lock(&mu, absl::Condition(&ready));
    EXPECT_EQ(value, 42);
  }
  producer.join();
}

// Under -DEDGESIM_TSAN=ON the binary reports races (and exits 66) if the guards' annotations are
// missing (Debian's abseil is not instrumented).
TEST(MutexLockTest, GuardedCounterIsRaceFreeUnderTsan) {
  absl::Mutex mu;
  int counter = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        if (i % 2 == 0) {
          WriterLock lock(&mu);
          ++counter;
        } else {
          ReaderLock lock(&mu);
          EXPECT_GE(counter, 0);
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(counter, 4 * 500);
}

}  // namespace
}  // namespace edgesim::core
