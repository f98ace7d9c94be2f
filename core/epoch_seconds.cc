#include "core/epoch_seconds.h"

#include <algorithm>

namespace edgesim::core {
namespace {

uint32_t ClampEpochSeconds(int64_t seconds) {
  return static_cast<uint32_t>(std::clamp<int64_t>(seconds, 0, kLatestEpochSeconds));
}

}  // namespace

uint32_t EpochSecondsFloor(absl::Time t) { return ClampEpochSeconds(absl::ToUnixSeconds(t)); }

uint32_t EpochSecondsCeil(absl::Time t) {
  const int64_t floor = absl::ToUnixSeconds(t);
  // Past kLatestEpochSeconds the clamp decides; checking first keeps floor + 1 from overflowing
  // when `t` is absl::InfiniteFuture() (ToUnixSeconds gives INT64_MAX).
  const bool has_fraction = floor < kLatestEpochSeconds && absl::FromUnixSeconds(floor) < t;
  return ClampEpochSeconds(floor + (has_fraction ? 1 : 0));
}

}  // namespace edgesim::core
