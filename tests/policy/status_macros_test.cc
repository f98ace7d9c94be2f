#include "policy/status_macros.h"

#include "gtest/gtest.h"

namespace edgesim::policy {
namespace {

absl::StatusOr<int> Half(int n) {
  if (n % 2 != 0) return absl::InvalidArgumentError("odd");
  return n / 2;
}

absl::StatusOr<int> Quarter(int n) {
  EDGESIM_ASSIGN_OR_RETURN(int half, Half(n));
  EDGESIM_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

absl::Status CheckEven(int n, int* calls) {
  EDGESIM_RETURN_IF_ERROR(Half(n).status());
  ++*calls;
  return absl::OkStatus();
}

TEST(StatusMacrosTest, AssignOrReturnPassesValuesAndStopsAtTheFirstError) {
  EXPECT_EQ(*Quarter(12), 3);
  EXPECT_EQ(Quarter(6).status().message(), "odd");  // 6 -> 3, then 3 is odd
  EXPECT_EQ(Quarter(5).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(StatusMacrosTest, ReturnIfErrorReturnsBeforeTheRest) {
  int calls = 0;
  EXPECT_TRUE(CheckEven(4, &calls).ok());
  EXPECT_FALSE(CheckEven(3, &calls).ok());
  EXPECT_EQ(calls, 1);
}

TEST(StatusMacrosDeathTest, CheckAbortsWithTheCondition) {
  EXPECT_DEATH(EDGESIM_CHECK(1 + 1 == 3), "EDGESIM_CHECK failed: 1 \\+ 1 == 3");
}

}  // namespace
}  // namespace edgesim::policy
