// ControlPlane's lifecycle (control_plane.cc): distributions adopted from the registry, and Reset.
#include "emulator/control_plane.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "policy/cache_policy.h"
#include "tests/emulator/control_plane_fixture.h"

namespace edgesim::emulator {
namespace {

using nlohmann::json;

class AdoptionTest : public ControlPlaneTest {
 protected:
  AdoptionTest() {
    policy::Distribution d = policy::SingleOriginDistribution(
        "origin.example", *policy::FindManagedCachePolicy("Managed-CachingOptimized"));
    d.config.default_behavior.cache_policy_id = kOptimized;
    auto live = LiveDistribution::Create(std::move(d), {.pops = {kIad}},
                                         std::make_unique<ForwardingOrigin>(origin_));
    EXPECT_TRUE(live.ok()) << live.status();
    EXPECT_TRUE(registry_.Add(*live).ok());
    cp_->AdoptRegistered(now_);
  }
  const std::string adopted_ = "E1EDGESIMDEMO1";
};

TEST_F(AdoptionTest, AdoptedDistributionsAreListedAndUpdatable) {
  absl::StatusOr<json> list = cp_->ListDistributions("", 100, now_);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ((*list)["Quantity"], 1);
  EXPECT_EQ((*list)["Items"][0]["Id"], adopted_);
  EXPECT_EQ((*list)["Items"][0]["DomainName"], "d111111abcdef8.cloudfront.net");
  absl::StatusOr<Versioned> config = cp_->GetDistributionConfig(adopted_);
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->body["CallerReference"], "edgesim-config-E1EDGESIMDEMO1");
  cp_->AdoptRegistered(now_);  // idempotent
  EXPECT_EQ(cp_->ListDistributions("", 100, now_)->at("Quantity"), 1);
  // What a read gives can be sent back as is.
  json changed = config->body;
  changed["Comment"] = "changed";
  ASSERT_TRUE(cp_->UpdateDistribution(adopted_, changed, config->etag, now_).ok());
  EXPECT_EQ(cp_->GetDistributionConfig(adopted_)->body["Comment"], "changed");
  EXPECT_TRUE(cp_->CreateInvalidation(adopted_, Batch({"/*"}, "r"), now_).ok());
}

TEST_F(AdoptionTest, ResetForgetsWhatTheApiDidAndKeepsAdoptedDistributions) {
  const LiveDistribution* original = Live(adopted_);
  const std::string created = Create();
  ASSERT_TRUE(cp_->CreateCachePolicy(CachePolicyConfig("mine"), now_).ok());
  ASSERT_TRUE(cp_->CreateInvalidation(adopted_, Batch({"/*"}, "r"), now_).ok());
  json changed = cp_->GetDistributionConfig(adopted_)->body;
  changed["Comment"] = "changed";
  ASSERT_TRUE(cp_->UpdateDistribution(adopted_, changed, ETag(adopted_), now_).ok());
  ASSERT_NE(Live(adopted_), original);

  cp_->Reset(now_);
  EXPECT_EQ(Live(created), nullptr);
  EXPECT_EQ(Code(cp_->GetDistribution(created, now_).status()), "NoSuchDistribution");
  EXPECT_EQ(Live(adopted_), original);
  EXPECT_EQ(cp_->GetDistributionConfig(adopted_)->body["Comment"], "");
  EXPECT_EQ(cp_->ListInvalidations(adopted_, "", 100, now_)->at("Quantity"), 0);
  EXPECT_EQ(cp_->InvalidationBill(now_)["current"]["paths"], 0);
  EXPECT_FALSE(cp_->ListCachePolicies("custom", "", 100)->contains("Items"));
  EXPECT_TRUE(cp_->CreateDistribution(Config(), nullptr, now_).ok());  // the reference is free
}

}  // namespace
}  // namespace edgesim::emulator
