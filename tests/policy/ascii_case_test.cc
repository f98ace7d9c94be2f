#include "policy/ascii_case.h"

#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace edgesim::policy {
namespace {

// Every pair of one- and two-byte strings over all 256 byte values would be 4 billion pairs;
// these cover the bytes next to the letter ranges, where a word-wise fold could go wrong.
TEST(AsciiEqualsIgnoreCaseTest, AgreesWithAbslForEveryByteAgainstEveryByte) {
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      // Eight bytes and more take the word path; shorter ones the byte loop. Both, with the odd
      // byte in the first word and in the overlapping last one.
      for (size_t size : {1u, 8u, 11u}) {
        for (size_t at : {size_t{0}, size - 1}) {
          std::string x(size, 'k'), y(size, 'K');
          x[at] = static_cast<char>(a);
          y[at] = static_cast<char>(b);
          ASSERT_EQ(AsciiEqualsIgnoreCase(x, y), absl::EqualsIgnoreCase(x, y))
              << a << " " << b << " size " << size << " at " << at;
        }
      }
    }
  }
}

TEST(AsciiEqualsIgnoreCaseTest, LengthsMustAgree) {
  EXPECT_TRUE(AsciiEqualsIgnoreCase("Accept-Encoding", "accept-ENCODING"));
  EXPECT_FALSE(AsciiEqualsIgnoreCase("Accept-Encoding", "Accept-Encodings"));
  EXPECT_FALSE(AsciiEqualsIgnoreCase("Accept-Encoding", "Accept-Language"));
  EXPECT_TRUE(AsciiEqualsIgnoreCase("", ""));
}

// One literal of each word layout: bytes (< 4), two 4-byte words, 8-byte words.
TEST(EqualsLowercaseLiteralTest, ShortLiteralsCompareByteByByte) {
  EXPECT_TRUE(EqualsLowercaseLiteral("br", "br"));
  EXPECT_TRUE(EqualsLowercaseLiteral("bR", "br"));
  EXPECT_FALSE(EqualsLowercaseLiteral("brx", "br"));
  EXPECT_FALSE(EqualsLowercaseLiteral("bz", "br"));
}

TEST(EqualsLowercaseLiteralTest, FourToSevenBytesCompareTwoOverlappingWords) {
  EXPECT_TRUE(EqualsLowercaseLiteral("PuBlIc", "public"));
  EXPECT_TRUE(EqualsLowercaseLiteral("publiC", "public"));
  EXPECT_FALSE(EqualsLowercaseLiteral("publid", "public"));
  EXPECT_FALSE(EqualsLowercaseLiteral("Xublic", "public"));
  EXPECT_TRUE(EqualsLowercaseLiteral("MAX-AGE", "max-age"));
}

TEST(EqualsLowercaseLiteralTest, LongerLiteralsCompareEightByteWords) {
  EXPECT_TRUE(EqualsLowercaseLiteral("STALE-WHILE-REVALIDATE", "stale-while-revalidate"));
  EXPECT_FALSE(EqualsLowercaseLiteral("stale-while-revalidatf", "stale-while-revalidate"));
  EXPECT_FALSE(EqualsLowercaseLiteral("stale-while", "stale-while-revalidate"));
  EXPECT_TRUE(EqualsLowercaseLiteral("No-Cache", "no-cache"));
}

// Bit 0x20 is only set where the literal has a letter: '-' is 0x0d | 0x20, so a carriage return
// would otherwise match it; and no byte but 'A' folds onto 'a'.
TEST(EqualsLowercaseLiteralTest, OnlyLettersFold) {
  EXPECT_FALSE(EqualsLowercaseLiteral("no\rcache", "no-cache"));
  EXPECT_FALSE(EqualsLowercaseLiteral("max\rage", "max-age"));
  for (int byte = 0; byte < 256; ++byte) {
    const std::string text(1, static_cast<char>(byte));
    EXPECT_EQ(EqualsLowercaseLiteral(text + "ge", "age"), byte == 'a' || byte == 'A') << byte;
    EXPECT_EQ(EqualsLowercaseLiteral(text + "-age", "m-age"), byte == 'm' || byte == 'M') << byte;
    EXPECT_EQ(EqualsLowercaseLiteral("no" + text + "cache", "no-cache"), byte == '-') << byte;
  }
}

}  // namespace
}  // namespace edgesim::policy
