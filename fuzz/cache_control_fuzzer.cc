// Cache-Control and HTTP dates as an origin sends them (policy/cache_control.h,
// policy/http_date.h): any bytes parse without a crash, and a parsed date from year 0001 on
// survives a round trip through its IMF-fixdate form.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/strings/string_view.h"
#include "policy/cache_control.h"
#include "policy/http_date.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  const edgesim::policy::ResponseCacheControl cc = edgesim::policy::ParseResponseCacheControl(text);
  for (const auto& age : {cc.max_age, cc.s_maxage, cc.stale_while_revalidate, cc.stale_if_error}) {
    if (age && (*age < absl::ZeroDuration() || *age > edgesim::policy::kMaxDeltaSeconds)) abort();
  }
  // FormatHttpDate clamps to years 0001-9999 (http_date.h); the parser also reads year 0000.
  static const absl::Time kFirstFormatted = absl::FromCivil(absl::CivilSecond(1, 1, 1, 0, 0, 0),
                                                            absl::UTCTimeZone());
  const absl::optional<absl::Time> date = edgesim::policy::ParseHttpDate(text);
  if (date && *date >= kFirstFormatted) {
    const std::string formatted = edgesim::policy::FormatHttpDate(*date);
    if (edgesim::policy::ParseHttpDate(formatted) != date) abort();
  }
  return 0;
}
