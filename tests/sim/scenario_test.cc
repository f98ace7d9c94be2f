#include "sim/scenario.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace edgesim::sim {
namespace {

using ::testing::HasSubstr;

absl::StatusOr<Scenario> Parse(const std::string& text) {
  return ParseScenario(nlohmann::json::parse(text), "/base");
}

TEST(ScenarioTest, ParsesEverySection) {
  absl::StatusOr<Scenario> s = Parse(R"({
    "name": "n", "description": "d",
    "origin": {
      "rules": [
        {"path": "/assets/*", "status": 200, "headers": {"Cache-Control": "max-age=31536000"},
         "size": 20000, "content_type": "application/javascript"},
        {"path": "/missing*", "status": 404, "headers": {}, "versioned": false}
      ],
      "outages": [{"from": 100, "to": 160, "status": 503}, {"from": 200, "to": 230, "failure": "timeout"}]
    },
    "steps": [
      {"at": 0, "request": "GET /index.html", "headers": {"Accept-Encoding": "gzip"}, "pop": "IAD89-C1",
       "expect": {"status": 200, "x_cache": "Miss", "age": 0, "version": 1,
                  "headers": {"Content-Type": "text/html"}}},
      {"at": 30, "deploy": ["/index.html", "/app.js"]},
      {"at": 31, "invalidate": ["/index.html"]},
      {"at": 35, "request": "GET /a", "https": true},
      {"at": 40, "request": "/index.html", "expect": {"x_cache": "Hit from cloudfront",
       "origin_requests": 1, "body_starts_with": "/index.html v1"}}
    ],
    "workload": {"type": "synthetic"},
    "variants": [{"name": "short", "default_ttl": 60}]
  })");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->name, "n");
  EXPECT_EQ(s->base_dir, "/base");
  ASSERT_EQ(s->origin.rules.size(), 2u);
  EXPECT_EQ(s->origin.rules[0].size, 20000u);
  EXPECT_FALSE(s->origin.rules[1].versioned);
  ASSERT_EQ(s->origin.outages.size(), 2u);
  EXPECT_EQ(s->origin.outages[1].failure, OriginOutage::Failure::kTimeout);
  ASSERT_EQ(s->steps.size(), 5u);
  EXPECT_FALSE(s->steps[0].request.https);
  EXPECT_TRUE(s->steps[3].request.https);
  s->steps.erase(s->steps.begin() + 3);
  EXPECT_EQ(s->steps[0].request.target, "/index.html");
  EXPECT_EQ(s->steps[0].request.headers.Get("Accept-Encoding"), "gzip");
  EXPECT_EQ(s->steps[0].pop, "IAD89-C1");
  EXPECT_EQ(s->steps[0].expect.version, 1);
  EXPECT_EQ(s->steps[1].kind, Step::Kind::kDeploy);
  EXPECT_EQ(s->steps[1].paths.size(), 2u);
  EXPECT_EQ(s->steps[2].kind, Step::Kind::kInvalidate);
  EXPECT_EQ(s->steps[3].request.method, "GET");
  EXPECT_EQ(s->steps[3].expect.x_cache, "Hit");
  EXPECT_EQ(s->steps[3].at, absl::Seconds(40));
  EXPECT_EQ(s->steps[3].expect.origin_requests, 1);
  EXPECT_EQ(s->steps[3].expect.body_starts_with, "/index.html v1");
  EXPECT_EQ(s->workload["type"], "synthetic");
  ASSERT_EQ(s->variants.size(), 1u);
  EXPECT_EQ(s->variants[0].name, "short");
}

TEST(ScenarioTest, DefaultsWithoutSections) {
  absl::StatusOr<Scenario> s = Parse("{}");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(s->origin.rules.empty());
  EXPECT_TRUE(s->workload.is_null());
  ASSERT_EQ(s->variants.size(), 1u);
  EXPECT_EQ(s->distribution.config.default_behavior.cache_policy.name, "Managed-CachingOptimized");
}

// The distribution is CloudFront's own JSON: fields CloudFront has and edgesim does not model (or
// that a newer AWS CLI prints) are ignored there, as CloudFront ignores them.
TEST(ScenarioTest, DistributionKeepsIgnoringUnknownCloudFrontFields) {
  absl::StatusOr<Scenario> s = Parse(R"({"distribution": {
    "Origins": {"Quantity": 1, "Items": [{"Id": "o", "DomainName": "o.test",
                "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                                       "OriginProtocolPolicy": "http-only",
                                       "IpAddressType": "dualstack"}}]},
    "DefaultCacheBehavior": {"TargetOriginId": "o", "ViewerProtocolPolicy": "allow-all",
                             "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
                             "GrpcConfig": {"Enabled": false}},
    "SomeFutureField": 1}})");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->distribution.config.origins[0].id, "o");
}

struct ScenarioBadCase {
  std::string json;
  std::string where;
};

class ScenarioErrorTest : public ::testing::TestWithParam<ScenarioBadCase> {};

TEST_P(ScenarioErrorTest, NamesTheField) {
  absl::StatusOr<Scenario> s = Parse(GetParam().json);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.status().message()), HasSubstr(GetParam().where));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ScenarioErrorTest,
    ::testing::Values(
        ScenarioBadCase{R"({"steps": [{"at": 0, "request": "/a"}, {"at": 1, "request": "/b"},
                   {"at": 2, "request": "/c"}, {"at": 3, "request": "/d", "expect": {"x_cache": "Maybe"}}]})",
                        "steps[3].expect.x_cache: \"Maybe\""},
        ScenarioBadCase{R"({"steps": [{"at": 0, "request": "/a"}, {"at": 1, "request": "/b"},
                   {"at": 2, "request": "/c"}, {"at": 3, "request": "/d", "expect": {"x_cache": 3}}]})",
                        "steps[3].expect.x_cache: expected a string, got number"},
        ScenarioBadCase{R"({"steps": [{"request": "/a"}]})",
                        "steps[0].at: required field is missing"},
        ScenarioBadCase{R"({"steps": [{"at": 5, "request": "/a"}, {"at": 1, "request": "/a"}]})",
                        "steps[1].at: steps must be in time order"},
        ScenarioBadCase{R"({"steps": [{"at": 0, "request": "GET index.html"}]})",
                        "steps[0].request"},
        ScenarioBadCase{R"({"steps": [{"at": 0, "deploy": ["a.js"]}]})", "steps[0].deploy[0]"},
        ScenarioBadCase{R"({"steps": [{"at": 0, "request": "/a", "deploy": ["/a"]}]})",
                        "steps[0]: a step has exactly one"},
        ScenarioBadCase{R"({"steps": [{"at": -1, "request": "/a"}]})", "steps[0].at"},
        ScenarioBadCase{R"({"origin": {"rules": [{"path": "/a", "status": 99}]}})",
                        "origin.rules[0].status"},
        ScenarioBadCase{R"({"origin": {"rules": [{"status": 200}]}})",
                        "origin.rules[0].path: required field is missing"},
        ScenarioBadCase{R"({"origin": {"rules": [{"path": "/a", "headers": {"X": 1}}]}})",
                        "origin.rules[0].headers.X"},
        ScenarioBadCase{R"({"origin": {"rules": [{"path": "/a", "headers": {"X": "a\u0001"}}]}})",
                        "origin.rules[0].headers.X: a header value has no control characters"},
        ScenarioBadCase{R"({"origin": {"outages": [{"from": 10, "to": 5}]}})",
                        "origin.outages[0].to"},
        ScenarioBadCase{R"({"origin": {"outages": [{"from": 1, "to": 5, "failure": "boom"}]}})",
                        "origin.outages[0].failure"},
        ScenarioBadCase{R"({"distribution": {"DefaultCacheBehavior": 3}})", "distribution:"},
        ScenarioBadCase{R"({"workload": []})", "workload: expected an object"},
        ScenarioBadCase{
            R"({"steps": [{"at": 0, "request": "/a", "expect": {"origin_requests": -1}}]})",
            "steps[0].expect.origin_requests"},
        ScenarioBadCase{R"({"variants": [{"name": "a", "eviction": "random"}]})",
                        "variants[0].eviction: unknown eviction policy"},
        ScenarioBadCase{R"({"variants": [{"name": "a", "defualt_ttl": 5}]})",
                        "variants[0]: unknown key \"defualt_ttl\""},
        ScenarioBadCase{R"({"grid": {"eviction": ["lru"], "capacity": [1]}})",
                        "grid: unknown key \"capacity\""},
        ScenarioBadCase{R"({"variants": [{"default_ttl": 5}]})",
                        "variants[0].name: required field is missing"},
        // edgesim's own keys are checked everywhere: a misspelt one is an error, not a no-op.
        ScenarioBadCase{R"({"steps": [{"at": 0, "request": "/a", "expect": {"x-cache": "Hit"}}]})",
                        "steps[0].expect: unknown key \"x-cache\""},
        ScenarioBadCase{R"({"steps": [{"at": 0, "request": "/a"}, {"at": 1, "request": "/a"},
                              {"at": 2, "request": "/a", "expect": {"x-cache": "Hit"}}]})",
                        "steps[2].expect: unknown key \"x-cache\""},
        ScenarioBadCase{R"({"steps": [{"at": 0, "requets": "/a"}]})",
                        "steps[0]: unknown key \"requets\""},
        ScenarioBadCase{R"({"steps": [{"at": 0, "deploy": ["/a"], "expect": {"status": 200}}]})",
                        "steps[0].expect: only a request step has one"},
        ScenarioBadCase{R"({"steps": [{"at": 0, "invalidate": ["/a"], "https": true}]})",
                        "steps[0].https: only a request step has one"},
        ScenarioBadCase{R"({"steps": [{"at": 0, "request": "/a", "https": "yes"}]})",
                        "steps[0].https"},
        ScenarioBadCase{R"({"nmae": "typo"})", "unknown key \"nmae\""},
        ScenarioBadCase{R"({"origin": {"rule": []}})", "origin: unknown key \"rule\""},
        // Per-origin scripts name origins of the distribution and keep the "origin" keys.
        ScenarioBadCase{R"({"origins": {"nowhere": {}}})",
                        "origins.nowhere: names no origin of the distribution"},
        ScenarioBadCase{R"({"origins": {"origin": {"rule": []}}})",
                        "origins.origin: unknown key \"rule\""},
        ScenarioBadCase{R"({"origins": [{}]})", "origins: expected an object"},
        ScenarioBadCase{R"({"origin": {"rules": [{"path": "/a", "cache_control": "x"}]}})",
                        "origin.rules[0]: unknown key \"cache_control\""},
        ScenarioBadCase{R"({"origin": {"outages": [{"from": 1, "to": 5, "code": 503}]}})",
                        "origin.outages[0]: unknown key \"code\""},
        ScenarioBadCase{R"({"grid": {"default_ttl": [60, "x"]}})", "grid.default_ttl[1]"},
        ScenarioBadCase{R"({"grid": {"cache_policy": ["NoSuchPolicy"]}})",
                        "grid.cache_policy[0]: no managed cache policy"},
        ScenarioBadCase{R"({"variants": [{"name": "a"}, {"name": "a"}]})",
                        "two variants are named"},
        // Numbers in range: scenario times end at 2106-02-07T06:28:15Z (the caches' 32-bit
        // seconds), TTLs at 2^63-1 s, ports are CloudFront's.
        ScenarioBadCase{R"({"steps": [{"at": 1e10, "request": "/a"}]})",
                        "steps[0].at: expected a number of seconds 0-4294967295"},
        ScenarioBadCase{R"({"origin": {"outages": [{"from": 1, "to": 4294967296}]}})",
                        "origin.outages[0].to: expected a number of seconds 0-4294967295"},
        ScenarioBadCase{
            R"({"variants": [{"name": "a", "invalidation_delay": 1e12}]})",
            "variants[0].invalidation_delay: expected a number of seconds 0-4294967295"},
        ScenarioBadCase{
            R"({"variants": [{"name": "a", "default_ttl": 1e300}]})",
            "variants[0].default_ttl: expected a number of seconds 0-9223372036854775807"},
        ScenarioBadCase{
            R"({"distribution": {"Origins": {"Quantity": 1, "Items": [{"Id": "o",
                      "DomainName": "o.example.com", "CustomOriginConfig": {"HTTPPort": 83637,
                      "HTTPSPort": 443, "OriginProtocolPolicy": "http-only"}}]},
                    "DefaultCacheBehavior": {"TargetOriginId": "o",
                      "ViewerProtocolPolicy": "allow-all",
                      "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"}}})",
            "CustomOriginConfig.HTTPPort: 83637 is not a port CloudFront connects to"}));

TEST(ScenarioTest, RequestLine) {
  absl::StatusOr<policy::Request> r = ParseRequestLine("  POST /api/x?y=1 ");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->method, "POST");
  EXPECT_EQ(r->target, "/api/x?y=1");
  EXPECT_FALSE(ParseRequestLine("get /a").ok());
  EXPECT_FALSE(ParseRequestLine("GET /a b").ok());
}

TEST(ScenarioTest, LoadScenarioNamesTheFile) {
  absl::StatusOr<Scenario> s = LoadScenario("/nonexistent/x.json");
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("/nonexistent/x.json"));
}

}  // namespace
}  // namespace edgesim::sim
