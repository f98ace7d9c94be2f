#include "core/thread_index.h"

#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "core/mutex_lock.h"
#include "policy/status_macros.h"

namespace edgesim::core {
namespace {

class IndexPool {
 public:
  size_t Acquire() {
    WriterLock lock(&mu_);
    if (!free_.empty()) {
      const size_t index = free_.back();
      free_.pop_back();
      return index;
    }
    EDGESIM_CHECK(next_ < kMaxThreads);
    return next_++;
  }
  void Release(size_t index) {
    WriterLock lock(&mu_);
    free_.push_back(index);
  }

 private:
  absl::Mutex mu_;
  size_t next_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<size_t> free_ ABSL_GUARDED_BY(mu_);
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
