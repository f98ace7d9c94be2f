// chart_axis.h — the ticks of a chart axis: round steps people read at a glance.
//
// A value axis steps by 1, 2 or 5 times a power of ten and ends on a tick at or above the largest
// value; a time axis steps by clock-friendly durations (15 s, 5 min, 1 h, 1 d, ...) and says which
// unit its labels use. report_html.cc draws both.
//
//   AxisTicks y = ValueTicks(16120);    // step 5000: 0, 5000, 10000, 15000, 20000
//   TimeAxis x = TimeTicks(7200);       // step 1800 s, labels in min: 0, 30, 60, 90, 120 min
#pragma once

#include <vector>

namespace edgesim::sim {

struct AxisTicks {
  double step = 1;
  std::vector<double> values;  // 0, step, 2 step, ... up to the first at or above the maximum
};

// About `target` ticks from 0 to at least `max` (at least one step when max <= 0). With
// `whole_steps`, the step is at least 1 (counts have no fractions).
AxisTicks ValueTicks(double max, int target = 5, bool whole_steps = false);

struct TimeAxis {
  AxisTicks ticks;          // in seconds; the last tick may end before `seconds`
  double unit_seconds = 1;  // the unit the labels use: 1, 60, 3600 or 86400
};

// About `target` ticks over [0, seconds].
TimeAxis TimeTicks(double seconds, int target = 6);

}  // namespace edgesim::sim
