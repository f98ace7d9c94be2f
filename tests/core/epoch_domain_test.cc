#include "core/epoch_domain.h"

#include <atomic>
#include <latch>
#include <thread>
#include <vector>

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
  std::latch pinned(1), release(1);
  std::thread reader([&] {
    EpochDomain::Guard g = domain.Pin();
    pinned.count_down();
    release.wait();
  });
  pinned.wait();
  limbo.Retire(domain, new int(1), &CountFree);
  for (int i = 0; i < 5; ++i) limbo.Collect(domain);
  EXPECT_EQ(g_freed.load(), 0) << "freed while a reader that may hold it is pinned";
  release.count_down();
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

// A store's ResponseHandle carries its lookup's guard out of the lookup, so a thread's guards
// may end in any order: the thread stays pinned until the last one ends.
TEST(EpochDomainTest, AThreadStaysPinnedUntilItsLastGuardEnds) {
  g_freed = 0;
  EpochDomain domain;
  Limbo limbo;
  EpochDomain::Guard first = domain.Pin();
  EpochDomain::Guard second = domain.Pin();
  limbo.Retire(domain, new int(1), &CountFree);
  first = EpochDomain::Guard();  // the first guard ends first
  EXPECT_FALSE(first.held());
  std::thread([&] {
    for (int i = 0; i < 4; ++i) domain.TryAdvance();
  }).join();
  limbo.Collect(domain);
  EXPECT_EQ(g_freed.load(), 0) << "freed while the thread's second guard still holds it";
  EpochDomain::Guard moved = std::move(second);
  EXPECT_TRUE(moved.held());
  EXPECT_FALSE(second.held());
  limbo.Collect(domain);
  EXPECT_EQ(g_freed.load(), 0);
  moved = EpochDomain::Guard();
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
