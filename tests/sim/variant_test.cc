#include "sim/variant.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/cache_policy.h"
#include "sim/scenario.h"

namespace edgesim::sim {
namespace {

TEST(VariantTest, GridExpandsEveryCombinationAfterTheList) {
  const nlohmann::json variants = nlohmann::json::parse(R"([{"name": "first", "regional": true}])");
  const nlohmann::json grid =
      nlohmann::json::parse(R"({"eviction": ["lru", "sieve"], "default_ttl": [60, {"/api/*": 5}],
                                "origin_shield": [null, "us-east-1"]})");
  absl::StatusOr<std::vector<Variant>> v =
      ParseVariants(policy::JsonReader(variants, "variants"), policy::JsonReader(grid, "grid"));
  ASSERT_TRUE(v.ok()) << v.status();
  ASSERT_EQ(v->size(), 1u + 8u);
  EXPECT_TRUE((*v)[0].regional);
  // nlohmann orders object keys: default_ttl, eviction, origin_shield; the last changes fastest.
  EXPECT_EQ((*v)[1].name, "default_ttl=60 eviction=lru origin_shield=null");
  EXPECT_EQ((*v)[2].origin_shield, "us-east-1");
  EXPECT_EQ((*v)[8].name, "default_ttl={\"/api/*\":5} eviction=sieve origin_shield=us-east-1");
  ASSERT_EQ((*v)[8].overrides.size(), 1u);
  EXPECT_EQ((*v)[8].overrides[0].behavior, "/api/*");
  EXPECT_EQ((*v)[8].overrides[0].default_ttl, absl::Seconds(5));
  EXPECT_EQ((*v)[8].settings["eviction"], "sieve");
}

TEST(VariantTest, OneDefaultVariantWithoutAny) {
  absl::StatusOr<std::vector<Variant>> v =
      ParseVariants(policy::JsonReader::Absent("variants"), policy::JsonReader::Absent("grid"));
  ASSERT_TRUE(v.ok());
  ASSERT_EQ(v->size(), 1u);
  EXPECT_EQ((*v)[0].name, "base");
  EXPECT_EQ((*v)[0].invalidation, InvalidationStrategy::kTrace);
}

TEST(VariantTest, ApplyOverridesPerBehaviorOrAll) {
  absl::StatusOr<Scenario> s = ParseScenario(nlohmann::json::parse(R"({"distribution": {
    "Origins": {"Quantity": 1, "Items": [{"Id": "o", "DomainName": "o.test",
                "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "http-only"}}]},
    "DefaultCacheBehavior": {"TargetOriginId": "o", "ViewerProtocolPolicy": "allow-all",
                             "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"},
    "CacheBehaviors": {"Quantity": 1, "Items": [{"PathPattern": "/api/*", "TargetOriginId": "o",
                       "ViewerProtocolPolicy": "allow-all", "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"}]}},
    "variants": [{"name": "v", "max_ttl": 600, "default_ttl": {"/api/*": 5},
                  "cache_policy": {"*": "Managed-CachingDisabled"}}]})"),
                                             ".");
  ASSERT_TRUE(s.ok()) << s.status();
  absl::StatusOr<policy::Distribution> d = ApplyVariant(s->distribution, s->variants[0]);
  ASSERT_TRUE(d.ok()) << d.status();
  const policy::CachePolicy& api = d->config.behaviors[0].cache_policy;
  EXPECT_EQ(api.default_ttl, absl::Seconds(5));
  EXPECT_EQ(api.max_ttl, absl::Seconds(600));
  EXPECT_EQ(d->config.default_behavior.cache_policy.name, "Managed-CachingDisabled");

  Variant unknown;
  unknown.overrides.push_back(PolicyOverride{});
  unknown.overrides[0].behavior = "/nope/*";
  unknown.overrides[0].max_ttl = absl::Seconds(1);
  EXPECT_FALSE(ApplyVariant(s->distribution, unknown).ok());

  Variant inverted;
  inverted.overrides.push_back(PolicyOverride{});
  inverted.overrides[0].min_ttl = absl::Seconds(100);
  inverted.overrides[0].max_ttl = absl::Seconds(10);
  EXPECT_FALSE(ApplyVariant(s->distribution, inverted).ok());
}

// README's example: only max_ttl on Managed-CachingOptimized (DefaultTTL 86400) caps every TTL
// at 60, DefaultTTL included, instead of failing InvalidTTLOrder.
TEST(VariantTest, AMaxTtlAloneBringsTheDefaultTtlDown) {
  const policy::CachePolicy& optimized = *policy::FindManagedCachePolicy("CachingOptimized");
  policy::Distribution d = policy::SingleOriginDistribution("origin.test", optimized);
  d.config.default_behavior.cache_policy_id = optimized.id;
  Variant v;
  v.overrides.push_back(PolicyOverride{});
  v.overrides[0].max_ttl = absl::Seconds(60);
  absl::StatusOr<policy::Distribution> applied = ApplyVariant(d, v);
  ASSERT_TRUE(applied.ok()) << applied.status();
  const policy::CachePolicy& p = applied->config.default_behavior.cache_policy;
  EXPECT_EQ(p.min_ttl, absl::Seconds(1));
  EXPECT_EQ(p.default_ttl, absl::Seconds(60));
  EXPECT_EQ(p.max_ttl, absl::Seconds(60));

  // Set against each other, even in two entries, they are refused with the rule to follow.
  Variant conflict;
  conflict.overrides.push_back(PolicyOverride{});
  conflict.overrides[0].min_ttl = absl::Seconds(100);
  conflict.overrides.push_back(PolicyOverride{});
  conflict.overrides[1].behavior = "*";
  conflict.overrides[1].max_ttl = absl::Seconds(60);
  const absl::Status refused = ApplyVariant(d, conflict).status();
  EXPECT_THAT(refused.message(), ::testing::HasSubstr("InvalidTTLOrder"));
  EXPECT_THAT(refused.message(), ::testing::HasSubstr("min_ttl <= default_ttl <= max_ttl"));
}

}  // namespace
}  // namespace edgesim::sim
