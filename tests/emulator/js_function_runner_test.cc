// JsFunctionRunner (js_function_runner.h): TestFunction's event object and code through the real
// JavaScript runtime, and the run as TestResult's members (SPEC 15.5).
#include "emulator/js_function_runner.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace edgesim::emulator {
namespace {

constexpr char kJsRunnerRequestEvent[] = R"({"version":"1.0","context":{"eventType":"viewer-request"},
  "viewer":{"ip":"198.51.100.7"},
  "request":{"method":"GET","uri":"/blog/","querystring":{},"headers":{"host":{"value":"example.com"}},
             "cookies":{}}})";

constexpr char kJsRunnerResponseEvent[] = R"({"version":"1.0","context":{"eventType":"viewer-response"},
  "viewer":{"ip":"198.51.100.7"},
  "request":{"method":"GET","uri":"/","querystring":{},"headers":{},"cookies":{}},
  "response":{"statusCode":200,"statusDescription":"OK","headers":{},"cookies":{}}})";

// The runner's result; a failed status fails the test and gives an empty result.
FunctionTestResult JsRunnerResult(absl::string_view runtime, absl::string_view code,
                                  absl::string_view event) {
  absl::StatusOr<FunctionTestResult> r = JsFunctionRunner().Test({std::string(runtime), std::string(code)}, event);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *std::move(r) : FunctionTestResult{};
}

TEST(JsFunctionRunner, ViewerRequestOutputIsTheRequestUnderItsKey) {
  const FunctionTestResult r = JsRunnerResult(
      "cloudfront-js-1.0",
      "function handler(event) { var r = event.request; console.log('uri ' + r.uri);\n"
      "  if (r.uri.endsWith('/')) r.uri += 'index.html'; return r; }",
      kJsRunnerRequestEvent);
  EXPECT_EQ(r.error_message, "");
  EXPECT_EQ(r.execution_logs, std::vector<std::string>{"uri /blog/"});
  EXPECT_EQ(nlohmann::json::parse(r.output)["request"]["uri"], "/blog/index.html");
  int utilization = -1;
  ASSERT_TRUE(absl::SimpleAtoi(r.compute_utilization, &utilization));
  EXPECT_GE(utilization, 0);
  EXPECT_LE(utilization, 100);
}

TEST(JsFunctionRunner, ViewerResponseOutputIsTheResponse) {
  const FunctionTestResult r = JsRunnerResult(
      "cloudfront-js-2.0",
      "function handler(event) { const res = event.response;\n"
      "  res.headers['x-frame-options'] = {value: 'DENY'}; return res; }",
      kJsRunnerResponseEvent);
  EXPECT_EQ(nlohmann::json::parse(r.output)["response"]["headers"]["x-frame-options"]["value"],
            "DENY");
}

TEST(JsFunctionRunner, FailuresAreErrorMessagesWithCloudFrontsText) {
  const FunctionTestResult thrown = JsRunnerResult(
      "cloudfront-js-2.0",
      "function handler(event) { console.log('before'); throw new Error('nope'); }",
      kJsRunnerRequestEvent);
  EXPECT_EQ(thrown.error_message,
            "The CloudFront function associated with the CloudFront distribution is invalid or "
            "could not run. Error: nope (line 1)");
  EXPECT_EQ(thrown.execution_logs, std::vector<std::string>{"before"});
  EXPECT_EQ(thrown.output, "");

  const FunctionTestResult spun = JsRunnerResult(
      "cloudfront-js-2.0", "function handler(event) { for (;;) {} }", kJsRunnerRequestEvent);
  EXPECT_THAT(spun.error_message, ::testing::HasSubstr("compute budget"));
  EXPECT_EQ(spun.compute_utilization, "100");
}

TEST(JsFunctionRunner, BadRuntimeOrEventIsTheRunnersFailure) {
  JsFunctionRunner runner;
  constexpr char kCode[] = "function handler(e) { return e.request; }";
  EXPECT_FALSE(runner.Test({"cloudfront-js-3.0", kCode}, kJsRunnerRequestEvent).ok());
  EXPECT_FALSE(runner.Test({"cloudfront-js-2.0", kCode}, "not json").ok());
  EXPECT_FALSE(runner.Test({"cloudfront-js-2.0", kCode}, "[1]").ok());
  EXPECT_FALSE(
      runner.Test({"cloudfront-js-2.0", kCode}, R"({"context":{"eventType":"origin-request"}})").ok());
}

}  // namespace
}  // namespace edgesim::emulator
