#include "emulator/distribution_registry.h"

#include "absl/strings/str_cat.h"
#include "emulator/demo_origin.h"
#include "gtest/gtest.h"
#include "policy/cache_policy.h"

namespace edgesim::emulator {
namespace {

policy::Distribution Named(const std::string& id, std::vector<std::string> aliases = {}) {
  policy::Distribution d =
      policy::SingleOriginDistribution("origin.example", policy::CachePolicy());
  d.id = id;
  d.domain_name = absl::StrCat("d", id, ".cloudfront.net");
  d.config.aliases = std::move(aliases);
  return d;
}

std::shared_ptr<LiveDistribution> Live(policy::Distribution d, EdgeTopology topology = {}) {
  auto live = LiveDistribution::Create(std::move(d), topology, std::make_unique<DemoOrigin>());
  EXPECT_TRUE(live.ok()) << live.status();
  return *live;
}

TEST(MakeCacheTopologyTest, PopsOnlyByDefault) {
  absl::StatusOr<core::CacheTopology> t = MakeCacheTopology({.pops = {"IAD89-C1", "FRA56-P1"}});
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->regionals.empty());
  EXPECT_FALSE(MakeCacheTopology({.pops = {}}).ok());
  EXPECT_FALSE(MakeCacheTopology({.pops = {"SFO5-C1"}, .origin_shield = "us-west-1"}).ok());
}

TEST(MakeCacheTopologyTest, RegionalGroupsPopsByRegionAndAddsAShieldRegion) {
  absl::StatusOr<core::CacheTopology> t = MakeCacheTopology(
      {.pops = {"IAD89-C1", "FRA56-P1", "JFK50-C1"}, .origin_shield = "us-west-2"});
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->regionals.size(), 3u);
  EXPECT_EQ(t->regionals[0].name, "us-east-1");
  EXPECT_EQ(t->regionals[0].pops, (std::vector<std::string>{"IAD89-C1", "JFK50-C1"}));
  EXPECT_EQ(t->regionals[1].name, "eu-central-1");
  EXPECT_EQ(t->regionals[2].name, "us-west-2");
  EXPECT_TRUE(t->regionals[2].pops.empty());
  EXPECT_EQ(t->origin_shield, "us-west-2");
  auto live = LiveDistribution::Create(
      Named("E1"), {.pops = {"IAD89-C1", "FRA56-P1"}, .origin_shield = "us-west-2"},
      std::make_unique<DemoOrigin>());
  ASSERT_TRUE(live.ok()) << live.status();
  EXPECT_EQ((*live)->Caches().size(), 5u);  // 2 POPs, 2 RECs, the shield
}

TEST(RegistryTest, ALoneDistributionTakesAnyHost) {
  DistributionRegistry registry;
  ASSERT_TRUE(registry.Add(Live(Named("E1"))).ok());
  EXPECT_EQ(registry.Snapshot()->Route("anything.example:1234")->id(), "E1");
  EXPECT_EQ(registry.Snapshot()->Route("")->id(), "E1");
}

TEST(RegistryTest, RoutesByDomainLocalhostNameAndAliasesIgnoringCaseAndPort) {
  DistributionRegistry registry;
  ASSERT_TRUE(registry.Add(Live(Named("E1", {"www.example.com"}))).ok());
  ASSERT_TRUE(registry.Add(Live(Named("E2"))).ok());
  std::shared_ptr<const RegistrySnapshot> s = registry.Snapshot();
  EXPECT_EQ(s->Route("dE1.cloudfront.net")->id(), "E1");
  EXPECT_EQ(s->Route("de2.CLOUDFRONT.net:8080")->id(), "E2");
  EXPECT_EQ(s->Route("e1.cloudfront.localhost:8080")->id(), "E1");
  EXPECT_EQ(s->Route("E2.cloudfront.localhost")->id(), "E2");
  EXPECT_EQ(s->Route("WWW.example.com")->id(), "E1");
  EXPECT_EQ(s->Route("other.example.com"), nullptr);
  EXPECT_EQ(s->Route(std::string(300, 'a')), nullptr);
}

TEST(RegistryTest, IdsAndHostNamesAreUnique) {
  DistributionRegistry registry;
  ASSERT_TRUE(registry.Add(Live(Named("E1", {"www.example.com"}))).ok());
  EXPECT_EQ(registry.Add(Live(Named("E1"))).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(registry.Add(Live(Named("E2", {"WWW.example.com"}))).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(registry.Snapshot()->distributions().size(), 1u);
}

TEST(RegistryTest, ChangesPublishNewSnapshotsWhileOldOnesStayUsable) {
  DistributionRegistry registry;
  ASSERT_TRUE(registry.Add(Live(Named("E1"))).ok());
  ASSERT_TRUE(registry.Add(Live(Named("E2"))).ok());
  const uint64_t version = registry.version();
  std::shared_ptr<const RegistrySnapshot> before = registry.Snapshot();
  const LiveDistribution* e2 = before->Find("E2");
  ASSERT_NE(e2, nullptr);

  ASSERT_TRUE(registry.Remove("E2").ok());
  EXPECT_GT(registry.version(), version);
  EXPECT_EQ(registry.Snapshot()->Find("E2"), nullptr);
  EXPECT_EQ(registry.Remove("E2").code(), absl::StatusCode::kNotFound);
  // A request still holding the old snapshot keeps serving from E2.
  EXPECT_EQ(e2->pipeline().Handle(0, policy::Request::Get("/x"), absl::UnixEpoch(), e2->origin())
                .outcome,
            policy::CacheOutcome::kError);  // the demo origin's 404

  policy::Distribution replacement = Named("E1", {"new.example.com"});
  ASSERT_TRUE(registry.Replace(Live(replacement)).ok());
  EXPECT_EQ(registry.Snapshot()->Route("new.example.com")->id(), "E1");
  EXPECT_EQ(registry.Replace(Live(Named("E9"))).code(), absl::StatusCode::kNotFound);
}

TEST(LiveDistributionTest, PopsAreSeparateAndAnInvalidationReachesEveryOne) {
  policy::Distribution d = Named("E1");
  d.config.origins[0].domain_name = "demo";
  std::shared_ptr<LiveDistribution> live = Live(d, {.pops = {"IAD89-C1", "FRA56-P1"}});
  const absl::Time now = absl::FromUnixSeconds(1'700'000'000);
  auto get = [&](absl::string_view pop) {
    return live->pipeline()
        .Handle(live->PopIndex(pop), policy::Request::Get("/about.html"), now, live->origin())
        .outcome;
  };
  EXPECT_EQ(live->PopIndex("fra56-p1"), 1);
  EXPECT_EQ(live->PopIndex(""), 0);
  EXPECT_EQ(live->PopIndex("nope"), -1);
  EXPECT_EQ(get("IAD89-C1"), policy::CacheOutcome::kMiss);
  EXPECT_EQ(get("FRA56-P1"), policy::CacheOutcome::kMiss);
  EXPECT_EQ(get("FRA56-P1"), policy::CacheOutcome::kHit);
  live->Invalidate(*policy::InvalidationPath::Parse("/about.html"), now);
  EXPECT_EQ(get("IAD89-C1"), policy::CacheOutcome::kMiss);
  EXPECT_EQ(get("FRA56-P1"), policy::CacheOutcome::kMiss);
  live->Reset();
  EXPECT_EQ(live->network().FindCache("IAD89-C1")->TotalCounters()[core::Counter::kRequests], 0u);
  EXPECT_EQ(get("IAD89-C1"), policy::CacheOutcome::kMiss);
}

}  // namespace
}  // namespace edgesim::emulator
