#include "core/s3fifo_eviction.h"

#include <algorithm>
#include <atomic>

namespace edgesim::core {
namespace {

// The frequency is a 2-bit counter (paper section 4.2).
constexpr uint8_t kMaxFrequency = 3;
// Objects hit more than once in S move to M. This is Algorithm 1's `if t.freq > 1` in EVICTS,
// and libCacheSim's S3FIFOv0.c (the paper's implementation) defaults move-to-main-threshold=2.
constexpr uint8_t kMoveToMainFrequency = 2;

}  // namespace

S3FifoEviction::S3FifoEviction(uint64_t capacity_bytes)
    : small_capacity_bytes_(capacity_bytes / 10),
      main_capacity_bytes_(capacity_bytes - capacity_bytes / 10) {}

void S3FifoEviction::OnInsert(EvictionNode& node) {
  node.access.store(0, std::memory_order_relaxed);
  (ghost_.Take(node.fingerprint) ? main_ : small_).PushFront(node);
}

void S3FifoEviction::OnAccess(EvictionNode& node) {
  // A saturated counter is only read, so the hot objects' cache lines stay shared.
  uint8_t freq = node.access.load(std::memory_order_relaxed);
  while (freq < kMaxFrequency &&
         !node.access.compare_exchange_weak(freq, freq + 1, std::memory_order_relaxed)) {
  }
}

uint8_t S3FifoEviction::saturated_access() const { return kMaxFrequency; }

void S3FifoEviction::OnErase(EvictionNode& node) { QueueOf(node).Remove(node); }

EvictionNode* S3FifoEviction::Evict() {
  // Algorithm 1, EVICT: from S once it holds its 10%, else from M; an empty queue defers to the
  // other.
  EvictionNode* victim = nullptr;
  if (!small_.empty() && (small_.bytes() >= small_capacity_bytes_ || main_.empty())) {
    victim = EvictFromSmall();
  }
  if (victim == nullptr) victim = EvictFromMain();
  // Where the next eviction looks first: at capacity every admission evicts, so the nodes' misses
  // overlap the work in between.
  PrefetchVictim(small_.tail());
  PrefetchVictim(main_.tail());
  return victim;
}

EvictionNode* S3FifoEviction::EvictFromSmall() {
  const uint64_t ghost_limit = GhostLimit();
  while (EvictionNode* oldest = small_.tail()) {
    small_.Remove(*oldest);
    if (oldest->access.load(std::memory_order_relaxed) >= kMoveToMainFrequency) {
      // The paper's site: "its access bits are cleared during the move"; M judges it afresh.
      oldest->access.store(0, std::memory_order_relaxed);
      main_.PushFront(*oldest);
      continue;
    }
    ghost_.Push(oldest->fingerprint, ghost_limit);
    return oldest;
  }
  return nullptr;
}

EvictionNode* S3FifoEviction::EvictFromMain() {
  // Terminates: every reinsertion lowers a frequency, so within kMaxFrequency + 1 laps one is 0.
  while (EvictionNode* oldest = main_.tail()) {
    const uint8_t freq = oldest->access.load(std::memory_order_relaxed);
    if (freq == 0) {
      main_.Remove(*oldest);
      return oldest;
    }
    // A hit racing with this store may be lost, which costs at most one reinsertion.
    oldest->access.store(freq - 1, std::memory_order_relaxed);
    main_.MoveToFront(*oldest);
  }
  return nullptr;
}

uint64_t S3FifoEviction::GhostLimit() const {
  // The paper sizes G to M's object count, libCacheSim to M's bytes; M's byte share divided by
  // the mean charge is both, and stays meaningful before M has filled.
  if (size() == 0) return main_.size();
  const uint64_t mean_charge = std::max<uint64_t>(1, charged_bytes() / size());
  return std::max(main_.size(), main_capacity_bytes_ / mean_charge);
}

EvictionQueue& S3FifoEviction::QueueOf(const EvictionNode& node) {
  return small_.Holds(node) ? small_ : main_;
}

}  // namespace edgesim::core
