// The three drivers of one request pipeline agree (core/request_pipeline.h): every checked-in
// teaching scenario is played in-process (`play`), against a real `edgesim serve` (`play --live`)
// and simulated (`simulate`, the scenario's steps as the workload), and all three must give every
// request step the same status, X-Cache, Age and version, and the origin the same request count
// after it. The two plays must also meet every expectation.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/live_driver.h"
#include "core/viewer_head.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/in_process_driver.h"
#include "sim/simulation.h"
#include "tests/sim/scenario_files.h"

namespace edgesim::cli {
namespace {

using ::testing::IsEmpty;

std::string Line(const sim::Scenario& scenario, size_t step, const sim::Observation& seen,
                 int64_t origin_requests) {
  return absl::StrCat(sim::StepLabel(scenario.steps[step], step), ": ", sim::Summarize(seen),
                      " origin ", origin_requests);
}

// Every request step's line, from a play.
std::vector<std::string> Observed(const sim::Scenario& scenario, const sim::PlayResult& r) {
  std::vector<std::string> out;
  for (const sim::StepResult& s : r.steps) {
    if (s.observation) out.push_back(Line(scenario, s.index, *s.observation, s.origin_requests));
  }
  return out;
}

sim::PlayResult Play(const sim::Scenario& scenario, sim::ScenarioDriver& driver) {
  absl::StatusOr<sim::PlayResult> r = sim::PlayScenario(scenario, driver);
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok()) return {};
  EXPECT_THAT(r->Mismatches(), IsEmpty()) << absl::StrJoin(r->Mismatches(), "\n");
  return *std::move(r);
}

// The same lines from the simulator's replay of the steps (its first variant).
std::vector<std::string> Simulated(const sim::Scenario& scenario) {
  std::vector<size_t> request_steps;
  for (size_t i = 0; i < scenario.steps.size(); ++i) {
    if (scenario.steps[i].kind == sim::Step::Kind::kRequest) request_steps.push_back(i);
  }
  std::vector<std::string> out;
  sim::SimulationOptions options;
  options.threads = 1;
  options.variant = scenario.variants.front().name;
  options.on_request = [&](const sim::ReplayedRequest& r) {
    if (out.size() >= request_steps.size()) {
      out.push_back("a request no step made");
      return;
    }
    const sim::Observation seen =
        sim::ObservationFrom(r.result.viewer.status, core::ViewerHeaders(r.result), "");
    out.push_back(
        Line(scenario, request_steps[out.size()], seen, static_cast<int64_t>(r.origin_requests)));
  };
  absl::StatusOr<sim::SimulationResult> result = sim::RunSimulation(scenario, options);
  EXPECT_TRUE(result.ok()) << result.status();
  return out;
}

void ExpectAllAgree(const sim::Scenario& scenario) {
  absl::StatusOr<std::unique_ptr<sim::InProcessDriver>> in_process =
      sim::InProcessDriver::Create(scenario);
  ASSERT_TRUE(in_process.ok()) << in_process.status();
  const std::vector<std::string> played = Observed(scenario, Play(scenario, **in_process));
  ASSERT_FALSE(played.empty());

  absl::StatusOr<std::unique_ptr<LiveDriver>> live =
      LiveDriver::Create(scenario, {.binary = EDGESIM_BINARY});
  ASSERT_TRUE(live.ok()) << live.status();
  EXPECT_EQ(Observed(scenario, Play(scenario, **live)), played) << "play --live vs play";
  EXPECT_EQ(Simulated(scenario), played) << "simulate vs play";
}

class DriverAgreementTest : public ::testing::TestWithParam<std::string> {};

TEST_P(DriverAgreementTest, PlayLiveAndSimulateAgreeOnEveryStep) {
  absl::StatusOr<sim::Scenario> scenario = sim::LoadScenario(GetParam());
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  ASSERT_EQ(LiveDriver::Unsupported(*scenario), "");
  ExpectAllAgree(*scenario);
}

INSTANTIATE_TEST_SUITE_P(Scenarios, DriverAgreementTest,
                         ::testing::ValuesIn(sim::testing::TeachingScenarioFiles()),
                         [](const auto& info) {
                           return sim::testing::ScenarioTestName(info.param);
                         });

TEST(DriverAgreementTest, StatusOutagesPopsAndHeadersAgree) {
  // An expired copy and a 503 from the origin: the stale copy is served (SPEC 3.5).
  ExpectAllAgree(sim::testing::ParseScenarioText(R"({
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

}  // namespace
}  // namespace edgesim::cli
