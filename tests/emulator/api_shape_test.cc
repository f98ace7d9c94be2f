#include "emulator/api_shape.h"

#include <string>
#include <vector>

#include "emulator/api_error.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace edgesim::emulator {
namespace {

using nlohmann::json;

TEST(ApiTimeTest, Rfc3339WithMillisecondsInUtc) {
  EXPECT_EQ(ApiTime(absl::FromUnixMillis(1796407200123)), "2026-12-04T18:00:00.123Z");
  EXPECT_EQ(ApiTime(absl::FromUnixSeconds(0)), "1970-01-01T00:00:00.000Z");
}

TEST(QuantityListTest, EmptyListsHaveNoItems) {
  EXPECT_EQ(QuantityList(json::array()), json({{"Quantity", 0}}));
  EXPECT_EQ(QuantityList({"a", "b"}), json({{"Quantity", 2}, {"Items", {"a", "b"}}}));
}

TEST(CheckQuantitiesTest, FindsTheFirstMismatchAnywhere) {
  EXPECT_TRUE(
      CheckQuantities(
          json::parse(R"({"Origins": {"Quantity": 1, "Items": [{"CustomHeaders": {"Quantity": 0}}]},
      "Aliases": {"Quantity": 0}})"),
          "DistributionConfig")
          .ok());
  absl::Status nested = CheckQuantities(
      json::parse(R"({"Origins": {"Quantity": 1, "Items": [{"CustomHeaders": {"Quantity": 2,
                      "Items": [{"HeaderName": "a", "HeaderValue": "b"}]}}]}})"),
      "DistributionConfig");
  EXPECT_EQ(ToApiError(nested).code, "InconsistentQuantities");
  EXPECT_EQ(nested.message(),
            "The specified quantity of CustomHeaders (2) does not match the actual quantity "
            "supplied (1).");
  EXPECT_EQ(ToApiError(CheckQuantities(json::parse(R"({"Aliases": {"Quantity": 1}})"), "X")).code,
            "InconsistentQuantities");
  // A Quantity of the wrong type is the shape's validation's business.
  EXPECT_TRUE(CheckQuantities(json::parse(R"({"Aliases": {"Quantity": "1"}})"), "X").ok());
}

TEST(PaginateTest, PagesByMarker) {
  const std::vector<std::string> ids = {"a", "b", "c"};
  absl::StatusOr<ListPage> first = Paginate(ids, "", 2);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->begin, 0u);
  EXPECT_EQ(first->end, 2u);
  EXPECT_EQ(first->ToJson({"a", "b"}), json({{"Marker", ""},
                                             {"NextMarker", "b"},
                                             {"MaxItems", 2},
                                             {"IsTruncated", true},
                                             {"Quantity", 2},
                                             {"Items", {"a", "b"}}}));
  absl::StatusOr<ListPage> last = Paginate(ids, "b", 2);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->begin, 2u);
  EXPECT_EQ(last->end, 3u);
  EXPECT_FALSE(last->truncated);
  EXPECT_FALSE(last->ToJson({"c"}).contains("NextMarker"));
  absl::StatusOr<ListPage> after_last = Paginate(ids, "c", 2);
  ASSERT_TRUE(after_last.ok());
  EXPECT_EQ(after_last->ToJson(json::array()),
            json({{"Marker", "c"}, {"MaxItems", 2}, {"IsTruncated", false}, {"Quantity", 0}}));
  absl::StatusOr<ListPage> none = Paginate(ids, "a", 0);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->truncated);
  EXPECT_EQ(none->next_marker, "a");  // resumes where it was asked to
  EXPECT_EQ(ToApiError(Paginate(ids, "zz", 2).status()).code, "InvalidArgument");
}

}  // namespace
}  // namespace edgesim::emulator
