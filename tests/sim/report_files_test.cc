#include "sim/report_files.h"

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"

namespace edgesim::sim {
namespace {

TEST(ReportFilesTest, WritesThreeFilesAndReadsTheJsonBack) {
  SimulationResult r;
  r.scenario = "files";
  r.series_buckets = 1;
  VariantResult v;
  v.name = "v";
  v.total.requests = 3;
  v.series.resize(1);
  r.variants.push_back(v);
  const std::string dir = ::testing::TempDir() + "/report_files_test/nested";
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(WriteReports(r, dir).ok());
  for (const char* f : {"report.json", "report.csv", "report.html"}) {
    EXPECT_GT(std::filesystem::file_size(dir + "/" + f), 0u) << f;
  }
  absl::StatusOr<SimulationResult> back = ReadReport(dir + "/report.json");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, r);

  std::ofstream(dir + "/broken.json") << "{";
  absl::StatusOr<SimulationResult> broken = ReadReport(dir + "/broken.json");
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("broken.json"), std::string::npos);
  EXPECT_FALSE(ReadReport(dir + "/missing.json").ok());
}

}  // namespace
}  // namespace edgesim::sim
