#include "core/thread_index.h"

#include <atomic>
#include <mutex>
#include <vector>

#include "policy/status_macros.h"

namespace edgesim::core {
namespace {

class IndexPool {
 public:
  size_t Acquire() {
    std::lock_guard<std::mutex> lock(mu_);
    if (!free_.empty()) {
      const size_t index = free_.back();
      free_.pop_back();
      return index;
    }
    EDGESIM_CHECK(next_ < kMaxThreads);
    // seq_cst, as the epoch pins: a scan that misses this index also precedes the thread's pin.
    high_water_.store(next_ + 1, std::memory_order_seq_cst);
    return next_++;
  }
  void Release(size_t index) {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(index);
  }

  size_t high_water() const { return high_water_.load(std::memory_order_seq_cst); }

 private:
  std::atomic<size_t> high_water_{0};
  std::mutex mu_;
  size_t next_ = 0;            // guarded by mu_
  std::vector<size_t> free_;  // guarded by mu_
};

IndexPool& Pool() {
  static auto* pool = new IndexPool();  // never destroyed: threads may exit after main
  return *pool;
}

// Returns its index to the pool when the thread exits.
struct ThreadSlot {
  size_t index = Pool().Acquire();
  ~ThreadSlot() { Pool().Release(index); }
};

}  // namespace

size_t ThreadIndexHighWater() { return Pool().high_water(); }

size_t ThisThreadIndex() {
  thread_local ThreadSlot slot;
  return slot.index;
}

}  // namespace edgesim::core
