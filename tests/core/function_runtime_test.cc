#include "core/function_runtime.h"

#include <string>
#include <variant>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace edgesim::core {
namespace {

using policy::FunctionJson;
using policy::FunctionRuntime;
using ::testing::HasSubstr;

// Generous: these runs check behaviour, not speed (the budget's own tests set a small one).
FunctionRuntimeLimits FunctionRuntimeTestLimits() {
  FunctionRuntimeLimits limits;
  limits.compute_budget = absl::Milliseconds(500);
  limits.wall_limit = absl::Seconds(30);
  return limits;
}

FunctionRun RunFunctionRuntimeCode(FunctionRuntime runtime, const std::string& code,
                                   const FunctionJson& event) {
  return RunCloudFrontFunction({"test-fn", runtime, code}, event, FunctionRuntimeTestLimits());
}

// Runs a viewer-request function on `request` and applies its result (SPEC 15.4).
policy::ViewerRequestResult ViewerRequestThrough(FunctionRuntime runtime, const std::string& code,
                                                 const policy::Request& request) {
  FunctionRun run =
      RunFunctionRuntimeCode(runtime, code, policy::ViewerRequestEvent({}, request));
  EXPECT_TRUE(run.ok()) << run.error_message;
  absl::StatusOr<policy::ViewerRequestResult> next =
      policy::ApplyViewerRequestResult(run.output, request);
  EXPECT_TRUE(next.ok()) << next.status();
  return next.ok() ? *next : policy::ViewerRequestResult(policy::Request{});
}

policy::Request RequestThrough(FunctionRuntime runtime, const std::string& code,
                               const policy::Request& request) {
  policy::ViewerRequestResult next = ViewerRequestThrough(runtime, code, request);
  EXPECT_TRUE(std::holds_alternative<policy::Request>(next));
  return std::holds_alternative<policy::Request>(next) ? std::get<policy::Request>(next)
                                                       : policy::Request{};
}

// A single-page app's URL rewrite: directories get index.html, extension-less paths too.
constexpr char kSpaRewrite[] = R"JS(async function handler(event) {
  const request = event.request;
  if (request.uri.endsWith('/')) {
    request.uri += 'index.html';
  } else if (!request.uri.split('/').pop().includes('.')) {
    request.uri += '/index.html';
  }
  return request;
}
)JS";

TEST(FunctionRuntime, SpaRewriteAppendsIndexHtml) {
  EXPECT_EQ(RequestThrough(FunctionRuntime::kJs2, kSpaRewrite, policy::Request::Get("/docs/")).target,
            "/docs/index.html");
  EXPECT_EQ(RequestThrough(FunctionRuntime::kJs2, kSpaRewrite, policy::Request::Get("/app?x=1")).target,
            "/app/index.html?x=1");
  EXPECT_EQ(RequestThrough(FunctionRuntime::kJs2, kSpaRewrite, policy::Request::Get("/a.js")).target,
            "/a.js");
}

TEST(FunctionRuntime, RedirectByCountryHeaderAnswersTheViewer) {
  // Runtime 1.0 style: var, a global handler, string concatenation.
  constexpr char kRedirect[] = R"JS(function handler(event) {
  var headers = event.request.headers;
  var country = headers['cloudfront-viewer-country'] ? headers['cloudfront-viewer-country'].value : '';
  if (country === 'DE') {
    return { statusCode: 302, statusDescription: 'Found',
             headers: { location: { value: 'https://example.com/de' + event.request.uri } } };
  }
  return event.request;
}
)JS";
  policy::Request request = policy::Request::Get("/shop");
  request.headers.Add("CloudFront-Viewer-Country", "DE");
  policy::ViewerRequestResult next = ViewerRequestThrough(FunctionRuntime::kJs1, kRedirect, request);
  ASSERT_TRUE(std::holds_alternative<policy::FunctionResponse>(next));
  const auto& response = std::get<policy::FunctionResponse>(next);
  EXPECT_EQ(response.head.status, 302);
  EXPECT_EQ(response.head.headers.Get("Location"), "https://example.com/de/shop");

  request.headers.Set("CloudFront-Viewer-Country", "FR");
  EXPECT_EQ(RequestThrough(FunctionRuntime::kJs1, kRedirect, request).target, "/shop");
}

TEST(FunctionRuntime, TrueClientIpHeaderFromTheViewer) {
  constexpr char kTrueClientIp[] = R"JS(function handler(event) {
  event.request.headers['true-client-ip'] = { value: event.viewer.ip };
  return event.request;
}
)JS";
  policy::Request request = policy::Request::Get("/");
  request.viewer_address = "203.0.113.9";
  EXPECT_EQ(RequestThrough(FunctionRuntime::kJs1, kTrueClientIp, request).headers.Get("True-Client-Ip"),
            "203.0.113.9");
}

TEST(FunctionRuntime, QueryStringNormalizedSortedAndLowercased) {
  constexpr char kNormalize[] = R"JS(function handler(event) {
  var qs = event.request.querystring;
  var normalized = {};
  Object.keys(qs).sort().forEach(function (name) {
    normalized[name.toLowerCase()] = { value: qs[name].value.toLowerCase() };
  });
  event.request.querystring = normalized;
  return event.request;
}
)JS";
  EXPECT_EQ(RequestThrough(FunctionRuntime::kJs1, kNormalize, policy::Request::Get("/p?b=X&A=Y")).target,
            "/p?a=y&b=x");
}

TEST(FunctionRuntime, QuerystringModuleParsesAndBuilds) {
  constexpr char kWithModule[] = R"JS(import qs from 'querystring';
function handler(event) {
  const params = qs.parse('size=L&tags=a&tags=b');
  event.request.headers['x-query'] = { value: qs.stringify({ size: params.size, n: params.tags.length }) };
  return event.request;
}
)JS";
  EXPECT_EQ(RequestThrough(FunctionRuntime::kJs2, kWithModule, policy::Request::Get("/")).headers.Get("X-Query"),
            "size=L&n=2");
}

TEST(FunctionRuntime, CookieSelectsTheExperimentVariant) {
  constexpr char kAbTest[] = R"JS(function handler(event) {
  var cookies = event.request.cookies;
  if (cookies.variant && cookies.variant.value === 'b') event.request.uri = '/b' + event.request.uri;
  else event.request.cookies.variant = { value: 'a' };
  return event.request;
}
)JS";
  policy::Request with_cookie = policy::Request::Get("/home");
  with_cookie.headers.Add("Cookie", "variant=b");
  EXPECT_EQ(RequestThrough(FunctionRuntime::kJs1, kAbTest, with_cookie).target, "/b/home");
  EXPECT_EQ(RequestThrough(FunctionRuntime::kJs1, kAbTest, policy::Request::Get("/home")).headers.Get("Cookie"),
            "variant=a");
}

FunctionJson ViewerResponseEventForTest() {
  policy::Response response;
  response.headers.Add("Content-Type", "text/html");
  return policy::ViewerResponseEvent({}, policy::Request::Get("/"), response, "OK");
}

TEST(FunctionRuntime, SecurityAndCacheControlHeadersOnTheViewerResponse) {
  constexpr char kSecurityHeaders[] = R"JS(async function handler(event) {
  const headers = event.response.headers;
  headers['strict-transport-security'] = { value: 'max-age=63072000; includeSubdomains; preload' };
  headers['x-content-type-options'] = { value: 'nosniff' };
  headers['x-frame-options'] = { value: 'DENY' };
  headers['cache-control'] = { value: 'public, max-age=86400' };
  return event.response;
}
)JS";
  FunctionJson event = ViewerResponseEventForTest();
  FunctionRun run = RunFunctionRuntimeCode(FunctionRuntime::kJs2, kSecurityHeaders, event);
  ASSERT_TRUE(run.ok()) << run.error_message;
  absl::StatusOr<policy::FunctionResponse> response =
      policy::ApplyViewerResponseResult(run.output, policy::Response{200, {{"Content-Type", "text/html"}}}, "OK");
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->head.headers,
            policy::Headers({{"Content-Type", "text/html"},
                             {"Strict-Transport-Security", "max-age=63072000; includeSubdomains; preload"},
                             {"X-Content-Type-Options", "nosniff"},
                             {"X-Frame-Options", "DENY"},
                             {"Cache-Control", "public, max-age=86400"}}));
  EXPECT_EQ(response->body, absl::nullopt);  // the original body stays
}

TEST(FunctionRuntime, ConsoleLogLinesAndComputeUtilizationAreReported) {
  FunctionRun run = RunFunctionRuntimeCode(
      FunctionRuntime::kJs2, "function handler(e) { console.log('uri', e.request.uri); return e.request; }",
      policy::ViewerRequestEvent({}, policy::Request::Get("/x")));
  ASSERT_TRUE(run.ok()) << run.error_message;
  EXPECT_EQ(run.logs, std::vector<std::string>{"uri /x"});
  EXPECT_GE(run.compute_utilization, 0);
  EXPECT_LE(run.compute_utilization, 100);
  EXPECT_EQ(run.error_message, "");
}

// A run that spends CPU shows it in its utilization only when measured; the edge does not measure.
TEST(FunctionRuntime, ComputeUtilizationOnlyWhenMeasured) {
  const std::string busy =
      "function handler(e) { var s = 0; for (var i = 0; i < 200000; i++) s += i; return e.request; }";
  const policy::FunctionJson event = policy::ViewerRequestEvent({}, policy::Request::Get("/x"));
  FunctionRuntimeLimits limits = FunctionRuntimeTestLimits();
  const FunctionRun measured =
      RunCloudFrontFunction({"busy-fn", FunctionRuntime::kJs1, busy}, event, limits);
  ASSERT_TRUE(measured.ok()) << measured.error_message;
  EXPECT_GE(measured.compute_utilization, 1);
  limits.measure_compute_utilization = false;
  const FunctionRun unmeasured =
      RunCloudFrontFunction({"busy-fn", FunctionRuntime::kJs1, busy}, event, limits);
  ASSERT_TRUE(unmeasured.ok()) << unmeasured.error_message;
  EXPECT_EQ(unmeasured.compute_utilization, 0);
  EXPECT_EQ(unmeasured.output, measured.output);
}

TEST(FunctionRuntime, CryptoHashInBothRuntimes) {
  constexpr char kJs1Hash[] = R"JS(var crypto = require('crypto');
function handler(event) {
  event.request.headers['x-hash'] = { value: crypto.createHash('md5').update(event.request.uri).digest('hex') };
  return event.request;
}
)JS";
  EXPECT_EQ(RequestThrough(FunctionRuntime::kJs1, kJs1Hash, policy::Request::Get("/")).headers.Get("X-Hash"),
            "6666cd76f96956469e7be39d750cc7d9");
  // Runtime 2.0: digest() without an encoding is a Buffer (SPEC 15.2).
  constexpr char kJs2Buffer[] = R"JS(import crypto from 'crypto';
function handler(event) {
  const d = crypto.createHmac('sha1', 'key').update('data').digest();
  event.request.headers['x-mac'] = { value: d.length + ':' + d.toString('base64') };
  return event.request;
}
)JS";
  EXPECT_EQ(RequestThrough(FunctionRuntime::kJs2, kJs2Buffer, policy::Request::Get("/")).headers.Get("X-Mac"),
            "20:EEFSxb/coHvGM+69RhmfAlXJ9J0=");
}

TEST(FunctionRuntime, ThrownErrorIsAnExecutionError) {
  FunctionRun run = RunFunctionRuntimeCode(
      FunctionRuntime::kJs2, "function handler(e) { throw new Error('boom'); }", FunctionJson::object());
  EXPECT_EQ(run.error, FunctionRunError::kException);
  EXPECT_EQ(run.error_message, "Error: boom (line 1)");
  EXPECT_EQ(policy::AnswerForFunctionFailure(run.failure()).status, 503);
}

TEST(FunctionRuntime, SyntaxErrorIsACompileErrorWithItsLine) {
  FunctionRun run = RunFunctionRuntimeCode(FunctionRuntime::kJs1, "function handler(e) {\n  return e.;\n}",
                                           FunctionJson::object());
  EXPECT_EQ(run.error, FunctionRunError::kCompileError);
  EXPECT_THAT(run.error_message, HasSubstr("SyntaxError"));
  EXPECT_THAT(run.error_message, HasSubstr("(line 2)"));
  EXPECT_EQ(run.failure(), policy::FunctionFailure::kExecutionError);
}

TEST(FunctionRuntime, Runtime1RefusesConstAndLetAsACompileError) {
  constexpr char kLetIn1[] = "function handler(e) {\n  let r = e;\n  return r;\n}";
  FunctionRun run = RunFunctionRuntimeCode(FunctionRuntime::kJs1, kLetIn1, FunctionJson::object());
  EXPECT_EQ(run.error, FunctionRunError::kCompileError);
  EXPECT_EQ(run.error_message, "SyntaxError: let is not supported in cloudfront-js-1.0 (line 2)");
  EXPECT_TRUE(RunFunctionRuntimeCode(FunctionRuntime::kJs2, kLetIn1, FunctionJson::object()).ok());
}

TEST(FunctionRuntime, MissingHandlerIsACompileError) {
  FunctionRun run = RunFunctionRuntimeCode(FunctionRuntime::kJs2, "const x = 1;", FunctionJson::object());
  EXPECT_EQ(run.error, FunctionRunError::kCompileError);
  EXPECT_THAT(run.error_message, HasSubstr("handler"));
}

TEST(FunctionRuntime, InfiniteLoopStopsAtTheComputeBudget) {
  FunctionRuntimeLimits limits = FunctionRuntimeTestLimits();
  limits.compute_budget = absl::Milliseconds(5);
  FunctionRun run = RunCloudFrontFunction(
      {"loop", FunctionRuntime::kJs2, "function handler(e) { for (;;) {} }"}, FunctionJson::object(), limits);
  EXPECT_EQ(run.error, FunctionRunError::kBudgetExceeded);
  EXPECT_EQ(run.compute_utilization, 100);
  EXPECT_EQ(run.failure(), policy::FunctionFailure::kExecutionError);
}

TEST(FunctionRuntime, EvalIsRefused) {
  FunctionRun run = RunFunctionRuntimeCode(
      FunctionRuntime::kJs2, "function handler(e) { return eval('e'); }", FunctionJson::object());
  EXPECT_EQ(run.error, FunctionRunError::kException);
  EXPECT_THAT(run.error_message, HasSubstr("EvalError"));
}

TEST(FunctionRuntime, Runtime1CodeRunsInStrictMode) {
  FunctionRun run = RunFunctionRuntimeCode(
      FunctionRuntime::kJs1, "function handler(e) { undeclared = 1; return e; }", FunctionJson::object());
  EXPECT_EQ(run.error, FunctionRunError::kException);
  EXPECT_THAT(run.error_message, HasSubstr("ReferenceError"));
}

TEST(FunctionRuntime, DateIsFrozenAtTheInvocationStart) {
  constexpr char kClock[] = R"JS(function handler(event) {
  var start = Date.now();
  var sum = 0;
  for (var i = 0; i < 5000000; i++) sum += i % 7;
  return { same: new Date().getTime() === start && Date.now() === start,
           isDate: new Date() instanceof Date, epoch: new Date(0).getTime(),
           recent: start > Date.UTC(2020, 0, 1), sum: sum > 0 };
}
)JS";
  FunctionRun run = RunFunctionRuntimeCode(FunctionRuntime::kJs1, kClock, FunctionJson::object());
  ASSERT_TRUE(run.ok()) << run.error_message;
  EXPECT_EQ(run.output.dump(),
            R"({"same":true,"isDate":true,"epoch":0,"recent":true,"sum":true})");
}

TEST(FunctionRuntime, TimersNetworkAndFilesDoNotExist) {
  FunctionRun run = RunFunctionRuntimeCode(
      FunctionRuntime::kJs2,
      "function handler(e) { return {t: typeof setTimeout, f: typeof fetch, r: typeof XMLHttpRequest}; }",
      FunctionJson::object());
  ASSERT_TRUE(run.ok()) << run.error_message;
  EXPECT_EQ(run.output.dump(), R"({"t":"undefined","f":"undefined","r":"undefined"})");
}

TEST(FunctionRuntime, NonObjectReturnIsAValidationError) {
  for (const char* code : {"function handler(e) {}", "function handler(e) { return 'text'; }"}) {
    FunctionRun run = RunFunctionRuntimeCode(FunctionRuntime::kJs1, code, FunctionJson::object());
    EXPECT_EQ(run.error, FunctionRunError::kInvalidReturn) << code;
    EXPECT_EQ(policy::AnswerForFunctionFailure(run.failure()).status, 502);
  }
}

TEST(FunctionRuntime, Runtime1CannotImportTheCloudFrontModule) {
  FunctionRun run = RunFunctionRuntimeCode(
      FunctionRuntime::kJs1, "var cf = require('cloudfront'); function handler(e) { return e; }",
      FunctionJson::object());
  EXPECT_EQ(run.error, FunctionRunError::kCompileError);
  EXPECT_THAT(run.error_message, HasSubstr("Cannot find module 'cloudfront'"));
}

TEST(FunctionRuntime, UpdatedCodeUnderTheSameNameRunsTheNewCode) {
  FunctionRun v1 = RunCloudFrontFunction({"versioned", FunctionRuntime::kJs2, "function handler(e) { return {v: 1}; }"},
                                         FunctionJson::object(), FunctionRuntimeTestLimits());
  FunctionRun v2 = RunCloudFrontFunction({"versioned", FunctionRuntime::kJs2, "function handler(e) { return {v: 2}; }"},
                                         FunctionJson::object(), FunctionRuntimeTestLimits());
  EXPECT_EQ(v1.output.dump(), R"({"v":1})");
  EXPECT_EQ(v2.output.dump(), R"({"v":2})");
}

TEST(FunctionRuntime, EventWithInvalidUtf8StillRuns) {
  policy::Request request = policy::Request::Get("/caf\xe9");
  FunctionRun run = RunFunctionRuntimeCode(FunctionRuntime::kJs2, kSpaRewrite,
                                           policy::ViewerRequestEvent({}, request));
  EXPECT_TRUE(run.ok()) << run.error_message;
}

}  // namespace
}  // namespace edgesim::core
