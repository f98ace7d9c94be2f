// s3fifo_eviction.h — S3-FIFO (Yang et al., "FIFO queues are all you need for cache eviction",
// SOSP '23).
//
// Three FIFO queues: a small queue S (10% of the capacity) that new objects enter, a main queue M,
// and a ghost queue G of fingerprints of objects evicted from S. Most objects are requested once
// (one-hit wonders); S lets them leave quickly, while objects hit at least twice in S move to M,
// and objects whose fingerprint is still in G are admitted straight to M. M is a FIFO with
// reinsertion driven by a 2-bit frequency. A hit only bumps the frequency in `node.access`
// (relaxed CAS, skipped once saturated), so hits take no lock (DESIGN 4).
//
//   S3FifoEviction s3(/*capacity_bytes=*/1000);   // S's share: 100 bytes
//   s3.OnInsert(a);                               // a enters S
//   s3.Evict();                                   // &a: never hit, its fingerprint goes to G
//   s3.OnInsert(a);                               // a ghost hit: a enters M
#pragma once

#include <cstdint>

#include "core/eviction.h"
#include "core/eviction_queue.h"
#include "core/ghost_queue.h"

namespace edgesim::core {

class S3FifoEviction final : public EvictionPolicy {
 public:
  // `capacity_bytes` is the store's budget; S is evicted from once it holds 10% of it.
  explicit S3FifoEviction(uint64_t capacity_bytes);

  absl::string_view name() const override { return "s3fifo"; }
  bool access_needs_lock() const override { return false; }
  uint8_t saturated_access() const override;

  void OnInsert(EvictionNode& node) override;
  void OnAccess(EvictionNode& node) override;
  void OnErase(EvictionNode& node) override;
  EvictionNode* Evict() override;

  uint64_t charged_bytes() const override { return small_.bytes() + main_.bytes(); }
  uint64_t size() const override { return small_.size() + main_.size(); }
  uint64_t overhead_bytes() const override { return ghost_.memory_bytes(); }

  bool InSmallForTest(const EvictionNode& node) const { return small_.Holds(node); }
  bool InMainForTest(const EvictionNode& node) const { return main_.Holds(node); }
  uint64_t GhostSizeForTest() const { return ghost_.size(); }

 private:
  // Evicts the first node at S's tail hit at most once (into G), moving the others to M;
  // nullptr when every node in S moved.
  EvictionNode* EvictFromSmall();
  // Evicts the first node at M's tail with frequency 0, reinserting the others one lower.
  EvictionNode* EvictFromMain();
  // G holds as many fingerprints as M holds objects when it has its share of the capacity.
  uint64_t GhostLimit() const;
  EvictionQueue& QueueOf(const EvictionNode& node);

  const uint64_t small_capacity_bytes_;
  const uint64_t main_capacity_bytes_;
  EvictionQueue small_{/*tag=*/1};
  EvictionQueue main_{/*tag=*/2};
  GhostQueue ghost_;
};

}  // namespace edgesim::core
