#include "policy/http_date.h"

#include <algorithm>
#include <array>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"

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

std::string FormatHttpDate(absl::Time time) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  const absl::Time earliest = absl::FromCivil(absl::CivilSecond(1, 1, 1, 0, 0, 0), utc);
  const absl::Time latest = absl::FromCivil(absl::CivilSecond(9999, 12, 31, 23, 59, 59), utc);
  const absl::CivilSecond c = absl::ToCivilSecond(std::clamp(time, earliest, latest), utc);
  const int weekday = static_cast<int>(absl::GetWeekday(absl::CivilDay(c)));
  return absl::StrFormat("%s, %02d %s %04d %02d:%02d:%02d GMT", kWeekdays[weekday], c.day(),
                         kMonths[c.month() - 1], c.year(), c.hour(), c.minute(), c.second());
}

}  // namespace edgesim::policy
