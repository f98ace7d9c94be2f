#include "sim/progress_line.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace edgesim::sim {
namespace {

// "42s", "3m05s", "1h02m".
std::string Clock(absl::Duration d) {
  const int64_t s = std::max<int64_t>(0, absl::ToInt64Seconds(d));
  if (s < 60) return absl::StrCat(s, "s");
  auto two = [](int64_t v) { return absl::StrCat(v < 10 ? "0" : "", v); };
  if (s < 3600) return absl::StrCat(s / 60, "m", two(s % 60), "s");
  return absl::StrCat(s / 3600, "h", two(s / 60 % 60), "m");
}

}  // namespace

std::string ProgressText(const Progress& p) {
  constexpr int kWidth = 30;
  const double f = std::clamp(p.fraction, 0.0, 1.0);
  const int filled = static_cast<int>(f * kWidth);
  std::string text = absl::StrCat("[", std::string(filled, '#'), std::string(kWidth - filled, ' '),
                                  "] ", static_cast<int>(f * 100), "% ", p.finished, "/",
                                  p.variants, " variants, ", Clock(p.elapsed), " elapsed");
  if (f > 0 && f < 1) {
    absl::StrAppend(&text, ", about ", Clock(p.elapsed * ((1 - f) / f)), " left");
  }
  return text;
}

bool ProgressLineDue(double printed, double fraction, absl::Duration since_printed) {
  return std::floor(fraction * 10) > std::floor(printed * 10) ||
         since_printed >= kProgressLinePeriod;
}

}  // namespace edgesim::sim
