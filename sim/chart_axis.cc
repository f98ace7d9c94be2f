#include "sim/chart_axis.h"

#include <cmath>

namespace edgesim::sim {
namespace {

// Clock-friendly steps in seconds, and the unit their labels read best in.
struct TimeStep {
  double seconds;
  double unit;
};
constexpr TimeStep kTimeSteps[] = {{1, 1},        {2, 1},         {5, 1},          {10, 1},
                                   {15, 1},       {30, 1},        {60, 60},        {120, 60},
                                   {300, 60},     {600, 60},      {900, 60},       {1800, 60},
                                   {3600, 3600},  {7200, 3600},   {10800, 3600},   {21600, 3600},
                                   {43200, 3600}, {86400, 86400}, {172800, 86400}, {604800, 86400}};

}  // namespace

AxisTicks ValueTicks(double max, int target, bool whole_steps) {
  if (!(max > 0)) max = whole_steps ? 1 : 1e-9;
  const double rough = max / std::max(1, target);
  const double magnitude = std::pow(10.0, std::floor(std::log10(rough)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * magnitude;
    if (step >= rough) break;
  }
  if (whole_steps && step < 1) step = 1;
  AxisTicks ticks{.step = step, .values = {}};
  // Multiplying (not adding) keeps 0.1 * 3 from drifting to 0.30000000000000004 steps apart.
  for (int i = 0;; ++i) {
    const double v = step * i;
    ticks.values.push_back(v);
    if (v >= max * (1 - 1e-12)) break;
  }
  return ticks;
}

TimeAxis TimeTicks(double seconds, int target) {
  if (!(seconds > 0)) seconds = 1;
  const double rough = seconds / std::max(1, target);
  TimeAxis axis;
  const TimeStep* chosen = &kTimeSteps[sizeof(kTimeSteps) / sizeof(kTimeSteps[0]) - 1];
  for (const TimeStep& s : kTimeSteps) {
    if (s.seconds >= rough) {
      chosen = &s;
      break;
    }
  }
  double step = chosen->seconds;
  // Past a week: whole multiples of weeks, 1-2-5.
  if (step < rough) step = ValueTicks(seconds / 604800, target, true).step * 604800;
  axis.unit_seconds = chosen->unit;
  axis.ticks.step = step;
  for (int i = 0; step * i <= seconds * (1 + 1e-12); ++i) axis.ticks.values.push_back(step * i);
  return axis;
}

}  // namespace edgesim::sim
