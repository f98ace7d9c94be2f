// key_cache.h — an exact cache of object ids and sizes for key-only replays (libCacheSim's model).
//
// Traces that know only object ids and sizes (oracleGeneral), or variants that ask for
// "model": "cache-only", measure the eviction policy alone: a request is a hit when its id is
// cached; a miss admits the object, evicting until it fits the byte capacity. The policies are
// core's (core/eviction.h: "fifo", "lru", "sieve", "s3fifo"), so miss ratios match the textbook
// algorithms and the full model's store. This is the simulator's hot loop (goal: >= 7M
// requests/s from a binary trace on one core), so the index is an open-addressing table of
// (id, node) pairs with linear probing and backward-shift deletion, and `Prefetch` lets the
// replay fetch a later request's slot while it works on the current one.
//
//   std::unique_ptr<KeyCache> cache = *KeyCache::Create("lru", 1 << 20);
//   cache->Access(42, 1000);   // false: a miss, now cached
//   cache->Access(42, 1000);   // true
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/eviction.h"

namespace edgesim::sim {

class KeyCache {
 public:
  // InvalidArgument for an unknown policy or a zero capacity.
  static absl::StatusOr<std::unique_ptr<KeyCache>> Create(absl::string_view eviction,
                                                          uint64_t capacity_bytes);

  // True on a hit. A miss admits the object unless it alone exceeds the capacity. A size of 0
  // is charged as 1 byte.
  bool Access(uint64_t id, uint32_t size) {
    if (Node* node = Find(id)) {
      policy_->OnAccess(*node);
      return true;
    }
    Admit(id, size);
    return false;
  }

  // Hints that `id` will be looked up soon.
  void Prefetch(uint64_t id) const { __builtin_prefetch(&slots_[Hash(id) & mask_]); }

  uint64_t objects() const { return size_; }
  uint64_t charged_bytes() const { return policy_->charged_bytes(); }
  uint64_t evictions() const { return evictions_; }
  uint64_t rejected() const { return rejected_; }

 private:
  struct Node : core::EvictionNode {
    uint64_t id = 0;
  };
  struct Slot {
    uint64_t id = 0;
    Node* node = nullptr;  // null: empty
  };

  KeyCache(std::unique_ptr<core::EvictionPolicy> policy, uint64_t capacity_bytes);

  static uint64_t Hash(uint64_t id) {
    // MurmurHash3's finalizer: ids from traces are often sequential.
    id ^= id >> 33;
    id *= 0xff51afd7ed558ccdULL;
    id ^= id >> 33;
    id *= 0xc4ceb9fe1a85ec53ULL;
    return id ^ (id >> 33);
  }

  Node* Find(uint64_t id) const {
    for (size_t i = Hash(id) & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.node == nullptr) return nullptr;
      if (s.id == id) return s.node;
    }
  }
  void Admit(uint64_t id, uint32_t size);
  void Insert(uint64_t id, Node* node);
  void Erase(uint64_t id);
  void Grow();

  std::unique_ptr<core::EvictionPolicy> policy_;
  uint64_t capacity_bytes_;
  std::vector<Slot> slots_;
  size_t mask_;
  size_t size_ = 0;
  // Nodes never move (the policy links them); freed ones are reused.
  std::deque<Node> nodes_;
  std::vector<Node*> free_;
  uint64_t evictions_ = 0;
  uint64_t rejected_ = 0;
};

}  // namespace edgesim::sim
