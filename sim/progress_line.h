// progress_line.h — the simulator's progress as text: pure functions of how far it is and how
// long it took, so the CLI's bar and its piped lines are tested without a clock.
//
// On a terminal the line is redrawn in place ("\r"); piped, a line is written each time another
// tenth is done or every kProgressLinePeriod of wall time, whichever comes first.
//
//   ProgressText({.fraction = 0.25, .elapsed = absl::Seconds(10), .finished = 0, .variants = 2});
//   // "[#######                       ] 25% 0/2 variants, 10s elapsed, about 30s left"
//   ProgressLineDue(0.19, 0.21, absl::Seconds(1));   // true: 20% was crossed
#pragma once

#include <cstddef>
#include <string>

#include "absl/time/time.h"

namespace edgesim::sim {

struct Progress {
  double fraction = 0;  // 0..1
  absl::Duration elapsed = absl::ZeroDuration();
  size_t finished = 0;  // variants done
  size_t variants = 0;
};

// How long a piped run may go without a progress line.
inline constexpr absl::Duration kProgressLinePeriod = absl::Seconds(30);

// The bar, the percentage, the variants done, the time spent and (once something is done) the
// estimated time left, linear in the fraction.
std::string ProgressText(const Progress& p);

// Whether a piped run writes a line now: `fraction` reached a tenth `printed` had not, or
// `since_printed` reached kProgressLinePeriod.
bool ProgressLineDue(double printed, double fraction, absl::Duration since_printed);

}  // namespace edgesim::sim
