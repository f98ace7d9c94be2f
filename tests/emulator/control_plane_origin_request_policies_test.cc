// ControlPlane's origin request policies (control_plane_origin_request_policies.cc, SPEC 14):
// managed ones read-only, custom ones validated with CloudFront's codes, named by distributions
// whose edge forwards what they list.
#include <string>
#include <vector>

#include "emulator/control_plane.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/distribution_validator.h"
#include "policy/origin_request_policy.h"
#include "tests/emulator/control_plane_fixture.h"

namespace edgesim::emulator {
namespace {

using nlohmann::json;

constexpr char kAllViewerPolicy[] = "216adef6-5c7f-47e4-b989-5492eafa07d3";

json OriginRequestPolicyConfig(const std::string& name, std::vector<std::string> headers) {
  json config = {{"Name", name},
                 {"HeadersConfig", {{"HeaderBehavior", "whitelist"}}},
                 {"CookiesConfig", {{"CookieBehavior", "none"}}},
                 {"QueryStringsConfig", {{"QueryStringBehavior", "none"}}}};
  config["HeadersConfig"]["Headers"] = {{"Quantity", headers.size()}, {"Items", headers}};
  return config;
}

// Config() whose default behavior uses CachingOptimized and the origin request policy `id`.
json ConfigWithOriginRequestPolicy(const std::string& id) {
  json config = Config("orp-user");
  config["DefaultCacheBehavior"].erase("ForwardedValues");
  config["DefaultCacheBehavior"]["CachePolicyId"] = kOptimized;
  config["DefaultCacheBehavior"]["OriginRequestPolicyId"] = id;
  return config;
}

TEST_F(ControlPlaneTest, ManagedOriginRequestPoliciesAreListedAndImmutable) {
  absl::StatusOr<json> managed = cp_->ListOriginRequestPolicies("managed", "", 100);
  ASSERT_TRUE(managed.ok()) << managed.status();
  EXPECT_EQ((*managed)["Quantity"], policy::ManagedOriginRequestPolicies().size());
  EXPECT_EQ((*managed)["Items"][0]["Type"], "managed");
  EXPECT_EQ((*managed)["Items"][0]["OriginRequestPolicy"]["OriginRequestPolicyConfig"]["Name"],
            "Managed-AllViewer");
  absl::StatusOr<Versioned> got = cp_->GetOriginRequestPolicy(kAllViewerPolicy);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->body["OriginRequestPolicyConfig"]["HeadersConfig"]["HeaderBehavior"], "allViewer");
  const json config = OriginRequestPolicyConfig("x", {"X-Tenant"});
  EXPECT_EQ(
      Code(cp_->UpdateOriginRequestPolicy(kAllViewerPolicy, config, got->etag, now_).status()),
      "IllegalUpdate");
  EXPECT_EQ(Code(cp_->DeleteOriginRequestPolicy(kAllViewerPolicy, got->etag)), "IllegalDelete");
  EXPECT_EQ(Code(cp_->DeleteOriginRequestPolicy("nope", "")), "InvalidIfMatchVersion");
  EXPECT_EQ(Code(cp_->GetOriginRequestPolicyConfig("nope").status()), "NoSuchOriginRequestPolicy");
  EXPECT_FALSE(cp_->ListOriginRequestPolicies("custom", "", 100)->contains("Items"));
}

TEST_F(ControlPlaneTest, OriginRequestPolicyValidationAndQuotaCodes) {
  EXPECT_EQ(Code(cp_->CreateOriginRequestPolicy(
                        OriginRequestPolicyConfig("ae", {"Accept-Encoding"}), now_)
                     .status()),
            "InvalidArgument");
  std::vector<std::string> many;
  for (size_t i = 0; i <= policy::kMaxHeadersInOriginRequestPolicy; ++i) {
    many.push_back("X-H" + std::to_string(i));
  }
  const ApiError too_many = ToApiError(
      cp_->CreateOriginRequestPolicy(OriginRequestPolicyConfig("many", many), now_).status());
  EXPECT_EQ(too_many.code, "TooManyHeadersInOriginRequestPolicy");
  EXPECT_EQ(too_many.http_status, 400);
  json cookies = OriginRequestPolicyConfig("cookies", {});
  cookies["CookiesConfig"] = {{"CookieBehavior", "whitelist"},
                              {"Cookies", {{"Quantity", 11}, {"Items", json::array()}}}};
  for (int i = 0; i < 11; ++i) cookies["CookiesConfig"]["Cookies"]["Items"].push_back("c");
  EXPECT_EQ(Code(cp_->CreateOriginRequestPolicy(cookies, now_).status()),
            "TooManyCookiesInOriginRequestPolicy");
  json bad_quantity = OriginRequestPolicyConfig("q", {"X-A"});
  bad_quantity["HeadersConfig"]["Headers"]["Quantity"] = 2;
  EXPECT_EQ(Code(cp_->CreateOriginRequestPolicy(bad_quantity, now_).status()),
            "InconsistentQuantities");
  EXPECT_EQ(Code(cp_->CreateOriginRequestPolicy(
                        OriginRequestPolicyConfig("Managed-AllViewer", {"X-A"}), now_)
                     .status()),
            "OriginRequestPolicyAlreadyExists");
}

TEST_F(ControlPlaneTest, DistributionsUseCustomOriginRequestPoliciesAtTheEdge) {
  EXPECT_EQ(
      Code(cp_->CreateDistribution(ConfigWithOriginRequestPolicy("nope"), nullptr, now_).status()),
      "NoSuchOriginRequestPolicy");
  absl::StatusOr<Versioned> created =
      cp_->CreateOriginRequestPolicy(OriginRequestPolicyConfig("tenant", {"X-Tenant"}), now_);
  ASSERT_TRUE(created.ok()) << created.status();
  const std::string policy_id = created->body["Id"];
  const std::string id = Create(ConfigWithOriginRequestPolicy(policy_id));
  const policy::CacheBehavior& behavior = Live(id)->distribution().config.default_behavior;
  ASSERT_TRUE(behavior.origin_request_policy.has_value());
  EXPECT_EQ(behavior.origin_request_policy->headers, std::vector<std::string>{"X-Tenant"});

  EXPECT_EQ(Code(cp_->DeleteOriginRequestPolicy(policy_id, created->etag)),
            "OriginRequestPolicyInUse");
  absl::StatusOr<Versioned> updated = cp_->UpdateOriginRequestPolicy(
      policy_id, OriginRequestPolicyConfig("tenant", {"X-Region"}), created->etag, now_);
  ASSERT_TRUE(updated.ok()) << updated.status();
  // The distribution was redeployed with the new value.
  EXPECT_EQ(Live(id)->distribution().config.default_behavior.origin_request_policy->headers,
            std::vector<std::string>{"X-Region"});
  EXPECT_EQ(cp_->CustomPolicies()["origin_request_policies"][0]["Id"], policy_id);

  cp_->Reset(now_);
  EXPECT_EQ(Code(cp_->GetOriginRequestPolicy(policy_id).status()), "NoSuchOriginRequestPolicy");
  EXPECT_EQ(cp_->CustomPolicies()["origin_request_policies"], json::array());
}

}  // namespace
}  // namespace edgesim::emulator
