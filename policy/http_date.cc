#include "policy/http_date.h"

#include <algorithm>
#include <array>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace edgesim::policy {
namespace {

constexpr std::array<absl::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
// Indexed by absl::Weekday, which starts on Monday.
constexpr std::array<absl::string_view, 7> kWeekdays = {"Mon", "Tue", "Wed", "Thu",
                                                        "Fri", "Sat", "Sun"};

struct DateFields {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
};

// A cursor over the date text; every method consumes input only on success.
class Scanner {
 public:
  explicit Scanner(absl::string_view text) : text_(text) {}

  bool AtEnd() const { return pos_ == text_.size(); }

  bool Char(char c) {
    if (pos_ >= text_.size() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }

  // One or more spaces.
  bool Spaces() {
    const size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] == ' ') ++pos_;
    return pos_ > start;
  }

  // One or more ASCII letters.
  bool Word(absl::string_view* out) {
    size_t end = pos_;
    while (end < text_.size() && absl::ascii_isalpha(text_[end])) ++end;
    if (end == pos_) return false;
    *out = text_.substr(pos_, end - pos_);
    pos_ = end;
    return true;
  }

  // Between min_digits and max_digits ASCII digits.
  bool Number(int min_digits, int max_digits, int* out) {
    size_t end = pos_;
    int value = 0;
    while (end < text_.size() && end - pos_ < static_cast<size_t>(max_digits) &&
           absl::ascii_isdigit(text_[end])) {
      value = value * 10 + (text_[end++] - '0');
    }
    if (end - pos_ < static_cast<size_t>(min_digits)) return false;
    pos_ = end;
    *out = value;
    return true;
  }

  bool Month(int* out) {
    absl::string_view word;
    if (!Word(&word)) return false;
    for (size_t i = 0; i < kMonths.size(); ++i) {
      if (absl::EqualsIgnoreCase(word, kMonths[i])) {
        *out = static_cast<int>(i) + 1;
        return true;
      }
    }
    return false;
  }

  // HH:MM:SS
  bool TimeOfDay(DateFields* f) {
    return Number(2, 2, &f->hour) && Char(':') && Number(2, 2, &f->minute) && Char(':') &&
           Number(2, 2, &f->second);
  }

  bool Zone() {
    absl::string_view zone;
    return Word(&zone) &&
           (absl::EqualsIgnoreCase(zone, "GMT") || absl::EqualsIgnoreCase(zone, "UTC"));
  }

 private:
  absl::string_view text_;
  size_t pos_ = 0;
};

// IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT` and RFC 850 `Sunday, 06-Nov-94 08:49:37 GMT` share
// their shape up to the separator after the day. The weekday name is not checked against the date:
// it carries no information the rest does not.
bool ParseCommaFormats(absl::string_view text, DateFields* f) {
  Scanner s(text);
  absl::string_view weekday;
  if (!s.Word(&weekday) || !s.Char(',')) return false;
  s.Spaces();
  if (!s.Number(1, 2, &f->day)) return false;
  if (s.Char('-')) {
    if (!s.Month(&f->month) || !s.Char('-') || !s.Number(2, 4, &f->year)) return false;
    if (f->year < 100) f->year += f->year < 70 ? 2000 : 1900;
  } else if (!s.Spaces() || !s.Month(&f->month) || !s.Spaces() || !s.Number(4, 4, &f->year)) {
    return false;
  }
  return s.Spaces() && s.TimeOfDay(f) && s.Spaces() && s.Zone() && s.AtEnd();
}

// asctime: `Sun Nov  6 08:49:37 1994`.
bool ParseAsctime(absl::string_view text, DateFields* f) {
  Scanner s(text);
  absl::string_view weekday;
  return s.Word(&weekday) && s.Spaces() && s.Month(&f->month) && s.Spaces() &&
         s.Number(1, 2, &f->day) && s.Spaces() && s.TimeOfDay(f) && s.Spaces() &&
         s.Number(4, 4, &f->year) && s.AtEnd();
}

absl::optional<absl::Time> ToTime(const DateFields& f) {
  // CivilDay normalizes Feb 30 into March; a changed day means the date does not exist.
  const absl::CivilDay day(f.year, f.month, f.day);
  // 60 is a leap second (RFC 9110 5.6.7); it normalizes into the next minute.
  if (day.day() != f.day || f.hour > 23 || f.minute > 59 || f.second > 60) return absl::nullopt;
  return absl::FromCivil(absl::CivilSecond(f.year, f.month, f.day, f.hour, f.minute, f.second),
                         absl::UTCTimeZone());
}

}  // namespace

absl::optional<absl::Time> ParseHttpDate(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  DateFields f;  // each format sets every field when it matches
  if (ParseCommaFormats(text, &f) || ParseAsctime(text, &f)) return ToTime(f);
  return absl::nullopt;
}

// Written by hand rather than through absl::ToCivilSecond and StrFormat: the simulator formats a
// Last-Modified per origin fetch and the edge a Date per response, and the generic path cost
// ~9 % of a full-model replay. Days to a civil date after Howard Hinnant's `civil_from_days`.
std::string FormatHttpDate(absl::Time time) {
  // 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the years IMF-fixdate's four digits hold.
  constexpr int64_t kEarliest = -62135596800;
  constexpr int64_t kLatest = 253402300799;
  const int64_t seconds = std::clamp(absl::ToUnixSeconds(time), kEarliest, kLatest);
  const int64_t days = (seconds >= 0 ? seconds : seconds - 86399) / 86400;
  const int64_t of_day = seconds - days * 86400;
  const int64_t z = days + 719468;  // days since 0000-03-01
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t of_era = z - era * 146097;
  const int64_t year_of_era =
      (of_era - of_era / 1460 + of_era / 36524 - of_era / 146096) / 365;
  const int64_t day_of_year = of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t shifted_month = (5 * day_of_year + 2) / 153;  // March is 0
  const int day = static_cast<int>(day_of_year - (153 * shifted_month + 2) / 5 + 1);
  const int month = static_cast<int>(shifted_month < 10 ? shifted_month + 3 : shifted_month - 9);
  const int year = static_cast<int>(year_of_era + era * 400 + (month <= 2 ? 1 : 0));
  const int64_t weekday = ((days + 3) % 7 + 7) % 7;  // 1970-01-01 was a Thursday (index 3)

  std::string out = "Www, DD Mmm YYYY hh:mm:ss GMT";
  const auto digits = [&out](size_t at, int value, int width) {
    for (int i = width - 1; i >= 0; --i, value /= 10) out[at + i] = static_cast<char>('0' + value % 10);
  };
  out.replace(0, 3, kWeekdays[weekday].data(), 3);
  digits(5, day, 2);
  out.replace(8, 3, kMonths[month - 1].data(), 3);
  digits(12, year, 4);
  digits(17, static_cast<int>(of_day / 3600), 2);
  digits(20, static_cast<int>(of_day / 60 % 60), 2);
  digits(23, static_cast<int>(of_day % 60), 2);
  return out;
}

}  // namespace edgesim::policy
