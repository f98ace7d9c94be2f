// queue_eviction.h — eviction from one queue: exact LRU and FIFO.
//
// The textbook baselines the other policies are compared with (DESIGN 4; CloudFront documents no
// algorithm, SPEC 3.1). Both admit at the head of one intrusive queue and evict its tail; they
// differ only in what a hit does. LRU moves the node back to the head, which rewrites shared
// links, so its OnAccess needs the shard lock. FIFO (libCacheSim's FIFO, the queue SIEVE and
// S3-FIFO refine) ignores hits: no lock and no write.
//
//   LruEviction lru;                  FifoEviction fifo;
//   lru.OnInsert(a);                  fifo.OnInsert(a);
//   lru.OnInsert(b);                  fifo.OnInsert(b);
//   lru.OnAccess(a);                  fifo.OnAccess(a);   // ignored
//   lru.Evict();       // &b          fifo.Evict();       // &a
#pragma once

#include <cstdint>

#include "core/eviction.h"
#include "core/eviction_queue.h"

namespace edgesim::core {

enum class QueueOrder { kRecency, kAdmission };

template <QueueOrder kOrder>
class QueueEviction final : public EvictionPolicy {
 public:
  absl::string_view name() const override {
    return kOrder == QueueOrder::kRecency ? "lru" : "fifo";
  }
  bool access_needs_lock() const override { return kOrder == QueueOrder::kRecency; }

  void OnInsert(EvictionNode& node) override { queue_.PushFront(node); }
  void OnAccess(EvictionNode& node) override {
    if constexpr (kOrder == QueueOrder::kRecency) queue_.MoveToFront(node);
  }
  void OnErase(EvictionNode& node) override { queue_.Remove(node); }
  EvictionNode* Evict() override {
    EvictionNode* victim = queue_.PopTail();
    // The next victim: at capacity every admission evicts, so its miss overlaps the work between.
    PrefetchVictim(queue_.tail());
    return victim;
  }

  uint64_t charged_bytes() const override { return queue_.bytes(); }
  uint64_t size() const override { return queue_.size(); }

 private:
  EvictionQueue queue_{/*tag=*/1};
};

using LruEviction = QueueEviction<QueueOrder::kRecency>;
using FifoEviction = QueueEviction<QueueOrder::kAdmission>;

}  // namespace edgesim::core
