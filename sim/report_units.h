// report_units.h — how the reports write numbers: with their unit, never in scientific notation.
//
// The terminal table and report.html share these so a figure reads the same in both; chart
// ticks use the short forms (20 %, 1.5k, 30 min).
//
//   FormatBytes(1'500'000);          // "1.50 MB"
//   FormatPercent(0.9187);           // "91.87 %"
//   FormatCount(652114);             // "652,114"
//   FormatShortCount(16120);         // "16.12k"
//   FormatDuration(5400);            // "1.5 h"
#pragma once

#include <cstdint>
#include <string>

namespace edgesim::sim {

// Decimal units (1 kB = 1000 B), two decimals past bytes: "512 B", "1.50 MB".
std::string FormatBytes(uint64_t bytes);
// A ratio as a percentage with `decimals` decimals: "91.87 %".
std::string FormatPercent(double ratio, int decimals = 2);
// Digits grouped by thousands: "652,114".
std::string FormatCount(uint64_t n);
// At most two decimals, trailing zeros dropped, k/M/G/T past a thousand: "950", "1.5k", "2M".
std::string FormatShortCount(double n);
// Bytes the short way for chart ticks: "0 B", "500 kB", "1.5 MB".
std::string FormatShortBytes(double bytes);
// Seconds in the largest unit that keeps the figure >= 1 (s, min, h, d), at most one decimal:
// "45 s", "2.5 min", "1.5 h".
std::string FormatDuration(double seconds);
// `seconds` in the given unit's seconds (1, 60, 3600, 86400) with its name: "90 min".
std::string FormatDurationIn(double seconds, double unit_seconds);

// `value` with at most `decimals` decimals and no trailing zeros: 2.50 -> "2.5", 3.0 -> "3".
std::string TrimmedNumber(double value, int decimals);

}  // namespace edgesim::sim
