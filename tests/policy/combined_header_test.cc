#include "policy/combined_header.h"

#include <string>

#include "gtest/gtest.h"

namespace edgesim::policy {
namespace {

struct CombinedCase {
  std::string name;
  Headers headers;
};

class CombinedHeaderValueTest : public testing::TestWithParam<CombinedCase> {};

// Whatever the fields, the result is Headers::GetCombined's.
TEST_P(CombinedHeaderValueTest, EqualsGetCombined) {
  const Headers& headers = GetParam().headers;
  std::string scratch;
  const absl::optional<absl::string_view> value =
      CombinedHeaderValue(headers, "cache-CONTROL", &scratch);
  const absl::optional<std::string> expected = headers.GetCombined("Cache-Control");
  ASSERT_EQ(value.has_value(), expected.has_value());
  if (value) {
    EXPECT_EQ(*value, *expected);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Fields, CombinedHeaderValueTest,
    testing::Values(
        CombinedCase{"Absent", {{"ETag", "\"a\""}}},
        CombinedCase{"Once", {{"Cache-Control", "max-age=60"}, {"ETag", "\"a\""}}},
        CombinedCase{"OnceEmpty", {{"Cache-Control", ""}}},
        CombinedCase{"Twice",
                     {{"Cache-Control", "public"}, {"X", "1"}, {"cache-control", "max-age=1"}}},
        CombinedCase{"ThreeTimes",
                     {{"Cache-Control", "a"}, {"Cache-Control", ""}, {"CACHE-CONTROL", "c"}}}),
    [](const testing::TestParamInfo<CombinedCase>& info) { return info.param.name; });

TEST(CombinedHeaderValueTest, ViewsTheFieldWhenSentOnce) {
  const Headers headers{{"Cache-Control", "max-age=60"}};
  std::string scratch;
  const absl::optional<absl::string_view> value =
      CombinedHeaderValue(headers, "Cache-Control", &scratch);
  ASSERT_TRUE(value.has_value());
  EXPECT_EQ(value->data(), headers.fields()[0].second.data());
  EXPECT_TRUE(scratch.empty());
}

}  // namespace
}  // namespace edgesim::policy
