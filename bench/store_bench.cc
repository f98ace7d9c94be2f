// The cache core's hot paths against the two maps a quick cache would be built on.
// Run: build-rel/bench/edgesim_bench --benchmark_filter=Store
//
// Keys are ~60-byte CDN keys (`host/path?v=`) drawn with Zipf(1.0) popularity. Every row of a
// size is measured on the same keys in the same process, so the ratios are the figures to quote
// (bench/RESULTS.md).
#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "benchmark/benchmark.h"
#include "core/invalidation_log.h"
#include "core/sharded_store.h"

namespace edgesim::core {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000);

std::string CdnKey(uint64_t i) {
  return absl::StrCat("d111111abcdef8.cloudfront.net/assets/js/", i, "/app.js?v=",
                      (i * 2654435761u) % 100000);
}

std::string PathOf(uint64_t i) { return absl::StrCat("/assets/js/", i, "/app.js"); }

// Zipf(1.0) ranks drawn by inverting the CDF; a fixed sample sequence shared by every row.
std::vector<uint32_t> ZipfSample(uint64_t n, size_t count, uint32_t seed) {
  std::vector<double> cdf(n);
  double sum = 0;
  for (uint64_t i = 0; i < n; ++i) cdf[i] = (sum += 1.0 / static_cast<double>(i + 1));
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, sum);
  // Popular ranks are scattered over the key space, as real URLs are.
  std::vector<uint32_t> permutation(n);
  for (uint64_t i = 0; i < n; ++i) permutation[i] = static_cast<uint32_t>(i);
  std::shuffle(permutation.begin(), permutation.end(), rng);
  std::vector<uint32_t> sample(count);
  for (auto& s : sample) {
    const uint64_t rank = std::lower_bound(cdf.begin(), cdf.end(), u(rng)) - cdf.begin();
    s = permutation[std::min(rank, n - 1)];
  }
  return sample;
}

ResponseRef SharedResponse() {
  static const ResponseRef r =
      MakeStoredResponse({200, {{"Content-Type", "application/javascript"}}}, nullptr, {}, 1000);
  return r;
}

// Heap bytes per entry beyond key and body, measured with mallinfo2 around 10^6 inserts that
// share one response (so no body is allocated). The object path is reported separately: it
// is a second copy of part of the key that invalidations match. Registered first so that it runs
// first: entries' blocks are recycled, never returned to malloc (core/recycled_memory.h), so
// after other rows the store would reuse their blocks and malloc would see nothing new.
void BM_StoreMemoryPerEntry(benchmark::State& state) {
  constexpr uint64_t n = 1'000'000;
  std::vector<std::string> keys, paths;
  uint64_t key_bytes = 0, path_bytes = 0;
  for (uint64_t i = 0; i < n; ++i) {
    keys.push_back(CdnKey(i));
    paths.push_back(PathOf(i));
    key_bytes += keys.back().size();
    path_bytes += paths.back().size();
  }
  double per_entry = 0, structural = 0;
  for (auto _ : state) {
    // Chunks of recycled blocks are mapped (hblkhd), small allocations not (uordblks).
    const size_t before = mallinfo2().uordblks + mallinfo2().hblkhd;
    auto store = *ShardedStore::Create({.shards = 64, .capacity_bytes = uint64_t{8} << 30}, nullptr);
    for (uint64_t i = 0; i < n; ++i) {
      store->Insert(keys[i], HashKey(keys[i]), paths[i], SharedResponse(), kNow, kNow, kNow);
    }
    const size_t after = mallinfo2().uordblks + mallinfo2().hblkhd;
    per_entry = static_cast<double>(after - before - key_bytes - path_bytes) / n;
    structural = static_cast<double>(store->MetadataBytes()) / n;
  }
  state.counters["heap_bytes_per_entry"] = per_entry;
  state.counters["path_bytes_per_entry"] = static_cast<double>(path_bytes) / n;
  state.counters["structural_bytes_per_entry"] = structural;
}
BENCHMARK(BM_StoreMemoryPerEntry)->Iterations(1)->Unit(benchmark::kMillisecond);

// What a quick emulator would write: one mutex over an unordered_map and an LRU list, with the
// same work per hit (TTL check, LRU bookkeeping, a refcounted body handed out).
class MutexLruCache {
 public:
  struct Value {
    ResponseRef response;
    absl::Time fresh_until;
    std::list<std::string>::iterator lru;
  };
  explicit MutexLruCache(size_t capacity) : capacity_(capacity) {}

  ResponseRef Lookup(absl::string_view key, absl::Time now) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = map_.find(std::string_view(key.data(), key.size()));
    if (it == map_.end() || now >= it->second.fresh_until) return nullptr;
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    return it->second.response;
  }
  void Insert(const std::string& key, ResponseRef r, absl::Time fresh_until) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = map_.find(key);
    if (it != map_.end()) {
      it->second.response = std::move(r);
      it->second.fresh_until = fresh_until;
      lru_.splice(lru_.begin(), lru_, it->second.lru);
      return;
    }
    lru_.push_front(key);
    map_.emplace(key, Value{std::move(r), fresh_until, lru_.begin()});
    if (map_.size() > capacity_) {
      map_.erase(lru_.back());
      lru_.pop_back();
    }
  }

 private:
  std::mutex mu_;
  size_t capacity_;
  // Heterogeneous lookup, so a lookup by string_view allocates no std::string.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view k) const { return std::hash<std::string_view>()(k); }
  };
  std::unordered_map<std::string, Value, Hash, std::equal_to<>> map_;
  std::list<std::string> lru_;
};

// One fixture per key count, built once and shared by every row and thread.
struct Fixture {
  std::vector<std::string> keys;
  std::vector<uint32_t> sample;
  // The sampled keys laid out one after another in sample order, so that reading the next key
  // to look up costs no cache miss: the rows measure the structures, not the harness.
  std::string sample_bytes;
  std::vector<absl::string_view> sample_keys;
  InvalidationLog log;
  std::unique_ptr<ShardedStore> store;
  absl::flat_hash_map<std::string, uint32_t> flat;
  std::unique_ptr<MutexLruCache> mutex_lru;
};

constexpr size_t kSampleSize = 1 << 20;

Fixture& GetFixture(uint64_t n) {
  static absl::Mutex mu;
  static auto* fixtures = new std::map<uint64_t, std::unique_ptr<Fixture>>();
  absl::MutexLock lock(&mu);
  if (auto it = fixtures->find(n); it != fixtures->end()) return *it->second;
  fixtures->clear();  // one size at a time: 10^7 entries of every structure is several GiB
  auto f = std::make_unique<Fixture>();
  f->keys.reserve(n);
  for (uint64_t i = 0; i < n; ++i) f->keys.push_back(CdnKey(i));
  f->sample = ZipfSample(n, kSampleSize, 42);
  for (uint32_t k : f->sample) f->sample_bytes += f->keys[k];
  for (size_t pos = 0; uint32_t k : f->sample) {
    f->sample_keys.emplace_back(f->sample_bytes.data() + pos, f->keys[k].size());
    pos += f->keys[k].size();
  }
  f->store = *ShardedStore::Create(
      {.shards = 64, .capacity_bytes = uint64_t{64} << 30, .eviction = "sieve"}, &f->log);
  f->mutex_lru = std::make_unique<MutexLruCache>(n);
  f->flat.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    const std::string& k = f->keys[i];
    // One response per object, as in a real cache: a shared one would make every hit of two
    // threads bump the same refcount.
    ResponseRef r = MakeStoredResponse({200, {}}, nullptr, {}, 1000);
    f->store->Insert(k, HashKey(k), PathOf(i), r, kNow, kNow + absl::Hours(1), kNow);
    f->flat.emplace(k, static_cast<uint32_t>(i));
    f->mutex_lru->Insert(k, std::move(r), kNow + absl::Hours(1));
  }
  return *fixtures->emplace(n, std::move(f)).first->second;
}

// Each thread walks the shared Zipf sample from its own offset.
size_t StartOffset(const benchmark::State& state) {
  return static_cast<size_t>(state.thread_index()) * (kSampleSize / 2 + 7919);
}

void BM_StoreHit(benchmark::State& state) {
  Fixture& f = GetFixture(state.range(0));
  size_t i = StartOffset(state);
  for (auto _ : state) {
    const absl::string_view k = f.sample_keys[i++ & (kSampleSize - 1)];
    StoreLookup r = f.store->Lookup(k, HashKey(k), kNow);
    benchmark::DoNotOptimize(r.response.get());
    if (r.fresh_until <= kNow) state.SkipWithError("not fresh");
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_StoreBaselineFlatHashMapFind(benchmark::State& state) {
  Fixture& f = GetFixture(state.range(0));
  size_t i = StartOffset(state);
  for (auto _ : state) {
    const absl::string_view k = f.sample_keys[i++ & (kSampleSize - 1)];
    auto it = f.flat.find(k);
    benchmark::DoNotOptimize(it->second);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_StoreBaselineMutexUnorderedMapLru(benchmark::State& state) {
  Fixture& f = GetFixture(state.range(0));
  size_t i = StartOffset(state);
  for (auto _ : state) {
    const absl::string_view k = f.sample_keys[i++ & (kSampleSize - 1)];
    ResponseRef r = f.mutex_lru->Lookup(k, kNow);
    benchmark::DoNotOptimize(r.get());
  }
  state.SetItemsProcessed(state.iterations());
}

// Registered size-major, so each size's fixture is built once for its three rows.
const bool kHitBenchmarksRegistered = [] {
  for (int64_t n : {10'000, 1'000'000, 10'000'000}) {
    for (auto [name, fn] : {std::pair{"BM_StoreHit", &BM_StoreHit},
                            std::pair{"BM_StoreBaselineFlatHashMapFind",
                                      &BM_StoreBaselineFlatHashMapFind},
                            std::pair{"BM_StoreBaselineMutexUnorderedMapLru",
                                      &BM_StoreBaselineMutexUnorderedMapLru}}) {
      benchmark::RegisterBenchmark(name, fn)->Arg(n)->Threads(1)->Threads(2)->UseRealTime();
    }
  }
  return true;
}();

// Misses: a full 10^6-entry cache taking new keys, each insert evicting one.
constexpr uint64_t kMissEntries = 1'000'000;

void BM_StoreMissInsertEvict(benchmark::State& state, const std::string& eviction) {
  const uint64_t per_entry = [] {
    auto probe = *ShardedStore::Create({.shards = 1, .capacity_bytes = 1 << 20}, nullptr);
    probe->Insert(CdnKey(0), HashKey(CdnKey(0)), PathOf(0), SharedResponse(), kNow, kNow, kNow);
    return probe->counters().charged_bytes;
  }();
  auto store = *ShardedStore::Create(
      {.shards = 16, .capacity_bytes = per_entry * kMissEntries, .eviction = eviction}, nullptr);
  std::vector<std::string> keys;
  for (uint64_t i = 0; i < 2 * kMissEntries; ++i) keys.push_back(CdnKey(i));
  std::vector<std::string> paths;
  for (uint64_t i = 0; i < 2 * kMissEntries; ++i) paths.push_back(PathOf(i));
  for (uint64_t i = 0; i < kMissEntries; ++i) {
    store->Insert(keys[i], HashKey(keys[i]), paths[i], SharedResponse(), kNow, kNow, kNow);
  }
  uint64_t i = kMissEntries;
  for (auto _ : state) {
    const std::string& k = keys[i % keys.size()];
    const uint64_t hash = HashKey(k);
    if (store->Lookup(k, hash, kNow).status != LookupStatus::kFound) {
      // A miss stores a new response, as the edge does.
      store->Insert(k, hash, paths[i % keys.size()], MakeStoredResponse({200, {}}, nullptr, {}, 1000),
                    kNow, kNow + absl::Hours(1), kNow);
    }
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["evictions"] = static_cast<double>(store->counters().evictions);
}
BENCHMARK_CAPTURE(BM_StoreMissInsertEvict, lru, std::string("lru"));
BENCHMARK_CAPTURE(BM_StoreMissInsertEvict, sieve, std::string("sieve"));
BENCHMARK_CAPTURE(BM_StoreMissInsertEvict, s3fifo, std::string("s3fifo"));

void BM_StoreBaselineMutexUnorderedMapMissInsertEvict(benchmark::State& state) {
  MutexLruCache cache(kMissEntries);
  std::vector<std::string> keys;
  for (uint64_t i = 0; i < 2 * kMissEntries; ++i) keys.push_back(CdnKey(i));
  for (uint64_t i = 0; i < kMissEntries; ++i) cache.Insert(keys[i], SharedResponse(), kNow);
  uint64_t i = kMissEntries;
  for (auto _ : state) {
    const std::string& k = keys[i++ % keys.size()];
    if (cache.Lookup(k, kNow) == nullptr) {
      cache.Insert(k, MakeStoredResponse({200, {}}, nullptr, {}, 1000), kNow + absl::Hours(1));
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StoreBaselineMutexUnorderedMapMissInsertEvict);

// Lookups of entries that have not yet been checked against `pending` invalidations (none of
// which match), at 10^6 entries: the one-time cost an invalidation adds to each object.
void BM_StoreHitUncheckedInvalidations(benchmark::State& state) {
  const int64_t pending = state.range(0);
  InvalidationLog log;
  auto store = *ShardedStore::Create({.shards = 64, .capacity_bytes = uint64_t{8} << 30}, &log);
  constexpr uint64_t n = 1'000'000;
  std::vector<std::string> keys;
  for (uint64_t i = 0; i < n; ++i) {
    keys.push_back(CdnKey(i));
    store->Insert(keys[i], HashKey(keys[i]), PathOf(i), SharedResponse(), kNow,
                  kNow + absl::Hours(1), kNow);
  }
  auto add = [&](int64_t j) {
    // Half wildcards under the objects' own directory, half exact paths: none matches.
    const std::string path = j % 2 ? absl::StrCat("/assets/js/", j, "/x/*")
                                   : absl::StrCat("/assets/js/", j, "/other.js");
    log.Add(*policy::InvalidationPath::Parse(path), kNow);
  };
  for (int64_t j = 0; j < pending; ++j) add(j);
  uint64_t i = 0;
  int64_t next = pending;
  for (auto _ : state) {
    const std::string& k = keys[i];
    benchmark::DoNotOptimize(store->Lookup(k, HashKey(k), kNow).response.get());
    // Every pass over the keys adds one more, so each lookup still has an unchecked one.
    if (++i == n) {
      i = 0;
      if (pending > 0) add(next++);
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StoreHitUncheckedInvalidations)->Arg(0)->Arg(100)->Arg(10'000);

// The steady-state hit path with 0 or 100 wildcard invalidations in the log, all already checked.
void BM_StoreHitWithActiveWildcards(benchmark::State& state) {
  Fixture& f = GetFixture(1'000'000);
  if (state.range(0) > 0 && f.log.counters().retained == 0) {
    for (int64_t j = 0; j < state.range(0); ++j) {
      f.log.Add(*policy::InvalidationPath::Parse(absl::StrCat("/other/", j, "/*")), kNow);
    }
    for (const std::string& k : f.keys) f.store->Lookup(k, HashKey(k), kNow);  // check each once
  }
  size_t i = 0;
  for (auto _ : state) {
    const absl::string_view k = f.sample_keys[i++ & (kSampleSize - 1)];
    benchmark::DoNotOptimize(f.store->Lookup(k, HashKey(k), kNow).response.get());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["invalidations"] = static_cast<double>(f.log.counters().retained);
}
BENCHMARK(BM_StoreHitWithActiveWildcards)->Arg(0)->Arg(100);

// Registering `/*` (or `/images/*`) at 10^4 and 10^7 cached objects: constant, it walks nothing.
void BM_StoreInvalidateAll(benchmark::State& state, const std::string& path) {
  Fixture& f = GetFixture(state.range(0));
  const policy::InvalidationPath p = *policy::InvalidationPath::Parse(path);
  uint64_t added = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.log.Add(p, kNow));
    if (++added % 4096 == 0) f.log.Trim(f.log.EffectiveHead(kNow));
  }
  f.log.Trim(f.log.EffectiveHead(kNow));
  state.counters["cached_objects"] = static_cast<double>(f.store->counters().entries);
}
BENCHMARK_CAPTURE(BM_StoreInvalidateAll, all, std::string("/*"))->Arg(10'000)->Arg(10'000'000);
BENCHMARK_CAPTURE(BM_StoreInvalidateAll, images, std::string("/images/*"))
    ->Arg(10'000)
    ->Arg(10'000'000);


}  // namespace
}  // namespace edgesim::core
