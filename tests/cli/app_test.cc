#include "cli/app.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/app_run.h"

namespace edgesim::cli {
namespace {

using testing::HasSubstr;
using testing::StartsWith;

std::string WriteTemp(absl::string_view name, absl::string_view text) {
  std::string path = absl::StrCat(testing::TempDir(), "/", name);
  std::ofstream(path) << text;
  return path;
}

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

TEST(AppTest, VersionPrintsTheVersion) {
  AppRun r = Edgesim({"version"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "edgesim 0.1.0\n");
}

TEST(AppTest, UnknownSubcommandIsAUsageError) {
  AppRun r = Edgesim({"frobnicate"});
  EXPECT_EQ(r.code, 2);
  EXPECT_FALSE(r.err.empty());
}

TEST(CheckConfigTest, ValidConfigGivesOneLineSummary) {
  const std::string path = absl::StrCat(EDGESIM_SOURCE_DIR, "/tests/testdata/dist-config-s3.json");
  AppRun r = Edgesim({"check-config", path});
  EXPECT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(Lines(r.out).size(), 1u) << r.out;
  EXPECT_THAT(r.out, HasSubstr("valid: 1 origin(s), 1 cache behavior(s)"));
}

TEST(CheckConfigTest, EveryProblemIsReportedWithItsLocation) {
  const std::string path = WriteTemp("broken.json", R"json({
    "CallerReference": "x", "Comment": "", "Enabled": true,
    "Origins": {"Quantity": 1, "Items": [{"Id": "o", "DomainName": "o.example.com",
                "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                                       "OriginProtocolPolicy": "http-only"}}]},
    "DefaultCacheBehavior": {"TargetOriginId": "nowhere", "ViewerProtocolPolicy": "allow-all",
                             "CachePolicyId": "no-such-policy"},
    "CacheBehaviors": {"Quantity": 1, "Items": [
      {"PathPattern": "/a b/*", "TargetOriginId": "o", "ViewerProtocolPolicy": "allow-all",
       "ForwardedValues": {"QueryString": false, "Cookies": {"Forward": "none"}},
       "MinTTL": 600, "DefaultTTL": 60, "MaxTTL": 3600}]}
  })json");
  AppRun r = Edgesim({"check-config", path});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(r.out.empty());
  std::vector<std::string> lines = Lines(r.err);
  EXPECT_GE(lines.size(), 4u) << r.err;
  for (const std::string& line : lines) EXPECT_THAT(line, StartsWith(path)) << r.err;
  EXPECT_THAT(r.err, HasSubstr("DefaultCacheBehavior.TargetOriginId"));
  EXPECT_THAT(r.err, HasSubstr("DefaultCacheBehavior.CachePolicyId"));
  EXPECT_THAT(r.err, HasSubstr("CacheBehaviors.Items[0].PathPattern"));
  EXPECT_THAT(r.err, HasSubstr("CacheBehaviors.Items[0]"));
  EXPECT_THAT(r.err, HasSubstr("MinTTL"));
}

// Ports outside CloudFront's 80, 443, 1024-65535 used to pass.
TEST(CheckConfigTest, OriginPortsOutOfRangeAreProblems) {
  const std::string path = WriteTemp("ports.json", R"json({
    "CallerReference": "x", "Comment": "", "Enabled": true,
    "Origins": {"Quantity": 1, "Items": [{"Id": "o", "DomainName": "o.example.com",
                "CustomOriginConfig": {"HTTPPort": 83637, "HTTPSPort": -1,
                                       "OriginProtocolPolicy": "http-only"}}]},
    "DefaultCacheBehavior": {"TargetOriginId": "o", "ViewerProtocolPolicy": "allow-all",
                             "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"}
  })json");
  AppRun r = Edgesim({"check-config", path});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("CustomOriginConfig.HTTPPort: 83637 is not a port CloudFront "
                               "connects to: 80, 443 or 1024-65535"));
  EXPECT_THAT(r.err, HasSubstr("CustomOriginConfig.HTTPSPort: -1 is not a port"));
}

// A behavior an earlier one shadows deploys (exit 0) but never matches: a warning per behavior,
// marked as edgesim's lint.
TEST(CheckConfigTest, WarnsOfBehaviorsThatCanNeverMatch) {
  const std::string path = WriteTemp("shadowed.json", R"json({
    "CallerReference": "x", "Comment": "", "Enabled": true,
    "Origins": {"Quantity": 1, "Items": [{"Id": "o", "DomainName": "o.example.com",
                "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                                       "OriginProtocolPolicy": "http-only"}}]},
    "DefaultCacheBehavior": {"TargetOriginId": "o", "ViewerProtocolPolicy": "allow-all",
                             "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"},
    "CacheBehaviors": {"Quantity": 3, "Items": [
      {"PathPattern": "/api/*", "TargetOriginId": "o", "ViewerProtocolPolicy": "allow-all",
       "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"},
      {"PathPattern": "/api/*", "TargetOriginId": "o", "ViewerProtocolPolicy": "allow-all",
       "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"},
      {"PathPattern": "/api/v2/*", "TargetOriginId": "o", "ViewerProtocolPolicy": "allow-all",
       "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"}]}
  })json");
  AppRun r = Edgesim({"check-config", path});
  EXPECT_EQ(r.code, 0) << r.err;
  const std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 3u) << r.out;
  EXPECT_THAT(lines[0], HasSubstr("valid: 1 origin(s), 3 cache behavior(s)"));
  EXPECT_THAT(lines[1], StartsWith(absl::StrCat(path,
                                                ": warning: DistributionConfig.CacheBehaviors"
                                                ".Items[1].PathPattern: \"/api/*\" repeats "
                                                "the pattern of Items[0]")));
  EXPECT_THAT(
      lines[2],
      HasSubstr(
          ".Items[2].PathPattern: \"/api/v2/*\" matches only paths of \"/api/*\" in Items[0]"));
  EXPECT_THAT(lines[2], HasSubstr("edgesim's lint, not a CloudFront rule"));
}

// Bad input anywhere: one clear line on stderr, exit 2, never a crash or an exception trace.
struct BadInputCase {
  std::string name;
  std::vector<std::string> args;
  std::string mentions;
};

void PrintTo(const BadInputCase& c, std::ostream* os) { *os << c.name; }

class BadInputTest : public testing::TestWithParam<BadInputCase> {};

TEST_P(BadInputTest, OneLineErrorAndExitTwo) {
  AppRun r = Edgesim(GetParam().args);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(Lines(r.err).size(), 1u) << r.err;
  EXPECT_THAT(r.err, HasSubstr(GetParam().mentions));
}

INSTANTIATE_TEST_SUITE_P(
    Cli, BadInputTest,
    testing::Values(
        BadInputCase{"MissingConfigFile",
                     {"explain", "--config", "/no/such/file.json", "/a"},
                     "/no/such/file.json"},
        BadInputCase{"MalformedJson",
                     {"explain", "--config", WriteTemp("malformed.json", "{\"Origins\": ["), "/a"},
                     "malformed.json"},
        BadInputCase{"CheckConfigMalformedJson",
                     {"check-config", WriteTemp("malformed2.json", "not json at all")},
                     "malformed2.json"},
        BadInputCase{"HeaderWithoutColon", {"explain", "-H", "NoColonHere", "/a"}, "NoColonHere"},
        BadInputCase{
            "OriginHeaderWithoutName", {"explain", "--origin-header", ": v", "/a"}, "Name: value"},
        BadInputCase{"RelativePath", {"explain", "index.html"}, "must start with '/'"},
        BadInputCase{"BadNow", {"explain", "--now", "yesterday", "/a"}, "--now"},
        BadInputCase{"NowPast2106",
                     {"explain", "--now", "4294967296", "/a"},
                     "is past 4294967295 (2106-02-07T06:28:15Z)"},
        BadInputCase{
            "OriginStatusOutOfRange", {"explain", "--origin-status", "999", "/a"}, "origin-status"},
        BadInputCase{"NegativeTtl", {"explain", "--max-ttl", "-5", "/a"}, "max-ttl"},
        BadInputCase{"NoPath", {"explain"}, "request"}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace edgesim::cli
