#include "sim/trace.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace edgesim::sim {
namespace {

TEST(TraceArenaTest, ViewsStayValidAcrossBlocks) {
  TraceArena arena;
  std::vector<std::string> originals;
  std::vector<absl::string_view> views;
  for (int i = 0; i < 20000; ++i) {  // ~200 KB: several blocks
    originals.push_back("/docs/page-" + std::to_string(i) + ".html");
    views.push_back(arena.Store(originals.back()));
  }
  const std::string big(200 * 1024, 'x');  // larger than a block
  const absl::string_view big_view = arena.Store(big);
  for (size_t i = 0; i < views.size(); ++i) ASSERT_EQ(views[i], originals[i]);
  EXPECT_EQ(big_view, big);
  EXPECT_TRUE(arena.Store("").empty());
}

TEST(TraceArenaTest, ClearReusesMemory) {
  TraceArena arena;
  const char* first = arena.Store("abc").data();
  for (int i = 0; i < 10000; ++i) arena.Store("0123456789abcdef");
  arena.Clear();
  EXPECT_EQ(arena.Store("xyz").data(), first);
}

TEST(ReportBadRecordTest, CountsOrStops) {
  TraceStats stats;
  absl::Status status;
  for (int i = 0; i < 15; ++i) {
    EXPECT_TRUE(ReportBadRecord("f:" + std::to_string(i) + ": bad", false, stats, status));
  }
  EXPECT_EQ(stats.bad_records, 15u);
  EXPECT_EQ(stats.bad_examples.size(), 10u);  // the first few only
  EXPECT_EQ(stats.bad_examples[0], "f:0: bad");
  EXPECT_TRUE(status.ok());
  EXPECT_FALSE(ReportBadRecord("f:99: worse", true, stats, status));
  EXPECT_EQ(status, absl::InvalidArgumentError("f:99: worse"));
  EXPECT_EQ(stats.bad_records, 15u);
}

}  // namespace
}  // namespace edgesim::sim
