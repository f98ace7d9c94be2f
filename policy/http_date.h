// http_date.h — HTTP-date values (`Date`, `Expires`, `Last-Modified`), RFC 9110 5.6.7.
//
// Parses the three formats recipients must accept — IMF-fixdate, obsolete RFC 850 and ANSI C
// asctime() — and writes IMF-fixdate. Parsing is locale-independent and lenient only where real
// origins are sloppy (runs of spaces, one-digit days, case of month and zone names, "UTC" for
// "GMT"); anything else, including a calendar-impossible date, gives nullopt. Callers decide what
// an invalid date means: for `Expires` it is "already expired" (SPEC 3.2, SPEC B6).
//
//   ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT");   // 784111777 s after the Unix epoch
//   ParseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT");  // the same instant
//   ParseHttpDate("Sun Nov  6 08:49:37 1994");        // the same instant
//   FormatHttpDate(absl::FromUnixSeconds(784111777)); // "Sun, 06 Nov 1994 08:49:37 GMT"
#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"

namespace edgesim::policy {

// Two-digit RFC 850 years 70–99 are 19xx and 00–69 are 20xx (the POSIX pivot): RFC 9110's
// "more than 50 years in the future" rule would need a clock, and this model reads none.
absl::optional<absl::Time> ParseHttpDate(absl::string_view text);

// IMF-fixdate in GMT, truncated to whole seconds. Times outside years 0001–9999 are clamped to
// that range so the result always has the fixed length.
std::string FormatHttpDate(absl::Time time);

}  // namespace edgesim::policy
