// `edgesim explain` must answer exactly what the policy tests assert for SPEC's worked tables:
// the tables are shared data (tests/policy/*_worked_cases.h), run here through the command line.
#include "cli/explain.h"

#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/app.h"
#include "cli/distribution_file.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "policy/cache_key.h"
#include "tests/policy/invalidation_worked_cases.h"
#include "tests/policy/path_pattern_worked_cases.h"
#include "tests/policy/ttl_worked_cases.h"

namespace edgesim::cli {
namespace {

using testing::HasSubstr;
using testing::Not;

std::string TestData(absl::string_view name) {
  return absl::StrCat(EDGESIM_SOURCE_DIR, "/tests/testdata/", name);
}

// Runs `edgesim explain --json ARGS...` in-process and parses what it prints.
nlohmann::json ExplainJson(std::vector<std::string> args) {
  args.insert(args.begin(), {"explain", "--json"});
  std::ostringstream out, err;
  int code = RunApp(args, out, err);
  EXPECT_EQ(code, 0) << err.str();
  if (code != 0) return nlohmann::json::object();
  return nlohmann::json::parse(out.str());
}

// ---- SPEC 1.2: behavior selection

class ExplainSpec12Test : public testing::TestWithParam<policy::spec12::Spec12Case> {};

TEST_P(ExplainSpec12Test, SelectsTheSameBehavior) {
  const policy::spec12::Spec12Case& c = GetParam();
  nlohmann::json j = ExplainJson({"--config", TestData("spec-behaviors.json"), c.raw_path});
  const int index = c.behavior == "default" ? -1 : c.behavior[1] - '1';
  EXPECT_EQ(j["behavior"]["index"], index);
  EXPECT_EQ(j["behavior"]["path_pattern"], index < 0 ? "*" : policy::spec12::kPatterns[index]);
  EXPECT_EQ(j["behavior"]["matched_path"], c.matching_path);
  EXPECT_EQ(j["behavior"]["patterns_tried"].size(), index < 0 ? 4u : index + 1u);
}

INSTANTIATE_TEST_SUITE_P(Spec12, ExplainSpec12Test, testing::ValuesIn(policy::spec12::kCases),
                         [](const auto& info) { return info.param.name; });

TEST(ExplainTest, QueryStringIsIgnoredForMatching) {  // SPEC 1.2 row 3, with its query
  nlohmann::json j =
      ExplainJson({"--config", TestData("spec-behaviors.json"), "/images/pic.jpg?w=100"});
  EXPECT_EQ(j["behavior"]["index"], 0);
}

// ---- SPEC 3.9: TTL decisions, through --min-ttl/--default-ttl/--max-ttl and origin flags

std::vector<std::string> TtlArgs(const policy::spec39::WorkedCase& c,
                                 const policy::spec39::Ttls& t) {
  std::vector<std::string> args = {
      // The S3 sample's default behavior targets its S3 origin; the demo's a custom one.
      "--config",
      TestData(c.context.s3_origin ? "dist-config-s3.json" : "dist-config-minimal.json"),
      "--now",
      absl::StrCat(absl::ToUnixSeconds(policy::spec39::kNow)),
      "--min-ttl",
      absl::StrCat(t.min),
      "--default-ttl",
      absl::StrCat(t.default_ttl),
      "--max-ttl",
      absl::StrCat(t.max),
      "--origin-status",
      absl::StrCat(c.status)};
  const policy::Response origin = policy::spec39::WorkedResponse(c);
  if (c.context.error_caching_min_ttl) {
    args.push_back("--error-caching-min-ttl");
    args.push_back(absl::StrCat(absl::ToInt64Seconds(*c.context.error_caching_min_ttl)));
  }
  for (const auto& [name, value] : origin.headers.fields()) {
    args.push_back("--origin-header");
    args.push_back(absl::StrCat(name, ": ", value));
  }
  args.push_back("/page.html");
  return args;
}

class ExplainSpec39Test : public testing::TestWithParam<policy::spec39::WorkedCase> {};

TEST_P(ExplainSpec39Test, DecidesTheSameTtl) {
  const policy::spec39::WorkedCase& c = GetParam();
  for (const policy::spec39::Ttls& t : c.policies) {
    SCOPED_TRACE(absl::StrCat("Min ", t.min, " Default ", t.default_ttl, " Max ", t.max));
    nlohmann::json ttl = ExplainJson(TtlArgs(c, t))["ttl"];
    EXPECT_EQ(ttl["stored"], c.expect.cached);
    EXPECT_EQ(ttl["fresh_seconds"], c.expect.ttl);
    EXPECT_EQ(ttl["source"], std::string(policy::ToString(c.expect.source)));
    EXPECT_EQ(ttl["stale_while_revalidate_seconds"], c.expect.stale_while_revalidate);
    EXPECT_EQ(ttl["forward_every_request"], c.expect.forward_every_request);
    EXPECT_THAT(ttl["reason"].get<std::string>(), HasSubstr(c.reason_mentions));
  }
}

// Row 38 is about a stored copy and a later failing origin: one request cannot show it (the
// policy test plays it through DecideStaleOnError).
std::vector<policy::spec39::WorkedCase> SingleRequestCases() {
  std::vector<policy::spec39::WorkedCase> cases;
  for (const policy::spec39::WorkedCase& c : policy::spec39::kWorkedCases) {
    if (!c.failing_origin_status) cases.push_back(c);
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Spec39, ExplainSpec39Test, testing::ValuesIn(SingleRequestCases()),
                         [](const auto& info) { return info.param.name; });

// ---- SPEC 6.2: what an invalidation path removes

class ExplainSpec62Test : public testing::TestWithParam<policy::spec62::Spec62Case> {};

TEST_P(ExplainSpec62Test, JudgesTheSameInvalidation) {
  const policy::spec62::Spec62Case& c = GetParam();
  for (const policy::spec62::CachedObject& object : c.objects) {
    // The object as a viewer requests it; whether its query is in the key is the config's.
    std::string target =
        object.query.empty() ? object.path : absl::StrCat(object.path, "?", object.query);
    nlohmann::json j = ExplainJson(
        {"--config", TestData(object.query_in_key ? "query-in-key.json" : "spec-behaviors.json"),
         "--invalidate", c.invalidation_path, target});
    ASSERT_EQ(j["invalidations"].size(), 1u);
    EXPECT_EQ(j["object_path"], object.KeyPath());
    EXPECT_EQ(j["invalidations"][0]["valid"], c.accepted);
    if (c.accepted) {
      EXPECT_EQ(j["invalidations"][0]["matches"], c.invalidated) << target;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Spec62, ExplainSpec62Test, testing::ValuesIn(policy::spec62::kCases),
                         [](const auto& info) { return info.param.name; });

// ---- The cache key and the demo

TEST(ExplainTest, CacheKeyUsesDistributionDomainAndNormalizedAcceptEncoding) {  // SPEC 2.7 row 1
  nlohmann::json viaCname = ExplainJson(
      {"-H", "Host: www.example.com", "-H", "Accept-Encoding: gzip, deflate, br", "/a.jpg?x=1"});
  nlohmann::json direct = ExplainJson({"-H", "Host: d111111abcdef8.cloudfront.net", "-H",
                                       "Accept-Encoding: gzip, deflate, br", "/a.jpg?x=2"});
  nlohmann::json plain = ExplainJson({"/a.jpg"});
  EXPECT_EQ(viaCname["cache_key"], direct["cache_key"]);  // row 2: a hit
  EXPECT_EQ(viaCname["cache_key_hash"], direct["cache_key_hash"]);
  EXPECT_NE(viaCname["cache_key_hash"], plain["cache_key_hash"]);  // row 3: no AE, other entry
  EXPECT_THAT(viaCname["cache_key"].get<std::string>(), HasSubstr("d111111abcdef8.cloudfront.net"));
  EXPECT_THAT(viaCname["cache_key"].get<std::string>(), HasSubstr("br,gzip"));
}

TEST(ExplainTest, DemoRoutesHashedAssetsToTheYearLongPolicy) {
  nlohmann::json asset =
      ExplainJson({"--origin-header", "Cache-Control: public, max-age=31536000, immutable",
                   "/assets/app.3f9a1c.js"});
  EXPECT_EQ(asset["behavior"]["path_pattern"], "/assets/*");
  EXPECT_EQ(asset["ttl"]["fresh_seconds"], 31536000);
  nlohmann::json html = ExplainJson({"/"});
  EXPECT_EQ(html["behavior"]["index"], -1);
  EXPECT_EQ(html["ttl"]["fresh_seconds"], 60);    // the demo's DefaultTTL
  EXPECT_EQ(html["origin_path"], "/index.html");  // DefaultRootObject, for "/" only
  EXPECT_EQ(ExplainJson({"/docs/"})["origin_path"], "/docs/");
}

// explain and serve load a config file with one loader: the key explain shows is the key serve's
// cache uses for the same file, under the domain serve gives it, not the demo's.
TEST(ExplainTest, CacheKeyForAConfigFileIsTheOneServeUses) {
  const std::string path = TestData("dist-config-minimal.json");
  const nlohmann::json j = ExplainJson({"--config", path, "-H", "Accept-Encoding: gzip", "/a.jpg"});
  const absl::StatusOr<policy::Distribution> served = LoadDistributionFile(path);
  ASSERT_TRUE(served.ok()) << served.status();
  policy::Request request = policy::Request::Get("/a.jpg");
  request.headers.Add("Accept-Encoding", "gzip");
  const policy::CacheKey key = policy::BuildCacheKey(request, served->domain_name,
                                                     served->config.default_behavior.cache_policy);
  EXPECT_EQ(j["cache_key_hash"], absl::StrFormat("%016x", key.hash));
  EXPECT_THAT(j["cache_key"].get<std::string>(), HasSubstr(served->domain_name));
  EXPECT_THAT(j["cache_key"].get<std::string>(), Not(HasSubstr("d111111abcdef8")));

  std::ostringstream out, err;
  ASSERT_EQ(RunApp({"explain", "--config", path, "/a.jpg"}, out, err), 0) << err.str();
  EXPECT_THAT(out.str(),
              HasSubstr(absl::StrCat("Distribution ", served->id, " (", served->domain_name, ")")));
}

TEST(ExplainTest, ShowsWhatTheResponseHeadersPolicyChangesForTheViewer) {  // SPEC 11
  policy::Distribution d = policy::SingleOriginDistribution(
      "origin", *policy::FindManagedCachePolicy("Managed-CachingOptimized"));
  d.config.default_behavior.response_headers_policy =
      *policy::FindManagedResponseHeadersPolicy("SecurityHeadersPolicy");
  d.config.default_behavior.response_headers_policy->remove_headers = {"Server"};
  ExplainInput in;
  in.request = policy::Request::Get("/a");
  in.origin_headers.Add("Server", "nginx");
  in.origin_headers.Add("X-Frame-Options", "DENY");
  absl::StatusOr<Explanation> e = Explain(d, in);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->response_headers_policy, "Managed-SecurityHeadersPolicy");
  EXPECT_EQ(e->headers_removed, std::vector<std::string>{"Server"});
  EXPECT_THAT(e->headers_set, testing::Contains("X-Content-Type-Options: nosniff"));
  EXPECT_THAT(e->headers_set, Not(testing::Contains("X-Frame-Options: SAMEORIGIN")));
  const std::string text = RenderExplanationText(*e, d);
  EXPECT_THAT(text, HasSubstr("Response headers policy Managed-SecurityHeadersPolicy"));
  EXPECT_THAT(text, HasSubstr("  - removes Server"));
  EXPECT_EQ(RenderExplanationJson(*e)["response_headers_policy"]["removed"][0], "Server");
}

policy::Distribution ExplainFnDistribution(absl::string_view code) {
  policy::Distribution d = policy::SingleOriginDistribution(
      "origin", *policy::FindManagedCachePolicy("Managed-CachingOptimized"));
  d.config.default_behavior.function_associations.push_back(
      {"viewer-request", "arn:aws:cloudfront::123456789012:function/spa", "spa",
       "cloudfront-js-2.0", std::string(code)});
  return d;
}

TEST(ExplainTest, ShowsWhatTheViewerRequestFunctionDidBeforeTheKey) {  // SPEC 15.7
  const policy::Distribution d = ExplainFnDistribution(R"(function handler(event) {
    const r = event.request;
    r.uri += 'index.html';
    r.headers['x-spa'] = { value: '1' };
    delete r.headers['cookie-less'];
    return r; })");
  ExplainInput in;
  in.request = policy::Request::Get("/blog/");
  in.request.headers.Add("Cookie-Less", "yes");
  absl::StatusOr<Explanation> e = Explain(d, in);
  ASSERT_TRUE(e.ok()) << e.status();
  const FunctionEffect& f = e->viewer_request_function;
  EXPECT_EQ(f.name, "spa");
  EXPECT_EQ(f.target_before, "/blog/");
  EXPECT_EQ(f.target_after, "/blog/index.html");
  EXPECT_EQ(f.headers_added, std::vector<std::string>{"X-Spa: 1"});
  EXPECT_EQ(f.headers_removed, std::vector<std::string>{"Cookie-Less"});
  EXPECT_EQ(e->key.object_path, "/blog/index.html");
  EXPECT_EQ(e->origin_path, "/blog/index.html");
  const std::string text = RenderExplanationText(*e, d);
  EXPECT_THAT(text, HasSubstr("Viewer-request function spa"));
  EXPECT_THAT(text, HasSubstr("URI /blog/ -> /blog/index.html"));
  EXPECT_EQ(RenderExplanationJson(*e)["viewer_request_function"]["target_after"],
            "/blog/index.html");
}

TEST(ExplainTest, ShowsTheResponseAViewerRequestFunctionReturned) {
  const policy::Distribution d = ExplainFnDistribution(
      "function handler(e) { return { statusCode: 302, headers: { location: { value: '/' } } }; }");
  ExplainInput in;
  in.request = policy::Request::Get("/old");
  absl::StatusOr<Explanation> e = Explain(d, in);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->viewer_request_function.response_status, 302);
  EXPECT_EQ(e->viewer_status, 302);
  EXPECT_THAT(e->viewer_gets, HasSubstr("answered by the viewer-request function"));
  EXPECT_THAT(RenderExplanationText(*e, d), HasSubstr("answers 302 itself"));
}

TEST(ExplainTest, TextOutputWalksEveryStep) {
  std::ostringstream out, err;
  ASSERT_EQ(RunApp({"explain", "--origin-header", "Cache-Control: max-age=7200", "--max-ttl", "600",
                    "--invalidate", "/index.html", "--invalidate", "/a b", "/index.html"},
                   out, err),
            0)
      << err.str();
  const std::string text = out.str();
  EXPECT_THAT(text, HasSubstr("MATCH default (*)"));
  EXPECT_THAT(text, HasSubstr("no    #0 /assets/*"));
  EXPECT_THAT(text, HasSubstr("MaxTTL 300 -> 600 (--max-ttl)"));
  EXPECT_THAT(text, HasSubstr("fresh for 600s"));
  EXPECT_THAT(text, HasSubstr("/index.html: removes this object"));
  EXPECT_THAT(text, HasSubstr("/a b: rejected"));
}

// -H takes one value per occurrence: the method and path after it stay the request.
TEST(ExplainTest, HeaderFlagTakesOneValueNotTheRequest) {
  const nlohmann::json j = ExplainJson({"-H", "Accept-Language: en", "GET", "/a.jpg"});
  EXPECT_EQ(j["origin_path"], "/a.jpg");
  const nlohmann::json two =
      ExplainJson({"-H", "Accept-Language: en", "-H", "Accept-Encoding: gzip", "/a.jpg"});
  EXPECT_THAT(two["cache_key"].get<std::string>(), HasSubstr("gzip"));
}

std::string ExplainText(std::vector<std::string> args) {
  args.insert(args.begin(), "explain");
  std::ostringstream out, err;
  EXPECT_EQ(RunApp(args, out, err), 0) << err.str();
  return out.str();
}

// The last line of every explanation: what the viewer gets, as the request pipeline answers.
std::string LastLine(const std::string& text) {
  const size_t end = text.find_last_not_of('\n');
  const size_t start = text.rfind('\n', end);
  return text.substr(start + 1, end - start);
}

TEST(ExplainTest, ARefusedMethodEndsInTheRefusalNotATtl) {
  const std::string text =
      ExplainText({"--config", TestData("dist-config-s3.json"), "POST", "/a.jpg"});
  EXPECT_EQ(LastLine(text), "viewer gets: 403 (method not allowed by the behavior, SPEC 4.1)");
  EXPECT_THAT(text, HasSubstr("TTL: not applied: the request never reached the origin"));
  EXPECT_THAT(text, Not(HasSubstr("fresh for")));
  EXPECT_EQ(ExplainJson({"--config", TestData("dist-config-s3.json"), "POST", "/a.jpg"})["viewer"]
               ["status"],
            403);
}

TEST(ExplainTest, AnErrorWithACustomPageEndsInThePage) {
  const std::string text = ExplainText(
      {"--config", TestData("dist-config-s3.json"), "--origin-status", "404", "/no/such/route"});
  EXPECT_EQ(LastLine(text),
            "viewer gets: 200 custom error page /index.html in place of the 404 "
            "(CustomErrorResponse, SPEC 7.4)");
}

TEST(ExplainTest, PlainHttpIsRedirectedWhereTheBehaviorSaysSo) {
  EXPECT_THAT(LastLine(ExplainText({"--config", TestData("dist-config-s3.json"), "--http", "/a"})),
              HasSubstr("viewer gets: 301 redirect to HTTPS"));
  EXPECT_EQ(LastLine(ExplainText({"--config", TestData("dist-config-s3.json"), "/a"})),
            "viewer gets: 200 from the origin (Miss from cloudfront), cached");
}

TEST(ExplainTest, NamesWhatTheCacheKeyLeavesOut) {
  const std::string config = TestData("dist-config-s3.json");  // Managed-CachingOptimized
  const std::string text = ExplainText({"--config", config, "-H", "Accept-Language: en", "-H",
                                        "Cookie: session=1", "/a.jpg?v=2"});
  EXPECT_THAT(text, HasSubstr("left out: query v (the cache policy's QueryStringBehavior is none)"));
  EXPECT_THAT(text,
              HasSubstr("left out: header Accept-Language (the cache policy's HeaderBehavior is "
                        "none)"));
  EXPECT_THAT(text, HasSubstr("left out: cookie session (the cache policy's CookieBehavior is "
                              "none)"));
  const nlohmann::json j = ExplainJson({"--config", config, "/a.jpg?v=2"});
  ASSERT_EQ(j["cache_key_omitted"].size(), 1u);
  EXPECT_EQ(j["cache_key_omitted"][0]["name"], "v");
}

TEST(ExplainTest, WarnsWhenTheOriginsTtlIsClamped) {
  const std::string config = TestData("dist-config-s3.json");  // MinTTL 1, MaxTTL 31536000
  EXPECT_THAT(ExplainText({"--config", config, "--origin-header", "Cache-Control: max-age=0", "/a"}),
              HasSubstr("warning: the origin's max-age=0 is below MinTTL: clamped to 1s"));
  EXPECT_THAT(ExplainText({"--config", config, "--max-ttl", "60", "--origin-header",
                           "Cache-Control: s-maxage=600", "/a"}),
              HasSubstr("warning: the origin's s-maxage=600 is above MaxTTL: clamped to 60s"));
}

// --max-ttl alone on CachingOptimized brings DefaultTTL down with it, as a simulator variant does.
TEST(ExplainTest, AMaxTtlOverrideAloneFitsTheDefaultTtl) {
  const std::string text =
      ExplainText({"--config", TestData("dist-config-s3.json"), "--max-ttl", "60", "/a"});
  EXPECT_THAT(text, HasSubstr("DefaultTTL 86400 -> 60 (to fit the overrides)"));
  EXPECT_THAT(text, HasSubstr("fresh for 60s"));
}

}  // namespace
}  // namespace edgesim::cli
