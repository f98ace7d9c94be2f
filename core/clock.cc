#include "core/clock.h"

#include <algorithm>

#include "policy/status_macros.h"

namespace edgesim::core {

ManualClock::ManualClock(absl::Time start)
    : unix_nanos_(absl::ToUnixNanos(std::min(start, kLatestTime))) {}

absl::Time ManualClock::Now() const {
  return absl::FromUnixNanos(unix_nanos_.load(std::memory_order_acquire));
}

// int64 nanoseconds reach 2262, so nothing below kLatestTime overflows them.
bool ManualClock::Advance(absl::Duration delta) {
  EDGESIM_CHECK(delta >= absl::ZeroDuration());
  int64_t current = unix_nanos_.load(std::memory_order_acquire);
  for (;;) {
    if (delta > kLatestTime - absl::FromUnixNanos(current)) return false;
    const int64_t target = current + absl::ToInt64Nanoseconds(delta);
    if (unix_nanos_.compare_exchange_weak(current, target, std::memory_order_acq_rel)) return true;
  }
}

bool ManualClock::Set(absl::Time t) {
  if (t > kLatestTime) return false;
  const int64_t target = absl::ToUnixNanos(t);
  int64_t current = unix_nanos_.load(std::memory_order_acquire);
  while (target >= current) {
    if (unix_nanos_.compare_exchange_weak(current, target, std::memory_order_acq_rel)) return true;
  }
  return false;
}

}  // namespace edgesim::core
