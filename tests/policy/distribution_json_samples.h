// distribution_json_samples.h — the configs and matchers the DistributionConfig reader, validator
// and writer tests share: the api-samples in tests/testdata, a base config with one ordered legacy
// behavior, a custom cache policy both as JSON and as the model.
#pragma once

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "policy/cache_policy.h"

namespace edgesim::policy {

using Json = nlohmann::json;
using testing::AllOf;
using testing::Contains;
using testing::HasSubstr;
using testing::StartsWith;

inline constexpr char kCachingOptimizedId[] = "658327ea-f89d-4fab-a63d-7e88639e58f6";
inline constexpr char kCachingDisabledId[] = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";

inline std::string ReadTestdata(const std::string& name) {
  std::ifstream in(absl::StrCat(EDGESIM_SOURCE_DIR, "/tests/testdata/", name));
  EXPECT_TRUE(in.good()) << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline Json MinimalJson() { return Json::parse(ReadTestdata("dist-config-minimal.json")); }

// Every `location: message` line of a failed load.
inline std::vector<std::string> ProblemLines(const absl::Status& status) {
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  return absl::StrSplit(status.message(), '\n');
}

inline testing::Matcher<std::vector<std::string>> HasProblem(const std::string& location,
                                                             const std::string& fragment) {
  return Contains(AllOf(StartsWith(location + ": "), HasSubstr(fragment)));
}

inline Json LegacyBehavior(const std::string& pattern) {
  return {{"PathPattern", pattern},
          {"TargetOriginId", "origin-1"},
          {"ViewerProtocolPolicy", "allow-all"},
          {"ForwardedValues", {{"QueryString", false}, {"Cookies", {{"Forward", "none"}}}}},
          {"MinTTL", 0}};
}

inline Json QuantityItems(Json items) {
  return {{"Quantity", items.size()}, {"Items", std::move(items)}};
}

// The minimal sample plus one ordered legacy behavior.
inline Json BaseJson() {
  Json j = MinimalJson();
  j["CacheBehaviors"] = QuantityItems(Json::array({LegacyBehavior("/api/*")}));
  return j;
}

inline Json CustomPolicyJson(const std::string& id, int64_t min_ttl, int64_t default_ttl,
                             int64_t max_ttl) {
  return {{"Id", id},
          {"CachePolicyConfig",
           {{"Name", id + "-name"},
            {"MinTTL", min_ttl},
            {"DefaultTTL", default_ttl},
            {"MaxTTL", max_ttl},
            {"ParametersInCacheKeyAndForwardedToOrigin",
             {{"EnableAcceptEncodingGzip", true},
              {"EnableAcceptEncodingBrotli", false},
              {"HeadersConfig",
               {{"HeaderBehavior", "whitelist"},
                {"Headers", QuantityItems(Json::array({"Accept-Language"}))}}},
              {"CookiesConfig",
               {{"CookieBehavior", "allExcept"},
                {"Cookies", QuantityItems(Json::array({"tracking"}))}}},
              {"QueryStringsConfig", {{"QueryStringBehavior", "all"}}}}}}}};
}

inline CachePolicy CustomPolicy(const std::string& id, int64_t min_ttl, int64_t default_ttl,
                                int64_t max_ttl) {
  CachePolicy p;
  p.id = id;
  p.name = id + "-name";
  p.min_ttl = absl::Seconds(min_ttl);
  p.default_ttl = absl::Seconds(default_ttl);
  p.max_ttl = absl::Seconds(max_ttl);
  p.enable_accept_encoding_gzip = true;
  p.headers = {KeyListBehavior::kWhitelist, {"Accept-Language"}};
  p.cookies = {KeyListBehavior::kAllExcept, {"tracking"}};
  p.query_strings = {KeyListBehavior::kAll, {}};
  return p;
}

// Where a mutation of BaseJson() applies, and where its problems are reported.
// SPEC 12.1: an origin group "group-1" of origin-1 (primary) and a second custom origin
// "origin-2", failing over on `codes`; the ordered behavior targets it.
inline Json WithOriginGroup(Json j, Json codes = Json::array({500, 502, 503, 504})) {
  Json second = j["Origins"]["Items"][0];
  second["Id"] = "origin-2";
  second["DomainName"] = "backup.example.com";
  j["Origins"]["Items"].push_back(second);
  j["Origins"]["Quantity"] = j["Origins"]["Items"].size();
  Json group = {
      {"Id", "group-1"},
      {"FailoverCriteria", {{"StatusCodes", QuantityItems(std::move(codes))}}},
      {"Members",
       QuantityItems(Json::array({{{"OriginId", "origin-1"}}, {{"OriginId", "origin-2"}}}))}};
  j["OriginGroups"] = QuantityItems(Json::array({group}));
  j["CacheBehaviors"]["Items"][0]["TargetOriginId"] = "group-1";
  return j;
}

inline Json& Default(Json& j) { return j["DefaultCacheBehavior"]; }
inline Json& Ordered(Json& j) { return j["CacheBehaviors"]["Items"][0]; }
inline Json& FirstOrigin(Json& j) { return j["Origins"]["Items"][0]; }

inline void UsePolicy(Json& behavior, const std::string& id) {
  behavior.erase("ForwardedValues");
  behavior.erase("MinTTL");
  behavior["CachePolicyId"] = id;
}

inline void SetErrorResponse(Json& j, Json response) {
  j["CustomErrorResponses"] = QuantityItems(Json::array({std::move(response)}));
}

inline const std::string kRoot = "DistributionConfig";
inline const std::string kDefault = kRoot + ".DefaultCacheBehavior";
inline const std::string kItem0 = kRoot + ".CacheBehaviors.Items[0]";
inline const std::string kOrigin0 = kRoot + ".Origins.Items[0]";
inline const std::string kGroup0 = kRoot + ".OriginGroups.Items[0]";
inline const std::string kError0 = kRoot + ".CustomErrorResponses.Items[0]";

}  // namespace edgesim::policy
