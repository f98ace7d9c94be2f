#include "policy/cache_control.h"

#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace edgesim::policy {
namespace {

using absl::Seconds;

struct ParseCase {
  std::string name;
  std::string header;
  ResponseCacheControl expected;
};

std::ostream& operator<<(std::ostream& os, const ParseCase& c) {
  return os << c.name << ": \"" << c.header << "\"";
}

class ParseResponseCacheControlTest : public testing::TestWithParam<ParseCase> {};

TEST_P(ParseResponseCacheControlTest, Parses) {
  EXPECT_EQ(ParseResponseCacheControl(GetParam().header), GetParam().expected);
}

const ParseCase kParseCases[] = {
    // Nothing to parse.
    {"Empty", "", {}},
    {"OnlySeparators", " , ,, ", {}},

    // Each directive on its own.
    {"NoCache", "no-cache", {.no_cache = true}},
    {"NoStore", "no-store", {.no_store = true}},
    {"Private", "private", {.is_private = true}},
    {"Public", "public", {.is_public = true}},
    {"MustRevalidate", "must-revalidate", {.must_revalidate = true}},
    {"ProxyRevalidate", "proxy-revalidate", {.proxy_revalidate = true}},
    {"Immutable", "immutable", {.immutable = true}},
    {"NoTransform", "no-transform", {.no_transform = true}},
    {"MaxAge", "max-age=3600", {.max_age = Seconds(3600)}},
    {"MaxAgeZero", "max-age=0", {.max_age = Seconds(0)}},
    {"SMaxAge", "s-maxage=100", {.s_maxage = Seconds(100)}},
    {"StaleWhileRevalidate",
     "stale-while-revalidate=600",
     {.stale_while_revalidate = Seconds(600)}},
    {"StaleIfError", "stale-if-error=86400", {.stale_if_error = Seconds(86400)}},
    {"StaleIfErrorZeroIsKept", "stale-if-error=0", {.stale_if_error = Seconds(0)}},

    // Combinations (SPEC 3.6's example; SPEC 3.9 rows 9 and 19).
    {"SwrAndSieTogether",
     "max-age=3600, stale-while-revalidate=600, stale-if-error=86400",
     {.max_age = Seconds(3600),
      .stale_while_revalidate = Seconds(600),
      .stale_if_error = Seconds(86400)}},
    {"MaxAgeAndSMaxAge",
     "max-age=10, s-maxage=100",
     {.max_age = Seconds(10), .s_maxage = Seconds(100)}},
    {"PrivateWithMaxAge", "private, max-age=600", {.is_private = true, .max_age = Seconds(600)}},
    {"NoCacheMustRevalidate",
     "no-cache, must-revalidate",
     {.no_cache = true, .must_revalidate = true}},

    // Directive names are case-insensitive; values keep their meaning.
    {"UpperCaseNames",
     "NO-CACHE, Max-Age=60, S-MAXAGE=30",
     {.no_cache = true, .max_age = Seconds(60), .s_maxage = Seconds(30)}},
    {"MixedCasePrivate", "Private", {.is_private = true}},

    // Whitespace around names, '=' and values.
    {"SpacesEverywhere", "  max-age = 60 ,\tpublic  ", {.is_public = true, .max_age = Seconds(60)}},
    {"NoSpaceAfterComma", "public,max-age=60", {.is_public = true, .max_age = Seconds(60)}},

    // Quoted values: senders should not quote delta-seconds, recipients accept it (RFC 9111 5.2).
    {"QuotedMaxAge", "max-age=\"60\"", {.max_age = Seconds(60)}},
    {"QuotedCommaDoesNotSplit",
     "no-cache=\"Set-Cookie, X-Foo\", max-age=5",
     {.no_cache_fields = {"Set-Cookie", "X-Foo"}, .max_age = Seconds(5)}},
    {"QuotedPairEscape", "no-cache=\"X-\\\"Odd\"", {.no_cache_fields = {"X-\"Odd"}}},
    {"UnterminatedQuoteRunsToEnd",
     "max-age=10, no-cache=\"Set-Cookie",
     {.no_cache_fields = {"Set-Cookie"}, .max_age = Seconds(10)}},
    {"JunkAfterQuotedValueSkipped",
     "no-cache=\"a\"junk, max-age=7",
     {.no_cache_fields = {"a"}, .max_age = Seconds(7)}},

    // SPEC 3.2: qualified no-cache is not an unqualified no-cache.
    {"QualifiedNoCacheOnly", "no-cache=\"Set-Cookie\"", {.no_cache_fields = {"Set-Cookie"}}},
    {"QualifiedNoCacheToken", "no-cache=Set-Cookie", {.no_cache_fields = {"Set-Cookie"}}},
    {"QualifiedAndUnqualifiedNoCache",
     "no-cache=\"Set-Cookie\", no-cache",
     {.no_cache = true, .no_cache_fields = {"Set-Cookie"}}},
    {"QualifiedNoCacheFieldsAccumulate",
     "no-cache=\"A\", no-cache=\"B\"",
     {.no_cache_fields = {"A", "B"}}},
    {"QualifiedNoCacheEmptyListIsNotNoCache", "no-cache=\"\"", {}},
    // A qualified private still marks the response private (never shared).
    {"QualifiedPrivateIsPrivate", "private=\"Set-Cookie\"", {.is_private = true}},

    // Invalid delta-seconds are ignored; the rest of the header still counts.
    {"NegativeMaxAgeIgnored", "max-age=-1, public", {.is_public = true}},
    {"FractionalMaxAgeIgnored", "max-age=1.5", {}},
    {"NonNumericMaxAgeIgnored", "max-age=abc, s-maxage=20", {.s_maxage = Seconds(20)}},
    {"EmptyMaxAgeIgnored", "max-age=", {}},
    {"MaxAgeWithoutValueIgnored", "max-age", {}},
    {"TrailingSemicolonIgnored", "max-age=60;", {}},
    {"InvalidStaleIfErrorIgnored", "stale-if-error=soon", {}},

    // Duplicates: the first valid occurrence wins.
    {"DuplicateMaxAgeFirstWins", "max-age=60, max-age=120", {.max_age = Seconds(60)}},
    {"InvalidFirstThenValid", "max-age=x, max-age=120", {.max_age = Seconds(120)}},
    {"DuplicateSMaxAgeFirstWins", "s-maxage=5, s-maxage=0", {.s_maxage = Seconds(5)}},
    {"DuplicateFlagIsHarmless", "no-store, no-store", {.no_store = true}},

    // Unknown directives and junk are skipped.
    {"UnknownDirectiveSkipped", "foo, bar=\"baz, qux\", max-age=9", {.max_age = Seconds(9)}},
    {"RequestOnlyDirectiveSkipped", "min-fresh=10, only-if-cached", {}},
    {"NameWithSpaceIsUnknown", "max age=10", {}},
    {"ValueOnlySkipped", "=5, public", {.is_public = true}},
    {"FlagWithValueStillCounts", "no-store=1", {.no_store = true}},

    // SPEC 3.1: delta-seconds are clamped to 100 years; huge numbers do not overflow.
    {"MaxAgeOneHundredYearsKept", "max-age=3153600000", {.max_age = kMaxDeltaSeconds}},
    {"MaxAgeAboveOneHundredYearsClamped", "max-age=3153600001", {.max_age = kMaxDeltaSeconds}},
    {"MaxAgeHugeClamped", "max-age=99999999999999999999999999", {.max_age = kMaxDeltaSeconds}},
    {"SMaxAgeHugeClamped", "s-maxage=4000000000", {.s_maxage = kMaxDeltaSeconds}},
    {"LeadingZeros", "max-age=007", {.max_age = Seconds(7)}},

    // Several Cache-Control lines as Headers::GetCombined joins them.
    {"CombinedLines",
     "public, max-age=60, s-maxage=30, no-transform",
     {.is_public = true, .no_transform = true, .max_age = Seconds(60), .s_maxage = Seconds(30)}},
};

INSTANTIATE_TEST_SUITE_P(Table, ParseResponseCacheControlTest, testing::ValuesIn(kParseCases),
                         [](const testing::TestParamInfo<ParseCase>& info) {
                           return info.param.name;
                         });

TEST(ParseDeltaSecondsTest, AcceptsDigitsOnly) {
  EXPECT_EQ(ParseDeltaSeconds("0"), Seconds(0));
  EXPECT_EQ(ParseDeltaSeconds(" 42 "), Seconds(42));
  EXPECT_EQ(ParseDeltaSeconds("99999999999999999999"), kMaxDeltaSeconds);
  EXPECT_EQ(ParseDeltaSeconds(""), absl::nullopt);
  EXPECT_EQ(ParseDeltaSeconds("-1"), absl::nullopt);
  EXPECT_EQ(ParseDeltaSeconds("+1"), absl::nullopt);
  EXPECT_EQ(ParseDeltaSeconds("1e3"), absl::nullopt);
}

TEST(ResponseCacheControlTest, HasNoCacheNoStoreOrPrivateIgnoresQualifiedNoCache) {
  EXPECT_TRUE(ParseResponseCacheControl("no-cache").has_no_cache_no_store_or_private());
  EXPECT_TRUE(ParseResponseCacheControl("no-store").has_no_cache_no_store_or_private());
  EXPECT_TRUE(ParseResponseCacheControl("private").has_no_cache_no_store_or_private());
  EXPECT_FALSE(ParseResponseCacheControl("no-cache=\"Set-Cookie\", max-age=60")
                   .has_no_cache_no_store_or_private());
}

TEST(ResponseCacheControlTest, PrintsCanonicalSyntax) {
  std::ostringstream os;
  os << ParseResponseCacheControl("Max-Age=60, no-cache=\"Set-Cookie\", PRIVATE, stale-if-error=0");
  EXPECT_EQ(os.str(), "{no-cache=\"Set-Cookie\", private, max-age=60, stale-if-error=0}");
}

}  // namespace
}  // namespace edgesim::policy
