// A real `edgesim serve` running CloudFront Functions from its config file (SPEC 15): the SPA
// index rewrite, a redirect answered at the edge, a header added on the way out, a failing
// function, and what the access log says of each.
#include <algorithm>
#include <atomic>
#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "policy/access_log.h"
#include "tests/emulator/local_http_server.h"
#include "tests/emulator/origin_config.h"
#include "tests/emulator/serve_process.h"

namespace edgesim::emulator::testing {
namespace {

constexpr char kFnLiveSpaCode[] = R"(function handler(event) {
  const request = event.request;
  if (request.uri.endsWith('/')) request.uri += 'index.html';
  return request;
})";

// The default behavior rewrites directory URLs and adds HSTS; /old* redirects; /boom* throws.
std::string FnLiveConfig(int port, const std::string& code_file) {
  nlohmann::json file = nlohmann::json::parse(Config(
      {port}, kCachingOptimized,
      {R"({"PathPattern": "/old*", "TargetOriginId": "o0", "ViewerProtocolPolicy": "allow-all",
           "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
           "FunctionAssociations": {"Quantity": 1, "Items": [
             {"FunctionARN": "arn:aws:cloudfront::123456789012:function/moved",
              "EventType": "viewer-request"}]}})",
       R"({"PathPattern": "/boom*", "TargetOriginId": "o0", "ViewerProtocolPolicy": "allow-all",
           "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
           "FunctionAssociations": {"Quantity": 1, "Items": [
             {"FunctionARN": "boom", "EventType": "viewer-request"}]}})"}));
  file["Distribution"]["DistributionConfig"]["DefaultCacheBehavior"]["FunctionAssociations"] = {
      {"Quantity", 2},
      {"Items",
       {{{"FunctionARN", "arn:aws:cloudfront::123456789012:function/spa"},
         {"EventType", "viewer-request"}},
        {{"FunctionARN", "arn:aws:cloudfront::123456789012:function/hsts"},
         {"EventType", "viewer-response"}}}}};
  const auto function = [](const char* name, const char* runtime, const std::string& key,
                           const std::string& code) {
    return nlohmann::json{
        {"Name", name}, {"FunctionConfig", {{"Runtime", runtime}}}, {key, code}};
  };
  file["Functions"] = {
      function("spa", "cloudfront-js-2.0", "FunctionCodeFile", code_file),
      function("hsts", "cloudfront-js-1.0", "FunctionCode",
               "function handler(event) { var r = event.response;"
               " r.headers['strict-transport-security'] = { value: 'max-age=63072000' };"
               " return r; }"),
      function("moved", "cloudfront-js-2.0", "FunctionCode",
               "function handler(event) { return { statusCode: 301, statusDescription: 'Moved',"
               " headers: { location: { value: '/new' } } }; }"),
      function("boom", "cloudfront-js-2.0", "FunctionCode",
               "function handler(event) { throw new Error('boom'); }")};
  return file.dump();
}

std::vector<policy::AccessLogRecord> FnLiveLogRecords(const std::string& path) {
  std::ifstream in(path);
  std::string version, fields, line;
  std::getline(in, version);
  std::getline(in, fields);
  const absl::StatusOr<policy::AccessLogFields> parsed = policy::AccessLogFields::Parse(fields);
  std::vector<policy::AccessLogRecord> records;
  if (!parsed.ok()) return records;
  while (std::getline(in, line)) {
    absl::StatusOr<policy::AccessLogRecord> r = policy::ParseAccessLogLine(line, *parsed);
    if (r.ok()) records.push_back(*std::move(r));
  }
  return records;
}

TEST(EdgeServerFunctionsTest, FunctionsFromTheConfigFileRunAtTheEdgeAndInTheLog) {
  LocalHttpServer origin;
  std::atomic<int> index_fetches{0};
  origin.server().Get("/blog/index.html", [&](const httplib::Request&, httplib::Response& res) {
    ++index_fetches;
    res.set_header("Cache-Control", "max-age=300");
    res.set_content("<html>blog</html>", "text/html");
  });
  ConfigFile config("{}");
  const std::string dir = config.path().substr(0, config.path().rfind('/'));
  const std::string code_path = dir + "/spa.js";
  std::ofstream(code_path) << kFnLiveSpaCode;
  std::ofstream(config.path()) << FnLiveConfig(origin.port(), "spa.js");
  auto serve = ServeConfig(config, {"--access-log", config.log()});
  std::remove(code_path.c_str());
  ASSERT_NE(serve, nullptr);
  httplib::Client edge = serve->Edge();

  auto miss = edge.Get("/blog/");
  ASSERT_TRUE(miss);
  EXPECT_EQ(miss->status, 200);
  EXPECT_EQ(miss->body, "<html>blog</html>");
  EXPECT_EQ(XCache(miss), "Miss from cloudfront");
  EXPECT_EQ(miss->get_header_value("Strict-Transport-Security"), "max-age=63072000");
  auto hit = edge.Get("/blog/");
  ASSERT_TRUE(hit);
  EXPECT_EQ(XCache(hit), "Hit from cloudfront");
  EXPECT_EQ(hit->get_header_value("Strict-Transport-Security"), "max-age=63072000");
  EXPECT_EQ(index_fetches.load(), 1);

  const int origin_requests = origin.requests();
  auto moved = edge.Get("/old/page");
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->status, 301);
  EXPECT_EQ(moved->get_header_value("Location"), "/new");
  EXPECT_EQ(XCache(moved), "FunctionGeneratedResponse from cloudfront");
  auto boom = edge.Get("/boom");
  ASSERT_TRUE(boom);
  EXPECT_EQ(boom->status, 503);
  EXPECT_EQ(XCache(boom), "Error from cloudfront");
  EXPECT_EQ(origin.requests(), origin_requests);
  const absl::StatusOr<nlohmann::json> stats = serve->AdminGet("/_edgesim/stats");
  ASSERT_TRUE(stats.ok()) << stats.status();
  const nlohmann::json& counters = (*stats)["distributions"][0]["caches"][0]["counters"];
  EXPECT_EQ(counters["requests"], 4);
  EXPECT_EQ(counters["function_responses"], 1);
  EXPECT_EQ(counters["errors"], 1);

  // Worker and event-loop threads that ran functions end before the engine shuts down.
  ASSERT_EQ(serve->Terminate(), 0);
  // Loops log as they finish, not in request order: by URI.
  const std::vector<policy::AccessLogRecord> records = FnLiveLogRecords(config.log());
  ASSERT_EQ(records.size(), 4u);
  std::vector<std::string> blog;
  for (const policy::AccessLogRecord& r : records) {
    if (r.uri_stem == "/blog/") {  // the viewer's URI, before the rewrite
      blog.push_back(r.detailed_result_type);
    } else if (r.uri_stem == "/old/page") {
      EXPECT_EQ(r.sc_status, 301);
      EXPECT_EQ(r.result_type, "FunctionGeneratedResponse");
      EXPECT_EQ(r.detailed_result_type, "FunctionGeneratedResponse");
    } else {
      EXPECT_EQ(r.uri_stem, "/boom");
      EXPECT_EQ(r.sc_status, 503);
      EXPECT_EQ(r.result_type, "Error");
      EXPECT_EQ(r.detailed_result_type, "FunctionExecutionError");
    }
  }
  std::sort(blog.begin(), blog.end());
  EXPECT_EQ(blog, (std::vector<std::string>{"Hit", "Miss"}));
}

TEST(EdgeServerFunctionsTest, AMissingCodeFileStopsServeWithItsLocation) {
  ConfigFile config("{}");
  std::ofstream(config.path()) << FnLiveConfig(9, "absent.js");
  const ServeRun run = RunServeToExit({"--config", config.path(), "--listen", "127.0.0.1:0", "--api",
                                 "127.0.0.1:0"});
  EXPECT_FALSE(run.listened);
  EXPECT_NE(run.code, 0);
  EXPECT_TRUE(absl::StrContains(run.output, "Functions[0].FunctionCodeFile")) << run.output;
}

}  // namespace
}  // namespace edgesim::emulator::testing
