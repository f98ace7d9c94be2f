// lru_eviction.h — exact least-recently-used eviction.
//
// The textbook baseline the FIFO-based policies are compared with (DESIGN 4; CloudFront
// documents no algorithm, SPEC 3.1). Every hit moves the node to the head of one intrusive list,
// which rewrites shared links, so OnAccess needs the shard lock. The victim is the tail.
//
//   LruEviction lru;
//   lru.OnInsert(a);
//   lru.OnInsert(b);
//   lru.OnAccess(a);   // a is now the most recent
//   lru.Evict();       // &b
#pragma once

#include <cstdint>

#include "core/eviction.h"
#include "core/eviction_queue.h"

namespace edgesim::core {

class LruEviction final : public EvictionPolicy {
 public:
  absl::string_view name() const override { return "lru"; }
  bool access_needs_lock() const override { return true; }

  void OnInsert(EvictionNode& node) override { queue_.PushFront(node); }
  void OnAccess(EvictionNode& node) override { queue_.MoveToFront(node); }
  void OnErase(EvictionNode& node) override { queue_.Remove(node); }
  EvictionNode* Evict() override;

  uint64_t charged_bytes() const override { return queue_.bytes(); }
  uint64_t size() const override { return queue_.size(); }

 private:
  EvictionQueue queue_{/*tag=*/1};
};

}  // namespace edgesim::core
