#include "sim/scenario_player.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace edgesim::sim {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Records what the player asks, answers every request with a Miss of version 1.
class RecordingDriver final : public ScenarioDriver {
 public:
  std::string CannotPlay(const Scenario&) const override { return cannot_play; }
  absl::Status AdvanceTo(absl::Duration at) override {
    calls.push_back(absl::StrCat("at ", absl::ToInt64Seconds(at)));
    return absl::OkStatus();
  }
  absl::StatusOr<Observation> Request(const policy::Request& request,
                                      const std::string& pop) override {
    calls.push_back(absl::StrCat(request.method, " ", request.target, " @", pop));
    ++origin_requests;
    return ObservationFrom(200, {{"X-Cache", "Miss from cloudfront"}, {"x-edgesim-version", "1"}},
                           "");
  }
  absl::Status Deploy(const std::vector<std::string>& paths) override {
    calls.push_back(absl::StrCat("deploy ", absl::StrJoin(paths, ",")));
    return absl::OkStatus();
  }
  absl::Status Invalidate(const std::vector<std::string>& paths) override {
    if (paths.front() == "/bad") return absl::InvalidArgumentError("bad path");
    calls.push_back(absl::StrCat("invalidate ", absl::StrJoin(paths, ",")));
    return absl::OkStatus();
  }
  int64_t OriginRequests() const override { return origin_requests; }

  std::string cannot_play;
  std::vector<std::string> calls;
  int64_t origin_requests = 0;
};

Scenario ParseSteps(const std::string& steps) {
  absl::StatusOr<Scenario> s =
      ParseScenario(nlohmann::json::parse(absl::StrCat(R"({"steps": )", steps, "}")), "/");
  EXPECT_TRUE(s.ok()) << s.status();
  return *s;
}

TEST(ScenarioPlayerTest, PlaysEveryStepInOrderAndChecksRequests) {
  const Scenario s = ParseSteps(R"([
    {"at": 0, "request": "GET /a", "pop": "FRA6-C1", "expect": {"x_cache": "Miss", "origin_requests": 1}},
    {"at": 5, "deploy": ["/a"]},
    {"at": 6, "invalidate": ["/a*"]},
    {"at": 9, "request": "HEAD /a", "expect": {"x_cache": "Hit", "version": 2}}
  ])");
  RecordingDriver driver;
  std::vector<size_t> seen;
  absl::StatusOr<PlayResult> r =
      PlayScenario(s, driver, [&](const StepResult& step) { seen.push_back(step.index); });
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(driver.calls, ElementsAre("at 0", "GET /a @FRA6-C1", "at 5", "deploy /a", "at 6",
                                        "invalidate /a*", "at 9", "HEAD /a @"));
  EXPECT_THAT(seen, ElementsAre(0, 1, 2, 3));
  ASSERT_EQ(r->steps.size(), 4u);
  EXPECT_FALSE(r->steps[1].observation.has_value());
  EXPECT_EQ(r->steps[3].origin_requests, 2);
  EXPECT_THAT(r->Mismatches(),
              ElementsAre("steps[3] HEAD /a: x_cache: want Hit, got Miss from cloudfront",
                          "steps[3] HEAD /a: version: want 2, got 1"));
}

TEST(ScenarioPlayerTest, ADriverThatCannotPlaySkipsTheScenario) {
  RecordingDriver driver;
  driver.cannot_play = "live driver cannot script a timeout";
  absl::StatusOr<PlayResult> r =
      PlayScenario(ParseSteps(R"([{"at": 0, "request": "/a"}])"), driver);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->skipped, "live driver cannot script a timeout");
  EXPECT_TRUE(driver.calls.empty());
}

TEST(ScenarioPlayerTest, DriverErrorsNameTheStep) {
  RecordingDriver driver;
  absl::StatusOr<PlayResult> r = PlayScenario(
      ParseSteps(R"([{"at": 0, "request": "/a"}, {"at": 1, "invalidate": ["/bad"]}])"), driver);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("steps[1] invalidate /bad: bad path"));
}

}  // namespace
}  // namespace edgesim::sim
