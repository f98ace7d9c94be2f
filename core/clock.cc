#include "core/clock.h"

#include "policy/status_macros.h"

namespace edgesim::core {

ManualClock::ManualClock(absl::Time start) : unix_nanos_(absl::ToUnixNanos(start)) {}

absl::Time ManualClock::Now() const {
  return absl::FromUnixNanos(unix_nanos_.load(std::memory_order_acquire));
}

void ManualClock::Advance(absl::Duration delta) {
  EDGESIM_CHECK(delta >= absl::ZeroDuration());
  unix_nanos_.fetch_add(absl::ToInt64Nanoseconds(delta), std::memory_order_acq_rel);
}

bool ManualClock::Set(absl::Time t) {
  const int64_t target = absl::ToUnixNanos(t);
  int64_t current = unix_nanos_.load(std::memory_order_acquire);
  while (target >= current) {
    if (unix_nanos_.compare_exchange_weak(current, target, std::memory_order_acq_rel)) return true;
  }
  return false;
}

}  // namespace edgesim::core
