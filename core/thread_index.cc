#include "core/thread_index.h"

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
    return next_++;
  }
  void Release(size_t index) {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(index);
  }

 private:
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

size_t ThisThreadIndex() {
  thread_local ThreadSlot slot;
  return slot.index;
}

}  // namespace edgesim::core
