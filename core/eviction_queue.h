// eviction_queue.h — an intrusive FIFO of EvictionNodes with exact count and bytes.
//
// The building block of every eviction policy (DESIGN 4): LRU is one queue with
// move-to-front, SIEVE one queue with a hand, S3-FIFO a small and a main queue. Links live in
// the nodes (EvictionNode::prev/next), so pushing and removing allocate nothing. The head is
// the newest node; `next` points toward the tail (older), `prev` toward the head (newer).
// Each queue stamps its `tag` into EvictionNode::queue, so a policy with several queues knows
// where a node is and a node in no queue (tag 0) is caught when it is removed.
//
//   EvictionQueue fifo(/*tag=*/1);
//   fifo.PushFront(node);
//   EvictionNode* oldest = fifo.tail();
//   fifo.Remove(*oldest);
#pragma once

#include <cstdint>

#include "core/eviction.h"
#include "policy/status_macros.h"

namespace edgesim::core {

class EvictionQueue {
 public:
  // REQUIRES: tag != 0 (0 marks a node in no queue).
  explicit EvictionQueue(uint8_t tag) : tag_(tag) { EDGESIM_CHECK(tag != 0); }
  EvictionQueue(const EvictionQueue&) = delete;
  EvictionQueue& operator=(const EvictionQueue&) = delete;

  uint8_t tag() const { return tag_; }
  bool empty() const { return head_ == nullptr; }
  uint64_t size() const { return size_; }
  uint64_t bytes() const { return bytes_; }
  EvictionNode* head() const { return head_; }
  EvictionNode* tail() const { return tail_; }
  bool Holds(const EvictionNode& node) const { return node.queue == tag_; }

  // REQUIRES: `node` is in no queue.
  void PushFront(EvictionNode& node) {
    EDGESIM_CHECK(node.queue == 0);
    node.queue = tag_;
    node.prev = nullptr;
    node.next = head_;
    if (head_ != nullptr) {
      head_->prev = &node;
    } else {
      tail_ = &node;
    }
    head_ = &node;
    ++size_;
    bytes_ += node.charge;
  }

  // REQUIRES: `node` is in this queue.
  void Remove(EvictionNode& node) {
    EDGESIM_CHECK(Holds(node));
    (node.prev != nullptr ? node.prev->next : head_) = node.next;
    (node.next != nullptr ? node.next->prev : tail_) = node.prev;
    node.prev = node.next = nullptr;
    node.queue = 0;
    --size_;
    bytes_ -= node.charge;
  }

  // REQUIRES: `node` is in this queue.
  void MoveToFront(EvictionNode& node) {
    if (head_ == &node) return;
    Remove(node);
    PushFront(node);
  }

 private:
  const uint8_t tag_;
  EvictionNode* head_ = nullptr;
  EvictionNode* tail_ = nullptr;
  uint64_t size_ = 0;
  uint64_t bytes_ = 0;
};

}  // namespace edgesim::core
