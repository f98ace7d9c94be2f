// mutex_lock.h — scoped absl::Mutex locks that ThreadSanitizer can see.
//
// Debian's abseil is a prebuilt library, not compiled with -fsanitize=thread, so in a TSan build
// (-DEDGESIM_TSAN=ON) absl::Mutex creates no happens-before edges and every access it guards is
// reported as a race. These guards are absl::MutexLock / absl::ReaderMutexLock plus the dynamic
// annotations an instrumented abseil would make; outside TSan the annotations compile to nothing.
// Use them instead of absl's guards in core/ wherever other threads may hold the same mutex.
//
//   absl::Mutex mu;
//   {
//     WriterLock lock(&mu);                       // or WriterLock(&mu, absl::Condition(&done))
//     ...
//   }
//   ReaderLock lock(&mu);
#pragma once

#include "absl/base/dynamic_annotations.h"
#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace edgesim::core {

class ABSL_SCOPED_LOCKABLE WriterLock {
 public:
  explicit WriterLock(absl::Mutex* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) {
    mu_->Lock();
    ABSL_ANNOTATE_RWLOCK_ACQUIRED(mu_, 1);
  }
  // Blocks until `cond` holds, like absl::Mutex::LockWhen.
  WriterLock(absl::Mutex* mu, const absl::Condition& cond) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu)
      : mu_(mu) {
    mu_->LockWhen(cond);
    ABSL_ANNOTATE_RWLOCK_ACQUIRED(mu_, 1);
  }
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;
  ~WriterLock() ABSL_UNLOCK_FUNCTION() {
    ABSL_ANNOTATE_RWLOCK_RELEASED(mu_, 1);
    mu_->Unlock();
  }

 private:
  absl::Mutex* const mu_;
};

class ABSL_SCOPED_LOCKABLE ReaderLock {
 public:
  explicit ReaderLock(absl::Mutex* mu) ABSL_SHARED_LOCK_FUNCTION(mu) : mu_(mu) {
    mu_->ReaderLock();
    ABSL_ANNOTATE_RWLOCK_ACQUIRED(mu_, 0);
  }
  ReaderLock(const ReaderLock&) = delete;
  ReaderLock& operator=(const ReaderLock&) = delete;
  ~ReaderLock() ABSL_UNLOCK_FUNCTION() {
    ABSL_ANNOTATE_RWLOCK_RELEASED(mu_, 0);
    mu_->ReaderUnlock();
  }

 private:
  absl::Mutex* const mu_;
};

}  // namespace edgesim::core
