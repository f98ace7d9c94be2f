#include "policy/distribution_validator.h"

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/distribution_json_reader.h"
#include "tests/policy/distribution_json_samples.h"

namespace edgesim::policy {
namespace {

// ---------------------------------------------------------------------------------------------
// Validation: each problem with its location.

struct ProblemCase {
  std::string name;
  std::function<void(Json&)> mutate;  // applied to BaseJson()
  std::string location;
  std::string fragment;
};

const ProblemCase kProblemCases[] = {
    // SPEC 1.1 rule 12.
    {"TargetOriginIdNamesNoOrigin", [](Json& j) { Ordered(j)["TargetOriginId"] = "nope"; },
     kItem0 + ".TargetOriginId", "\"nope\" names no origin"},
    {"TargetOriginIdMissing", [](Json& j) { Default(j).erase("TargetOriginId"); },
     kDefault + ".TargetOriginId", "required field is missing"},
    // SPEC 2.2 / 3.1 TTL order.
    {"LegacyDefaultTtlBelowMinTtl",
     [](Json& j) {
       Ordered(j)["MinTTL"] = 100;
       Ordered(j)["DefaultTTL"] = 50;
     },
     kItem0 + ".DefaultTTL", "InvalidTTLOrder: DefaultTTL (50) is less than MinTTL (100)"},
    {"LegacyMaxTtlBelowDefaultTtl",
     [](Json& j) {
       Default(j)["DefaultTTL"] = 100;
       Default(j)["MaxTTL"] = 10;
     },
     kDefault + ".MaxTTL", "InvalidTTLOrder: MaxTTL (10) is less than DefaultTTL (100)"},
    {"LegacyNegativeMinTtl", [](Json& j) { Default(j)["MinTTL"] = -1; }, kDefault + ".MinTTL",
     "must not be negative"},
    {"CustomPolicyTtlOrder",
     [](Json& j) {
       j["CachePolicies"] = Json::array({CustomPolicyJson("bad", 10, 5, 600)});
       UsePolicy(Default(j), "bad");
     },
     kDefault + ".CachePolicyId", "InvalidTTLOrder"},
    // SPEC 2.2: a behavior's cache key source.
    {"UnknownCachePolicyId", [](Json& j) { UsePolicy(Ordered(j), "no-such-policy"); },
     kItem0 + ".CachePolicyId", "NoSuchCachePolicy: \"no-such-policy\""},
    {"CachePolicyIdAndForwardedValues",
     [](Json& j) { Ordered(j)["CachePolicyId"] = kCachingOptimizedId; },
     kItem0 + ".ForwardedValues", "not both"},
    {"NeitherCachePolicyIdNorForwardedValues", [](Json& j) { Ordered(j).erase("ForwardedValues"); },
     kItem0, "needs a CachePolicyId"},
    // SPEC 2.5: Headers "*".
    {"ForwardAllHeadersNeedsMinTtlZero",
     [](Json& j) {
       Default(j)["ForwardedValues"]["Headers"] = QuantityItems(Json::array({"*"}));
       Default(j)["MinTTL"] = 5;
     },
     kDefault + ".MinTTL", "requires MinTTL 0"},
    {"LegacyCookiesAllExceptNotAllowed",
     [](Json& j) { Default(j)["ForwardedValues"]["Cookies"]["Forward"] = "allExcept"; },
     kDefault + ".ForwardedValues.Cookies.Forward", "is not one of none, whitelist, all"},
    // SPEC 1.1 rule 11.
    {"SeventySixBehaviors",
     [](Json& j) {
       Json items = Json::array();
       for (int i = 0; i < 76; ++i) items.push_back(LegacyBehavior(absl::StrCat("/p", i, "/*")));
       j["CacheBehaviors"] = QuantityItems(items);
     },
     kRoot + ".CacheBehaviors.Quantity", "TooManyCacheBehaviors: 76"},
    // InconsistentQuantities, at any depth.
    {"OriginsQuantityDisagrees", [](Json& j) { j["Origins"]["Quantity"] = 2; },
     kRoot + ".Origins.Quantity", "InconsistentQuantities: Quantity is 2 but Items has 1"},
    {"NestedQuantityDisagrees",
     [](Json& j) {
       Ordered(j)["ForwardedValues"]["Headers"] = {{"Quantity", 0},
                                                   {"Items", Json::array({"Origin"})}};
     },
     kItem0 + ".ForwardedValues.Headers.Quantity", "InconsistentQuantities"},
    {"QuantityMissing", [](Json& j) { j["Origins"].erase("Quantity"); },
     kRoot + ".Origins.Quantity", "required field is missing"},
    {"DuplicateOriginId",
     [](Json& j) {
       j["Origins"]["Items"].push_back(FirstOrigin(j));
       j["Origins"]["Quantity"] = 2;
     },
     kRoot + ".Origins.Items[1].Id", "duplicate origin Id \"origin-1\" (also Items[0])"},
    {"OriginsMissing", [](Json& j) { j.erase("Origins"); }, kRoot + ".Origins",
     "required field is missing"},
    // SPEC 7.4.
    {"ErrorCodeOutsideSet",
     [](Json& j) {
       SetErrorResponse(j, {{"ErrorCode", 401}});
     },
     kError0 + ".ErrorCode", "401 cannot have a custom error response"},
    {"ResponseCodeOutsideSet",
     [](Json& j) {
       SetErrorResponse(
           j, {{"ErrorCode", 404}, {"ResponsePagePath", "/e.html"}, {"ResponseCode", "201"}});
     },
     kError0 + ".ResponseCode", "201 is not an allowed response code"},
    {"ResponseCodeNotANumber",
     [](Json& j) {
       SetErrorResponse(
           j, {{"ErrorCode", 404}, {"ResponsePagePath", "/e.html"}, {"ResponseCode", "OK"}});
     },
     kError0 + ".ResponseCode", "\"OK\" is not an HTTP status code"},
    {"ResponsePagePathWithoutSlash",
     [](Json& j) {
       SetErrorResponse(
           j, {{"ErrorCode", 404}, {"ResponsePagePath", "index.html"}, {"ResponseCode", 200}});
     },
     kError0 + ".ResponsePagePath", "must start with /"},
    {"ResponsePagePathWithoutResponseCode",
     [](Json& j) {
       SetErrorResponse(j, {{"ErrorCode", 404}, {"ResponsePagePath", "/e.html"}});
     },
     kError0 + ".ResponseCode", "set together"},
    {"NegativeErrorCachingMinTtl",
     [](Json& j) {
       SetErrorResponse(j, {{"ErrorCode", 500}, {"ErrorCachingMinTTL", -5}});
     },
     kError0 + ".ErrorCachingMinTTL", "must not be negative"},
    {"DuplicateErrorCode",
     [](Json& j) {
       j["CustomErrorResponses"] =
           QuantityItems(Json::array({{{"ErrorCode", 500}}, {{"ErrorCode", 500}}}));
     },
     kRoot + ".CustomErrorResponses.Items[1].ErrorCode", "duplicate ErrorCode 500"},
    // SPEC 7.3 ranges.
    {"ConnectionAttemptsAboveThree", [](Json& j) { FirstOrigin(j)["ConnectionAttempts"] = 4; },
     kOrigin0 + ".ConnectionAttempts", "4 is outside the allowed range 1-3"},
    {"ConnectionAttemptsZero", [](Json& j) { FirstOrigin(j)["ConnectionAttempts"] = 0; },
     kOrigin0 + ".ConnectionAttempts", "1-3"},
    {"ConnectionTimeoutAboveTen", [](Json& j) { FirstOrigin(j)["ConnectionTimeout"] = 11; },
     kOrigin0 + ".ConnectionTimeout", "1-10"},
    {"OriginReadTimeoutAbove120",
     [](Json& j) { FirstOrigin(j)["CustomOriginConfig"]["OriginReadTimeout"] = 121; },
     kOrigin0 + ".CustomOriginConfig.OriginReadTimeout", "1-120"},
    {"S3OriginReadTimeoutZero",
     [](Json& j) {
       FirstOrigin(j).erase("CustomOriginConfig");
       FirstOrigin(j)["S3OriginConfig"] = {{"OriginAccessIdentity", ""}, {"OriginReadTimeout", 0}};
     },
     kOrigin0 + ".S3OriginConfig.OriginReadTimeout", "1-120"},
    {"ResponseCompletionTimeoutBelowOriginReadTimeout",
     [](Json& j) {
       FirstOrigin(j)["CustomOriginConfig"]["OriginReadTimeout"] = 30;
       FirstOrigin(j)["ResponseCompletionTimeout"] = 10;
     },
     kOrigin0 + ".ResponseCompletionTimeout", "10 is shorter than OriginReadTimeout (30)"},
    {"OriginKeepaliveTimeoutZero",
     [](Json& j) { FirstOrigin(j)["CustomOriginConfig"]["OriginKeepaliveTimeout"] = 0; },
     kOrigin0 + ".CustomOriginConfig.OriginKeepaliveTimeout", "1-120"},
    // SPEC 7.3 origin ports: 80, 443, 1024-65535.
    {"HttpPortAbove65535",
     [](Json& j) { FirstOrigin(j)["CustomOriginConfig"]["HTTPPort"] = 83637; },
     kOrigin0 + ".CustomOriginConfig.HTTPPort",
     "83637 is not a port CloudFront connects to: 80, 443 or 1024-65535"},
    {"HttpsPortNegative", [](Json& j) { FirstOrigin(j)["CustomOriginConfig"]["HTTPSPort"] = -1; },
     kOrigin0 + ".CustomOriginConfig.HTTPSPort", "-1 is not a port CloudFront connects to"},
    {"HttpPortPrivileged", [](Json& j) { FirstOrigin(j)["CustomOriginConfig"]["HTTPPort"] = 22; },
     kOrigin0 + ".CustomOriginConfig.HTTPPort", "22 is not a port"},
    // 2^32 + 80 once narrowed to a valid-looking 80.
    {"HttpPortBeyondInt",
     [](Json& j) { FirstOrigin(j)["CustomOriginConfig"]["HTTPPort"] = 4294967376LL; },
     kOrigin0 + ".CustomOriginConfig.HTTPPort", "4294967376 is not a port"},
    // 2^32 + 1 once narrowed to a valid-looking 1.
    {"ConnectionAttemptsBeyondInt",
     [](Json& j) { FirstOrigin(j)["ConnectionAttempts"] = 4294967297LL; },
     kOrigin0 + ".ConnectionAttempts", "4294967297 is outside the allowed range 1-3"},
    {"ConnectionTimeoutHuge",
     [](Json& j) { FirstOrigin(j)["ConnectionTimeout"] = 9223372036854775807LL; },
     kOrigin0 + ".ConnectionTimeout", "9223372036854775807 is outside the allowed range 1-10"},
    {"OriginProtocolPolicyUnknown",
     [](Json& j) { FirstOrigin(j)["CustomOriginConfig"]["OriginProtocolPolicy"] = "ftp"; },
     kOrigin0 + ".CustomOriginConfig.OriginProtocolPolicy", "\"ftp\" is not one of"},
    {"OriginShieldWithoutRegion",
     [](Json& j) {
       FirstOrigin(j)["OriginShield"] = {{"Enabled", true}};
     },
     kOrigin0 + ".OriginShield.OriginShieldRegion", "required field is missing"},
    // Enumerations and SPEC 4.1 method sets.
    {"ViewerProtocolPolicyUnknown",
     [](Json& j) { Default(j)["ViewerProtocolPolicy"] = "http-only"; },
     kDefault + ".ViewerProtocolPolicy", "\"http-only\" is not one of"},
    {"AllowedMethodsNotACloudFrontSet",
     [](Json& j) {
       Default(j)["AllowedMethods"] = QuantityItems(Json::array({"GET", "POST"}));
     },
     kDefault + ".AllowedMethods.Items", "[GET, POST] is not one of"},
    {"CachedMethodsOutsideAllowed",
     [](Json& j) {
       Json allowed = QuantityItems(Json::array({"GET", "HEAD"}));
       allowed["CachedMethods"] = QuantityItems(Json::array({"GET", "HEAD", "OPTIONS"}));
       Default(j)["AllowedMethods"] = allowed;
     },
     kDefault + ".AllowedMethods.CachedMethods.Items", "within AllowedMethods"},
    // SPEC 12.1: origin groups.
    {"FailoverCodeNotAllowed",
     [](Json& j) {
       j = WithOriginGroup(j, Json::array({503, 501}));
     },
     kGroup0 + ".FailoverCriteria.StatusCodes.Items[1]", "501 is not a failover code"},
    {"FailoverCodesEmpty", [](Json& j) { j = WithOriginGroup(j, Json::array()); },
     kGroup0 + ".FailoverCriteria.StatusCodes.Items", "needs at least one code"},
    {"OriginGroupOfThree",
     [](Json& j) {
       j = WithOriginGroup(j);
       Json& members = j["OriginGroups"]["Items"][0]["Members"];
       members["Items"].push_back({{"OriginId", "origin-1"}});
       members["Quantity"] = 3;
     },
     kGroup0 + ".Members.Quantity", "exactly 2 members"},
    {"OriginGroupMemberNamesNoOrigin",
     [](Json& j) {
       j = WithOriginGroup(j);
       j["OriginGroups"]["Items"][0]["Members"]["Items"][1]["OriginId"] = "gone";
     },
     kGroup0 + ".Members.Items[1].OriginId", "\"gone\" names no origin"},
    {"OriginGroupIdIsAnOriginId",
     [](Json& j) {
       j = WithOriginGroup(j);
       j["OriginGroups"]["Items"][0]["Id"] = "origin-2";
       Ordered(j)["TargetOriginId"] = "origin-2";
     },
     kGroup0 + ".Id", "\"origin-2\" is already the Id of an origin or origin group"},
    {"ElevenOriginGroups",
     [](Json& j) {
       j = WithOriginGroup(j);
       Json items = Json::array();
       for (int i = 0; i < 11; ++i) {
         Json g = j["OriginGroups"]["Items"][0];
         g["Id"] = absl::StrCat("group-", i + 1);
         items.push_back(g);
       }
       j["OriginGroups"] = QuantityItems(items);
     },
     kRoot + ".OriginGroups.Quantity", "TooManyOriginGroupsPerDistribution: 11 origin groups"},
    {"OriginGroupBehaviorAllowsPost",
     [](Json& j) {
       j = WithOriginGroup(j);
       Ordered(j)["AllowedMethods"] =
           QuantityItems(Json::array({"GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"}));
     },
     kItem0 + ".AllowedMethods",
     "The parameter AllowedMethods cannot include POST, PUT, PATCH, or DELETE for a cached "
     "behavior associated with an origin group."},
    {"SelectionCriteriaUnknown",
     [](Json& j) {
       j = WithOriginGroup(j);
       j["OriginGroups"]["Items"][0]["SelectionCriteria"] = "fastest";
     },
     kGroup0 + ".SelectionCriteria", "is not one of default, media-quality-based"},
    {"FailoverCriteriaMissing",
     [](Json& j) {
       j = WithOriginGroup(j);
       j["OriginGroups"]["Items"][0].erase("FailoverCriteria");
     },
     kGroup0 + ".FailoverCriteria", "required field is missing"},
    // Types.
    {"EnabledNotABool", [](Json& j) { j["Enabled"] = "yes"; }, kRoot + ".Enabled",
     "expected true or false, got string"},
    {"MinTtlNotAnInteger", [](Json& j) { Default(j)["MinTTL"] = 1.5; }, kDefault + ".MinTTL",
     "expected an integer, got number"},
    {"ItemsNotAnArray",
     [](Json& j) {
       j["Aliases"] = {{"Quantity", 1}, {"Items", "a.com"}};
     },
     kRoot + ".Aliases.Items", "expected an array, got string"},
    {"CustomPolicyHeaderBehaviorAll",
     [](Json& j) {
       Json p = CustomPolicyJson("p", 0, 0, 0);
       p["CachePolicyConfig"]["ParametersInCacheKeyAndForwardedToOrigin"]["HeadersConfig"] = {
           {"HeaderBehavior", "all"}};
       j["CachePolicies"] = Json::array({p});
     },
     "CachePolicies[0].CachePolicyConfig.ParametersInCacheKeyAndForwardedToOrigin.HeadersConfig."
     "HeaderBehavior",
     "\"all\" is not one of none, whitelist"},
};

class ProblemTest : public testing::TestWithParam<ProblemCase> {};

TEST_P(ProblemTest, ReportedWithLocation) {
  Json j = BaseJson();
  GetParam().mutate(j);
  absl::StatusOr<DistributionConfig> c = LoadDistributionConfigJson(j.dump());
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(ProblemLines(c.status()), HasProblem(GetParam().location, GetParam().fragment))
      << c.status().message();
}

INSTANTIATE_TEST_SUITE_P(Validation, ProblemTest, testing::ValuesIn(kProblemCases),
                         [](const testing::TestParamInfo<ProblemCase>& info) {
                           return info.param.name;
                         });

TEST(OriginPortProblemTest, AcceptsCloudFrontsPortsOnly) {
  for (int64_t port : {80, 443, 1024, 8080, 65535})
    EXPECT_EQ(OriginPortProblem(port), absl::nullopt);
  for (int64_t port : {int64_t{-1}, int64_t{0}, int64_t{81}, int64_t{1023}, int64_t{65536},
                       int64_t{83637}, INT64_MAX}) {
    EXPECT_NE(OriginPortProblem(port), absl::nullopt) << port;
  }
}

TEST(Validation, OriginGroupTargetedByAReadOnlyBehaviorIsValid) {
  Json j = WithOriginGroup(BaseJson(), Json::array({400, 403, 404, 416, 500, 502, 503, 504}));
  Ordered(j)["AllowedMethods"] = QuantityItems(Json::array({"GET", "HEAD", "OPTIONS"}));
  j["OriginGroups"]["Items"][0]["SelectionCriteria"] = "default";
  absl::StatusOr<DistributionConfig> c = LoadDistributionConfigJson(j.dump());
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->origin_groups.size(), 1u);
  EXPECT_EQ(c->behaviors[0].target_origin_id, "group-1");
}

TEST(Validation, BaseConfigAndSeventyFiveBehaviorsAreValid) {
  Json j = BaseJson();
  ASSERT_TRUE(LoadDistributionConfigJson(j.dump()).ok());
  Json items = Json::array();
  for (int i = 0; i < 75; ++i) items.push_back(LegacyBehavior(absl::StrCat("/p", i, "/*")));
  j["CacheBehaviors"] = QuantityItems(items);
  absl::StatusOr<DistributionConfig> c = LoadDistributionConfigJson(j.dump());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->behaviors.size(), 75u);
}

TEST(ValidateDistributionConfig, DefaultConstructedConfigNeedsOriginAndPolicy) {
  std::vector<ConfigProblem> problems = ValidateDistributionConfig(DistributionConfig());
  EXPECT_THAT(problems, Contains(ConfigProblem{"DistributionConfig.Origins",
                                               "at least one origin is required"}));
  EXPECT_THAT(problems, Contains(ConfigProblem{"DistributionConfig.DefaultCacheBehavior",
                                               "needs a CachePolicyId or legacy ForwardedValues"}));
}

TEST(ConfigProblem, PrintsLocationColonMessage) {
  std::ostringstream os;
  os << ConfigProblem{"a.b", "bad"};
  EXPECT_EQ(os.str(), "a.b: bad");
}

TEST(ValidateDistributionConfig, LocationsStartWhereTheCallerSays) {
  DistributionConfig c = SingleOriginDistribution("origin.example.com", CachePolicy()).config;
  c.default_behavior.target_origin_id = "nowhere";
  EXPECT_THAT(ValidateDistributionConfig(c, "Distribution.DistributionConfig"),
              Contains(ConfigProblem{"Distribution.DistributionConfig.DefaultCacheBehavior."
                                     "TargetOriginId",
                                     "\"nowhere\" names no origin of this distribution"}));
}

TEST(ValidateCachePolicyTtls, EachOutOfOrderTtlAtItsField) {
  CachePolicy p;
  p.min_ttl = absl::Seconds(-1);
  p.default_ttl = absl::Seconds(-2);
  p.max_ttl = absl::Seconds(-3);
  const std::vector<ConfigProblem> problems = ValidateCachePolicyTtls(p, "P");
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_EQ(problems[0].location, "P.MinTTL");
  EXPECT_EQ(problems[1].location, "P.DefaultTTL");
  EXPECT_THAT(problems[1].message, HasSubstr("InvalidTTLOrder"));
  EXPECT_EQ(problems[2].location, "P.MaxTTL");
  p.min_ttl = absl::ZeroDuration();
  p.default_ttl = p.max_ttl = absl::Seconds(60);
  EXPECT_THAT(ValidateCachePolicyTtls(p, "P"), testing::IsEmpty());
}

TEST(ConfigProblemsStatus, OneLinePerProblem) {
  EXPECT_TRUE(ConfigProblemsStatus({}).ok());
  const absl::Status s = ConfigProblemsStatus({{"a.b", "bad"}, {"c", "worse"}});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "a.b: bad\nc: worse");
}

TEST(ValidateOriginRequestPolicy, RefusedHeadersAndListsABehaviorDoesNotTake) {
  OriginRequestPolicy p;
  p.header_behavior = OriginHeaderBehavior::kWhitelist;
  p.headers = {"X-Tenant", "authorization"};
  std::vector<ConfigProblem> problems = ValidateOriginRequestPolicy(p, "C");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].location, "C.HeadersConfig.Headers");
  EXPECT_EQ(problems[0].message,
            "The parameter Headers contains authorization that is not allowed.");

  p.header_behavior = OriginHeaderBehavior::kAllViewer;
  p.headers = {"X-Tenant"};
  EXPECT_THAT(ValidateOriginRequestPolicy(p, "C"),
              testing::ElementsAre(testing::Field(&ConfigProblem::message,
                                                  "HeaderBehavior allViewer takes no Headers")));
  p.header_behavior = OriginHeaderBehavior::kAllViewerAndWhitelistCloudFront;
  p.headers = {"CloudFront-Viewer-Country", "X-Tenant"};
  EXPECT_EQ(ValidateOriginRequestPolicy(p, "C").size(), 1u);
  p.headers = {"CloudFront-Viewer-Country"};
  p.comment = std::string(kMaxOriginRequestPolicyCommentLength, 'c');
  EXPECT_TRUE(ValidateOriginRequestPolicy(p, "C").empty());
  p.comment += "c";
  EXPECT_EQ(ValidateOriginRequestPolicy(p, "C").at(0).location, "C.Comment");
}

TEST(OriginRequestPolicyQuotaTest, ExceededQuotaNamesTheFirstListOverItsQuota) {
  OriginRequestPolicy p;
  EXPECT_EQ(ExceededQuota(p), absl::nullopt);
  p.query_strings.names.assign(kMaxQueryStringsInOriginRequestPolicy + 1, "q");
  EXPECT_EQ(ExceededQuota(p), OriginRequestPolicyQuota::kQueryStrings);
  p.cookies.names.assign(kMaxCookiesInOriginRequestPolicy + 1, "c");
  EXPECT_EQ(ExceededQuota(p), OriginRequestPolicyQuota::kCookies);
  p.headers.assign(kMaxHeadersInOriginRequestPolicy, "h");
  EXPECT_EQ(ExceededQuota(p), OriginRequestPolicyQuota::kCookies);
  p.headers.push_back("h");
  EXPECT_EQ(ExceededQuota(p), OriginRequestPolicyQuota::kHeaders);
  EXPECT_EQ(ToString(OriginRequestPolicyQuota::kHeaders), "TooManyHeadersInOriginRequestPolicy");
  EXPECT_EQ(ToString(OriginRequestPolicyQuota::kCookies), "TooManyCookiesInOriginRequestPolicy");
  EXPECT_EQ(ToString(OriginRequestPolicyQuota::kQueryStrings),
            "TooManyQueryStringsInOriginRequestPolicy");
}

}  // namespace
}  // namespace edgesim::policy
