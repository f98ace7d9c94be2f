// key_cache.h — an exact cache of object ids and sizes for key-only replays (libCacheSim's model).
//
// Traces that know only object ids and sizes (oracleGeneral), or variants that ask for
// "model": "cache-only", measure the eviction policy alone: a request is a hit when its id is
// cached; a miss admits the object, evicting until it fits the byte capacity. The policies are
// core's (core/eviction.h: "fifo", "lru", "sieve", "s3fifo"), so miss ratios match the textbook
// algorithms and the full model's store. This is the simulator's hot loop (goal: >= 7M
// requests/s from a binary trace on one core), so the index is an open-addressing table with
// linear probing and backward-shift deletion, and `Prefetch` lets the replay fetch a later
// request's slot while it works on the current one. Memory per cached object is what lets a month
// of logs replay on one machine, so a slot is 8 bytes (the top 32 bits of the id's hash and the
// node's number; the hash's top bits are also the slot's home, so moving slots never reads a
// node) and nodes sit in fixed blocks addressed by number: 32 bytes of node (two per cache line)
// and 11–23 bytes of index per cached object. A node keeps the id's hash, not the id: the hash
// is a bijection of 64-bit ids, so equal hashes are equal ids, and its low half fits in the
// eviction node's tail padding.
//
//   std::unique_ptr<KeyCache> cache = *KeyCache::Create("lru", 1 << 20);
//   cache->Access(42, 1000);   // false: a miss, now cached
//   cache->Access(42, 1000);   // true
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/eviction.h"

namespace edgesim::sim {

class KeyCache {
 public:
  // The most objects a cache holds: the index addresses 2^32 slots, at most 70 % full.
  static constexpr uint64_t kMaxObjects = (uint64_t{7} << 32) / 10;

  // InvalidArgument for an unknown policy or a zero capacity. `max_objects` (at most
  // kMaxObjects) is lowered only by tests, to reach the limit cheaply.
  static absl::StatusOr<std::unique_ptr<KeyCache>> Create(absl::string_view eviction,
                                                          uint64_t capacity_bytes,
                                                          uint64_t max_objects = kMaxObjects);

  // True on a hit. A miss admits the object unless it alone exceeds the capacity. A size of 0
  // is charged as 1 byte. A miss that would hold more than max_objects objects admits nothing
  // and sets status() (the replay then fails).
  bool Access(uint64_t id, uint32_t size) {
    const uint64_t hash = Hash(id);
    if (Node* node = Find(hash)) {
      policy_->OnAccess(*node);
      return true;
    }
    Admit(hash, size);
    return false;
  }

  // Hints that `id` will be looked up soon.
  void Prefetch(uint64_t id) const { __builtin_prefetch(&slots_[Home(Tag(Hash(id)))]); }
  // The second stage, once Prefetch(id) has brought the slot in: fetches the node its home slot
  // names (a hit's node; a hit waited on it for half of a SIEVE replay, perf).
  void PrefetchNode(uint64_t id) const {
    const Slot& s = slots_[Home(Tag(Hash(id)))];
    if (s.node != 0) __builtin_prefetch(&NodeAt(s.node - 1));
  }

  uint64_t objects() const { return size_; }
  uint64_t charged_bytes() const { return policy_->charged_bytes(); }
  uint64_t evictions() const { return evictions_; }
  uint64_t rejected() const { return rejected_; }
  // ResourceExhausted once an admission found the cache holding max_objects objects.
  const absl::Status& status() const { return status_; }
  // Bytes the cache holds: index, nodes (freed ones too) and the policy's own.
  uint64_t memory_bytes() const;

 private:
  // The id's hash: its top half in EvictionNode::fingerprint, its low half here, in the base's
  // tail padding (Itanium C++ ABI: a non-POD base's padding holds the derived members).
  struct Node : core::EvictionNode {
    uint32_t hash_low = 0;
  };
  static_assert(sizeof(Node) == 32, "two nodes per cache line");
  struct Slot {
    uint32_t tag = 0;   // the top 32 bits of Hash(id)
    uint32_t node = 0;  // the node's number + 1; 0: empty
  };
  static constexpr int kBlockBits = 12;  // nodes per block: 4096 (128 KiB)

  KeyCache(std::unique_ptr<core::EvictionPolicy> policy, uint64_t capacity_bytes,
           uint64_t max_objects);

  static uint64_t Hash(uint64_t id) {
    // MurmurHash3's finalizer: ids from traces are often sequential.
    id ^= id >> 33;
    id *= 0xff51afd7ed558ccdULL;
    id ^= id >> 33;
    id *= 0xc4ceb9fe1a85ec53ULL;
    return id ^ (id >> 33);
  }
  static uint32_t Tag(uint64_t hash) { return static_cast<uint32_t>(hash >> 32); }
  static uint32_t Low(uint64_t hash) { return static_cast<uint32_t>(hash); }
  // The slot a tag's probe starts from: its top bits (the table has at most 2^32 slots).
  size_t Home(uint32_t tag) const { return tag >> shift_; }
  Node& NodeAt(uint32_t number) const {
    return blocks_[number >> kBlockBits][number & ((1u << kBlockBits) - 1)];
  }

  Node* Find(uint64_t hash) const {
    const uint32_t tag = Tag(hash);
    for (size_t i = Home(tag);; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.node == 0) return nullptr;
      if (s.tag == tag) {
        Node& node = NodeAt(s.node - 1);
        if (node.hash_low == Low(hash)) return &node;
      }
    }
  }
  void Admit(uint64_t hash, uint32_t size);
  uint32_t NewNode();
  void Insert(uint32_t tag, uint32_t number);
  void Erase(const Node& node);
  void Grow();

  std::unique_ptr<core::EvictionPolicy> policy_;
  uint64_t capacity_bytes_;
  uint64_t max_objects_;
  std::vector<Slot> slots_;
  size_t mask_;
  int shift_;  // 32 - log2(slots)
  size_t size_ = 0;
  // Nodes never move (the policy links them); freed ones are reused.
  std::vector<std::unique_ptr<Node[]>> blocks_;
  uint32_t nodes_ = 0;  // nodes handed out of the blocks
  std::vector<uint32_t> free_;
  uint64_t evictions_ = 0;
  uint64_t rejected_ = 0;
  absl::Status status_;
};

}  // namespace edgesim::sim
