#include "core/sharded_store.h"

#include <atomic>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/epoch_seconds.h"
#include "gtest/gtest.h"
#include "tests/core/test_time.h"

namespace edgesim::core {
namespace {

ResponseRef Body(size_t size, absl::Duration retain = absl::Hours(24)) {
  StorageTerms terms;
  terms.retain_after_expiry = retain;
  return MakeStoredResponse({200, {}}, MakeBody(std::string(size, 'b')), terms);
}

std::string KeyFor(int i) {
  return absl::StrCat("d111111abcdef8.cloudfront.net/assets/", i, ".js");
}

class ShardedStoreTest : public testing::TestWithParam<std::string> {
 protected:
  std::unique_ptr<ShardedStore> MakeStore(uint64_t capacity, int shards = 4) {
    auto store = ShardedStore::Create(
        {.shards = shards, .capacity_bytes = capacity, .eviction = GetParam()}, &log_);
    EXPECT_TRUE(store.ok()) << store.status();
    return std::move(*store);
  }

  bool Put(ShardedStore& store, absl::string_view key, ResponseRef r, absl::Time now,
           absl::Duration ttl = absl::Seconds(60), absl::string_view path = "") {
    const std::string default_path = absl::StrCat("/", key);
    return store.Insert(key, HashKey(key), path.empty() ? default_path : path, std::move(r), now,
                        now + ttl, now);
  }
  StoreLookup Get(ShardedStore& store, absl::string_view key, absl::Time now) {
    return store.Lookup(key, HashKey(key), now);
  }

  InvalidationLog log_;
};

TEST_P(ShardedStoreTest, StoresAndFindsWithTimes) {
  auto store = MakeStore(1 << 20);
  ResponseRef r = Body(100);
  ASSERT_TRUE(Put(*store, "k1", r, kT0));
  StoreLookup hit = Get(*store, "k1", kT0 + absl::Seconds(5));
  ASSERT_EQ(hit.status, LookupStatus::kFound);
  EXPECT_EQ(hit.response.get(), r.get());
  EXPECT_EQ(hit.origin_time, kT0);
  EXPECT_EQ(hit.fresh_until, kT0 + absl::Seconds(60));
  EXPECT_EQ(Get(*store, "k2", kT0).status, LookupStatus::kAbsent);
  EXPECT_EQ(Get(*store, "k", kT0).status, LookupStatus::kAbsent);
  EXPECT_EQ(store->counters().entries, 1u);
  EXPECT_EQ(store->counters().inserts, 1u);
}

TEST_P(ShardedStoreTest, TimesRoundToWholeSecondsSoObjectsNeverExpireEarly) {
  auto store = MakeStore(1 << 20);
  const absl::Time stored = kT0 + absl::Milliseconds(900);
  ASSERT_TRUE(
      store->Insert("k", HashKey("k"), "/k", Body(1), stored, stored + absl::Seconds(1), stored));
  StoreLookup hit = Get(*store, "k", stored);
  EXPECT_EQ(hit.origin_time, kT0);  // Age counts whole seconds
  EXPECT_EQ(hit.fresh_until, kT0 + absl::Seconds(2));
}

// A TTL of 2^63-1 seconds (a config's Long, or max-age arithmetic) takes fresh_until to
// absl::InfiniteFuture(): the entry is fresh until the latest time entries hold, not expired
// by an overflow while rounding it up to a whole second.
TEST_P(ShardedStoreTest, AnEndlessTtlSaturatesAtTheLatestTime) {
  auto store = MakeStore(1 << 20);
  ASSERT_TRUE(Put(*store, "k", Body(1), kT0, absl::Seconds(INT64_MAX)));
  const StoreLookup hit = Get(*store, "k", kT0 + absl::Hours(24 * 365));
  ASSERT_EQ(hit.status, LookupStatus::kFound);
  EXPECT_EQ(hit.fresh_until, kLatestTime);
  EXPECT_EQ(hit.origin_time, kT0);
}

TEST_P(ShardedStoreTest, InsertReplacesTheKeysEntry) {
  auto store = MakeStore(1 << 20);
  ASSERT_TRUE(Put(*store, "k", Body(10), kT0));
  const uint64_t charged_before = store->counters().charged_bytes;
  ResponseRef newer = Body(20);
  ASSERT_TRUE(Put(*store, "k", newer, kT0 + absl::Seconds(1)));
  EXPECT_EQ(Get(*store, "k", kT0 + absl::Seconds(1)).response.get(), newer.get());
  const StoreCounters c = store->counters();
  EXPECT_EQ(c.entries, 1u);
  EXPECT_EQ(c.replacements, 1u);
  // The old copy's bytes were released: only the 10 extra body bytes remain.
  EXPECT_EQ(c.charged_bytes, charged_before + 10);
}

TEST_P(ShardedStoreTest, RefreshUpdatesTimesOnlyForTheSameResponse) {
  auto store = MakeStore(1 << 20);
  ResponseRef r = Body(10);
  ASSERT_TRUE(Put(*store, "k", r, kT0));
  const absl::Time later = kT0 + absl::Seconds(100);
  EXPECT_TRUE(store->Refresh("k", HashKey("k"), r.get(), later, later + absl::Seconds(30)));
  StoreLookup hit = Get(*store, "k", later);
  EXPECT_EQ(hit.origin_time, later);
  EXPECT_EQ(hit.fresh_until, later + absl::Seconds(30));
  ResponseRef other = Body(10);
  EXPECT_FALSE(store->Refresh("k", HashKey("k"), other.get(), later, later));
  EXPECT_FALSE(store->Refresh("gone", HashKey("gone"), r.get(), later, later));
}

TEST_P(ShardedStoreTest, EraseRemovesAndReleasesBytes) {
  auto store = MakeStore(1 << 20);
  ASSERT_TRUE(Put(*store, "k", Body(10), kT0));
  EXPECT_TRUE(store->Erase("k", HashKey("k")));
  EXPECT_FALSE(store->Erase("k", HashKey("k")));
  EXPECT_EQ(Get(*store, "k", kT0).status, LookupStatus::kAbsent);
  EXPECT_EQ(store->counters().charged_bytes, 0u);
  EXPECT_EQ(store->counters().erased, 1u);
}

TEST_P(ShardedStoreTest, ByteBudgetIsNeverExceeded) {
  const uint64_t capacity = 64 * 1024;
  auto store = MakeStore(capacity, 2);
  std::mt19937 rng(7);
  for (int i = 0; i < 5000; ++i) {
    ASSERT_TRUE(Put(*store, KeyFor(i), Body(rng() % 2000), kT0));
    const StoreCounters c = store->counters();
    ASSERT_LE(c.charged_bytes, capacity) << "after insert " << i;
  }
  const StoreCounters c = store->counters();
  EXPECT_GT(c.evictions, 0u);
  EXPECT_EQ(c.inserts, 5000u);
  EXPECT_EQ(c.entries, c.inserts - c.evictions);
  uint64_t charged = 0;
  std::vector<std::string> listed;
  store->ForEach([&](const EntryView& v) {
    listed.push_back(v.key);
    charged += v.charge;
  });
  EXPECT_EQ(listed.size(), c.entries);
  EXPECT_EQ(charged, c.charged_bytes);
  for (const std::string& key : listed)
    EXPECT_EQ(Get(*store, key, kT0).status, LookupStatus::kFound);
}

TEST_P(ShardedStoreTest, ObjectsLargerThanAShardAreRejectedAndDropTheOldCopy) {
  auto store = MakeStore(8 * 1024, 2);
  ASSERT_TRUE(Put(*store, "k", Body(10), kT0));
  EXPECT_FALSE(Put(*store, "k", Body(5000), kT0));
  EXPECT_EQ(Get(*store, "k", kT0).status, LookupStatus::kAbsent);
  EXPECT_EQ(store->counters().rejected, 1u);
  EXPECT_FALSE(Put(*store, std::string(70'000, 'k'), Body(1), kT0));
}

TEST_P(ShardedStoreTest, ExpiredObjectsAreKeptForRetentionThenReclaimedLazily) {
  auto store = MakeStore(1 << 20);
  ASSERT_TRUE(Put(*store, "k", Body(10, absl::Seconds(100)), kT0, absl::Seconds(60)));
  // Expired but retained: still found (the edge revalidates it or serves it on origin errors).
  EXPECT_EQ(Get(*store, "k", kT0 + absl::Seconds(159)).status, LookupStatus::kFound);
  EXPECT_EQ(Get(*store, "k", kT0 + absl::Seconds(160)).status, LookupStatus::kAbsent);
  EXPECT_EQ(store->counters().expirations, 1u);
  EXPECT_EQ(store->counters().entries, 0u);
}

TEST_P(ShardedStoreTest, SweepReclaimsExpiredWithinItsBudget) {
  auto store = MakeStore(1 << 22, 4);
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(Put(*store, KeyFor(i), Body(10, absl::ZeroDuration()), kT0,
                    absl::Seconds(i < 50 ? 10 : 1000)));
  }
  const absl::Time later = kT0 + absl::Seconds(20);
  SweepResult first = store->Sweep(later, 10);
  EXPECT_EQ(first.visited, 10u);
  EXPECT_FALSE(first.completed_pass);
  uint64_t expired = first.expired;
  bool completed = false;
  for (int i = 0; i < 1000 && !completed; ++i) {
    SweepResult r = store->Sweep(later, 10);
    EXPECT_LE(r.visited, 10u);
    expired += r.expired;
    completed = r.completed_pass;
  }
  EXPECT_TRUE(completed);
  EXPECT_EQ(expired, 50u);
  EXPECT_EQ(store->counters().entries, 50u);
  EXPECT_EQ(store->counters().expirations, 50u);
}

TEST_P(ShardedStoreTest, LookupKillsWhatAnInvalidationCovers) {
  auto store = MakeStore(1 << 20);
  ASSERT_TRUE(Put(*store, "k1", Body(10), kT0, absl::Seconds(60), "/images/a.jpg"));
  ASSERT_TRUE(Put(*store, "k2", Body(10), kT0, absl::Seconds(60), "/css/a.css"));
  log_.Add(*policy::InvalidationPath::Parse("/images/*"), kT0 + absl::Seconds(1));
  // Not in effect yet at kT0.
  EXPECT_EQ(Get(*store, "k1", kT0).status, LookupStatus::kFound);
  EXPECT_EQ(Get(*store, "k1", kT0 + absl::Seconds(1)).status, LookupStatus::kInvalidated);
  EXPECT_EQ(Get(*store, "k1", kT0 + absl::Seconds(1)).status, LookupStatus::kAbsent);
  EXPECT_EQ(Get(*store, "k2", kT0 + absl::Seconds(1)).status, LookupStatus::kFound);
  EXPECT_EQ(store->counters().invalidation_kills_on_lookup, 1u);
  // Stored after the invalidation took effect: untouched by it.
  ASSERT_TRUE(
      Put(*store, "k1", Body(10), kT0 + absl::Seconds(2), absl::Seconds(60), "/images/a.jpg"));
  EXPECT_EQ(Get(*store, "k1", kT0 + absl::Seconds(3)).status, LookupStatus::kFound);
}

TEST_P(ShardedStoreTest, APathInItsKeyOrNotIsListedChargedAndInvalidatedTheSame) {
  auto store = MakeStore(1 << 20);
  // The first key holds its path (as a cache key holds its raw path); the second's path, with a
  // query string, is in no key.
  const std::string in_key = KeyFor(1);
  const std::string path_in_key = "/assets/1.js";
  ASSERT_TRUE(Put(*store, in_key, Body(10), kT0, absl::Seconds(60), path_in_key));
  ASSERT_TRUE(Put(*store, "k2", Body(10), kT0, absl::Seconds(60), "/assets/2.js?v=2"));
  std::map<std::string, std::pair<std::string, uint64_t>> listed;
  store->ForEach([&](const EntryView& v) { listed[v.key] = {v.object_path, v.charge}; });
  EXPECT_EQ(listed[in_key].first, path_in_key);
  EXPECT_EQ(listed["k2"].first, "/assets/2.js?v=2");
  // Both charged for key and path whether or not the path is kept once.
  EXPECT_EQ(listed[in_key].second - listed["k2"].second,
            in_key.size() + path_in_key.size() - 2 - 16);
  log_.Add(*policy::InvalidationPath::Parse("/assets/*"), kT0 + absl::Seconds(1));
  EXPECT_EQ(Get(*store, in_key, kT0 + absl::Seconds(1)).status, LookupStatus::kInvalidated);
  EXPECT_EQ(Get(*store, "k2", kT0 + absl::Seconds(1)).status, LookupStatus::kInvalidated);
}

TEST_P(ShardedStoreTest, KeysWithAndWithoutTheSharedPrefixAreKeptListedAndChargedWhole) {
  const std::string prefix = "d111111abcdef8.cloudfront.net/";
  auto made = ShardedStore::Create({.shards = 4, .capacity_bytes = 1 << 20, .eviction = GetParam()},
                                   &log_, prefix);
  ASSERT_TRUE(made.ok()) << made.status();
  ShardedStore& store = **made;
  auto plain = MakeStore(1 << 20);
  // With the prefix (the path kept once inside what is left of it), the rest alone (a different
  // key), another domain, the prefix alone, and the prefix but one byte.
  const std::vector<std::string> keys = {KeyFor(1), "assets/1.js",
                                         "d222.cloudfront.net/assets/1.js", prefix,
                                         prefix.substr(0, prefix.size() - 1)};
  for (const std::string& key : keys) {
    ASSERT_TRUE(Put(store, key, Body(10), kT0, absl::Seconds(60), "/assets/1.js")) << key;
    ASSERT_TRUE(Put(*plain, key, Body(10), kT0, absl::Seconds(60), "/assets/1.js")) << key;
  }
  std::map<std::string, std::pair<std::string, uint64_t>> listed, listed_plain;
  store.ForEach([&](const EntryView& v) { listed[v.key] = {v.object_path, v.charge}; });
  plain->ForEach([&](const EntryView& v) { listed_plain[v.key] = {v.object_path, v.charge}; });
  EXPECT_EQ(listed.size(), keys.size());
  EXPECT_EQ(listed, listed_plain);
  EXPECT_EQ(store.counters(), plain->counters());
  for (const std::string& key : keys) {
    EXPECT_EQ(Get(store, key, kT0).status, LookupStatus::kFound) << key;
  }

  // A replacement finds the older entry; Refresh and Erase find theirs.
  ResponseRef newer = Body(20);
  ASSERT_TRUE(Put(store, KeyFor(1), newer, kT0, absl::Seconds(60), "/assets/1.js"));
  EXPECT_EQ(store.counters().replacements, 1u);
  EXPECT_TRUE(store.Refresh(KeyFor(1), HashKey(KeyFor(1)), newer.get(), kT0, kT0 + absl::Hours(1)));
  EXPECT_EQ(Get(store, KeyFor(1), kT0).fresh_until, kT0 + absl::Hours(1));
  EXPECT_TRUE(store.Erase(prefix, HashKey(prefix)));
  EXPECT_EQ(Get(store, prefix, kT0).status, LookupStatus::kAbsent);
  EXPECT_EQ(Get(store, "assets/1.js", kT0).status, LookupStatus::kFound);

  // An invalidation matches the path whether it is kept inside the key's rest or not.
  log_.Add(*policy::InvalidationPath::Parse("/assets/*"), kT0 + absl::Seconds(1));
  for (const std::string& key : {KeyFor(1), std::string("assets/1.js")}) {
    EXPECT_EQ(Get(store, key, kT0 + absl::Seconds(1)).status, LookupStatus::kInvalidated) << key;
  }
}

TEST_P(ShardedStoreTest, InvalidatingEverythingCostsNothingUntilLookupOrSweep) {
  auto store = MakeStore(1 << 22);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(Put(*store, KeyFor(i), Body(1), kT0));
  log_.Add(*policy::InvalidationPath::Parse("/*"), kT0);
  EXPECT_EQ(store->counters().entries, 1000u);  // nothing was walked
  EXPECT_EQ(Get(*store, KeyFor(3), kT0).status, LookupStatus::kInvalidated);
  uint64_t killed = 0;
  for (bool done = false; !done;) {
    SweepResult r = store->Sweep(kT0, 256);
    killed += r.invalidated;
    done = r.completed_pass;
  }
  EXPECT_EQ(killed, 999u);
  EXPECT_EQ(store->counters().entries, 0u);
  EXPECT_EQ(store->counters().invalidation_kills_by_sweep, 999u);
  // The finished pass proved nothing needs the invalidation any more.
  EXPECT_EQ(log_.counters().retained, 0u);
}

TEST_P(ShardedStoreTest, ClearEmptiesEverything) {
  auto store = MakeStore(1 << 22);
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(Put(*store, KeyFor(i), Body(1), kT0));
  store->Clear();
  EXPECT_EQ(store->counters().entries, 0u);
  EXPECT_EQ(store->counters().charged_bytes, 0u);
  EXPECT_EQ(Get(*store, KeyFor(1), kT0).status, LookupStatus::kAbsent);
  ASSERT_TRUE(Put(*store, KeyFor(1), Body(1), kT0));
  EXPECT_EQ(Get(*store, KeyFor(1), kT0).status, LookupStatus::kFound);
}

TEST_P(ShardedStoreTest, ManyKeysSurviveIndexGrowth) {
  auto store = MakeStore(uint64_t{1} << 30, 2);
  for (int i = 0; i < 20'000; ++i) ASSERT_TRUE(Put(*store, KeyFor(i), Body(0), kT0));
  for (int i = 0; i < 20'000; i += 7) {
    ASSERT_EQ(Get(*store, KeyFor(i), kT0).status, LookupStatus::kFound) << i;
  }
  for (int i = 0; i < 20'000; i += 2) ASSERT_TRUE(store->Erase(KeyFor(i), HashKey(KeyFor(i))));
  for (int i = 0; i < 20'000; ++i) {
    ASSERT_EQ(Get(*store, KeyFor(i), kT0).status,
              i % 2 ? LookupStatus::kFound : LookupStatus::kAbsent)
        << i;
  }
  // Metadata stays a small constant per entry: entry header, index slots, policy state.
  EXPECT_LT(store->MetadataBytes() / store->counters().entries, 160u);
}

// Readers, writers, erasers, invalidations and a sweeper at once, over a small budget so
// eviction runs too. Run under TSan (scripts/test.sh --tsan) this checks the lock-free hit path.
TEST_P(ShardedStoreTest, ConcurrentReadersWritersInvalidationsAndSweeps) {
  auto store = MakeStore(256 * 1024, 4);
  constexpr int kKeys = 2000;
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> found{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(t);
      while (!stop.load(std::memory_order_relaxed)) {
        const std::string key = KeyFor(rng() % kKeys);
        StoreLookup r = Get(*store, key, kT0 + absl::Seconds(5));
        if (r.status == LookupStatus::kFound) {
          found.fetch_add(1, std::memory_order_relaxed);
          EXPECT_EQ(r.response->body_size, r.response->body_view().size());
        }
      }
    });
  }
  threads.emplace_back([&] {
    std::mt19937 rng(99);
    for (int i = 0; i < 20'000; ++i) {
      const int k = rng() % kKeys;
      if (i % 5 == 0) {
        store->Erase(KeyFor(k), HashKey(KeyFor(k)));
      } else {
        Put(*store, KeyFor(k), Body(rng() % 300), kT0, absl::Seconds(60),
            absl::StrCat("/assets/", k % 10, "/x"));
      }
      if (i % 2000 == 0) {
        log_.Add(*policy::InvalidationPath::Parse(absl::StrCat("/assets/", i % 10, "/*")), kT0);
      }
    }
    stop = true;
  });
  threads.emplace_back([&] {
    while (!stop.load(std::memory_order_relaxed)) store->Sweep(kT0 + absl::Seconds(5), 64);
  });
  for (auto& t : threads) t.join();
  const StoreCounters c = store->counters();
  EXPECT_LE(c.charged_bytes, c.capacity_bytes);
  uint64_t listed = 0;
  store->ForEach([&](const EntryView&) { ++listed; });
  EXPECT_EQ(listed, c.entries);
  EXPECT_GT(found.load(), 0u);
}

INSTANTIATE_TEST_SUITE_P(EveryEvictionPolicy, ShardedStoreTest,
                         testing::ValuesIn(std::vector<std::string>{"lru", "sieve", "s3fifo"}),
                         [](const testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

TEST(ShardedStoreCreateTest, RoundsShardsToAPowerOfTwo) {
  InvalidationLog log;
  auto store = ShardedStore::Create({.shards = 3, .capacity_bytes = 1 << 20}, &log);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->shard_count(), 4);
  auto defaulted = ShardedStore::Create({.shards = 0, .capacity_bytes = 1 << 20}, &log);
  ASSERT_TRUE(defaulted.ok());
  EXPECT_GE((*defaulted)->shard_count(), 4);
}

TEST(ShardedStoreCreateTest, RejectsBadOptions) {
  EXPECT_EQ(ShardedStore::Create({.eviction = "mru"}, nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ShardedStore::Create({.shards = 64, .capacity_bytes = 1000}, nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ShardedStoreCreateTest, WorksWithoutAnInvalidationLog) {
  auto store = ShardedStore::Create({.shards = 1, .capacity_bytes = 1 << 20}, nullptr);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Insert("k", HashKey("k"), "/k", Body(1), kT0, kT0 + absl::Seconds(1), kT0));
  EXPECT_EQ((*store)->Lookup("k", HashKey("k"), kT0).status, LookupStatus::kFound);
  EXPECT_TRUE((*store)->Sweep(kT0, 100).completed_pass);
}

}  // namespace
}  // namespace edgesim::core

namespace edgesim::core {
namespace {

TEST(ResponseHandleTest, KeepsTheResponseAliveAfterEraseAndAfterTheStore) {
  ResponseHandle held;
  {
    auto store = *ShardedStore::Create({.shards = 1, .capacity_bytes = 1 << 20}, nullptr);
    ASSERT_TRUE(store->Insert("k", HashKey("k"), "/k",
                              MakeStoredResponse({200, {}}, MakeBody("payload"), {}), kT0,
                              kT0 + absl::Seconds(9), kT0));
    held = store->Lookup("k", HashKey("k"), kT0).response;
    ASSERT_TRUE(held);
    EXPECT_TRUE(store->Erase("k", HashKey("k")));
    ResponseHandle copy = held;
    EXPECT_EQ(copy->body_view(), "payload");
  }
  // The store and its limbo are gone; the handle still owns the entry and its response.
  EXPECT_EQ(held->body_view(), "payload");
  ResponseRef ref = held;
  held = ResponseHandle();
  EXPECT_FALSE(held);
  EXPECT_EQ(ref->body_view(), "payload");
}

// Lookup's handle borrows its entry under the thread's epoch pin instead of referencing it: the
// entry must outlive an erase and any amount of eviction elsewhere for as long as that handle (or
// any other borrowing handle of the thread) lives, whatever order the handles end in.
TEST(ResponseHandleTest, ABorrowedResponseOutlivesEraseAndChurnUntilItsHandleEnds) {
  auto store = *ShardedStore::Create({.shards = 1, .capacity_bytes = 1 << 16}, nullptr);
  auto put = [&](const std::string& key, const std::string& body) {
    return store->Insert(key, HashKey(key), "/" + key,
                         MakeStoredResponse({200, {}}, MakeBody(body), {}), kT0,
                         kT0 + absl::Seconds(9), kT0);
  };
  ASSERT_TRUE(put("a", "payload-a"));
  ASSERT_TRUE(put("b", "payload-b"));
  // `new` initializes from Lookup's result in place: a move would turn the handle into a
  // referencing one, which is not what this test is about.
  std::unique_ptr<StoreLookup> first(new StoreLookup(store->Lookup("a", HashKey("a"), kT0)));
  StoreLookup second = store->Lookup("b", HashKey("b"), kT0);
  ASSERT_TRUE(first->response);
  ASSERT_TRUE(second.response);
  first.reset();  // the thread's first borrowing handle ends first
  EXPECT_TRUE(store->Erase("b", HashKey("b")));
  // Another thread evicts thousands of entries, retiring and reusing their memory.
  std::thread([&] {
    for (int i = 0; i < 5000; ++i) put(absl::StrCat("churn", i), std::string(200, 'x'));
  }).join();
  EXPECT_GT(store->counters().evictions, 1000u);
  EXPECT_EQ(second.response->body_view(), "payload-b");
  // A move takes a reference: the moved-to handle outlives the store.
  ResponseHandle kept = std::move(second.response);
  store.reset();
  EXPECT_EQ(kept->body_view(), "payload-b");
}

}  // namespace
}  // namespace edgesim::core
