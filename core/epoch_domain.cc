#include "core/epoch_domain.h"

#include <algorithm>

#if defined(__linux__)
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace edgesim::core {
namespace {

// Retired objects accumulate to this many before a Retire tries to free some: the epoch scan
// reads every thread slot, so it is amortized over many retirements.
constexpr size_t kCollectThreshold = 64;

// The asymmetric fence (liburcu's membarrier flavour, folly's asymmetric_thread_fence_heavy):
// a reader announces its pin with a plain store and no fence, and a writer, before it scans the
// pins, makes every core running this process execute a full barrier (membarrier(2), Linux
// 4.14+). A reader's pin is then either visible to the scan, or its later loads see everything
// the writer unlinked before: what a fence in each reader would give, paid once per scan
// instead of once per hit. Where the kernel lacks it, readers fence as before.
bool RegisterAsymmetricFence() {
#if defined(__linux__) && defined(__NR_membarrier)
  const long commands = syscall(__NR_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
  return commands > 0 && (commands & MEMBARRIER_CMD_PRIVATE_EXPEDITED) != 0 &&
         syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0;
#else
  return false;
#endif
}

bool AsymmetricFence() {
  static const bool registered = RegisterAsymmetricFence();
  return registered;
}

void HeavyFence() {
#if defined(__linux__) && defined(__NR_membarrier)
  syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0);
#endif
}

}  // namespace

EpochDomain::Guard EpochDomain::Pin() {
  Slot& slot = slots_[ThisThreadIndex()];
  if (slot.depth++ != 0) return Guard(&slot);
  // The store, then loads: a writer's scan either sees this pin, or this reader's later loads see
  // everything the writer unlinked before it advanced the epoch. An older epoch read here only
  // pins more.
  if (AsymmetricFence()) {
    slot.pinned.store(epoch_.load(std::memory_order_relaxed), std::memory_order_release);
    std::atomic_signal_fence(std::memory_order_seq_cst);  // HeavyFence orders the CPU
  } else {
    slot.pinned.store(epoch_.load(std::memory_order_seq_cst), std::memory_order_seq_cst);
  }
  return Guard(&slot);
}

uint64_t EpochDomain::TryAdvance() {
  uint64_t current = epoch_.load(std::memory_order_seq_cst);
  if (AsymmetricFence()) HeavyFence();
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
