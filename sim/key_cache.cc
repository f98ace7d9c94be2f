#include "sim/key_cache.h"

#include <algorithm>
#include <bit>
#include <utility>

#include "absl/strings/str_cat.h"
#include "policy/status_macros.h"

namespace edgesim::sim {
namespace {

constexpr size_t kInitialSlots = 1024;

}  // namespace

absl::StatusOr<std::unique_ptr<KeyCache>> KeyCache::Create(absl::string_view eviction,
                                                           uint64_t capacity_bytes,
                                                           uint64_t max_objects) {
  if (capacity_bytes == 0) return absl::InvalidArgumentError("cache capacity must be > 0 bytes");
  EDGESIM_ASSIGN_OR_RETURN(std::unique_ptr<core::EvictionPolicy> policy,
                           core::MakeEvictionPolicy(eviction, capacity_bytes));
  return std::unique_ptr<KeyCache>(new KeyCache(
      std::move(policy), capacity_bytes, std::min(max_objects, kMaxObjects)));
}

KeyCache::KeyCache(std::unique_ptr<core::EvictionPolicy> policy, uint64_t capacity_bytes,
                   uint64_t max_objects)
    : policy_(std::move(policy)),
      capacity_bytes_(capacity_bytes),
      max_objects_(max_objects),
      slots_(kInitialSlots),
      mask_(kInitialSlots - 1),
      shift_(32 - std::countr_zero(kInitialSlots)) {}

void KeyCache::Admit(uint64_t hash, uint32_t size) {
  const uint64_t charge = std::max<uint32_t>(size, 1);
  if (charge > capacity_bytes_) {
    ++rejected_;
    return;
  }
  while (policy_->charged_bytes() + charge > capacity_bytes_) {
    Node* victim = static_cast<Node*>(policy_->Evict());
    EDGESIM_CHECK(victim != nullptr);
    Erase(*victim);
    ++evictions_;
  }
  if (size_ == max_objects_) {
    if (status_.ok()) {
      status_ = absl::ResourceExhaustedError(
        absl::StrCat("the cache-only replay holds at most ", max_objects_,
                     " objects at once; give the variant a smaller capacity"));
    }
    return;
  }
  const uint32_t number = NewNode();
  Node& node = NodeAt(number);
  node.hash_low = Low(hash);
  node.charge = static_cast<uint32_t>(charge);
  node.fingerprint = Tag(hash);
  node.access.store(0, std::memory_order_relaxed);
  node.prev = node.next = nullptr;
  node.queue = 0;
  Insert(Tag(hash), number);
  policy_->OnInsert(node);
}

uint32_t KeyCache::NewNode() {
  if (!free_.empty()) {
    const uint32_t number = free_.back();
    free_.pop_back();
    return number;
  }
  // Numbers (stored + 1 in 32 bits) stay below kMaxObjects: Admit admits no more.
  if ((nodes_ >> kBlockBits) == blocks_.size()) {
    blocks_.push_back(std::make_unique<Node[]>(size_t{1} << kBlockBits));
  }
  return nodes_++;
}

void KeyCache::Insert(uint32_t tag, uint32_t number) {
  // At most 70 % full: probes stay within a cache line or two of 8-byte slots.
  if (10 * (size_ + 1) > 7 * slots_.size()) Grow();
  size_t i = Home(tag);
  while (slots_[i].node != 0) i = (i + 1) & mask_;
  slots_[i] = Slot{tag, number + 1};
  ++size_;
}

void KeyCache::Erase(const Node& node) {
  size_t i = Home(node.fingerprint);
  while (slots_[i].node == 0 || &NodeAt(slots_[i].node - 1) != &node) {
    EDGESIM_CHECK(slots_[i].node != 0);
    i = (i + 1) & mask_;
  }
  free_.push_back(slots_[i].node - 1);
  // Backward-shift deletion: move later members of the probe run into the hole, so lookups
  // never need tombstones.
  for (size_t j = (i + 1) & mask_; slots_[j].node != 0; j = (j + 1) & mask_) {
    const size_t home = Home(slots_[j].tag);
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

uint64_t KeyCache::memory_bytes() const {
  return slots_.capacity() * sizeof(Slot) + blocks_.size() * (sizeof(Node) << kBlockBits) +
         blocks_.capacity() * sizeof(blocks_[0]) + free_.capacity() * sizeof(free_[0]) +
         policy_->overhead_bytes();
}

void KeyCache::Grow() {
  // 2^32 slots at most (a home is the tag's top bits): kMaxObjects keeps the table there.
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.size() * 2, Slot{});
  mask_ = slots_.size() - 1;
  --shift_;
  for (const Slot& s : old) {
    if (s.node == 0) continue;
    size_t i = Home(s.tag);
    while (slots_[i].node != 0) i = (i + 1) & mask_;
    slots_[i] = s;
  }
}

}  // namespace edgesim::sim
