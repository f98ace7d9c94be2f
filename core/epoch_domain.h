// epoch_domain.h — epoch-based reclamation: lets readers use shared memory without locks.
//
// ShardedStore's hits read the index and entries with no lock while writers erase and resize.
// A writer that unlinks an entry does not free it: it retires it into a Limbo, tagged with the
// domain's epoch. Readers Pin() the current epoch for the length of a lookup. The epoch
// advances only when every pinned reader has seen the current one, and a retired object is
// freed two epochs after it was retired, when no reader can still hold it (Fraser, "Practical
// lock-freedom", 2004; the scheme crossbeam-epoch uses).
//
// Readers write only their own cache line (one slot per thread index), so hits on two threads
// share no written memory.
//
//   EpochDomain domain;
//   { EpochDomain::Guard g = domain.Pin(); ...read shared pointers... }
//   limbo.Retire(domain, entry, &DeleteEntry);   // under the writer's lock
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <vector>

#include "core/thread_index.h"

namespace edgesim::core {

class EpochDomain {
 private:
  struct alignas(64) Slot {
    std::atomic<uint64_t> pinned{0};  // 0: not pinned
    uint32_t depth = 0;               // live guards of the owning thread; only it touches this
  };

 public:
  // Movable, so a pin can outlive the call that took it (a ResponseHandle borrowing an entry).
  // REQUIRES: destroyed on the thread that pinned, before the domain.
  class Guard {
   public:
    Guard() = default;  // holds nothing
    Guard(Guard&& other) noexcept : slot_(other.slot_) { other.slot_ = nullptr; }
    Guard& operator=(Guard&& other) noexcept {
      if (this != &other) {
        Release();
        slot_ = other.slot_;
        other.slot_ = nullptr;
      }
      return *this;
    }
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;
    ~Guard() { Release(); }

    bool held() const { return slot_ != nullptr; }

   private:
    friend class EpochDomain;
    explicit Guard(Slot* slot) : slot_(slot) {}
    // The thread stays pinned while any of its guards lives, whichever is destroyed first.
    void Release() {
      if (slot_ != nullptr && --slot_->depth == 0) {
        slot_->pinned.store(0, std::memory_order_release);
      }
      slot_ = nullptr;
    }
    Slot* slot_ = nullptr;
  };

  EpochDomain() = default;
  EpochDomain(const EpochDomain&) = delete;
  EpochDomain& operator=(const EpochDomain&) = delete;

  // Objects retired after this returns stay alive until the guard is destroyed. Re-entrant: the
  // thread's first pin announces the epoch, later ones only count.
  Guard Pin();

  uint64_t epoch() const { return epoch_.load(std::memory_order_seq_cst); }
  // Advances the epoch when no reader is pinned to an older one. Returns the (possibly new)
  // epoch.
  uint64_t TryAdvance();

 private:
  std::atomic<uint64_t> epoch_{1};
  std::array<Slot, kMaxThreads> slots_;
};

// Objects waiting to be freed. Not thread-safe: each owner (a store shard) uses its own under
// its lock.
class Limbo {
 public:
  using Deleter = void (*)(void*);

  Limbo() = default;
  Limbo(const Limbo&) = delete;
  Limbo& operator=(const Limbo&) = delete;
  // Frees everything: REQUIRES no reader of the domain is pinned.
  ~Limbo();

  // REQUIRES: `object` is no longer reachable by readers that pin after this call.
  void Retire(EpochDomain& domain, void* object, Deleter deleter);
  // Frees what no reader can hold any more.
  void Collect(EpochDomain& domain);
  size_t size() const { return items_.size(); }

 private:
  struct Item {
    void* object;
    Deleter deleter;
    uint64_t epoch;
  };
  std::vector<Item> items_;
};

}  // namespace edgesim::core
