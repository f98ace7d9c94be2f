#include "core/epoch_domain.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "core/mutex_lock.h"
#include "gtest/gtest.h"

namespace edgesim::core {
namespace {

std::atomic<int> g_freed{0};
void CountFree(void* p) {
  delete static_cast<int*>(p);
  g_freed.fetch_add(1);
}

TEST(EpochDomainTest, RetiredObjectsWaitForPinnedReaders) {
  g_freed = 0;
  EpochDomain domain;
  Limbo limbo;
  absl::Mutex mu;
  bool pinned = false, release = false;
  std::thread reader([&] {
    EpochDomain::Guard g = domain.Pin();
    {
      WriterLock lock(&mu);
      pinned = true;
    }
    WriterLock released(&mu, absl::Condition(&release));
  });
  { WriterLock lock(&mu, absl::Condition(&pinned)); }
  limbo.Retire(domain, new int(1), &CountFree);
  for (int i = 0; i < 5; ++i) limbo.Collect(domain);
  EXPECT_EQ(g_freed.load(), 0) << "freed while a reader that may hold it is pinned";
  {
    WriterLock lock(&mu);
    release = true;
  }
  reader.join();
  for (int i = 0; i < 3; ++i) limbo.Collect(domain);
  EXPECT_EQ(g_freed.load(), 1);
  EXPECT_EQ(limbo.size(), 0u);
}

TEST(EpochDomainTest, NestedPinsAreOwnedByTheOuterGuard) {
  g_freed = 0;
  EpochDomain domain;
  Limbo limbo;
  {
    EpochDomain::Guard outer = domain.Pin();
    { EpochDomain::Guard inner = domain.Pin(); }
    limbo.Retire(domain, new int(1), &CountFree);
    // Another thread collects: the outer pin must still hold.
    std::thread([&] {
      for (int i = 0; i < 4; ++i) domain.TryAdvance();
    }).join();
    limbo.Collect(domain);
    EXPECT_EQ(g_freed.load(), 0);
  }
  for (int i = 0; i < 3; ++i) limbo.Collect(domain);
  EXPECT_EQ(g_freed.load(), 1);
}

TEST(EpochDomainTest, LimboFreesEverythingWhenDestroyed) {
  g_freed = 0;
  EpochDomain domain;
  {
    Limbo limbo;
    for (int i = 0; i < 10; ++i) limbo.Retire(domain, new int(i), &CountFree);
  }
  EXPECT_EQ(g_freed.load(), 10);
}

// Readers dereference a shared pointer while a writer swaps and retires it: under ASan or TSan
// a premature free shows up as a use-after-free or a race.
TEST(EpochDomainTest, ConcurrentReadersNeverSeeFreedMemory) {
  EpochDomain domain;
  std::atomic<int*> shared{new int(0)};
  std::atomic<bool> stop{false};
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        EpochDomain::Guard g = domain.Pin();
        const int* p = shared.load(std::memory_order_acquire);
        EXPECT_GE(*p, 0);
      }
    });
  }
  {
    Limbo limbo;
    for (int i = 1; i <= 20'000; ++i) {
      int* old = shared.exchange(new int(i), std::memory_order_acq_rel);
      limbo.Retire(domain, old, +[](void* p) { delete static_cast<int*>(p); });
    }
    stop = true;
    for (auto& t : readers) t.join();
  }
  delete shared.load();
}

}  // namespace
}  // namespace edgesim::core
