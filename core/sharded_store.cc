#include "core/sharded_store.h"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <new>
#include <thread>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/epoch_domain.h"
#include "core/epoch_seconds.h"
#include "core/eviction.h"
#include "core/recycled_memory.h"
#include "policy/status_macros.h"
#include "xxhash.h"

namespace edgesim::core {
namespace {

// Entry times: whole seconds since the Unix epoch, as uint32 (core/epoch_seconds.h). `origin_time`
// and `fresh_until` share one atomic word so a reader never sees one refreshed without the other.
uint64_t PackTimes(uint32_t origin_time, uint32_t fresh_until) {
  return (uint64_t{origin_time} << 32) | fresh_until;
}
absl::Time OriginTime(uint64_t times) { return absl::FromUnixSeconds(times >> 32); }
absl::Time FreshUntil(uint64_t times) { return absl::FromUnixSeconds(times & UINT32_MAX); }

}  // namespace

// An entry is one allocation (recycled_memory.h): this header, then the key bytes past the
// store's shared prefix (Create's `key_prefix`) when the key starts with it, or all of them,
// then the object path unless those bytes already hold it (a key holds its raw path, SPEC 6.2, so
// only a path with a query string follows). It is refcounted: the store holds one reference while
// the entry is indexed (dropped when its limbo frees it), and each ResponseHandle holds one, so a
// hit touches only the entry's cache line.
struct StoreEntry : EvictionNode {
  // `path_at` when the path follows the key.
  static constexpr uint8_t kPathAfterKey = 127;

  // Declared to fill EvictionNode's tail padding: 56 bytes in all.
  uint16_t key_size = 0;  // the bytes kept: without the shared prefix when `prefixed`
  uint16_t path_size = 0;
  bool linked = false;  // in the index and the policy; guarded by the shard lock
  // Both fixed before the entry is published.
  uint8_t path_at : 7 = kPathAfterKey;  // where in the kept key bytes the path is
  bool prefixed : 1 = false;            // the key starts with the store's prefix, not kept here
  std::atomic<uint32_t> refs{1};
  std::atomic<uint32_t> checked_seq{0};  // newest invalidation this entry was checked against
  std::atomic<uint64_t> times{0};        // PackTimes(origin_time, fresh_until)
  ResponseRef response;                  // immutable once published

  const char* bytes() const { return reinterpret_cast<const char*>(this + 1); }
  // The key's bytes past the shared prefix if `prefixed`, else the whole key.
  absl::string_view kept_key() const { return absl::string_view(bytes(), key_size); }
  absl::string_view path() const {
    return absl::string_view(bytes() + (path_at == kPathAfterKey ? key_size : path_at),
                             path_size);
  }
  // The allocation's size.
  size_t size() const {
    return sizeof(StoreEntry) + key_size + (path_at == kPathAfterKey ? path_size : 0);
  }
};

void RetainEntry(StoreEntry* e) { e->refs.fetch_add(1, std::memory_order_relaxed); }

void ReleaseEntry(StoreEntry* e) {
  if (e->refs.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  const size_t bytes = e->size();
  e->~StoreEntry();
  FreeRecycled(e, bytes);
}

namespace {

using Entry = StoreEntry;

// A key as entries keep it: past the store's prefix when it starts with it.
struct KeptKey {
  bool prefixed = false;
  absl::string_view bytes;
};

KeptKey Keep(absl::string_view prefix, absl::string_view key) {
  if (!prefix.empty() && absl::StartsWith(key, prefix)) return {true, key.substr(prefix.size())};
  return {false, key};
}

// Where `path` is in `key`, if within the first kPathAfterKey bytes.
uint8_t PathAt(absl::string_view key, absl::string_view path) {
  const size_t at = key.find(path);
  return at < Entry::kPathAfterKey ? static_cast<uint8_t>(at) : Entry::kPathAfterKey;
}

Entry* NewEntry(KeptKey key, absl::string_view path) {
  const uint8_t path_at = PathAt(key.bytes, path);
  const size_t path_bytes = path_at == Entry::kPathAfterKey ? path.size() : 0;
  void* memory = AllocateRecycled(sizeof(Entry) + key.bytes.size() + path_bytes);
  auto* e = new (memory) Entry();
  e->key_size = static_cast<uint16_t>(key.bytes.size());
  e->path_size = static_cast<uint16_t>(path.size());
  e->path_at = path_at;
  e->prefixed = key.prefixed;
  char* bytes = reinterpret_cast<char*>(e + 1);
  std::memcpy(bytes, key.bytes.data(), key.bytes.size());
  std::memcpy(bytes + key.bytes.size(), path.data(), path_bytes);
  return e;
}

// Expired past its retention (StorageTerms::retain_after_expiry): reclaimable. The response,
// a second cache line, is read only for objects that are already expired.
bool PastRetention(const Entry& e, absl::Time fresh_until, absl::Time now) {
  return now >= fresh_until && now >= fresh_until + e.response->terms().retain_after_expiry;
}

// The store's reference, dropped when the entry leaves its limbo (or the store).
void DropStoreReference(void* p) { ReleaseEntry(static_cast<Entry*>(p)); }

// Index slots: 0 empty, 1 tombstone, otherwise a 16-bit tag of the hash above a 48-bit entry
// pointer, so most probes reject a wrong key without touching its entry.
constexpr uint64_t kEmpty = 0;
constexpr uint64_t kTombstone = 1;
constexpr uint64_t kPointerMask = (uint64_t{1} << 48) - 1;
// What an entry is charged for its share of the index (8-byte slots, 1/4 to 3/4 full).
constexpr uint64_t kIndexChargePerEntry = 16;
// What an entry is charged for its header, besides its key and object path (DESIGN 4): a fixed
// figure, as kStoredResponseCharge is, so the entry's layout is free to change.
constexpr uint64_t kEntryCharge = 56;

uint64_t TagOf(uint64_t hash) { return hash >> 48; }
uint64_t MakeSlot(uint64_t hash, const Entry* e) {
  return (TagOf(hash) << 48) | reinterpret_cast<uintptr_t>(e);
}
Entry* EntryOf(uint64_t slot) { return reinterpret_cast<Entry*>(slot & kPointerMask); }
bool IsLive(uint64_t slot) { return slot > kTombstone; }

struct Table {
  uint64_t mask;
  std::atomic<uint64_t> slots[1];  // really mask + 1

  uint64_t capacity() const { return mask + 1; }
};

Table* NewTable(uint64_t capacity) {
  void* memory = ::operator new(sizeof(Table) + (capacity - 1) * sizeof(std::atomic<uint64_t>));
  auto* t = static_cast<Table*>(memory);
  t->mask = capacity - 1;
  for (uint64_t i = 0; i < capacity; ++i) new (&t->slots[i]) std::atomic<uint64_t>(kEmpty);
  return t;
}

void DeleteTable(void* p) { ::operator delete(p); }

constexpr uint64_t kMinTableCapacity = 16;

uint64_t RoundUpPow2(uint64_t n) {
  uint64_t p = 1;
  while (p < n) p <<= 1;
  return p;
}

static_assert(sizeof(StoreEntry) == 56, "keep the entry header compact: see core/DESIGN.md");

}  // namespace

uint64_t HashKey(absl::string_view key) { return XXH3_64bits(key.data(), key.size()); }

ResponseHandle::ResponseHandle(const ResponseHandle& other)
    : entry_(other.entry_), response_(other.response_) {
  if (entry_ != nullptr) RetainEntry(entry_);
}

ResponseHandle::ResponseHandle(ResponseHandle&& other) noexcept
    : entry_(std::exchange(other.entry_, nullptr)),
      response_(std::exchange(other.response_, nullptr)) {
  // A borrowed entry is referenced while the lender's pin still keeps it alive.
  if (other.pin_.held() && entry_ != nullptr) RetainEntry(entry_);
  other.pin_ = EpochDomain::Guard();
}

ResponseHandle& ResponseHandle::operator=(ResponseHandle other) {
  std::swap(entry_, other.entry_);
  std::swap(response_, other.response_);
  std::swap(pin_, other.pin_);
  return *this;
}

ResponseHandle::~ResponseHandle() {
  if (entry_ != nullptr && !pin_.held()) ReleaseEntry(entry_);
}

std::ostream& operator<<(std::ostream& os, LookupStatus status) {
  switch (status) {
    case LookupStatus::kFound: return os << "found";
    case LookupStatus::kAbsent: return os << "absent";
    case LookupStatus::kInvalidated: return os << "invalidated";
  }
  return os;
}

std::ostream& operator<<(std::ostream& os, const StoreCounters& c) {
  return os << "{entries=" << c.entries << " charged_bytes=" << c.charged_bytes
            << " capacity_bytes=" << c.capacity_bytes << " inserts=" << c.inserts
            << " replacements=" << c.replacements << " rejected=" << c.rejected
            << " evictions=" << c.evictions << " expirations=" << c.expirations
            << " invalidation_kills_on_lookup=" << c.invalidation_kills_on_lookup
            << " invalidation_kills_by_sweep=" << c.invalidation_kills_by_sweep
            << " erased=" << c.erased << "}";
}

struct alignas(64) ShardedStore::Shard {
  // std::mutex rather than absl::Mutex: Debian's abseil is not built for ThreadSanitizer. Guards
  // every non-atomic member below and every change to the table and the entries' links.
  mutable std::mutex mu;
  std::atomic<Table*> table{nullptr};
  // Written under `mu`; atomics so counters() and lock-free readers may read them.
  std::unique_ptr<EvictionPolicy> policy;
  bool access_needs_lock = false;
  uint8_t saturated_access = 0;  // the policy's, read on every lock-free hit
  uint64_t budget = 0;
  uint64_t used_slots = 0;  // live + tombstones
  std::atomic<uint64_t> entries{0};
  std::atomic<uint64_t> charged{0};
  std::atomic<uint64_t> inserts{0}, replacements{0}, rejected{0}, evictions{0}, expirations{0},
      kills_on_lookup{0}, kills_by_sweep{0}, erased{0};
  EpochDomain* domain = nullptr;
  Limbo limbo;

  ~Shard() {
    Table* t = table.load(std::memory_order_relaxed);
    if (t == nullptr) return;
    for (uint64_t i = 0; i < t->capacity(); ++i) {
      const uint64_t slot = t->slots[i].load(std::memory_order_relaxed);
      if (IsLive(slot)) DropStoreReference(EntryOf(slot));
    }
    DeleteTable(t);
  }

  static void Bump(std::atomic<uint64_t>& counter, uint64_t n = 1) {
    counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }

  // Lock-free. The entry is the one the probe read: a concurrent writer may have replaced the
  // slot since, and the epoch guard keeps this entry alive regardless.
  struct Found {
    uint64_t index = 0;
    Entry* entry = nullptr;
  };
  static Found Find(const Table* t, KeptKey key, uint64_t hash) {
    const uint64_t tag = TagOf(hash);
    for (uint64_t i = hash & t->mask;; i = (i + 1) & t->mask) {
      const uint64_t slot = t->slots[i].load(std::memory_order_acquire);
      if (slot == kEmpty) return {};
      if (IsLive(slot) && (slot >> 48) == tag && Holds(EntryOf(slot), key)) {
        return {i, EntryOf(slot)};
      }
    }
  }

  // The key is compared where it lies, after the header: every line it spans is requested at
  // once (the caller's key gives the span before the header arrives), so the entry costs one
  // miss, not one per line. The shared prefix was compared once, by Keep.
  static bool Holds(const Entry* e, KeptKey key) {
    const uintptr_t first = reinterpret_cast<uintptr_t>(e) & ~uintptr_t{63};
    const uintptr_t last = reinterpret_cast<uintptr_t>(e + 1) + key.bytes.size();
    for (uintptr_t line = first + 64; line < last; line += 64) {
      __builtin_prefetch(reinterpret_cast<const void*>(line));
    }
    return e->key_size == key.bytes.size() && e->prefixed == key.prefixed &&
           std::memcmp(e + 1, key.bytes.data(), key.bytes.size()) == 0;
  }

  // The slot holding exactly `e` (an evicted entry, found by pointer). The probe starts from the
  // fingerprint: the hash's low 32 bits, all the index ever uses for positions.
  uint64_t SlotOf(const Entry* e) const {
    const Table* t = table.load(std::memory_order_relaxed);
    for (uint64_t i = e->fingerprint & t->mask;; i = (i + 1) & t->mask) {
      const uint64_t slot = t->slots[i].load(std::memory_order_relaxed);
      EDGESIM_CHECK(slot != kEmpty);
      if (IsLive(slot) && EntryOf(slot) == e) return i;
    }
  }

  // Takes the entry in slot `i` out of the index and the policy, and retires it.
  void Unlink(uint64_t i, bool evicted) {
    Table* t = table.load(std::memory_order_relaxed);
    Entry* e = EntryOf(t->slots[i].load(std::memory_order_relaxed));
    t->slots[i].store(kTombstone, std::memory_order_release);
    if (!evicted) policy->OnErase(*e);
    Release(e);
  }

  // Erases `key`'s entry, or only if it is still `expected` (a lookup that found it lock-free
  // may have lost a race with a writer). True when one was erased.
  bool EraseKey(KeptKey key, uint64_t hash, const Entry* expected = nullptr) {
    const Found found = Find(table.load(std::memory_order_relaxed), key, hash);
    if (found.entry == nullptr || (expected != nullptr && found.entry != expected)) return false;
    Unlink(found.index, /*evicted=*/false);
    return true;
  }

  void Release(Entry* e) {
    e->linked = false;
    Bump(entries, -1);
    Bump(charged, -static_cast<uint64_t>(e->charge));
    limbo.Retire(*domain, e, &DropStoreReference);
  }

  void Rehash(uint64_t live_entries) {
    Table* old_table = table.load(std::memory_order_relaxed);
    const uint64_t capacity = std::max(kMinTableCapacity, RoundUpPow2(live_entries * 2 + 2));
    EDGESIM_CHECK(capacity <= (uint64_t{1} << 32));  // positions come from 32-bit fingerprints
    Table* t = NewTable(capacity);
    if (old_table != nullptr) {
      // Positions come from each entry's fingerprint (the hash's low 32 bits), and the tag moves
      // with the slot, so no key is rehashed; entries are prefetched a few slots ahead because
      // every one is a cache miss.
      constexpr uint64_t kPrefetchDistance = 8;
      for (uint64_t i = 0; i < old_table->capacity(); ++i) {
        if (i + kPrefetchDistance < old_table->capacity()) {
          const uint64_t ahead =
              old_table->slots[i + kPrefetchDistance].load(std::memory_order_relaxed);
          if (IsLive(ahead)) __builtin_prefetch(EntryOf(ahead));
        }
        const uint64_t slot = old_table->slots[i].load(std::memory_order_relaxed);
        if (!IsLive(slot)) continue;
        uint64_t j = EntryOf(slot)->fingerprint & t->mask;
        while (t->slots[j].load(std::memory_order_relaxed) != kEmpty) j = (j + 1) & t->mask;
        t->slots[j].store(slot, std::memory_order_relaxed);
      }
      limbo.Retire(*domain, old_table, &DeleteTable);
    }
    used_slots = live_entries;
    table.store(t, std::memory_order_release);
  }

  void EvictToBudget() {
    while (charged.load(std::memory_order_relaxed) > budget) {
      auto* victim = static_cast<Entry*>(policy->Evict());
      if (victim == nullptr) return;
      // Freed from the limbo some retirements later; fetching the response now overlaps its miss
      // with the victim's index probe.
      __builtin_prefetch(victim->response.get());
      Unlink(SlotOf(victim), /*evicted=*/true);
      Bump(evictions);
    }
  }
};

absl::StatusOr<std::unique_ptr<ShardedStore>> ShardedStore::Create(const StoreOptions& options,
                                                                   InvalidationLog* log,
                                                                   std::string key_prefix) {
  if (options.shards < 0 || options.shards > (1 << 16)) {
    return absl::InvalidArgumentError(
        absl::StrCat("store shards must be between 0 and 65536, got ", options.shards));
  }
  std::unique_ptr<ShardedStore> store(new ShardedStore(options, log, std::move(key_prefix)));
  const uint64_t per_shard = options.capacity_bytes / store->shard_count();
  const uint64_t smallest = kEntryCharge + kIndexChargePerEntry + kStoredResponseCharge;
  if (per_shard < smallest) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cache capacity ", options.capacity_bytes, " bytes is too small for ",
        store->shard_count(), " shards (at least ", smallest, " bytes per shard)"));
  }
  for (int i = 0; i < store->shard_count(); ++i) {
    Shard& s = store->shards_[i];
    EDGESIM_ASSIGN_OR_RETURN(s.policy, MakeEvictionPolicy(options.eviction, per_shard));
    s.access_needs_lock = s.policy->access_needs_lock();
    s.saturated_access = s.policy->saturated_access();
    s.budget = per_shard;
    s.domain = store->domain_.get();
    std::lock_guard<std::mutex> lock(s.mu);
    s.Rehash(0);
  }
  return store;
}

namespace {

int ShardBits(int requested) {
  const int hardware = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const uint64_t shards = RoundUpPow2(requested > 0 ? requested : 4 * hardware);
  int bits = 0;
  while ((uint64_t{1} << bits) < shards) ++bits;
  return bits;
}

}  // namespace

ShardedStore::ShardedStore(const StoreOptions& options, InvalidationLog* log,
                           std::string key_prefix)
    : log_(log),
      key_prefix_(std::move(key_prefix)),
      shard_bits_(ShardBits(options.shards)),
      domain_(std::make_unique<EpochDomain>()),
      shards_(new Shard[size_t{1} << shard_bits_]) {}

ShardedStore::~ShardedStore() = default;

int ShardedStore::shard_count() const { return 1 << shard_bits_; }

ShardedStore::Shard& ShardedStore::ShardFor(uint64_t hash) const {
  // Bits 32..47: the index uses the low 32 bits (so it can restart a probe from an entry's
  // fingerprint) and the tag the top 16.
  return shards_[(hash >> 32) & ((uint64_t{1} << shard_bits_) - 1)];
}

StoreLookup ShardedStore::Lookup(absl::string_view key, uint64_t hash, absl::Time now) {
  Shard& s = ShardFor(hash);
  StoreLookup result;
  const KeptKey kept = Keep(key_prefix_, key);
  EpochDomain::Guard guard = domain_->Pin();
  const Table* t = s.table.load(std::memory_order_acquire);
  Entry* e = Shard::Find(t, kept, hash).entry;
  if (e == nullptr) return result;

  if (log_ != nullptr && IsInvalidated(*e, now)) {
    std::lock_guard<std::mutex> lock(s.mu);
    if (s.EraseKey(kept, hash, e)) Shard::Bump(s.kills_on_lookup);
    result.status = LookupStatus::kInvalidated;
    return result;
  }
  const uint64_t times = e->times.load(std::memory_order_relaxed);
  const absl::Time fresh_until = FreshUntil(times);
  if (PastRetention(*e, fresh_until, now)) {
    std::lock_guard<std::mutex> lock(s.mu);
    if (s.EraseKey(kept, hash, e)) Shard::Bump(s.expirations);
    return result;
  }
  if (s.access_needs_lock) {
    std::lock_guard<std::mutex> lock(s.mu);
    if (e->linked) s.policy->OnAccess(*e);
  } else if (e->access.load(std::memory_order_relaxed) < s.saturated_access) {
    s.policy->OnAccess(*e);
  }
  result.status = LookupStatus::kFound;
  result.response = ResponseHandle(e, e->response.get(), std::move(guard));
  result.origin_time = OriginTime(times);
  result.fresh_until = fresh_until;
  return result;
}

bool ShardedStore::IsInvalidated(EvictionNode& node, absl::Time now) const {
  auto& e = static_cast<Entry&>(node);
  const uint32_t head = log_->EffectiveHead(now);
  uint32_t checked = e.checked_seq.load(std::memory_order_acquire);
  if (checked >= head) return false;
  if (log_->Invalidates(e.path(), checked, head)) return true;
  // Monotonic: a slower reader must not move it back below what a sweep relies on.
  while (checked < head &&
         !e.checked_seq.compare_exchange_weak(checked, head, std::memory_order_acq_rel)) {
  }
  return false;
}

bool ShardedStore::Insert(absl::string_view key, uint64_t hash, absl::string_view object_path,
                          ResponseRef response, absl::Time origin_time, absl::Time fresh_until,
                          absl::Time now) {
  Shard& s = ShardFor(hash);
  const uint64_t charge = kEntryCharge + key.size() + object_path.size() +
                          kIndexChargePerEntry + response->ByteSize();
  if (key.size() > UINT16_MAX || object_path.size() > UINT16_MAX || charge > s.budget ||
      charge > UINT32_MAX) {
    std::lock_guard<std::mutex> lock(s.mu);
    Shard::Bump(s.rejected);
    s.EraseKey(Keep(key_prefix_, key), hash);
    return false;
  }
  Entry* e = NewEntry(Keep(key_prefix_, key), object_path);
  e->charge = static_cast<uint32_t>(charge);
  e->fingerprint = static_cast<uint32_t>(hash);
  e->response = std::move(response);
  e->times.store(PackTimes(EpochSecondsFloor(origin_time), EpochSecondsCeil(fresh_until)),
                 std::memory_order_relaxed);
  e->checked_seq.store(log_ != nullptr ? log_->EffectiveHead(now) : 0,
                       std::memory_order_relaxed);

  std::lock_guard<std::mutex> lock(s.mu);
  PlaceInIndex(s, e, hash);
  s.policy->OnInsert(*e);
  e->linked = true;
  Shard::Bump(s.entries);
  Shard::Bump(s.charged, charge);
  Shard::Bump(s.inserts);
  s.EvictToBudget();
  return true;
}

void ShardedStore::PlaceInIndex(Shard& s, EvictionNode* node, uint64_t hash) {
  auto* e = static_cast<Entry*>(node);
  Table* t = s.table.load(std::memory_order_relaxed);
  const Shard::Found existing = Shard::Find(t, {e->prefixed, e->kept_key()}, hash);
  if (Entry* old = existing.entry; old != nullptr) {
    t->slots[existing.index].store(MakeSlot(hash, e), std::memory_order_release);
    s.policy->OnErase(*old);
    s.Release(old);
    Shard::Bump(s.replacements);
    return;
  }
  // Erased entries leave tombstones that lengthen every probe until the next rehash; at 3/4 an
  // unsuccessful probe (each miss, each insert) averages ~8 slots, at 7/8 ~32.
  if ((s.used_slots + 1) * 4 > t->capacity() * 3) {
    s.Rehash(s.entries.load(std::memory_order_relaxed));
    t = s.table.load(std::memory_order_relaxed);
  }
  uint64_t i = hash & t->mask;
  while (IsLive(t->slots[i].load(std::memory_order_relaxed))) i = (i + 1) & t->mask;
  if (t->slots[i].load(std::memory_order_relaxed) == kEmpty) ++s.used_slots;
  t->slots[i].store(MakeSlot(hash, e), std::memory_order_release);
}

bool ShardedStore::Refresh(absl::string_view key, uint64_t hash, const StoredResponse* response,
                           absl::Time origin_time, absl::Time fresh_until) {
  Shard& s = ShardFor(hash);
  std::lock_guard<std::mutex> lock(s.mu);
  const Table* t = s.table.load(std::memory_order_relaxed);
  Entry* e = Shard::Find(t, Keep(key_prefix_, key), hash).entry;
  if (e == nullptr || e->response.get() != response) return false;
  e->times.store(PackTimes(EpochSecondsFloor(origin_time), EpochSecondsCeil(fresh_until)),
                 std::memory_order_relaxed);
  return true;
}

bool ShardedStore::Erase(absl::string_view key, uint64_t hash) {
  Shard& s = ShardFor(hash);
  std::lock_guard<std::mutex> lock(s.mu);
  if (!s.EraseKey(Keep(key_prefix_, key), hash)) return false;
  Shard::Bump(s.erased);
  return true;
}

SweepResult ShardedStore::Sweep(absl::Time now, uint64_t budget) {
  std::lock_guard<std::mutex> sweeping(sweep_mu_);
  SweepResult result;
  if (sweep_shard_ == 0 && sweep_slot_ == 0) {
    sweep_pass_head_ = log_ != nullptr ? log_->EffectiveHead(now) : 0;
  }
  while (result.visited < budget) {
    Shard& s = shards_[sweep_shard_];
    std::lock_guard<std::mutex> lock(s.mu);
    const Table* t = s.table.load(std::memory_order_relaxed);
    if (t != sweep_table_) {  // resized since the cursor entered it: moved entries, start over
      sweep_table_ = t;
      sweep_slot_ = 0;
    }
    for (; sweep_slot_ < t->capacity() && result.visited < budget; ++sweep_slot_) {
      ++result.visited;
      const uint64_t slot = t->slots[sweep_slot_].load(std::memory_order_relaxed);
      if (!IsLive(slot)) continue;
      Entry* e = EntryOf(slot);
      if (log_ != nullptr && IsInvalidated(*e, now)) {
        s.Unlink(sweep_slot_, /*evicted=*/false);
        Shard::Bump(s.kills_by_sweep);
        ++result.invalidated;
      } else if (PastRetention(*e, FreshUntil(e->times.load(std::memory_order_relaxed)), now)) {
        s.Unlink(sweep_slot_, /*evicted=*/false);
        Shard::Bump(s.expirations);
        ++result.expired;
      }
    }
    if (sweep_slot_ < t->capacity()) break;
    sweep_slot_ = 0;
    sweep_table_ = nullptr;
    if (++sweep_shard_ == shard_count()) {
      sweep_shard_ = 0;
      result.completed_pass = true;
      if (log_ != nullptr) log_->Trim(sweep_pass_head_);
      break;
    }
  }
  return result;
}

void ShardedStore::Clear() {
  for (int i = 0; i < shard_count(); ++i) {
    Shard& s = shards_[i];
    std::lock_guard<std::mutex> lock(s.mu);
    const Table* t = s.table.load(std::memory_order_relaxed);
    for (uint64_t j = 0; j < t->capacity(); ++j) {
      if (IsLive(t->slots[j].load(std::memory_order_relaxed))) s.Unlink(j, /*evicted=*/false);
    }
    s.Rehash(0);
  }
}

void ShardedStore::ForEach(const std::function<void(const EntryView&)>& fn) const {
  for (int i = 0; i < shard_count(); ++i) {
    Shard& s = shards_[i];
    std::lock_guard<std::mutex> lock(s.mu);
    const Table* t = s.table.load(std::memory_order_relaxed);
    for (uint64_t j = 0; j < t->capacity(); ++j) {
      const uint64_t slot = t->slots[j].load(std::memory_order_relaxed);
      if (!IsLive(slot)) continue;
      const Entry* e = EntryOf(slot);
      const uint64_t times = e->times.load(std::memory_order_relaxed);
      fn(EntryView{.key = absl::StrCat(e->prefixed ? key_prefix_ : "", e->kept_key()),
                   .object_path = std::string(e->path()),
                   .response = e->response,
                   .origin_time = OriginTime(times),
                   .fresh_until = FreshUntil(times),
                   .charge = e->charge});
    }
  }
}

StoreCounters ShardedStore::counters() const {
  StoreCounters c;
  for (int i = 0; i < shard_count(); ++i) {
    const Shard& s = shards_[i];
    auto get = [](const std::atomic<uint64_t>& v) { return v.load(std::memory_order_relaxed); };
    c.entries += get(s.entries);
    c.charged_bytes += get(s.charged);
    c.capacity_bytes += s.budget;
    c.inserts += get(s.inserts);
    c.replacements += get(s.replacements);
    c.rejected += get(s.rejected);
    c.evictions += get(s.evictions);
    c.expirations += get(s.expirations);
    c.invalidation_kills_on_lookup += get(s.kills_on_lookup);
    c.invalidation_kills_by_sweep += get(s.kills_by_sweep);
    c.erased += get(s.erased);
  }
  return c;
}

uint64_t ShardedStore::MetadataBytes() const {
  uint64_t bytes = sizeof(ShardedStore) + sizeof(EpochDomain);
  for (int i = 0; i < shard_count(); ++i) {
    Shard& s = shards_[i];
    std::lock_guard<std::mutex> lock(s.mu);
    bytes += sizeof(Shard) + sizeof(Table) +
             s.table.load(std::memory_order_relaxed)->capacity() * sizeof(uint64_t) +
             s.entries.load(std::memory_order_relaxed) * sizeof(Entry) +
             s.policy->overhead_bytes();
  }
  return bytes;
}

}  // namespace edgesim::core
