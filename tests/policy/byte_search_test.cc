#include "policy/byte_search.h"

#include <string>

#include "gtest/gtest.h"

namespace edgesim::policy {
namespace {

size_t NaiveFind(absl::string_view s, size_t from, char a, char b) {
  while (from < s.size() && s[from] != a && s[from] != b) ++from;
  return from;
}

// Every length up to three words, every start, the delimiter at every position or absent, with
// bytes around it that differ from it by one (where a word-wise compare could borrow wrongly).
TEST(ByteSearchTest, AgreesWithAByteLoop) {
  for (char c : {',', '=', '\0', '\x80', '\xff'}) {
    for (size_t size = 0; size <= 24; ++size) {
      for (int filler : {0, 1, 2}) {
        std::string s(size, static_cast<char>(c + (filler == 0 ? 1 : filler == 1 ? -1 : 0x20)));
        for (size_t at = 0; at <= size; ++at) {
          std::string t = s;
          if (at < size) t[at] = c;
          if (at + 3 < size) t[at + 3] = c;  // a second match, further on
          for (size_t from = 0; from <= size; ++from) {
            ASSERT_EQ(FindByte(t, from, c), NaiveFind(t, from, c, c))
                << int{c} << " size " << size << " at " << at << " from " << from;
            ASSERT_EQ(FindEitherByte(t, from, '#', c), NaiveFind(t, from, '#', c));
          }
        }
      }
    }
  }
}

TEST(ByteSearchTest, FindsEitherDelimiterFirst) {
  EXPECT_EQ(FindEitherByte("stale-while-revalidate=60, x", 0, ',', '='), 22u);
  EXPECT_EQ(FindEitherByte("must-revalidate, max-age=5", 0, ',', '='), 15u);
  EXPECT_EQ(FindEitherByte("must-revalidate", 0, ',', '='), 15u);
  EXPECT_EQ(FindByte("a=1&b=2&c", 4, '&'), 7u);
  EXPECT_EQ(FindByte("", 0, '&'), 0u);
}

}  // namespace
}  // namespace edgesim::policy
