#include "sim/report_units.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace edgesim::sim {
namespace {

struct Scaled {
  double value;
  int unit;  // index into the caller's unit names
};

// Divides by 1000 while the value is >= 1000, up to `units` - 1 times.
Scaled ScaleBy1000(double v, int units) {
  int unit = 0;
  while (std::fabs(v) >= 1000 && unit < units - 1) {
    v /= 1000;
    ++unit;
  }
  return {v, unit};
}

constexpr const char* kByteUnits[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
constexpr const char* kCountUnits[] = {"", "k", "M", "G", "T", "P"};

struct DurationUnit {
  double seconds;
  const char* name;
};
constexpr DurationUnit kTimeUnits[] = {{86400, "d"}, {3600, "h"}, {60, "min"}, {1, "s"}};

}  // namespace

std::string TrimmedNumber(double value, int decimals) {
  std::string s = absl::StrFormat("%.*f", decimals, value);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s == "-0" ? "0" : s;
}

std::string FormatBytes(uint64_t bytes) {
  const Scaled s = ScaleBy1000(static_cast<double>(bytes), 7);
  return s.unit == 0 ? absl::StrCat(bytes, " B")
                     : absl::StrFormat("%.2f %s", s.value, kByteUnits[s.unit]);
}

std::string FormatPercent(double ratio, int decimals) {
  return absl::StrFormat("%.*f %%", decimals, ratio * 100);
}

std::string FormatCount(uint64_t n) {
  const std::string digits = absl::StrCat(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string FormatShortCount(double n) {
  const Scaled s = ScaleBy1000(n, 6);
  return absl::StrCat(TrimmedNumber(s.value, 2), kCountUnits[s.unit]);
}

std::string FormatShortBytes(double bytes) {
  const Scaled s = ScaleBy1000(bytes, 7);
  return absl::StrCat(TrimmedNumber(s.value, 2), " ", kByteUnits[s.unit]);
}

std::string FormatDurationIn(double seconds, double unit_seconds) {
  for (const DurationUnit& u : kTimeUnits) {
    if (u.seconds == unit_seconds) {
      return absl::StrCat(TrimmedNumber(seconds / u.seconds, 1), " ", u.name);
    }
  }
  return absl::StrCat(TrimmedNumber(seconds, 1), " s");
}

std::string FormatDuration(double seconds) {
  for (const DurationUnit& u : kTimeUnits) {
    if (std::fabs(seconds) >= u.seconds) return FormatDurationIn(seconds, u.seconds);
  }
  return FormatDurationIn(seconds, 1);
}

}  // namespace edgesim::sim
