// sharded_store.h — the cache's memory: N shards of compact entries, lock-free hits.
//
// DESIGN 4. A key's hash picks its shard (power of two). Each shard has its own lock,
// open-addressing index, byte budget and eviction policy; the lock is taken only to change the
// shard (insert, erase, refresh, evict) and, for LRU, to move a hit to the front.
//
// Hits take no lock at all. The index holds a 16-bit tag of the hash beside each entry pointer
// ("fingerprints in the index"), and each entry holds its key inline, so a hit costs the index
// probe plus one entry read. Readers are protected by epoch-based reclamation (epoch_domain.h):
// an erased entry or a replaced index is freed only after every reader that might see it has
// left. A hit hands out the immutable response in a ResponseHandle that borrows the entry under
// the reader's epoch pin (no shared write on a hit) and takes a reference on the entry once it is
// copied or moved, so the caller writes the body with no lock held.
//
// Entries keep absolute times in whole seconds since the Unix epoch (HTTP's resolution, STYLE 6.5):
// `origin_time` (Age = now - origin_time, the Varnish t_origin trick: an upstream tier's Age is
// subtracted at insertion) and `fresh_until`. The rest of an object's terms (stale windows,
// retention) live in its StoredResponse. Entries also remember the newest invalidation they were
// checked against (invalidation_log.h); a lookup of an entry an invalidation now covers erases it
// and reports kInvalidated.
//
// A full cache frees an entry and a response for every object it admits; both come from the
// thread's recycled blocks (recycled_memory.h), so a miss reuses memory still in cache instead of
// paying malloc's bin and coalescing work. Policies prefetch their next victim, and an eviction
// prefetches its victim's response, whose refcount the limbo drops later.
//
// Bytes are counted honestly: an entry is charged its header, key, object path, one index slot
// and its response's ByteSize() (headers and body). The charge is of the whole key, although the
// bytes every key of a cache starts with (its distribution's domain, Create's `key_prefix`) are
// kept once per store, so the layout does not move any result.
//
//   auto store = ShardedStore::Create({.capacity_bytes = 1 << 30, .eviction = "sieve"}, &log);
//   (*store)->Insert(key, HashKey(key), "/a.js", response, now, now + absl::Seconds(60), now);
//   StoreLookup hit = (*store)->Lookup(key, HashKey(key), now);
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "core/epoch_domain.h"
#include "core/eviction.h"
#include "core/invalidation_log.h"
#include "core/stored_response.h"

namespace edgesim::core {

// The hash the store expects: XXH3-64 of the key bytes, as policy::CacheKey::hash.
uint64_t HashKey(absl::string_view key);

struct StoreOptions {
  // Rounded up to a power of two; 0: 4 x hardware threads (DESIGN 4). The simulator
  // uses 1 so LRU/SIEVE/S3-FIFO behave exactly as the textbook policies.
  int shards = 0;
  // Split evenly between shards.
  uint64_t capacity_bytes = uint64_t{1} << 30;
  // MakeEvictionPolicy's names: "lru", "sieve", "s3fifo".
  std::string eviction = "sieve";
};

struct StoreEntry;

// A found object's response. Behaves like a pointer to the response; converts to a ResponseRef
// where one must outlive the handle's use.
//
// Lookup's handle borrows its entry under the thread's epoch pin (epoch_domain.h): a hit writes
// no shared memory, so hot objects' cache lines stay shared between the cores that hit them. The
// first copy or move takes a reference on the entry (whose cache line the lookup already holds)
// rather than on the response, and that handle may go anywhere. So a borrowing handle, i.e. the
// one inside the StoreLookup that Lookup returned, must be destroyed, moved or converted on the
// thread that looked up, before the store, and soon: while it lives the thread holds back the
// reclamation of every shard's erased entries.
class ResponseHandle {
 public:
  ResponseHandle() = default;
  ResponseHandle(const ResponseHandle& other);
  ResponseHandle(ResponseHandle&& other) noexcept;
  ResponseHandle& operator=(ResponseHandle other);
  ~ResponseHandle();

  const StoredResponse* get() const { return response_; }
  const StoredResponse* operator->() const { return response_; }
  const StoredResponse& operator*() const { return *response_; }
  explicit operator bool() const { return response_ != nullptr; }
  operator ResponseRef() const { return ResponseRef(response_); }

 private:
  friend class ShardedStore;
  // Borrows `entry` for as long as `pin` is held.
  ResponseHandle(StoreEntry* entry, const StoredResponse* response, EpochDomain::Guard pin)
      : entry_(entry), response_(response), pin_(std::move(pin)) {}

  StoreEntry* entry_ = nullptr;
  const StoredResponse* response_ = nullptr;
  EpochDomain::Guard pin_;  // held: borrowing; otherwise one reference on `entry_` (if any)
};

enum class LookupStatus {
  kFound,        // `response` and the times are set; freshness is the caller's decision
  kAbsent,       // never stored, evicted, or reclaimed
  kInvalidated,  // an invalidation in effect covered it: it was erased by this lookup
};

std::ostream& operator<<(std::ostream& os, LookupStatus status);

struct StoreLookup {
  LookupStatus status = LookupStatus::kAbsent;
  ResponseHandle response;
  absl::Time origin_time;
  absl::Time fresh_until;
};

struct StoreCounters {
  uint64_t entries = 0;
  uint64_t charged_bytes = 0;
  uint64_t capacity_bytes = 0;
  uint64_t inserts = 0;
  uint64_t replacements = 0;  // inserts that replaced an entry of the same key
  uint64_t rejected = 0;      // inserts too large to store
  uint64_t evictions = 0;
  uint64_t expirations = 0;   // expired past retention, reclaimed by a lookup or the sweep
  uint64_t invalidation_kills_on_lookup = 0;
  uint64_t invalidation_kills_by_sweep = 0;
  uint64_t erased = 0;        // Erase() calls that removed an entry

  bool operator==(const StoreCounters&) const = default;
};

std::ostream& operator<<(std::ostream& os, const StoreCounters& counters);

// One stored object as the admin API lists it.
struct EntryView {
  std::string key;
  std::string object_path;
  ResponseRef response;
  absl::Time origin_time;
  absl::Time fresh_until;
  uint64_t charge = 0;
};

struct SweepResult {
  uint64_t visited = 0;
  uint64_t expired = 0;
  uint64_t invalidated = 0;
  // True when this call finished a pass over every shard (the log was then trimmed).
  bool completed_pass = false;
};

class ShardedStore {
 public:
  // `log` may be null (no invalidations); it must outlive the store. InvalidArgument for an
  // unknown eviction policy or a capacity too small for one entry per shard.
  // `key_prefix`: bytes most keys start with (a cache's distribution domain,
  // policy::CacheKeyPrefix), kept once by the store rather than in every entry. Any key may be
  // stored: one that does not start with them is kept whole, as every key is when it is empty.
  static absl::StatusOr<std::unique_ptr<ShardedStore>> Create(const StoreOptions& options,
                                                              InvalidationLog* log,
                                                              std::string key_prefix = "");
  ~ShardedStore();
  ShardedStore(const ShardedStore&) = delete;
  ShardedStore& operator=(const ShardedStore&) = delete;

  // REQUIRES: hash == HashKey(key). Lock-free unless the entry must be erased (invalidated or
  // expired past retention) or the policy needs the lock on hits (LRU).
  StoreLookup Lookup(absl::string_view key, uint64_t hash, absl::Time now);

  // Stores or replaces `key`'s entry, evicting until the shard is within its budget. False when
  // the object cannot be stored (key or object path over 64 KiB, or larger than a shard's
  // budget); an older entry of the key is erased then too.
  bool Insert(absl::string_view key, uint64_t hash, absl::string_view object_path,
              ResponseRef response, absl::Time origin_time, absl::Time fresh_until,
              absl::Time now);

  // New times for the entry of `key` if it still holds `response` (a 304 revalidation, or a
  // stale copy standing in after an origin error). False when it was replaced or is gone.
  bool Refresh(absl::string_view key, uint64_t hash, const StoredResponse* response,
               absl::Time origin_time, absl::Time fresh_until);

  bool Erase(absl::string_view key, uint64_t hash);

  // Visits up to `budget` entries, reclaiming those expired past retention and those an
  // invalidation in effect covers (the Varnish lurker, as a function: the emulator calls it from
  // a timer, the simulator at deterministic points). A finished pass trims the log.
  SweepResult Sweep(absl::Time now, uint64_t budget);

  void Clear();

  // Each shard in turn, under its lock: keep `fn` short, and do not call back into the store.
  void ForEach(const std::function<void(const EntryView&)>& fn) const;

  StoreCounters counters() const;
  // Bytes of metadata the store holds beyond keys, object paths and responses: entry headers,
  // index slots, eviction-policy state.
  uint64_t MetadataBytes() const;
  int shard_count() const;

 private:
  struct Shard;
  ShardedStore(const StoreOptions& options, InvalidationLog* log, std::string key_prefix);

  Shard& ShardFor(uint64_t hash) const;
  // Tests the entry against invalidations it has not seen; remembers the head when none match.
  bool IsInvalidated(EvictionNode& entry, absl::Time now) const;
  // REQUIRES: s.mu held. Puts `entry` in the index, replacing the key's older entry.
  void PlaceInIndex(Shard& s, EvictionNode* entry, uint64_t hash);

  InvalidationLog* log_;
  const std::string key_prefix_;  // Create's
  int shard_bits_;
  std::unique_ptr<EpochDomain> domain_;
  std::unique_ptr<Shard[]> shards_;

  // The sweep's cursor; one sweeper at a time.
  std::mutex sweep_mu_;
  int sweep_shard_ = 0;
  uint64_t sweep_slot_ = 0;
  const void* sweep_table_ = nullptr;
  uint32_t sweep_pass_head_ = 0;
};

}  // namespace edgesim::core
