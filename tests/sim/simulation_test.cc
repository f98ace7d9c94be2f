#include "sim/simulation.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/report_files.h"
#include "sim/trace_source.h"
#include "sim/workload_spec.h"

namespace edgesim::sim {
namespace {

const std::string kDir = std::string(EDGESIM_SOURCE_DIR) + "/tests/testdata/sim/";

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Checked-in reports of small scenarios, one per input: steps (3 POPs, deploys, an invalidation,
// outages, tiers, a tiny cache, a key-only variant), a CSV trace, an oracleGeneral trace, and
// deploy-pattern's distribution on a generated workload with caches that evict (the full model's
// results, which its speed work must leave as they are).
// Regenerate after an intended change with
//   EDGESIM_UPDATE_GOLDEN=1 ./build/tests/edgesim_sim_test --gtest_filter='*Golden*'
// and review the diff.
class GoldenReportTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenReportTest, MatchesTheCheckedInReport) {
  absl::StatusOr<Scenario> scenario = LoadScenario(kDir + GetParam() + ".json");
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  SimulationOptions options;
  options.threads = 3;
  absl::StatusOr<SimulationResult> result = RunSimulation(*scenario, options);
  ASSERT_TRUE(result.ok()) << result.status();
  const nlohmann::json actual = ToJson(*result);
  const std::string golden = kDir + GetParam() + ".report.json";
  const char* update = std::getenv("EDGESIM_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(golden) << actual.dump(2) << "\n";
    GTEST_SKIP() << "rewrote " << golden;
  }
  const nlohmann::json expected = nlohmann::json::parse(Slurp(golden), nullptr, false);
  ASSERT_FALSE(expected.is_discarded()) << golden << " is missing or not JSON";
  EXPECT_EQ(actual, expected) << "diff (RFC 6902): " << nlohmann::json::diff(expected, actual).dump();
  // Sanity of the golden itself.
  const Tally& first = result->variants[0].total;
  EXPECT_GT(first.hits, 0u);
  EXPECT_GT(first.misses, 0u);
}

INSTANTIATE_TEST_SUITE_P(Inputs, GoldenReportTest,
                         ::testing::Values("golden-scenario", "golden-csv-scenario",
                                           "golden-oracle-scenario",
                                           "golden-deploy-pattern-scenario"));

// Full-model variants read the workload again rather than keeping its records: a second pass must
// see exactly what a kept buffer would (a CSV trace; the generator with a deploy).
TEST(SimulationTest, ASecondPassOverTheWorkloadEqualsKeptRecords) {
  absl::StatusOr<Scenario> csv = LoadScenario(kDir + "golden-csv-scenario.json");
  absl::StatusOr<Scenario> generated =
      LoadScenario(std::string(EDGESIM_SOURCE_DIR) + "/scenarios/deploy-pattern.json");
  ASSERT_TRUE(csv.ok() && generated.ok());
  generated->workload["rate"] = 1;
  generated->workload["duration"] = 25000;  // one deploy, at 21,600 s
  for (const Scenario* scenario : {&*csv, &*generated}) {
    SimulationOptions options;
    options.threads = 2;
    absl::StatusOr<SimulationResult> streamed = RunSimulation(*scenario, options);
    absl::StatusOr<WorkloadSpec> spec = ParseWorkloadSpec(scenario->workload, scenario->base_dir);
    ASSERT_TRUE(streamed.ok() && spec.ok()) << streamed.status() << spec.status();
    absl::StatusOr<std::unique_ptr<TraceSource>> source = OpenTrace(*spec, /*strict=*/false);
    ASSERT_TRUE(source.ok());
    absl::StatusOr<SimulationResult> kept =
        RunSimulation(*scenario, **source, options, absl::UnixEpoch());
    ASSERT_TRUE(kept.ok()) << kept.status();
    EXPECT_EQ(ToJson(*streamed), ToJson(*kept)) << scenario->name;
    EXPECT_EQ(streamed->variants[0].mode, "full");
    EXPECT_GT(streamed->variants[0].total.requests, 100u);
  }
}

TEST(SimulationTest, BadRecordsAreCountedOrStrictlyAnError) {
  const std::string dir = ::testing::TempDir();
  std::ofstream(dir + "/bad.csv") << "0,/a,100\n1,/a,100\nnot-a-time,/b,100\n2,/b,100\n";
  absl::StatusOr<Scenario> scenario = ParseScenario(nlohmann::json::parse(R"({
    "workload": {"kind": "csv", "file": "bad.csv", "columns": {"time": 0, "key": 1, "size": 2}}
  })"), dir);
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  absl::StatusOr<SimulationResult> lenient = RunSimulation(*scenario, SimulationOptions());
  ASSERT_TRUE(lenient.ok()) << lenient.status();
  EXPECT_EQ(lenient->bad_records, 1u);
  EXPECT_EQ(lenient->variants[0].total.requests, 3u);
  EXPECT_EQ(lenient->variants[0].total.hits, 1u);
  SimulationOptions strict;
  strict.strict = true;
  absl::StatusOr<SimulationResult> r = RunSimulation(*scenario, strict);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("bad.csv:3"), std::string::npos) << r.status();
}

TEST(SimulationTest, StepsReplayAsTheWorkloadWithInvalidationsAtOnce) {
  absl::StatusOr<Scenario> scenario = ParseScenario(nlohmann::json::parse(R"({
    "origin": {"rules": [{"path": "*", "headers": {"Cache-Control": "max-age=600"}}]},
    "steps": [{"at": 0, "request": "GET /a"}, {"at": 5, "invalidate": ["/a"]},
              {"at": 5, "request": "GET /a", "pop": "FRA6-C1"}, {"at": 6, "request": "GET /a"}]
  })"), ".");
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  absl::StatusOr<SimulationResult> r = RunSimulation(*scenario, SimulationOptions());
  ASSERT_TRUE(r.ok()) << r.status();
  // A step without a POP goes to the first one named (FRA6-C1).
  EXPECT_EQ(r->variants[0].pops.size(), 1u);
  EXPECT_EQ(r->variants[0].total.misses, 2u);  // at 0, and at 5 when the invalidation is in effect
  EXPECT_EQ(r->variants[0].total.hits, 1u);
  EXPECT_EQ(r->records, 4u);
}

TEST(SimulationTest, ProgressBarEndsAtTheFullCount) {
  absl::StatusOr<Scenario> scenario = LoadScenario(kDir + "golden-scenario.json");
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  std::ostringstream progress;
  SimulationOptions options;
  options.progress = &progress;
  ASSERT_TRUE(RunSimulation(*scenario, options).ok());
  const std::string bar = progress.str();
  EXPECT_THAT(bar.substr(bar.rfind('\r')),
              ::testing::MatchesRegex("\r\\[#{30}\\] 100% 5/5 variants, [0-9]+s elapsed\n"));
}

// Not a terminal: whole lines, the last one at 100%, no carriage return.
TEST(SimulationTest, ProgressLinesEndAtTheFullCount) {
  absl::StatusOr<Scenario> scenario = LoadScenario(kDir + "golden-scenario.json");
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  std::ostringstream progress;
  SimulationOptions options;
  options.progress = &progress;
  options.progress_lines = true;
  ASSERT_TRUE(RunSimulation(*scenario, options).ok());
  const std::string lines = progress.str();
  EXPECT_EQ(lines.find('\r'), std::string::npos);
  const size_t last = lines.rfind('\n', lines.size() - 2);
  EXPECT_THAT(lines.substr(last == std::string::npos ? 0 : last + 1),
              ::testing::MatchesRegex("\\[#{30}\\] 100% 5/5 variants, [0-9]+s elapsed\n"));
}

TEST(SimulationTest, NothingToReplay) {
  absl::StatusOr<Scenario> scenario = ParseScenario(nlohmann::json::object(), ".");
  EXPECT_FALSE(RunSimulation(*scenario, SimulationOptions()).ok());
}

TEST(SimulationTest, EveryScenarioFileParsesAndReplays) {
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(EDGESIM_SOURCE_DIR) + "/scenarios")) {
    if (entry.path().extension() != ".json") continue;
    SCOPED_TRACE(entry.path().string());
    absl::StatusOr<Scenario> scenario = LoadScenario(entry.path().string());
    ASSERT_TRUE(scenario.ok()) << scenario.status();
    // What-if workloads are too long for a unit test: their first 2,000 requests, every variant.
    if (!scenario->workload.is_null()) scenario->workload["requests"] = 2000;
    absl::StatusOr<SimulationResult> r = RunSimulation(*scenario, SimulationOptions());
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_GT(r->variants[0].total.requests, 0u);
  }
}

}  // namespace
}  // namespace edgesim::sim
