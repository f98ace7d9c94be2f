// FunctionRunner (function_runner.h) as TestFunction uses it: the tested stage's runtime, code and
// event reach the runner, its result becomes the TestResult shape, its failure TestFunctionFailed;
// without a runner TestFunction refuses to make one up. The JavaScript runtime is not part of
// emulator/, so the runner here is a recorder that answers what it is told to.
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/escaping.h"
#include "emulator/control_plane.h"
#include "emulator/function_runner.h"
#include "gtest/gtest.h"
#include "tests/emulator/control_plane_fixture.h"

namespace edgesim::emulator {
namespace {

using nlohmann::json;

class RecordingFunctionRunner final : public FunctionRunner {
 public:
  absl::StatusOr<FunctionTestResult> Test(const FunctionUnderTest& function,
                                          absl::string_view event) override {
    seen = {function.runtime, function.code, std::string(event), function.key_value_store_id};
    return answer;
  }
  std::vector<std::string> seen;
  absl::StatusOr<FunctionTestResult> answer;
};

json RunnerFunctionRequest(const std::string& code) {
  return {{"Name", "f"},
          {"FunctionConfig", {{"Comment", ""}, {"Runtime", "cloudfront-js-1.0"}}},
          {"FunctionCode", absl::Base64Escape(code)}};
}

json RunnerEvent(const std::string& stage) {
  return {{"Stage", stage}, {"EventObject", absl::Base64Escape(R"({"version":"1.0"})")}};
}

TEST_F(ControlPlaneTest, TestFunctionRunsTheTestedStageThroughTheRunner) {
  auto runner = std::make_shared<RecordingFunctionRunner>();
  runner->answer = FunctionTestResult{"12", {"log line"}, "", R"({"request":{}})"};
  Start({.function_runner = runner});
  absl::StatusOr<Versioned> f = cp_->CreateFunction(RunnerFunctionRequest("dev code"), now_);
  ASSERT_TRUE(f.ok()) << f.status();
  absl::StatusOr<Versioned> live = cp_->PublishFunction("f", f->etag, now_);
  ASSERT_TRUE(live.ok()) << live.status();
  absl::StatusOr<Versioned> dev =
      cp_->UpdateFunction("f", RunnerFunctionRequest("new code"), f->etag, now_);
  ASSERT_TRUE(dev.ok()) << dev.status();

  absl::StatusOr<json> result = cp_->TestFunction("f", RunnerEvent("LIVE"), live->etag);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(runner->seen,
            (std::vector<std::string>{"cloudfront-js-1.0", "dev code", R"({"version":"1.0"})", ""}));
  EXPECT_EQ((*result)["ComputeUtilization"], "12");
  EXPECT_EQ((*result)["FunctionExecutionLogs"], json::array({"log line"}));
  EXPECT_EQ((*result)["FunctionOutput"], R"({"request":{}})");
  EXPECT_EQ((*result)["FunctionSummary"]["FunctionMetadata"]["Stage"], "LIVE");
  // The If-Match is the tested stage's ETag.
  EXPECT_EQ(Code(cp_->TestFunction("f", RunnerEvent("DEVELOPMENT"), live->etag).status()),
            "PreconditionFailed");
  ASSERT_TRUE(cp_->TestFunction("f", RunnerEvent("DEVELOPMENT"), dev->etag).ok());
  EXPECT_EQ(runner->seen[1], "new code");

  runner->answer = absl::InternalError("the runtime crashed");
  const absl::Status failed = cp_->TestFunction("f", RunnerEvent(""), dev->etag).status();
  EXPECT_EQ(ToApiError(failed).code, "TestFunctionFailed");
  EXPECT_EQ(ToApiError(failed).http_status, 500);
}

TEST_F(ControlPlaneTest, TestFunctionWithoutARunnerIsUnsupported) {
  absl::StatusOr<Versioned> f = cp_->CreateFunction(RunnerFunctionRequest("code"), now_);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(Code(cp_->TestFunction("f", RunnerEvent(""), f->etag).status()),
            "UnsupportedOperation");
}

}  // namespace
}  // namespace edgesim::emulator
