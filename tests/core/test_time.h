// test_time.h — the instant core's tests start their clocks at: SPEC 3.9's "now"
// (tests/policy/ttl_worked_cases.h), so a worked case's times read the same in every test.
#pragma once

#include "absl/time/time.h"

namespace edgesim::core {

inline constexpr absl::Time kT0 = absl::FromUnixSeconds(1'700'000'000);

// `seconds` after kT0.
inline absl::Time At(int64_t seconds) { return kT0 + absl::Seconds(seconds); }

}  // namespace edgesim::core
