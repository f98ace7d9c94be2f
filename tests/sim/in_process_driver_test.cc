// Plays every checked-in teaching scenario in-process; tests/cli/live_driver_test.cc plays the
// same files against a live `edgesim serve`.
#include "sim/in_process_driver.h"

#include <string>

#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/sim/scenario_files.h"

namespace edgesim::sim {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

absl::StatusOr<PlayResult> Play(const Scenario& scenario) {
  absl::StatusOr<std::unique_ptr<InProcessDriver>> driver = InProcessDriver::Create(scenario);
  if (!driver.ok()) return driver.status();
  return PlayScenario(scenario, **driver);
}

class TeachingScenarioTest : public ::testing::TestWithParam<std::string> {};

TEST_P(TeachingScenarioTest, MeetsEveryExpectation) {
  absl::StatusOr<Scenario> scenario = LoadScenario(GetParam());
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  absl::StatusOr<PlayResult> r = Play(*scenario);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->skipped.empty());
  EXPECT_THAT(r->Mismatches(), IsEmpty()) << absl::StrJoin(r->Mismatches(), "\n");
}

INSTANTIATE_TEST_SUITE_P(Scenarios, TeachingScenarioTest,
                         ::testing::ValuesIn(testing::TeachingScenarioFiles()),
                         [](const auto& info) { return testing::ScenarioTestName(info.param); });

TEST(InProcessDriverTest, TheSeedScenariosAreAllThere) {
  std::vector<std::string> names;
  for (const std::string& f : testing::TeachingScenarioFiles()) {
    names.push_back(testing::ScenarioTestName(f));
  }
  for (const char* seed :
       {"hashed_assets_short_index", "min_ttl_overrides_no_store", "invalidation_query_variants",
        "not_found_cached_10s", "default_root_object", "spa_error_page"}) {
    EXPECT_THAT(names, ::testing::Contains(seed));
  }
}

TEST(InProcessDriverTest, AWrongExpectationIsReportedWithItsStep) {
  absl::StatusOr<Scenario> s = ParseScenario(nlohmann::json::parse(R"({
    "origin": {"rules": [{"path": "*", "headers": {"Cache-Control": "max-age=60"}}]},
    "steps": [
      {"at": 0, "request": "GET /index.html", "expect": {"x_cache": "Miss"}},
      {"at": 10, "request": "GET /index.html", "expect": {"x_cache": "Miss", "age": 10}}
    ]})"),
                                             "/");
  ASSERT_TRUE(s.ok()) << s.status();
  absl::StatusOr<PlayResult> r = Play(*s);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(r->Mismatches(),
              ElementsAre("steps[1] GET /index.html: x_cache: want Miss, got Hit from cloudfront"));
}

TEST(InProcessDriverTest, PopsAreSeparateCachesAndInvalidationsReachThemAll) {
  absl::StatusOr<Scenario> s = ParseScenario(nlohmann::json::parse(R"({
    "steps": [
      {"at": 0, "request": "/a", "pop": "IAD89-C1", "expect": {"x_cache": "Miss"}},
      {"at": 1, "request": "/a", "pop": "FRA6-C1", "expect": {"x_cache": "Miss", "origin_requests": 2}},
      {"at": 2, "request": "/a", "expect": {"x_cache": "Hit", "age": 2, "headers": {"X-Amz-Cf-Pop": "IAD89-C1"}}},
      {"at": 3, "invalidate": ["/*"]},
      {"at": 3, "request": "/a", "pop": "FRA6-C1", "expect": {"x_cache": "Miss", "origin_requests": 3}}
    ]})"),
                                             "/");
  ASSERT_TRUE(s.ok()) << s.status();
  absl::StatusOr<PlayResult> r = Play(*s);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(r->Mismatches(), IsEmpty()) << absl::StrJoin(r->Mismatches(), "\n");
}

TEST(InProcessDriverTest, BadInvalidationPathsAreErrors) {
  absl::StatusOr<Scenario> s = ParseScenario(
      nlohmann::json::parse(R"({"steps": [{"at": 0, "invalidate": ["/a b"]}]})"), "/");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_FALSE(Play(*s).ok());
}

}  // namespace
}  // namespace edgesim::sim
