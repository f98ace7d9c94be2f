// The live driver's own behavior; its agreement with the other drivers, scenario by scenario, is
// driver_agreement_test.cc's.
#include "cli/live_driver.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/sim/scenario_files.h"

namespace edgesim::cli {
namespace {

using ::testing::ElementsAre;

absl::StatusOr<sim::PlayResult> PlayLive(const sim::Scenario& scenario) {
  absl::StatusOr<std::unique_ptr<LiveDriver>> driver =
      LiveDriver::Create(scenario, {.binary = EDGESIM_BINARY});
  if (!driver.ok()) return driver.status();
  return sim::PlayScenario(scenario, **driver);
}

TEST(LiveDriverTest, AWrongExpectationIsReported) {
  absl::StatusOr<sim::PlayResult> r = PlayLive(sim::testing::ParseScenarioText(R"({"steps": [
      {"at": 0, "request": "/a", "expect": {"x_cache": "Miss"}},
      {"at": 1, "request": "/a", "expect": {"x_cache": "Miss", "age": 1}}]})"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(r->Mismatches(),
              ElementsAre("steps[1] GET /a: x_cache: want Miss, got Hit from cloudfront"));
}

TEST(LiveDriverTest, TimeoutsAndRefusedConnectionsAreNotScriptable) {
  const sim::Scenario timeout = sim::testing::ParseScenarioText(R"({
    "origin": {"outages": [{"from": 0, "to": 5, "failure": "timeout"}]},
    "steps": [{"at": 0, "request": "/a"}]})");
  EXPECT_EQ(LiveDriver::Unsupported(timeout), "live driver cannot script a timeout");
  absl::StatusOr<std::unique_ptr<LiveDriver>> d =
      LiveDriver::Create(timeout, {.binary = EDGESIM_BINARY});
  EXPECT_EQ(d.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(LiveDriver::Unsupported(sim::testing::ParseScenarioText(R"({
    "origin": {"outages": [{"from": 0, "to": 5, "failure": "refused"}]}})")),
            "live driver cannot script a refused connection");
}

TEST(LiveDriverTest, ABadInvalidationPathIsAnError) {
  absl::StatusOr<sim::PlayResult> r = PlayLive(
      sim::testing::ParseScenarioText(R"({"steps": [{"at": 0, "invalidate": ["/a b"]}]})"));
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()), ::testing::HasSubstr("steps[0] invalidate"));
}

}  // namespace
}  // namespace edgesim::cli
