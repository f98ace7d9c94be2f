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

// A CloudFront standard log is a scenario of its own: replayed on the default distribution.
TEST(SimulateCommandTest, AcceptsACloudFrontLogDirectly) {
  const std::string dir = OutDir("log");
  const AppRun r =
      Edgesim({"simulate",
               EDGESIM_SOURCE_DIR "/tests/testdata/sim/cloudfront/E2EXAMPLE.2026-11-22-07.a1b2c3d4",
               "--out", dir});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_GT(ReadJson(dir + "/report.json")["variants"][0]["total"]["requests"].get<int64_t>(), 0);
}

TEST(SimulateCommandTest, AnythingElseIsRefusedWithTheFormatsExpected) {
  const std::string path = testing::TempDir() + "/simulate_test_access.log";
  std::ofstream(path) << "2026-11-22 07:15:28 IAD89-C2 GET /a 200\n";
  const AppRun r = Edgesim({"simulate", path, "--out", OutDir("bad")});
  EXPECT_EQ(r.code, kExitInvalid);
  EXPECT_THAT(r.err, HasSubstr("expected a scenario JSON"));
  EXPECT_THAT(r.err, HasSubstr("CloudFront standard access log"));
}

// stderr that is not a terminal gets whole progress lines; --quiet none.
TEST(SimulateCommandTest, PipedProgressIsLines) {
  const std::string err_path = testing::TempDir() + "/simulate_test_progress.txt";
  const std::string command = absl::StrCat(EDGESIM_BINARY, " simulate ", kGoldenScenario,
                                           " --out ", OutDir("piped"), " 2>", err_path);
  ASSERT_EQ(std::system(command.c_str()), 0);
  std::stringstream piped;
  piped << std::ifstream(err_path).rdbuf();
  EXPECT_THAT(piped.str(), HasSubstr("100% 5/5 variants"));
  EXPECT_THAT(piped.str(), Not(HasSubstr("\r")));

  ASSERT_EQ(std::system(absl::StrCat(command, " --quiet").c_str()), 0);  // 2> then the flag
  std::stringstream quiet;
  quiet << std::ifstream(err_path).rdbuf();
  EXPECT_EQ(quiet.str(), "");
}

}  // namespace
}  // namespace edgesim::cli
