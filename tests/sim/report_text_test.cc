#include "sim/report_text.h"

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace edgesim::sim {
namespace {

using ::testing::HasSubstr;

SimulationResult TwoVariants() {
  SimulationResult r;
  r.scenario = "demo";
  for (const char* name : {"plain", "with, comma"}) {
    VariantResult v;
    v.name = name;
    v.total.requests = 200;
    v.total.hits = 150;
    v.total.bytes = 2'000'000;
    v.total.bytes_from_cache = 1'000'000;
    v.total.origin_bytes = 1'500'000;
    v.invalidation_paths["2026-01"] = 1200;
    r.variants.push_back(v);
  }
  r.variants[1].total.hits = 50;
  return r;
}

TEST(ReportTextTest, TableShowsVariantsSideBySide) {
  const std::string table = RenderTable(TwoVariants());
  std::vector<std::string> lines = absl::StrSplit(table, '\n');
  EXPECT_EQ(lines[0], "demo");
  EXPECT_THAT(lines[1], HasSubstr("plain"));
  EXPECT_THAT(lines[1], HasSubstr("with, comma"));
  EXPECT_THAT(table, HasSubstr("75.00 %"));
  EXPECT_THAT(table, HasSubstr("25.00 %"));
  EXPECT_THAT(table, HasSubstr("1.50 MB"));
  EXPECT_THAT(table, HasSubstr("$1.00"));  // 200 billed paths
}

TEST(ReportTextTest, CsvHasOneQuotedRowPerVariant) {
  const std::string csv = RenderCsv(TwoVariants());
  std::vector<std::string> lines = absl::StrSplit(csv, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(std::count(lines[0].begin(), lines[0].end(), ','), 20);
  EXPECT_THAT(lines[1], ::testing::StartsWith("plain,full,200,150,"));
  EXPECT_THAT(lines[2], ::testing::StartsWith("\"with, comma\",full,200,50,"));
  EXPECT_THAT(lines[1], ::testing::HasSubstr(",1200,1.000,"));
  // hits / requests, 1 - origin requests / requests, 1 - origin bytes / bytes.
  EXPECT_THAT(lines[1], ::testing::EndsWith(",0.750000,1.000000,0.250000"));
}

}  // namespace
}  // namespace edgesim::sim
