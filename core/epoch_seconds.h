// epoch_seconds.h — absolute times as whole seconds since the Unix epoch in 32 bits, and the
// latest time edgesim models.
//
// The store keeps an entry's origin time and freshness end, and the invalidation log its
// effective times, as uint32 seconds (HTTP's resolution, STYLE 6.5): two fit one atomic word. That
// covers 1970-01-01 to 2106-02-07T06:28:15Z. Later times saturate (a TTL of 2^63-1 seconds ends
// at kLatestTime rather than overflowing), and a clock past kLatestTime would see every entry as
// expired, so the manual clock stops there (core/clock.h) and traces end there (sim/trace.h).
//
//   entry.fresh_until = EpochSecondsCeil(now + ttl);   // saturates, never overflows
//   absl::FromUnixSeconds(entry.fresh_until);
#pragma once

#include <cstdint>
#include <limits>

#include "absl/time/time.h"

namespace edgesim::core {

// 2106-02-07T06:28:15Z, the last second a uint32 holds.
inline constexpr int64_t kLatestEpochSeconds = std::numeric_limits<uint32_t>::max();
inline constexpr absl::Time kLatestTime = absl::FromUnixSeconds(kLatestEpochSeconds);

// `t` rounded down to a whole second, clamped to 0..kLatestEpochSeconds (infinite times too).
uint32_t EpochSecondsFloor(absl::Time t);
// `t` rounded up to a whole second, clamped likewise: a freshness end never moves earlier.
uint32_t EpochSecondsCeil(absl::Time t);

}  // namespace edgesim::core
