#include "policy/percent_escape.h"

#include "gtest/gtest.h"

namespace edgesim::policy {
namespace {

TEST(DecodePercentEscapeTest, DecodesEitherCase) {
  EXPECT_EQ(DecodePercentEscape("%2f", 0), '/');
  EXPECT_EQ(DecodePercentEscape("%2F", 0), '/');
  EXPECT_EQ(DecodePercentEscape("a%41b", 1), 'A');
  EXPECT_EQ(DecodePercentEscape("%00", 0), '\0');
  EXPECT_EQ(DecodePercentEscape("%ff", 0), '\xff');
}

TEST(DecodePercentEscapeTest, RefusesWhatIsNotAnEscape) {
  EXPECT_EQ(DecodePercentEscape("%2", 0), absl::nullopt);  // cut short at the end
  EXPECT_EQ(DecodePercentEscape("%", 0), absl::nullopt);
  EXPECT_EQ(DecodePercentEscape("%g0", 0), absl::nullopt);  // not hex
  EXPECT_EQ(DecodePercentEscape("%0g", 0), absl::nullopt);
  EXPECT_EQ(DecodePercentEscape("x41", 0), absl::nullopt);  // no '%'
  EXPECT_EQ(DecodePercentEscape("%41", 1), absl::nullopt);  // not at an escape
  EXPECT_EQ(DecodePercentEscape("%41", 5), absl::nullopt);  // past the end
}

}  // namespace
}  // namespace edgesim::policy
