#include "sim/step_check.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace edgesim::sim {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

Step RequestStep(Expectation expect) {
  Step step;
  step.request = policy::Request::Get("/index.html");
  step.expect = std::move(expect);
  return step;
}

Observation Hit(absl::string_view age) {
  policy::Headers h = {{"X-Cache", "Hit from cloudfront"}, {"x-edgesim-version", "1"}};
  if (!age.empty()) h.Add("Age", age);
  return ObservationFrom(200, h, "/index.html v1\n....");
}

TEST(StepCheckTest, ResultTypeMatchesTheHeaderWithItsSuffix) {
  EXPECT_THAT(CheckStep(RequestStep({.x_cache = "Hit"}), 0, Hit("10"), 1), IsEmpty());
  EXPECT_THAT(CheckStep(RequestStep({.x_cache = "Miss"}), 4, Hit("10"), 1),
              ElementsAre("steps[4] GET /index.html: x_cache: want Miss, got Hit from cloudfront"));
  // "Hit" must not match a header that merely starts with it.
  Observation odd = ObservationFrom(200, {{"X-Cache", "Hit from elsewhere"}}, "");
  EXPECT_THAT(CheckStep(RequestStep({.x_cache = "Hit"}), 0, odd, 0).size(), 1u);
  Observation none = ObservationFrom(200, {}, "");
  EXPECT_THAT(CheckStep(RequestStep({.x_cache = "Hit"}), 0, none, 0),
              ElementsAre("steps[0] GET /index.html: x_cache: want Hit, got none"));
}

TEST(StepCheckTest, AgeZeroMeansNoAgeHeader) {
  EXPECT_THAT(CheckStep(RequestStep({.age = 0}), 0, Hit(""), 1), IsEmpty());
  EXPECT_THAT(CheckStep(RequestStep({.age = 0}), 0, Hit("0"), 1),
              ElementsAre("steps[0] GET /index.html: age: want no Age header, got 0"));
  EXPECT_THAT(CheckStep(RequestStep({.age = 10}), 0, Hit("10"), 1), IsEmpty());
  EXPECT_THAT(CheckStep(RequestStep({.age = 10}), 0, Hit(""), 1),
              ElementsAre("steps[0] GET /index.html: age: want 10, got none"));
}

TEST(StepCheckTest, EveryFieldIsCheckedAndReported) {
  Expectation e{.status = 404,
                .version = 2,
                .headers = {{"Content-Type", "text/html"}},
                .origin_requests = 3,
                .body_starts_with = "/other v1"};
  EXPECT_THAT(CheckStep(RequestStep(e), 1, Hit("5"), 2),
              ElementsAre("steps[1] GET /index.html: status: want 404, got 200",
                          "steps[1] GET /index.html: version: want 2, got 1",
                          "steps[1] GET /index.html: Content-Type: want text/html, got none",
                          "steps[1] GET /index.html: origin_requests: want 3, got 2",
                          "steps[1] GET /index.html: body_starts_with: want \"/other v1\", got "
                          "\"/index.html v1\n..\""));
  Expectation ok{.status = 200,
                 .version = 1,
                 .headers = {{"x-cache", "Hit from cloudfront"}},
                 .origin_requests = 2,
                 .body_starts_with = "/index.html v1"};
  EXPECT_THAT(CheckStep(RequestStep(ok), 1, Hit("5"), 2), IsEmpty());
}

TEST(StepCheckTest, ObservationsKeepABoundedBodyPrefix) {
  const std::string big(kObservedBodyBytes * 2, 'x');
  EXPECT_EQ(ObservationFrom(200, {}, big).body_prefix.size(), kObservedBodyBytes);
}

TEST(StepCheckTest, LabelsAndSummaries) {
  Step deploy;
  deploy.kind = Step::Kind::kDeploy;
  deploy.paths = {"/a", "/b"};
  EXPECT_EQ(StepLabel(deploy, 3), "steps[3] deploy /a, /b");
  deploy.kind = Step::Kind::kInvalidate;
  EXPECT_EQ(StepLabel(deploy, 3), "steps[3] invalidate /a, /b");
  EXPECT_EQ(Summarize(Hit("10")), "200 Hit age 10 v1");
  EXPECT_EQ(Summarize(ObservationFrom(502, {{"X-Cache", "Error from cloudfront"}}, "")),
            "502 Error age - v-");
}

}  // namespace
}  // namespace edgesim::sim
