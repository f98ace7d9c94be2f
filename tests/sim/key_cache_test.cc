#include "sim/key_cache.h"

#include <cmath>
#include <list>
#include <random>
#include <unordered_map>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace edgesim::sim {
namespace {

struct Request {
  uint64_t id;
  uint32_t size;
};

// Zipf(1.0)-like popularity over `objects` ids with sizes fixed per object.
std::vector<Request> ZipfTrace(int requests, int objects, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<double> cdf(objects);
  double sum = 0;
  for (int i = 0; i < objects; ++i) cdf[i] = sum += 1.0 / (i + 1);
  std::uniform_real_distribution<double> u(0, sum);
  std::vector<uint32_t> sizes(objects);
  for (uint32_t& s : sizes) s = 100 + static_cast<uint32_t>(rng() % 5000);
  std::vector<Request> trace;
  for (int i = 0; i < requests; ++i) {
    const int obj = static_cast<int>(std::lower_bound(cdf.begin(), cdf.end(), u(rng)) - cdf.begin());
    trace.push_back({static_cast<uint64_t>(obj) * 7919 + 3, sizes[obj]});
  }
  return trace;
}

// The textbook byte-capacity LRU, written plainly.
class ReferenceLru {
 public:
  explicit ReferenceLru(uint64_t capacity) : capacity_(capacity) {}
  bool Access(uint64_t id, uint32_t size) {
    auto it = index_.find(id);
    if (it != index_.end()) {
      order_.splice(order_.begin(), order_, it->second);
      return true;
    }
    if (size > capacity_) return false;
    while (used_ + size > capacity_) {
      used_ -= order_.back().second;
      index_.erase(order_.back().first);
      order_.pop_back();
    }
    order_.emplace_front(id, size);
    index_[id] = order_.begin();
    used_ += size;
    return false;
  }

 private:
  uint64_t capacity_;
  uint64_t used_ = 0;
  std::list<std::pair<uint64_t, uint32_t>> order_;
  std::unordered_map<uint64_t, std::list<std::pair<uint64_t, uint32_t>>::iterator> index_;
};

TEST(KeyCacheTest, LruMissRatioEqualsAReferenceLru) {
  const std::vector<Request> trace = ZipfTrace(200000, 20000, 7);
  for (uint64_t capacity : {uint64_t{500'000}, uint64_t{5'000'000}}) {
    SCOPED_TRACE(capacity);
    std::unique_ptr<KeyCache> cache = *KeyCache::Create("lru", capacity);
    ReferenceLru reference(capacity);
    uint64_t misses = 0, reference_misses = 0, miss_bytes = 0, reference_miss_bytes = 0;
    for (const Request& r : trace) {
      if (!cache->Access(r.id, r.size)) {
        ++misses;
        miss_bytes += r.size;
      }
      if (!reference.Access(r.id, r.size)) {
        ++reference_misses;
        reference_miss_bytes += r.size;
      }
    }
    EXPECT_EQ(misses, reference_misses);
    EXPECT_EQ(miss_bytes, reference_miss_bytes);
    EXPECT_GT(misses, 0u);
    EXPECT_LT(misses, trace.size());
    EXPECT_LE(cache->charged_bytes(), capacity);
  }
}

TEST(KeyCacheTest, FifoIgnoresHits) {
  std::unique_ptr<KeyCache> cache = *KeyCache::Create("fifo", 200);
  EXPECT_FALSE(cache->Access(1, 100));
  EXPECT_FALSE(cache->Access(2, 100));
  EXPECT_TRUE(cache->Access(1, 100));   // LRU would now evict 2 next; FIFO evicts 1
  EXPECT_FALSE(cache->Access(3, 100));
  EXPECT_TRUE(cache->Access(2, 100));
  EXPECT_FALSE(cache->Access(1, 100));
  EXPECT_EQ(cache->evictions(), 2u);
}

TEST(KeyCacheTest, EveryPolicyStaysWithinCapacityAndFindsWhatItHolds) {
  const std::vector<Request> trace = ZipfTrace(50000, 5000, 11);
  for (const char* policy : {"lru", "fifo", "sieve", "s3fifo"}) {
    SCOPED_TRACE(policy);
    std::unique_ptr<KeyCache> cache = *KeyCache::Create(policy, 1'000'000);
    uint64_t hits = 0;
    for (const Request& r : trace) {
      hits += cache->Access(r.id, r.size);
      ASSERT_LE(cache->charged_bytes(), 1'000'000u);
    }
    EXPECT_GT(hits, 0u);
    EXPECT_GT(cache->evictions(), 0u);
  }
}

// A month of logs caches tens of millions of objects: 32-byte nodes (two per cache line) and
// the index, at most 48 bytes each at this fill (the index then 57 % full).
TEST(KeyCacheTest, HoldsAnObjectInAtMost48Bytes) {
  for (const char* policy : {"lru", "sieve"}) {
    SCOPED_TRACE(policy);
    constexpr uint64_t kKeyCacheObjects = 300'000;
    std::unique_ptr<KeyCache> cache = *KeyCache::Create(policy, kKeyCacheObjects);
    for (uint64_t id = 0; id < kKeyCacheObjects; ++id) cache->Access(id, 1);
    // Everything is still there after every grow of the index.
    for (uint64_t id = 0; id < kKeyCacheObjects; ++id) ASSERT_TRUE(cache->Access(id, 1)) << id;
    ASSERT_EQ(cache->objects(), kKeyCacheObjects);
    EXPECT_LE(cache->memory_bytes(), 48 * kKeyCacheObjects);
    EXPECT_GE(cache->memory_bytes(), 32 * kKeyCacheObjects);  // the nodes alone
  }
}

TEST(KeyCacheTest, RejectsObjectsLargerThanTheCacheAndBadPolicies) {
  std::unique_ptr<KeyCache> cache = *KeyCache::Create("lru", 100);
  EXPECT_FALSE(cache->Access(1, 101));
  EXPECT_FALSE(cache->Access(1, 101));
  EXPECT_EQ(cache->rejected(), 2u);
  EXPECT_TRUE(cache->Access(2, 0) == false && cache->Access(2, 0));
  EXPECT_FALSE(KeyCache::Create("random", 100).ok());
  EXPECT_FALSE(KeyCache::Create("lru", 0).ok());
}

// Ids that differ only in their high bits: a node keeps the id's hash, not the id.
TEST(KeyCacheTest, TellsApartIdsThatShareTheirLowBits) {
  std::unique_ptr<KeyCache> cache = *KeyCache::Create("sieve", 1'000'000);
  for (uint64_t high = 0; high < 1000; ++high) ASSERT_FALSE(cache->Access(high << 32 | 7, 1));
  for (uint64_t high = 0; high < 1000; ++high) ASSERT_TRUE(cache->Access(high << 32 | 7, 1));
  EXPECT_FALSE(cache->Access(uint64_t{1000} << 32 | 7, 1));
  EXPECT_EQ(cache->objects(), 1001u);
}

// The index holds at most KeyCache::kMaxObjects; past the limit (lowered here) an admission is an
// error the replay returns, not a crash.
TEST(KeyCacheTest, AdmittingPastTheObjectLimitIsAnError) {
  std::unique_ptr<KeyCache> cache = *KeyCache::Create("lru", 1'000'000, /*max_objects=*/3);
  for (uint64_t id = 1; id <= 3; ++id) EXPECT_FALSE(cache->Access(id, 10));
  EXPECT_TRUE(cache->status().ok());
  EXPECT_FALSE(cache->Access(4, 10));
  EXPECT_EQ(cache->status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(cache->status().message()),
              ::testing::HasSubstr("at most 3 objects at once"));
  EXPECT_FALSE(cache->Access(4, 10));  // not admitted
  EXPECT_EQ(cache->objects(), 3u);
  for (uint64_t id = 1; id <= 3; ++id) EXPECT_TRUE(cache->Access(id, 10));
}

}  // namespace
}  // namespace edgesim::sim
