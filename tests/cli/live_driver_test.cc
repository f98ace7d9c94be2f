// Plays every checked-in teaching scenario against a real `edgesim serve` and in-process, and
// requires both to meet every expectation and to agree step by step.
#include "cli/live_driver.h"

#include <string>

#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/in_process_driver.h"
#include "tests/sim/scenario_files.h"

namespace edgesim::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

absl::StatusOr<sim::PlayResult> PlayLive(const sim::Scenario& scenario) {
  absl::StatusOr<std::unique_ptr<LiveDriver>> driver =
      LiveDriver::Create(scenario, {.binary = EDGESIM_BINARY});
  if (!driver.ok()) return driver.status();
  return sim::PlayScenario(scenario, **driver);
}

absl::StatusOr<sim::PlayResult> PlayInProcess(const sim::Scenario& scenario) {
  absl::StatusOr<std::unique_ptr<sim::InProcessDriver>> driver =
      sim::InProcessDriver::Create(scenario);
  if (!driver.ok()) return driver.status();
  return sim::PlayScenario(scenario, **driver);
}

// Status, X-Cache, Age and version of every request step, and the origin's count after it.
std::vector<std::string> Observed(const sim::PlayResult& r) {
  std::vector<std::string> out;
  for (const sim::StepResult& s : r.steps) {
    if (!s.observation) continue;
    out.push_back(absl::StrCat(sim::StepLabel(*s.step, s.index), ": ",
                               sim::Summarize(*s.observation), " origin ", s.origin_requests));
  }
  return out;
}

void ExpectBothAgree(const sim::Scenario& scenario) {
  absl::StatusOr<sim::PlayResult> live = PlayLive(scenario);
  ASSERT_TRUE(live.ok()) << live.status();
  absl::StatusOr<sim::PlayResult> in_process = PlayInProcess(scenario);
  ASSERT_TRUE(in_process.ok()) << in_process.status();
  EXPECT_THAT(live->Mismatches(), IsEmpty()) << absl::StrJoin(live->Mismatches(), "\n");
  EXPECT_THAT(in_process->Mismatches(), IsEmpty()) << absl::StrJoin(in_process->Mismatches(), "\n");
  EXPECT_EQ(Observed(*live), Observed(*in_process));
}

class LiveScenarioTest : public ::testing::TestWithParam<std::string> {};

TEST_P(LiveScenarioTest, MeetsEveryExpectationAndAgreesWithInProcess) {
  absl::StatusOr<sim::Scenario> scenario = sim::LoadScenario(GetParam());
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  ASSERT_EQ(LiveDriver::Unsupported(*scenario), "");
  ExpectBothAgree(*scenario);
}

INSTANTIATE_TEST_SUITE_P(Scenarios, LiveScenarioTest,
                         ::testing::ValuesIn(sim::testing::TeachingScenarioFiles()),
                         [](const auto& info) {
                           return sim::testing::ScenarioTestName(info.param);
                         });

sim::Scenario Parse(const std::string& text) {
  absl::StatusOr<sim::Scenario> s = sim::ParseScenario(nlohmann::json::parse(text), "/");
  EXPECT_TRUE(s.ok()) << s.status();
  return *s;
}

TEST(LiveDriverTest, StatusOutagesPopsAndHeadersAgreeWithInProcess) {
  // An expired copy and a 503 from the origin: the stale copy is served (SPEC 3.5).
  ExpectBothAgree(Parse(R"({
    "origin": {"rules": [{"path": "*", "headers": {"Cache-Control": "max-age=5"}}],
               "outages": [{"from": 10, "to": 40, "status": 503}]},
    "steps": [
      {"at": 0, "request": "GET /a?x=1", "pop": "FRA6-C1", "expect": {"x_cache": "Miss"}},
      {"at": 2, "request": "GET /a?x=1", "pop": "IAD89-C1", "headers": {"Accept-Encoding": "gzip"},
       "expect": {"x_cache": "Miss", "headers": {"X-Amz-Cf-Pop": "IAD89-C1"}}},
      {"at": 12, "request": "GET /a?x=1", "pop": "FRA6-C1", "expect": {"status": 200, "version": 1}},
      {"at": 13, "request": "GET /b", "pop": "FRA6-C1", "expect": {"status": 503, "x_cache": "Error"}},
      {"at": 20, "request": "HEAD /b", "pop": "FRA6-C1", "expect": {"status": 503}},
      {"at": 41, "request": "GET /b", "expect": {"status": 200, "x_cache": "Miss"}}
    ]})"));
}

TEST(LiveDriverTest, AWrongExpectationIsReported) {
  absl::StatusOr<sim::PlayResult> r = PlayLive(Parse(R"({"steps": [
      {"at": 0, "request": "/a", "expect": {"x_cache": "Miss"}},
      {"at": 1, "request": "/a", "expect": {"x_cache": "Miss", "age": 1}}]})"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(r->Mismatches(),
              ElementsAre("steps[1] GET /a: x_cache: want Miss, got Hit from cloudfront"));
}

TEST(LiveDriverTest, TimeoutsAndRefusedConnectionsAreNotScriptable) {
  const sim::Scenario timeout = Parse(R"({
    "origin": {"outages": [{"from": 0, "to": 5, "failure": "timeout"}]},
    "steps": [{"at": 0, "request": "/a"}]})");
  EXPECT_EQ(LiveDriver::Unsupported(timeout), "live driver cannot script a timeout");
  absl::StatusOr<std::unique_ptr<LiveDriver>> d =
      LiveDriver::Create(timeout, {.binary = EDGESIM_BINARY});
  EXPECT_EQ(d.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(LiveDriver::Unsupported(Parse(R"({
    "origin": {"outages": [{"from": 0, "to": 5, "failure": "refused"}]}})")),
            "live driver cannot script a refused connection");
}

TEST(LiveDriverTest, ABadInvalidationPathIsAnError) {
  absl::StatusOr<sim::PlayResult> r =
      PlayLive(Parse(R"({"steps": [{"at": 0, "invalidate": ["/a b"]}]})"));
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()), ::testing::HasSubstr("steps[0] invalidate"));
}

}  // namespace
}  // namespace edgesim::cli
