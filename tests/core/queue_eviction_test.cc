// The two one-queue orders: LRU (the least recently inserted or hit node leaves first) and FIFO
// (the oldest admitted node leaves first; hits change nothing).
#include "core/queue_eviction.h"

#include <deque>
#include <list>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/core/eviction_harness.h"

namespace edgesim::core {
namespace {

using ::testing::ElementsAre;

EvictionHarness MakeUnboundedLru() {
  return EvictionHarness(std::make_unique<LruEviction>(), /*budget_bytes=*/UINT64_MAX);
}

TEST(LruEvictionTest, HitsNeedTheLock) { EXPECT_TRUE(LruEviction().access_needs_lock()); }

TEST(LruEvictionTest, WithoutHitsEvictsInInsertionOrder) {
  EvictionHarness h = MakeUnboundedLru();
  const size_t a = h.Admit(1), b = h.Admit(1), c = h.Admit(1);
  EXPECT_THAT(h.Drain(), ElementsAre(a, b, c));
}

TEST(LruEvictionTest, HitRefreshesRecency) {
  EvictionHarness h = MakeUnboundedLru();
  const size_t a = h.Admit(1), b = h.Admit(1), c = h.Admit(1);
  h.Access(a);
  h.Access(b);
  h.Access(a);
  EXPECT_THAT(h.Drain(), ElementsAre(c, b, a));
}

TEST(LruEvictionTest, HitOnTheMostRecentChangesNothing) {
  EvictionHarness h = MakeUnboundedLru();
  const size_t a = h.Admit(1), b = h.Admit(1);
  h.Access(b);
  EXPECT_THAT(h.Drain(), ElementsAre(a, b));
}

TEST(LruEvictionTest, ErasingTheOldestMakesTheNextOldestTheVictim) {
  EvictionHarness h = MakeUnboundedLru();
  const size_t a = h.Admit(1), b = h.Admit(1), c = h.Admit(1);
  h.Erase(a);
  EXPECT_THAT(h.Drain(), ElementsAre(b, c));
}

// An independent LRU (std::list + hash map, no intrusive links) as the reference.
size_t ReferenceLruMisses(const std::vector<uint32_t>& trace, size_t capacity) {
  std::list<uint32_t> recency;  // front = most recent
  std::unordered_map<uint32_t, std::list<uint32_t>::iterator> where;
  size_t misses = 0;
  for (uint32_t key : trace) {
    if (auto it = where.find(key); it != where.end()) {
      recency.splice(recency.begin(), recency, it->second);
      continue;
    }
    ++misses;
    recency.push_front(key);
    where[key] = recency.begin();
    if (recency.size() > capacity) {
      where.erase(recency.back());
      recency.pop_back();
    }
  }
  return misses;
}

TEST(LruEvictionTest, ZipfMissRatioEqualsAReferenceLru) {
  const std::vector<uint32_t> trace =
      ZipfTrace(/*keys=*/10000, /*requests=*/100000, /*alpha=*/1.0, /*seed=*/1);
  for (size_t capacity : {10, 500, 2000}) {
    EXPECT_DOUBLE_EQ(MissRatio("lru", trace, capacity),
                     static_cast<double>(ReferenceLruMisses(trace, capacity)) / trace.size())
        << "capacity " << capacity;
  }
}


// ---- FIFO ----

EvictionHarness MakeUnboundedFifo() {
  return EvictionHarness(std::make_unique<FifoEviction>(), /*budget_bytes=*/UINT64_MAX);
}

TEST(FifoEvictionTest, HitsAreLockFreeAndWriteNothing) {
  EvictionHarness h = MakeUnboundedFifo();
  EXPECT_FALSE(h.policy().access_needs_lock());
  const size_t a = h.Admit(1);
  h.Access(a);
  EXPECT_EQ(h.node(a).access.load(), 0);
}

TEST(FifoEvictionTest, HitsDoNotSaveTheOldest) {
  EvictionHarness h = MakeUnboundedFifo();
  const size_t a = h.Admit(1), b = h.Admit(1), c = h.Admit(1);
  h.Access(a);
  h.Access(a);
  h.Access(b);
  EXPECT_THAT(h.Drain(), ElementsAre(a, b, c));
}

TEST(FifoEvictionTest, ErasingTheOldestMakesTheNextOldestTheVictim) {
  EvictionHarness h = MakeUnboundedFifo();
  const size_t a = h.Admit(1), b = h.Admit(1), c = h.Admit(1);
  h.Erase(a);
  EXPECT_THAT(h.Drain(), ElementsAre(b, c));
}

TEST(FifoEvictionTest, AReadmittedNodeIsTheNewest) {
  EvictionHarness h = MakeUnboundedFifo();
  const size_t a = h.Admit(1), b = h.Admit(1);
  h.Erase(a);
  h.Readmit(a);
  EXPECT_THAT(h.Drain(), ElementsAre(b, a));
}

// An independent FIFO (std::deque + set, no intrusive links) as the reference.
size_t ReferenceFifoMisses(const std::vector<uint32_t>& trace, size_t capacity) {
  std::deque<uint32_t> order;  // front = oldest
  std::unordered_set<uint32_t> cached;
  size_t misses = 0;
  for (uint32_t key : trace) {
    if (cached.contains(key)) continue;
    ++misses;
    order.push_back(key);
    cached.insert(key);
    if (order.size() > capacity) {
      cached.erase(order.front());
      order.pop_front();
    }
  }
  return misses;
}

TEST(FifoEvictionTest, ZipfMissRatioEqualsAReferenceFifo) {
  const std::vector<uint32_t> trace =
      ZipfTrace(/*keys=*/10000, /*requests=*/100000, /*alpha=*/1.0, /*seed=*/2);
  for (size_t capacity : {10, 500, 2000}) {
    EXPECT_DOUBLE_EQ(MissRatio("fifo", trace, capacity),
                     static_cast<double>(ReferenceFifoMisses(trace, capacity)) / trace.size())
        << "capacity " << capacity;
  }
}

// Hits are what tell the policies apart: on a skewed trace LRU keeps the hot keys FIFO evicts.
TEST(FifoEvictionTest, MissesMoreThanLruOnASkewedTrace) {
  const std::vector<uint32_t> trace =
      ZipfTrace(/*keys=*/10000, /*requests=*/100000, /*alpha=*/1.0, /*seed=*/3);
  EXPECT_GT(MissRatio("fifo", trace, 500), MissRatio("lru", trace, 500));
}

}  // namespace
}  // namespace edgesim::core
