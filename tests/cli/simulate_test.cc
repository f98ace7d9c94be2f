#include "cli/simulate.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cli/app.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/cli/app_run.h"

namespace edgesim::cli {
namespace {

using testing::HasSubstr;

const std::string kGoldenScenario =
    std::string(EDGESIM_SOURCE_DIR) + "/tests/testdata/sim/golden-scenario.json";

std::string OutDir(absl::string_view name) {
  const std::string dir = absl::StrCat(testing::TempDir(), "/simulate_test_", name);
  std::filesystem::remove_all(dir);
  return dir;
}

nlohmann::json ReadJson(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in, nullptr, false);
}

TEST(SimulateCommandTest, WritesEveryReportAndPrintsTheTable) {
  const std::string dir = OutDir("all");
  const AppRun r = Edgesim({"simulate", kGoldenScenario, "--out", dir, "--threads", "2"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("hit ratio"));
  EXPECT_THAT(r.out, HasSubstr("tiny-sieve"));
  for (const char* file : {"report.json", "report.csv", "report.html"}) {
    EXPECT_TRUE(std::filesystem::exists(absl::StrCat(dir, "/", file))) << file;
  }
  EXPECT_EQ(ReadJson(dir + "/report.json")["variants"].size(), 5u);
}

TEST(SimulateCommandTest, ShardsMergeIntoTheSingleRunsReport) {
  const std::string whole = OutDir("whole");
  ASSERT_EQ(Edgesim({"simulate", kGoldenScenario, "--out", whole}).code, 0);
  std::vector<std::string> merge = {"merge"};
  for (int k = 0; k < 3; ++k) {
    const std::string dir = OutDir(absl::StrCat("shard", k));
    const AppRun r =
        Edgesim({"simulate", kGoldenScenario, "--out", dir, "--shard", absl::StrCat(k, "/3")});
    ASSERT_EQ(r.code, 0) << r.err;
    merge.push_back(dir + "/report.json");
  }
  const std::string merged = OutDir("merged");
  merge.insert(merge.end(), {"-o", merged});
  const AppRun r = Edgesim(merge);
  ASSERT_EQ(r.code, 0) << r.err;
  nlohmann::json expected = ReadJson(whole + "/report.json");
  expected["shards"] = {{"covered", {0, 1, 2}}, {"count", 3}};
  nlohmann::json actual = ReadJson(merged + "/report.json");
  // The Origin Shield joins every POP, so only the other variants partition exactly (replay.h).
  for (nlohmann::json* j : {&expected, &actual}) (*j)["variants"].erase(2);
  EXPECT_EQ(actual, expected) << nlohmann::json::diff(expected, actual).dump();
}

TEST(SimulateCommandTest, OneVariant) {
  const std::string dir = OutDir("one");
  const AppRun r = Edgesim({"simulate", kGoldenScenario, "--out", dir, "--variant", "short"});
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json report = ReadJson(dir + "/report.json");
  ASSERT_EQ(report["variants"].size(), 1u);
  EXPECT_EQ(report["variants"][0]["name"], "short");
}

TEST(SimulateCommandTest, BadInputs) {
  const std::string dir = OutDir("bad");
  AppRun r = Edgesim({"simulate", kGoldenScenario, "--out", dir, "--shard", "3/3"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--shard \"3/3\""));
  r = Edgesim({"simulate", "/nonexistent.json"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("/nonexistent.json"));
  r = Edgesim({"simulate", kGoldenScenario, "--out", dir, "--variant", "nope"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("no variant is named \"nope\""));
  r = Edgesim({"merge", "/nonexistent/report.json", "-o", dir});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("/nonexistent/report.json"));
}

}  // namespace
}  // namespace edgesim::cli
