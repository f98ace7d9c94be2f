// fifo_eviction.h — first in, first out: the oldest admitted node leaves first, whatever its hits.
//
// The simplest baseline (libCacheSim's FIFO; CloudFront documents no algorithm, SPEC 3.1), and
// the queue SIEVE and S3-FIFO refine (DESIGN 4). A hit changes nothing, so OnAccess
// needs no lock and writes no memory.
//
//   FifoEviction fifo;
//   fifo.OnInsert(a);
//   fifo.OnInsert(b);
//   fifo.OnAccess(a);   // ignored
//   fifo.Evict();       // &a
#pragma once

#include <cstdint>

#include "core/eviction.h"
#include "core/eviction_queue.h"

namespace edgesim::core {

class FifoEviction final : public EvictionPolicy {
 public:
  absl::string_view name() const override { return "fifo"; }
  bool access_needs_lock() const override { return false; }

  void OnInsert(EvictionNode& node) override { queue_.PushFront(node); }
  void OnAccess(EvictionNode&) override {}
  void OnErase(EvictionNode& node) override { queue_.Remove(node); }
  EvictionNode* Evict() override;

  uint64_t charged_bytes() const override { return queue_.bytes(); }
  uint64_t size() const override { return queue_.size(); }

 private:
  EvictionQueue queue_{/*tag=*/1};
};

}  // namespace edgesim::core
