#include "cli/huge_page_heap.h"

#include <string>

#include "gtest/gtest.h"

namespace edgesim::cli {
namespace {

TEST(TunablesWithHugePageHeapTest, AddsHugeTlbToWhatIsSet) {
  EXPECT_EQ(TunablesWithHugePageHeap(nullptr), "glibc.malloc.hugetlb=1");
  EXPECT_EQ(TunablesWithHugePageHeap(""), "glibc.malloc.hugetlb=1");
  EXPECT_EQ(TunablesWithHugePageHeap("glibc.malloc.arena_max=2"),
            "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1");
}

TEST(TunablesWithHugePageHeapTest, TheUsersOwnHugeTlbSettingStands) {
  EXPECT_EQ(TunablesWithHugePageHeap("glibc.malloc.hugetlb=0"), absl::nullopt);
  EXPECT_EQ(TunablesWithHugePageHeap("glibc.malloc.arena_max=2:glibc.malloc.hugetlb=2"),
            absl::nullopt);
}

}  // namespace
}  // namespace edgesim::cli
