// thread_index.h — a small dense number for the calling thread.
//
// Per-thread slots (epoch reclamation's reader epochs, striped counters) are arrays indexed by
// it, so a thread writes only its own cache line. Indexes of exited threads are reused, so they
// stay below the peak number of live threads.
#pragma once

#include <cstddef>

namespace edgesim::core {

// Upper bound on threads alive at once that touch the core; EDGESIM_CHECKed.
inline constexpr size_t kMaxThreads = 256;

// In [0, kMaxThreads); stable for the thread's lifetime.
size_t ThisThreadIndex();

// One more than the highest index ever handed out: per-thread arrays need scanning only below it.
size_t ThreadIndexHighWater();

}  // namespace edgesim::core
