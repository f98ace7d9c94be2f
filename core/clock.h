// clock.h — where "now" comes from.
//
// The model and the core never read a clock: every decision takes `absl::Time now` (STYLE 6.5).
// Only drivers own a Clock: the emulator a SystemClock (or a ManualClock behind its admin API, so
// tests pass time without sleeping), the simulator the trace's timestamps, tests a ManualClock.
//
//   ManualClock clock(absl::FromUnixSeconds(1'700'000'000));
//   edge.Handle(request, clock.Now(), origin);
//   clock.Advance(absl::Seconds(61));   // the 60 s object is now expired
#pragma once

#include <atomic>
#include <cstdint>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/epoch_seconds.h"

namespace edgesim::core {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

// Thread-safe: readers on any thread see every Advance/Set that happened before their Now().
// Time never runs backwards and never passes kLatestTime (2106-02-07T06:28:15Z,
// core/epoch_seconds.h): past it every cached entry would read as expired.
class ManualClock final : public Clock {
 public:
  // A start after kLatestTime starts at kLatestTime.
  explicit ManualClock(absl::Time start = absl::FromUnixSeconds(1'700'000'000));

  absl::Time Now() const override;
  // Moves forward by `delta`; false (and no change) when that would pass kLatestTime.
  // REQUIRES: delta >= 0.
  bool Advance(absl::Duration delta);
  // Moves to `t`; false (and no change) when `t` is before Now() or after kLatestTime.
  bool Set(absl::Time t);

 private:
  std::atomic<int64_t> unix_nanos_;
};

}  // namespace edgesim::core
