#include "core/ghost_queue.h"

#include <algorithm>
#include <utility>

namespace edgesim::core {
namespace {

// Keeps the ring far below 2^32 slots, which the 32-bit seqs in `newest_` rely on.
constexpr uint64_t kMaxEntries = uint64_t{1} << 31;
constexpr size_t kMinRingSize = 64;

}  // namespace

void GhostQueue::Push(uint32_t fingerprint, uint64_t limit) {
  limit = std::clamp<uint64_t>(limit, 1, kMaxEntries);
  while (next_seq_ - oldest_seq_ >= limit) PopOldest();
  if (next_seq_ - oldest_seq_ == ring_.size()) Grow();
  Slot(next_seq_) = fingerprint;
  newest_[fingerprint] = static_cast<uint32_t>(next_seq_);
  ++next_seq_;
}

bool GhostQueue::Take(uint32_t fingerprint) {
  auto it = newest_.find(fingerprint);
  if (it == newest_.end()) return false;
  newest_.erase(it);
  return true;
}

uint64_t GhostQueue::memory_bytes() const {
  // A swiss table holds one control byte per slot besides the slot itself.
  return ring_.capacity() * sizeof(uint32_t) +
         newest_.capacity() * (sizeof(std::pair<const uint32_t, uint32_t>) + 1);
}

void GhostQueue::PopOldest() {
  auto it = newest_.find(Slot(oldest_seq_));
  // Only the fingerprint's newest slot owns the map entry; older and taken ones are dead.
  if (it != newest_.end() && it->second == static_cast<uint32_t>(oldest_seq_)) newest_.erase(it);
  ++oldest_seq_;
}

void GhostQueue::Grow() {
  std::vector<uint32_t> bigger(std::max(kMinRingSize, 2 * ring_.size()));
  for (uint64_t seq = oldest_seq_; seq < next_seq_; ++seq) {
    bigger[seq & (bigger.size() - 1)] = Slot(seq);
  }
  ring_ = std::move(bigger);
}

}  // namespace edgesim::core
