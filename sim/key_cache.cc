#include "sim/key_cache.h"

#include <algorithm>
#include <utility>

#include "policy/status_macros.h"

namespace edgesim::sim {
namespace {

constexpr size_t kInitialSlots = 1024;

}  // namespace

absl::StatusOr<std::unique_ptr<KeyCache>> KeyCache::Create(absl::string_view eviction,
                                                           uint64_t capacity_bytes) {
  if (capacity_bytes == 0) return absl::InvalidArgumentError("cache capacity must be > 0 bytes");
  EDGESIM_ASSIGN_OR_RETURN(std::unique_ptr<core::EvictionPolicy> policy,
                           core::MakeEvictionPolicy(eviction, capacity_bytes));
  return std::unique_ptr<KeyCache>(new KeyCache(std::move(policy), capacity_bytes));
}

KeyCache::KeyCache(std::unique_ptr<core::EvictionPolicy> policy, uint64_t capacity_bytes)
    : policy_(std::move(policy)),
      capacity_bytes_(capacity_bytes),
      slots_(kInitialSlots),
      mask_(kInitialSlots - 1) {}

void KeyCache::Admit(uint64_t id, uint32_t size) {
  const uint64_t charge = std::max<uint32_t>(size, 1);
  if (charge > capacity_bytes_) {
    ++rejected_;
    return;
  }
  while (policy_->charged_bytes() + charge > capacity_bytes_) {
    Node* victim = static_cast<Node*>(policy_->Evict());
    EDGESIM_CHECK(victim != nullptr);
    Erase(victim->id);
    free_.push_back(victim);
    ++evictions_;
  }
  Node* node;
  if (free_.empty()) {
    node = &nodes_.emplace_back();
  } else {
    node = free_.back();
    free_.pop_back();
  }
  node->id = id;
  node->charge = static_cast<uint32_t>(charge);
  node->fingerprint = static_cast<uint32_t>(Hash(id) >> 32);
  node->access.store(0, std::memory_order_relaxed);
  node->prev = node->next = nullptr;
  node->queue = 0;
  Insert(id, node);
  policy_->OnInsert(*node);
}

void KeyCache::Insert(uint64_t id, Node* node) {
  // At most half full: short probes.
  if (2 * (size_ + 1) > slots_.size()) Grow();
  size_t i = Hash(id) & mask_;
  while (slots_[i].node != nullptr) i = (i + 1) & mask_;
  slots_[i] = Slot{id, node};
  ++size_;
}

void KeyCache::Erase(uint64_t id) {
  size_t i = Hash(id) & mask_;
  while (slots_[i].id != id || slots_[i].node == nullptr) {
    EDGESIM_CHECK(slots_[i].node != nullptr);
    i = (i + 1) & mask_;
  }
  // Backward-shift deletion: move later members of the probe run into the hole, so lookups
  // never need tombstones.
  for (size_t j = (i + 1) & mask_; slots_[j].node != nullptr; j = (j + 1) & mask_) {
    const size_t home = Hash(slots_[j].id) & mask_;
    // Can slot j's entry move to i? Only if its home is not in (i, j] (cyclically).
    const bool home_in_between = i <= j ? (home > i && home <= j) : (home > i || home <= j);
    if (!home_in_between) {
      slots_[i] = slots_[j];
      i = j;
    }
  }
  slots_[i] = Slot{};
  --size_;
}

void KeyCache::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.size() * 2, Slot{});
  mask_ = slots_.size() - 1;
  size_ = 0;
  for (const Slot& s : old) {
    if (s.node == nullptr) continue;
    size_t i = Hash(s.id) & mask_;
    while (slots_[i].node != nullptr) i = (i + 1) & mask_;
    slots_[i] = s;
    ++size_;
  }
}

}  // namespace edgesim::sim
