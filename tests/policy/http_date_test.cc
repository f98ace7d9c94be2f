#include "policy/http_date.h"

#include <string>

#include "gtest/gtest.h"
#include "tests/policy/test_time.h"

namespace edgesim::policy {
namespace {

// RFC 9110 5.6.7's example instant: Sun, 06 Nov 1994 08:49:37 GMT.
const absl::Time kRfcExample = absl::FromUnixSeconds(784111777);

struct DateCase {
  std::string name;
  std::string text;
  absl::optional<absl::Time> expected;
};

std::ostream& operator<<(std::ostream& os, const DateCase& c) {
  return os << c.name << ": \"" << c.text << "\"";
}

class ParseHttpDateTest : public testing::TestWithParam<DateCase> {};

TEST_P(ParseHttpDateTest, Parses) {
  EXPECT_EQ(ParseHttpDate(GetParam().text), GetParam().expected);
}

const DateCase kDateCases[] = {
    // The three formats RFC 9110 requires recipients to accept.
    {"ImfFixdate", "Sun, 06 Nov 1994 08:49:37 GMT", kRfcExample},
    {"Rfc850", "Sunday, 06-Nov-94 08:49:37 GMT", kRfcExample},
    {"Asctime", "Sun Nov  6 08:49:37 1994", kRfcExample},
    {"AsctimeTwoDigitDay", "Thu Dec 31 23:59:59 2037", Utc(2037, 12, 31, 23, 59, 59)},

    // Leniency real origins need.
    {"SurroundingWhitespace", "  Sun, 06 Nov 1994 08:49:37 GMT \t", kRfcExample},
    {"OneDigitDay", "Sun, 6 Nov 1994 08:49:37 GMT", kRfcExample},
    {"DoubleSpaces", "Sun,  06  Nov  1994  08:49:37  GMT", kRfcExample},
    {"LowerCaseMonthAndZone", "Sun, 06 nov 1994 08:49:37 gmt", kRfcExample},
    {"UtcZone", "Sun, 06 Nov 1994 08:49:37 UTC", kRfcExample},
    {"WrongWeekdayIgnored", "Mon, 06 Nov 1994 08:49:37 GMT", kRfcExample},
    {"Rfc850FourDigitYear", "Sunday, 06-Nov-1994 08:49:37 GMT", kRfcExample},
    {"LeapDay", "Thu, 29 Feb 2024 00:00:00 GMT", Utc(2024, 2, 29, 0, 0, 0)},
    {"LeapSecondRollsOver", "Sat, 31 Dec 2016 23:59:60 GMT", Utc(2017, 1, 1, 0, 0, 0)},

    // RFC 850 two-digit years: POSIX pivot at 70.
    {"Rfc850Year69Is2069", "Monday, 01-Jan-69 00:00:00 GMT", Utc(2069, 1, 1, 0, 0, 0)},
    {"Rfc850Year70Is1970", "Thursday, 01-Jan-70 00:00:00 GMT", absl::UnixEpoch()},

    // Invalid: nullopt (for Expires this means "already expired").
    {"Empty", "", absl::nullopt},
    {"Zero", "0", absl::nullopt},
    {"MinusOne", "-1", absl::nullopt},
    {"Garbage", "tomorrow", absl::nullopt},
    {"OtherZone", "Sun, 06 Nov 1994 08:49:37 PST", absl::nullopt},
    {"NumericOffset", "Sun, 06 Nov 1994 08:49:37 +0000", absl::nullopt},
    {"MissingZone", "Sun, 06 Nov 1994 08:49:37", absl::nullopt},
    {"UnknownMonth", "Sun, 06 Foo 1994 08:49:37 GMT", absl::nullopt},
    {"February30", "Sun, 30 Feb 2023 08:49:37 GMT", absl::nullopt},
    {"DayZero", "Sun, 00 Nov 1994 08:49:37 GMT", absl::nullopt},
    {"Hour24", "Sun, 06 Nov 1994 24:00:00 GMT", absl::nullopt},
    {"Minute60", "Sun, 06 Nov 1994 08:60:00 GMT", absl::nullopt},
    {"Second61", "Sun, 06 Nov 1994 08:49:61 GMT", absl::nullopt},
    {"TwoDigitYearInImf", "Sun, 06 Nov 94 08:49:37 GMT", absl::nullopt},
    {"TrailingJunk", "Sun, 06 Nov 1994 08:49:37 GMT x", absl::nullopt},
    {"IsoDate", "1994-11-06T08:49:37Z", absl::nullopt},
    {"AsctimeMissingYear", "Sun Nov  6 08:49:37", absl::nullopt},
    {"TimeWithoutSeconds", "Sun, 06 Nov 1994 08:49 GMT", absl::nullopt},
};

INSTANTIATE_TEST_SUITE_P(Table, ParseHttpDateTest, testing::ValuesIn(kDateCases),
                         [](const testing::TestParamInfo<DateCase>& info) {
                           return info.param.name;
                         });

TEST(FormatHttpDateTest, WritesImfFixdate) {
  EXPECT_EQ(FormatHttpDate(kRfcExample), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(FormatHttpDate(absl::UnixEpoch()), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(FormatHttpDate(Utc(2024, 2, 29, 7, 5, 3)), "Thu, 29 Feb 2024 07:05:03 GMT");
}

TEST(FormatHttpDateTest, TruncatesToWholeSeconds) {
  EXPECT_EQ(FormatHttpDate(kRfcExample + absl::Milliseconds(999)), "Sun, 06 Nov 1994 08:49:37 GMT");
}

TEST(FormatHttpDateTest, ClampsToFourDigitYears) {
  EXPECT_EQ(FormatHttpDate(absl::InfiniteFuture()), "Fri, 31 Dec 9999 23:59:59 GMT");
  EXPECT_EQ(FormatHttpDate(absl::InfinitePast()), "Mon, 01 Jan 0001 00:00:00 GMT");
}

// The hand-written calendar agrees with absl's over the whole four-digit range, before 1970 too
// (leap centuries, fractions of a second before the epoch rounding down).
TEST(FormatHttpDateTest, AgreesWithAbslAcrossTheRange) {
  const absl::Time first = Utc(1, 1, 1, 0, 0, 0);
  const absl::Time last = Utc(9999, 12, 31, 23, 59, 59);
  for (absl::Time t = first; t <= last; t += absl::Hours(24 * 113) + absl::Seconds(3607)) {
    EXPECT_EQ(FormatHttpDate(t),
              absl::FormatTime("%a, %d %b %E4Y %H:%M:%S GMT", t, absl::UTCTimeZone()));
  }
  for (const absl::Time t : {absl::UnixEpoch() - absl::Milliseconds(500), Utc(1600, 2, 29, 1, 2, 3),
                             Utc(1900, 3, 1, 0, 0, 0), Utc(2000, 2, 29, 23, 59, 59), last}) {
    EXPECT_EQ(FormatHttpDate(t),
              absl::FormatTime("%a, %d %b %E4Y %H:%M:%S GMT", t, absl::UTCTimeZone()));
  }
}

TEST(FormatHttpDateTest, RoundTripsEveryWeekdayAndMonth) {
  for (int day = 0; day < 400; day += 13) {
    const absl::Time t = Utc(2025, 1, 1, 12, 34, 56) + absl::Hours(24 * day);
    const std::string text = FormatHttpDate(t);
    EXPECT_EQ(ParseHttpDate(text), t) << text;
  }
}

}  // namespace
}  // namespace edgesim::policy
