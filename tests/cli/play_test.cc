#include "cli/play.h"

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "cli/app.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace edgesim::cli {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kScenario = EDGESIM_SOURCE_DIR "/scenarios/hashed-assets-short-index.json";

int Play(std::vector<std::string> args, std::string* out_text, std::string* err_text = nullptr) {
  std::ostringstream out, err;
  args.insert(args.begin(), "play");
  const int code = RunApp(args, out, err);
  *out_text = out.str();
  if (err_text != nullptr) *err_text = err.str();
  return code;
}

std::string WriteScenario(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(PlayTest, PrintsEveryStepWithItsCheck) {
  std::string out;
  EXPECT_EQ(Play({kScenario}, &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("hashed-assets-short-index (in-process)"));
  EXPECT_THAT(out, ContainsRegex("t=0s +GET /index.html +200 Miss age - v1 "));
  EXPECT_THAT(out, ContainsRegex("t=40s +GET /index.html +200 Hit age 40 v1 "));
  EXPECT_THAT(out, HasSubstr("deploy /index.html"));
  EXPECT_THAT(out, HasSubstr("\u2713"));
  EXPECT_THAT(out, Not(HasSubstr("\u2717")));
  EXPECT_THAT(out, HasSubstr("every expectation holds"));
}

TEST(PlayTest, AMismatchIsPrintedAndExitsOne) {
  const std::string path = WriteScenario("wrong.json", R"({"name": "wrong", "steps": [
      {"at": 0, "request": "/a"},
      {"at": 5, "request": "/a", "expect": {"x_cache": "Miss"}}]})");
  std::string out;
  EXPECT_EQ(Play({path}, &out), 1) << out;
  EXPECT_THAT(out, HasSubstr("\u2717"));
  EXPECT_THAT(out, HasSubstr("steps[1] GET /a: x_cache: want Miss, got Hit from cloudfront"));
  EXPECT_THAT(out, HasSubstr("1 expectation(s) not met"));
}

TEST(PlayTest, LivePlaysAgainstARealServer) {
  std::string out, err;
  EXPECT_EQ(Play({kScenario, "--live", "--serve-binary", EDGESIM_BINARY}, &out, &err), 0)
      << out << err;
  EXPECT_THAT(out, HasSubstr("(live edgesim serve)"));
  EXPECT_THAT(out, HasSubstr("200 Hit age 3600 v1"));
  EXPECT_THAT(out, HasSubstr("every expectation holds"));
}

TEST(PlayTest, LiveSaysWhyItSkipsAScenario) {
  const std::string path = WriteScenario("timeout.json", R"({"name": "slow",
      "origin": {"outages": [{"from": 0, "to": 5, "failure": "timeout"}]},
      "steps": [{"at": 0, "request": "/a"}]})");
  std::string out;
  EXPECT_EQ(Play({path, "--live"}, &out), 0);
  EXPECT_THAT(out, HasSubstr("slow: skipped: live driver cannot script a timeout"));
}

TEST(PlayTest, BadFilesAreUsageErrors) {
  std::string out, err;
  EXPECT_EQ(Play({"/nonexistent/s.json"}, &out, &err), 2);
  EXPECT_THAT(err, HasSubstr("/nonexistent/s.json"));
  EXPECT_EQ(Play({EDGESIM_SOURCE_DIR "/scenarios/deploy-pattern.json"}, &out, &err), 2);
  EXPECT_THAT(err, HasSubstr("has no steps"));
}

// The spa-error-page lesson is in the origin's counts: each uncached 403 deep link costs one.
TEST(PlayTest, PrintsEachStepsOriginRequestsAndTheTotal) {
  std::string out;
  ASSERT_EQ(Play({EDGESIM_SOURCE_DIR "/scenarios/spa-error-page.json"}, &out), 0) << out;
  EXPECT_THAT(out, ContainsRegex("origin \\+[0-9]+ \\([0-9]+\\)"));
  EXPECT_THAT(out, ContainsRegex("origin requests: [0-9]+ in total"));
  std::string hashed;
  ASSERT_EQ(Play({kScenario}, &hashed), 0) << hashed;
  EXPECT_THAT(hashed, ContainsRegex("t=0s +GET /index.html [^\n]*origin \\+1 \\(1\\)"));
  EXPECT_THAT(hashed, Not(ContainsRegex("t=40s +GET /index.html [^\n]*origin \\+")));
}

}  // namespace
}  // namespace edgesim::cli
