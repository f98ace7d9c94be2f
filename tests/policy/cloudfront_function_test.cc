#include "policy/cloudfront_function.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace edgesim::policy {
namespace {

using ::testing::HasSubstr;

Request CloudFrontFunctionTestRequest() {
  Request r = Request::Get("/docs/?b=2&a=1&a=3&flag");
  r.headers.Add("Host", "d111111abcdef8.cloudfront.net");
  r.headers.Add("Accept", "text/html");
  r.headers.Add("Accept", "image/webp");
  r.headers.Add("Cookie", "session=abc; theme=dark");
  r.headers.Add("X-Amz-Cf-Id", "hidden");
  r.viewer_address = "198.51.100.7";
  return r;
}

const FunctionEventContext kCloudFrontFunctionTestContext{"d111111abcdef8.cloudfront.net",
                                                          "EDFDVBD6EXAMPLE", "req-1"};

TEST(CloudFrontFunctionEvent, ViewerRequestEventHasTheDocumentedShape) {
  FunctionJson event =
      ViewerRequestEvent(kCloudFrontFunctionTestContext, CloudFrontFunctionTestRequest());
  EXPECT_EQ(event.dump(),
            R"({"version":"1.0","context":{"distributionDomainName":"d111111abcdef8.cloudfront.net",)"
            R"("distributionId":"EDFDVBD6EXAMPLE","eventType":"viewer-request","requestId":"req-1"},)"
            R"("viewer":{"ip":"198.51.100.7"},"request":{"method":"GET","uri":"/docs/",)"
            R"("querystring":{"b":{"value":"2"},"a":{"value":"1","multiValue":[{"value":"1"},{"value":"3"}]},)"
            R"("flag":{"value":""}},"headers":{"host":{"value":"d111111abcdef8.cloudfront.net"},)"
            R"("accept":{"value":"text/html","multiValue":[{"value":"text/html"},{"value":"image/webp"}]}},)"
            R"("cookies":{"session":{"value":"abc"},"theme":{"value":"dark"}}}})");
}

TEST(CloudFrontFunctionEvent, ViewerResponseEventSplitsSetCookieAttributes) {
  Response response;
  response.status = 200;
  response.headers.Add("Content-Type", "text/html");
  response.headers.Add("Set-Cookie", "id=42; Path=/; Secure");
  FunctionJson event = ViewerResponseEvent({}, Request::Get("/"), response, "OK");
  EXPECT_EQ(event["context"].dump(), R"({"eventType":"viewer-response"})");
  EXPECT_EQ(event["response"].dump(),
            R"({"statusCode":200,"statusDescription":"OK","headers":{"content-type":{"value":"text/html"}},)"
            R"("cookies":{"id":{"value":"42","attributes":"Path=/; Secure"}}})");
}

Request ApplyCloudFrontFunctionRequest(const Request& viewer, const FunctionJson& output) {
  absl::StatusOr<ViewerRequestResult> result = ApplyViewerRequestResult(output, viewer);
  EXPECT_TRUE(result.ok()) << result.status();
  if (!result.ok() || !std::holds_alternative<Request>(*result)) return {};
  return std::get<Request>(*result);
}

TEST(CloudFrontFunctionResult, UnchangedRequestKeepsTheViewersBytes) {
  Request viewer = CloudFrontFunctionTestRequest();
  FunctionJson event = ViewerRequestEvent({}, viewer);
  EXPECT_EQ(ApplyCloudFrontFunctionRequest(viewer, event["request"]), viewer);
}

TEST(CloudFrontFunctionResult, UriRewriteAndNewHeaderAreApplied) {
  Request viewer = CloudFrontFunctionTestRequest();
  FunctionJson request = ViewerRequestEvent({}, viewer)["request"];
  request["uri"] = "/docs/index.html";
  request["headers"]["true-client-ip"] = {{"value", "198.51.100.7"}};
  Request next = ApplyCloudFrontFunctionRequest(viewer, request);
  EXPECT_EQ(next.target, "/docs/index.html?b=2&a=1&a=3&flag");
  // The added name goes out capitalised word by word (SPEC 15.4 rule 6); the unchanged cookies
  // and the header hidden from the function stay as the viewer sent them.
  EXPECT_EQ(next.headers, Headers({{"Host", "d111111abcdef8.cloudfront.net"},
                                   {"Accept", "text/html"},
                                   {"Accept", "image/webp"},
                                   {"True-Client-Ip", "198.51.100.7"},
                                   {"Cookie", "session=abc; theme=dark"},
                                   {"X-Amz-Cf-Id", "hidden"}}));
}

TEST(CloudFrontFunctionResult, MultiValueRulesForQueryStrings) {
  Request viewer = Request::Get("/?a=1&a=2&b=3");
  FunctionJson request = ViewerRequestEvent({}, viewer)["request"];
  {
    FunctionJson r = request;
    r["querystring"]["a"]["value"] = "9";
    EXPECT_EQ(ApplyCloudFrontFunctionRequest(viewer, r).target, "/?a=9&a=2&b=3");
  }
  {
    FunctionJson r = request;
    r["querystring"]["a"]["multiValue"] = FunctionJson::array({{{"value", "7"}}});
    EXPECT_EQ(ApplyCloudFrontFunctionRequest(viewer, r).target, "/?a=7&b=3");
  }
  {
    FunctionJson r = request;
    r["querystring"].erase("b");
    r["querystring"].erase("a");
    EXPECT_EQ(ApplyCloudFrontFunctionRequest(viewer, r).target, "/");
  }
}

TEST(CloudFrontFunctionResult, ChangedCookiesRebuildTheCookieHeader) {
  Request viewer = CloudFrontFunctionTestRequest();
  FunctionJson request = ViewerRequestEvent({}, viewer)["request"];
  request["cookies"].erase("theme");
  request["cookies"]["ab"] = {{"value", "b"}};
  EXPECT_EQ(ApplyCloudFrontFunctionRequest(viewer, request).headers.GetAll("Cookie"),
            std::vector<absl::string_view>{"session=abc; ab=b"});
}

TEST(CloudFrontFunctionResult, ResponseObjectAnswersTheViewer) {
  FunctionJson output = {{"statusCode", 302},
                         {"statusDescription", "Found"},
                         {"headers", {{"location", {{"value", "https://example.com/de/"}}}}}};
  absl::StatusOr<ViewerRequestResult> result =
      ApplyViewerRequestResult(output, CloudFrontFunctionTestRequest());
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_TRUE(std::holds_alternative<FunctionResponse>(*result));
  const FunctionResponse& response = std::get<FunctionResponse>(*result);
  EXPECT_EQ(response.head.status, 302);
  EXPECT_EQ(response.status_description, "Found");
  EXPECT_EQ(response.head.headers, Headers({{"Location", "https://example.com/de/"}}));
  EXPECT_EQ(response.body, absl::nullopt);
}

TEST(CloudFrontFunctionResult, ViewerResponseHeadersCookiesAndBody) {
  Response original;
  original.headers.Add("Content-Type", "text/html");
  original.headers.Add("Via", "1.1 abc.cloudfront.net (CloudFront)");
  FunctionJson response = ViewerResponseEvent({}, Request::Get("/"), original, "OK")["response"];
  response["headers"]["strict-transport-security"] = {{"value", "max-age=63072000"}};
  response["cookies"]["seen"] = {{"value", "1"}, {"attributes", "Path=/"}};
  response["body"] = {{"encoding", "base64"}, {"data", "aGk="}};
  absl::StatusOr<FunctionResponse> out = ApplyViewerResponseResult(response, original, "OK");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->head.headers,
            Headers({{"Content-Type", "text/html"},
                     {"Via", "1.1 abc.cloudfront.net (CloudFront)"},
                     {"Strict-Transport-Security", "max-age=63072000"},
                     {"Set-Cookie", "seen=1; Path=/"}}));
  EXPECT_EQ(out->body, "hi");
}

TEST(CloudFrontFunctionResult, InvalidResultsFailValidation) {
  Request viewer = CloudFrontFunctionTestRequest();
  FunctionJson request = ViewerRequestEvent({}, viewer)["request"];
  auto reason = [&](const FunctionJson& output) {
    absl::StatusOr<ViewerRequestResult> r = ApplyViewerRequestResult(output, viewer);
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::string() : std::string(r.status().message());
  };
  EXPECT_THAT(reason(FunctionJson("text")), HasSubstr("did not return an object"));
  FunctionJson bad_uri = request;
  bad_uri["uri"] = "docs";
  EXPECT_THAT(reason(bad_uri), HasSubstr("uri"));
  FunctionJson host = request;
  host["headers"]["host"]["value"] = "evil.example";
  EXPECT_THAT(reason(host), HasSubstr("read-only header 'host'"));
  FunctionJson hidden = request;
  hidden["headers"]["x-forwarded-proto"] = {{"value", "https"}};
  EXPECT_THAT(reason(hidden), HasSubstr("disallowed header 'x-forwarded-proto'"));
  FunctionJson injected = request;
  injected["headers"]["x-a"] = {{"value", "1\r\nX-B: 2"}};
  EXPECT_THAT(reason(injected), HasSubstr("control character"));
  FunctionJson spaced = request;
  spaced["querystring"]["c"] = {{"value", "x y"}};
  EXPECT_THAT(reason(spaced), HasSubstr("space"));
  EXPECT_THAT(reason(FunctionJson{{"statusCode", "302"}}), HasSubstr("statusCode"));
  EXPECT_THAT(reason(FunctionJson{{"statusCode", 200}, {"body", {{"encoding", "base64"}, {"data", "!!"}}}}),
              HasSubstr("base64"));
}

TEST(CloudFrontFunctionTestOutput, WrapsTheResultUnderRequestOrResponse) {
  EXPECT_EQ(TestFunctionOutput(FunctionEventType::kViewerRequest, {{"uri", "/a"}}),
            R"({"request":{"uri":"/a"}})");
  EXPECT_EQ(TestFunctionOutput(FunctionEventType::kViewerRequest, {{"statusCode", 302}}),
            R"({"response":{"statusCode":302}})");
  EXPECT_EQ(TestFunctionOutput(FunctionEventType::kViewerResponse, {{"statusCode", 200}}),
            R"({"response":{"statusCode":200}})");
}

// The event type TestEventType reads from `event_json`; InvalidArgument shows as nullopt.
absl::optional<FunctionEventType> TestEventTypeOf(const char* event_json) {
  absl::StatusOr<FunctionEventType> type = TestEventType(FunctionJson::parse(event_json));
  if (!type.ok()) {
    EXPECT_EQ(type.status().code(), absl::StatusCode::kInvalidArgument);
    return absl::nullopt;
  }
  return *type;
}

TEST(CloudFrontFunctionTestOutput, EventTypeComesFromTheContextElseTheShape) {
  EXPECT_EQ(TestEventTypeOf(R"({"context":{"eventType":"viewer-response"}})"),
            FunctionEventType::kViewerResponse);
  EXPECT_EQ(
      TestEventTypeOf(R"({"context":{"eventType":"viewer-request"},"response":{"statusCode":200}})"),
      FunctionEventType::kViewerRequest);
  EXPECT_EQ(TestEventTypeOf(R"({"request":{},"response":{"statusCode":200}})"),
            FunctionEventType::kViewerResponse);
  EXPECT_EQ(TestEventTypeOf(R"({"context":{},"request":{"uri":"/"}})"),
            FunctionEventType::kViewerRequest);
  EXPECT_EQ(TestEventTypeOf(R"({"context":{"eventType":"origin-request"}})"), absl::nullopt);
}

TEST(CloudFrontFunctionTestOutput, ErrorMessageLeadsWithCloudFrontsText) {
  EXPECT_EQ(TestFunctionErrorMessage("Error: boom (line 1)"),
            "The CloudFront function associated with the CloudFront distribution is invalid or "
            "could not run. Error: boom (line 1)");
}

TEST(CloudFrontFunctionFailure, ValidationIs502AndExecutionIs503) {
  EXPECT_EQ(AnswerForFunctionFailure(FunctionFailure::kValidationError).status, 502);
  EXPECT_EQ(AnswerForFunctionFailure(FunctionFailure::kExecutionError).status, 503);
  EXPECT_EQ(AnswerForFunctionFailure(FunctionFailure::kValidationError).detail,
            ErrorDetail::kFunctionValidationError);
  EXPECT_EQ(AnswerForFunctionFailure(FunctionFailure::kExecutionError).detail,
            ErrorDetail::kFunctionExecutionError);
  EXPECT_EQ(ParseFunctionRuntime("cloudfront-js-2.0"), FunctionRuntime::kJs2);
  EXPECT_EQ(ParseFunctionRuntime("nodejs"), absl::nullopt);
  EXPECT_EQ(FunctionRuntimeName(FunctionRuntime::kJs1), "cloudfront-js-1.0");
}

}  // namespace
}  // namespace edgesim::policy
