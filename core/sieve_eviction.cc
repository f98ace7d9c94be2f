#include "core/sieve_eviction.h"

#include <atomic>

namespace edgesim::core {

void SieveEviction::OnInsert(EvictionNode& node) {
  node.access.store(0, std::memory_order_relaxed);
  queue_.PushFront(node);
}

void SieveEviction::OnAccess(EvictionNode& node) {
  // Read first: a visited node's line stays shared between the cores that hit it.
  if (node.access.load(std::memory_order_relaxed) == 0) {
    node.access.store(1, std::memory_order_relaxed);
  }
}

void SieveEviction::OnErase(EvictionNode& node) {
  if (hand_ == &node) hand_ = node.prev;
  queue_.Remove(node);
}

EvictionNode* SieveEviction::Evict() {
  if (queue_.empty()) return nullptr;
  EvictionNode* candidate = hand_ != nullptr ? hand_ : queue_.tail();
  // Each step clears a bit, so one lap finds an unvisited node unless hits keep racing the hand.
  // A hit racing with the clear may be lost; SIEVE tolerates that like any missed hit.
  while (candidate->access.load(std::memory_order_relaxed) != 0) {
    candidate->access.store(0, std::memory_order_relaxed);
    candidate = candidate->prev != nullptr ? candidate->prev : queue_.tail();
  }
  hand_ = candidate->prev;
  queue_.Remove(*candidate);
  // The next eviction starts at the hand: a cache at capacity evicts once per admission, so
  // fetching the node now overlaps its miss with the work in between.
  PrefetchVictim(hand_ != nullptr ? hand_ : queue_.tail());
  return candidate;
}

}  // namespace edgesim::core
