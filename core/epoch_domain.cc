#include "core/epoch_domain.h"

#include <algorithm>

namespace edgesim::core {
namespace {

// Retired objects accumulate to this many before a Retire tries to free some: the epoch scan
// reads every thread slot, so it is amortized over many retirements.
constexpr size_t kCollectThreshold = 64;

}  // namespace

EpochDomain::Guard EpochDomain::Pin() {
  Slot& slot = slots_[ThisThreadIndex()];
  if (slot.depth++ != 0) return Guard(&slot);
  // seq_cst store then loads: a writer's scan either sees this pin, or this reader's later loads
  // see everything the writer unlinked before it advanced the epoch.
  slot.pinned.store(epoch_.load(std::memory_order_seq_cst), std::memory_order_seq_cst);
  return Guard(&slot);
}

uint64_t EpochDomain::TryAdvance() {
  uint64_t current = epoch_.load(std::memory_order_seq_cst);
  const size_t threads = ThreadIndexHighWater();
  for (size_t i = 0; i < threads; ++i) {
    const uint64_t pinned = slots_[i].pinned.load(std::memory_order_seq_cst);
    if (pinned != 0 && pinned != current) return current;
  }
  epoch_.compare_exchange_strong(current, current + 1, std::memory_order_seq_cst);
  return epoch_.load(std::memory_order_seq_cst);
}

Limbo::~Limbo() {
  for (const Item& item : items_) item.deleter(item.object);
}

void Limbo::Retire(EpochDomain& domain, void* object, Deleter deleter) {
  items_.push_back({object, deleter, domain.epoch()});
  if (items_.size() >= kCollectThreshold) Collect(domain);
}

void Limbo::Collect(EpochDomain& domain) {
  const uint64_t epoch = domain.TryAdvance();
  // A reader pinned at epoch e may hold objects retired at e or e - 1... but not e - 2. Items are
  // retired in epoch order, so the ones to free are a prefix (no partition, no temporary buffer).
  const auto keep = std::find_if(items_.begin(), items_.end(),
                                 [epoch](const Item& item) { return item.epoch + 2 > epoch; });
  for (auto it = items_.begin(); it != keep; ++it) it->deleter(it->object);
  items_.erase(items_.begin(), keep);
}

}  // namespace edgesim::core
