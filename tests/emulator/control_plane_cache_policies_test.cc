// ControlPlane's cache policies (control_plane_cache_policies.cc): managed ones read-only, custom
// ones with the distributions using them.
#include <string>
#include <vector>

#include "emulator/control_plane.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/cache_policy.h"
#include "tests/emulator/control_plane_fixture.h"

namespace edgesim::emulator {
namespace {

using nlohmann::json;
using ::testing::MatchesRegex;

TEST_F(ControlPlaneTest, ManagedCachePoliciesAreListedAndImmutable) {
  absl::StatusOr<json> managed = cp_->ListCachePolicies("managed", "", 100);
  ASSERT_TRUE(managed.ok());
  EXPECT_EQ((*managed)["Quantity"], policy::ManagedCachePolicies().size());
  EXPECT_FALSE(managed->contains("IsTruncated"));
  bool found = false;
  for (const json& item : (*managed)["Items"]) {
    EXPECT_EQ(item["Type"], "managed");
    if (item["CachePolicy"]["Id"] == kOptimized) {
      found = true;
      EXPECT_EQ(item["CachePolicy"]["CachePolicyConfig"]["Name"], "Managed-CachingOptimized");
      EXPECT_EQ(item["CachePolicy"]["CachePolicyConfig"]["MinTTL"], 1);
    }
  }
  EXPECT_TRUE(found);
  EXPECT_FALSE(cp_->ListCachePolicies("custom", "", 100)->contains("Items"));
  absl::StatusOr<Versioned> got = cp_->GetCachePolicy(kOptimized);
  ASSERT_TRUE(got.ok());
  EXPECT_THAT(got->etag, MatchesRegex("[A-Z0-9]{13}"));
  EXPECT_EQ(
      Code(cp_->UpdateCachePolicy(kOptimized, CachePolicyConfig("x"), got->etag, now_).status()),
      "IllegalUpdate");
  EXPECT_EQ(Code(cp_->DeleteCachePolicy(kOptimized, got->etag)), "IllegalDelete");
  EXPECT_EQ(Code(cp_->ListCachePolicies("mine", "", 100).status()), "InvalidArgument");
  EXPECT_EQ(Code(cp_->GetCachePolicy("nope").status()), "NoSuchCachePolicy");
}

TEST_F(ControlPlaneTest, CustomCachePolicyLifecycleAndItsDistributions) {
  absl::StatusOr<Versioned> created = cp_->CreateCachePolicy(CachePolicyConfig("mine"), now_);
  ASSERT_TRUE(created.ok()) << created.status();
  const std::string policy_id = created->body["Id"];
  EXPECT_THAT(policy_id,
              MatchesRegex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
  EXPECT_EQ(created->body["CachePolicyConfig"]["DefaultTTL"], 86400);  // filled in
  EXPECT_EQ(Code(cp_->CreateCachePolicy(CachePolicyConfig("mine"), now_).status()),
            "CachePolicyAlreadyExists");
  EXPECT_EQ(
      Code(cp_->CreateCachePolicy(CachePolicyConfig("Managed-CachingOptimized"), now_).status()),
      "CachePolicyAlreadyExists");
  json bad = CachePolicyConfig("bad");
  bad["DefaultTTL"] = 0;  // below MinTTL
  EXPECT_EQ(Code(cp_->CreateCachePolicy(bad, now_).status()), "InvalidArgument");
  EXPECT_EQ((*cp_->ListCachePolicies("custom", "", 100))["Items"][0]["Type"], "custom");
  EXPECT_EQ(cp_->GetCachePolicyConfig(policy_id)->body["Name"], "mine");

  json config = Config();
  config["DefaultCacheBehavior"].erase("ForwardedValues");
  config["DefaultCacheBehavior"]["CachePolicyId"] = policy_id;
  const std::string id = Create(config);
  EXPECT_EQ(Live(id)->distribution().config.default_behavior.cache_policy.min_ttl,
            absl::Seconds(1));

  EXPECT_EQ(
      Code(
          cp_->UpdateCachePolicy(policy_id, CachePolicyConfig("mine", 60), "STALE", now_).status()),
      "PreconditionFailed");
  absl::StatusOr<Versioned> updated =
      cp_->UpdateCachePolicy(policy_id, CachePolicyConfig("mine", 60), created->etag, now_);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_NE(updated->etag, created->etag);
  // The distribution using it was redeployed with the new TTLs.
  EXPECT_EQ(Live(id)->distribution().config.default_behavior.cache_policy.min_ttl,
            absl::Seconds(60));

  EXPECT_EQ(Code(cp_->DeleteCachePolicy(policy_id, updated->etag)), "CachePolicyInUse");
  json disabled = config;
  disabled["Enabled"] = false;
  ASSERT_TRUE(cp_->UpdateDistribution(id, disabled, ETag(id), now_).ok());
  EXPECT_EQ(Code(cp_->DeleteCachePolicy(policy_id, updated->etag)), "CachePolicyInUse");
  ASSERT_TRUE(cp_->DeleteDistribution(id, ETag(id)).ok());
  EXPECT_EQ(Code(cp_->DeleteCachePolicy(policy_id, created->etag)), "PreconditionFailed");
  EXPECT_TRUE(cp_->DeleteCachePolicy(policy_id, updated->etag).ok());
  EXPECT_EQ(Code(cp_->GetCachePolicy(policy_id).status()), "NoSuchCachePolicy");
}

}  // namespace
}  // namespace edgesim::emulator
