// sieve_eviction.h — SIEVE (Zhang et al., "SIEVE is Simpler than LRU", NSDI '24).
//
// One FIFO queue: new objects enter at the head and never move. A hit only sets the node's
// visited bit. To evict, a hand walks from where it last stopped toward the head (wrapping to
// the tail), clears visited bits, and evicts the first unvisited node; the hand then rests on
// that node's newer neighbour. Hits take no lock (DESIGN 4): the bit is a relaxed
// atomic stored only when still clear, so a hot object's cache line is not written on every hit.
//
//   SieveEviction sieve;
//   sieve.OnInsert(a);
//   sieve.OnInsert(b);
//   sieve.OnAccess(a);   // a is visited
//   sieve.Evict();       // a survives the hand (bit cleared); returns &b
#pragma once

#include <cstdint>

#include "core/eviction.h"
#include "core/eviction_queue.h"

namespace edgesim::core {

class SieveEviction final : public EvictionPolicy {
 public:
  absl::string_view name() const override { return "sieve"; }
  bool access_needs_lock() const override { return false; }
  uint8_t saturated_access() const override { return 1; }

  void OnInsert(EvictionNode& node) override;
  void OnAccess(EvictionNode& node) override;
  void OnErase(EvictionNode& node) override;
  EvictionNode* Evict() override;

  uint64_t charged_bytes() const override { return queue_.bytes(); }
  uint64_t size() const override { return queue_.size(); }

  // Where the next eviction starts looking; nullptr means at the tail.
  const EvictionNode* HandForTest() const { return hand_; }

 private:
  EvictionQueue queue_{/*tag=*/1};
  EvictionNode* hand_ = nullptr;
};

}  // namespace edgesim::core
