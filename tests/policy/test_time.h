// test_time.h — a UTC instant from its civil fields, as the SPEC's examples write times.
#pragma once

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace edgesim::policy {

inline absl::Time Utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), absl::UTCTimeZone());
}

}  // namespace edgesim::policy
