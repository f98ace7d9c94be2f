// What the ControlPlane's files share: record lookups, versioned reads, If-Match, and the steps
// that deploy a distribution into the registry.
#include "emulator/control_plane_state.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "emulator/api_error.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/emulator/control_plane_fixture.h"

namespace edgesim::emulator {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

class ControlPlaneStateTest : public ::testing::Test {
 protected:
  ControlPlaneStateTest()
      : state_(registry_,
               [this](policy::Distribution d) -> absl::StatusOr<std::shared_ptr<LiveDistribution>> {
                 ++deploys_;
                 if (fail_deploys_) return absl::UnavailableError("no origin today");
                 return LiveDistribution::Create(std::move(d), {.pops = {kIad}},
                                                 std::make_unique<ForwardingOrigin>(origin_));
               },
               {.id_seed = 7}) {}

  // A distribution record `id` answering `alias` too, with its LiveDistribution built.
  DistributionRecord Record(const std::string& id, const std::string& alias) {
    DistributionRecord r;
    r.id = id;
    r.domain_name = "d" + id + ".cloudfront.net";
    r.etag = state_.NewETag("");
    policy::Distribution d = policy::SingleOriginDistribution(
        "origin.example", *policy::FindManagedCachePolicy("Managed-CachingOptimized"));
    d.id = r.id;
    d.domain_name = r.domain_name;
    d.config.aliases = {alias};
    r.live = *state_.Build(std::move(d), nullptr);
    return r;
  }

  core::FakeOrigin origin_;
  DistributionRegistry registry_;
  int deploys_ = 0;
  bool fail_deploys_ = false;
  ControlPlaneState state_;
};

TEST_F(ControlPlaneStateTest, StartsWithTheManagedCachePoliciesOnly) {
  ASSERT_EQ(state_.cache_policies.size(), policy::ManagedCachePolicies().size());
  for (const CachePolicyRecord& r : state_.cache_policies) {
    EXPECT_TRUE(r.managed) << r.id;
    EXPECT_EQ(r.config["Name"], r.policy.name);
    EXPECT_THAT(r.etag, MatchesRegex("[A-Z0-9]{13}"));
  }
  EXPECT_TRUE(state_.Resources().cache_policies.empty());
  EXPECT_EQ(state_.initial_policies.size(), state_.cache_policies.size());
  EXPECT_TRUE(state_.distributions.empty());
}

TEST_F(ControlPlaneStateTest, CustomPoliciesAreTheUnmanagedOnes) {
  policy::CachePolicy mine = *policy::FindManagedCachePolicy("Managed-CachingOptimized");
  mine.id = "mine";
  mine.name = "mine";
  state_.cache_policies.push_back(
      CachePolicyRecord::Of(mine, "ETAG", absl::UnixEpoch(), /*managed=*/false));
  const policy::CustomCachePolicies custom = state_.Resources().cache_policies;
  ASSERT_EQ(custom.size(), 1u);
  EXPECT_EQ(custom.at("mine").name, "mine");
}

TEST_F(ControlPlaneStateTest, LookupNamesTheMissingResourcesCode) {
  state_.distributions.push_back(Record("EONE", "one.example.com"));
  EXPECT_EQ(*state_.Lookup(state_.distributions, "EONE"), &state_.distributions[0]);
  EXPECT_EQ(state_.Find(state_.distributions, "ETWO"), nullptr);
  const ApiError no_distribution = ToApiError(state_.Lookup(state_.distributions, "ETWO").status());
  EXPECT_EQ(no_distribution.code, "NoSuchDistribution");
  EXPECT_EQ(no_distribution.http_status, 404);
  EXPECT_EQ(Code(state_.Lookup(state_.cache_policies, "nope").status()), "NoSuchCachePolicy");
}

// Get<Resource> and Get<Resource>Config are one read with two views.
TEST_F(ControlPlaneStateTest, ReadAnswersTheViewWithTheRecordsETag) {
  const CachePolicyRecord& managed = state_.cache_policies[0];
  absl::StatusOr<Versioned> config =
      state_.Read(state_.cache_policies, managed.id, &CachePolicyRecord::config);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->body, managed.config);
  EXPECT_EQ(config->etag, managed.etag);
  absl::StatusOr<Versioned> id = state_.Read(state_.cache_policies, managed.id,
                                             [](const CachePolicyRecord& r) { return r.id; });
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->body, managed.id);
  EXPECT_EQ(Code(state_.Read(state_.distributions, "ENOPE", &DistributionRecord::config).status()),
            "NoSuchDistribution");
}

TEST_F(ControlPlaneStateTest, IfMatchMustBeTheCurrentETag) {
  EXPECT_EQ(Code(CheckIfMatch("", "ETAG1")), "InvalidIfMatchVersion");
  const ApiError stale = ToApiError(CheckIfMatch("ETAG0", "ETAG1"));
  EXPECT_EQ(stale.code, "PreconditionFailed");
  EXPECT_EQ(stale.http_status, 412);
  // CloudFront's words (API 1.6), which name neither ETag.
  EXPECT_EQ(stale.message,
            "The request failed because it didn't meet the preconditions in one or more "
            "request-header fields.");
  EXPECT_TRUE(CheckIfMatch("ETAG1", "ETAG1").ok());
}

TEST_F(ControlPlaneStateTest, NewETagIsNeverTheOldOne) {
  std::string etag = state_.NewETag("");
  for (int i = 0; i < 100; ++i) {
    const std::string next = state_.NewETag(etag);
    EXPECT_NE(next, etag);
    etag = next;
  }
}

TEST_F(ControlPlaneStateTest, LoadConfigGivesTheRecordsIdAndDomainOrCloudFrontsCodes) {
  DistributionRecord r;
  r.id = "EONE";
  r.domain_name = "done.cloudfront.net";
  absl::StatusOr<policy::Distribution> d = state_.LoadConfig(r, Config(), {});
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->id, "EONE");
  EXPECT_EQ(d->domain_name, "done.cloudfront.net");
  EXPECT_TRUE(d->config.enabled);
  json no_origin = Config();
  no_origin["DefaultCacheBehavior"]["TargetOriginId"] = "nope";
  EXPECT_EQ(Code(state_.LoadConfig(r, no_origin, {}).status()), "NoSuchOrigin");
  json bad_value = Config();
  bad_value["DefaultCacheBehavior"]["ViewerProtocolPolicy"] = "sometimes";
  EXPECT_EQ(Code(state_.LoadConfig(r, bad_value, {}).status()), "InvalidArgument");
}

TEST_F(ControlPlaneStateTest, BuildDeploysOnlyEnabledDistributions) {
  policy::Distribution d = policy::SingleOriginDistribution(
      "origin.example", *policy::FindManagedCachePolicy("Managed-CachingOptimized"));
  d.config.enabled = false;
  EXPECT_EQ(*state_.Build(d, nullptr), nullptr);
  EXPECT_EQ(deploys_, 0);
  d.config.enabled = true;
  fail_deploys_ = true;
  const absl::Status failed = state_.Build(d, nullptr).status();
  EXPECT_EQ(Code(failed), "InvalidArgument");
  EXPECT_THAT(failed.message(), HasSubstr("no origin today"));
}

TEST_F(ControlPlaneStateTest, PublishAddsReplacesAndRemoves) {
  const DistributionRecord one = Record("EONE", "one.example.com");
  ASSERT_TRUE(state_.Publish("EONE", nullptr, one.live).ok());
  EXPECT_EQ(registry_.Snapshot()->Route("one.example.com"), one.live.get());
  const DistributionRecord again = Record("EONE", "one.example.com");
  ASSERT_TRUE(state_.Publish("EONE", one.live, again.live).ok());
  EXPECT_EQ(registry_.Snapshot()->Find("EONE"), again.live.get());
  ASSERT_TRUE(state_.Publish("EONE", again.live, nullptr).ok());
  EXPECT_EQ(registry_.Snapshot()->Find("EONE"), nullptr);
}

TEST_F(ControlPlaneStateTest, PublishingATakenAliasIsCnameAlreadyExists) {
  const DistributionRecord one = Record("EONE", "www.example.com");
  const DistributionRecord two = Record("ETWO", "www.example.com");
  ASSERT_TRUE(state_.Publish("EONE", nullptr, one.live).ok());
  const ApiError taken = ToApiError(state_.Publish("ETWO", nullptr, two.live));
  EXPECT_EQ(taken.code, "CNAMEAlreadyExists");
  EXPECT_EQ(taken.http_status, 409);
  EXPECT_EQ(registry_.Snapshot()->Find("ETWO"), nullptr);
}

TEST(ControlPlaneStateHelpersTest, ParseTagsKeepsOrderAndAnAbsentValueIsEmpty) {
  absl::StatusOr<Tags> tags =
      ParseTags({{"Items", {{{"Key", "b"}, {"Value", "2"}}, {{"Key", "a"}}}}});
  ASSERT_TRUE(tags.ok()) << tags.status();
  EXPECT_EQ(*tags, (Tags{{"b", "2"}, {"a", ""}}));
  EXPECT_TRUE(ParseTags(json::object())->empty());
  EXPECT_EQ(Code(ParseTags({{"Items", {{{"Key", std::string(129, 'k')}}}}}).status()),
            "InvalidArgument");
}

TEST(ControlPlaneStateHelpersTest, StringItemsNameTheItemThatIsNoString) {
  const json two = {{"Items", {"a", "b"}}};
  EXPECT_EQ(*StringItems(policy::JsonReader(two, "Paths")), (std::vector<std::string>{"a", "b"}));
  const json none = json::object();
  EXPECT_TRUE(StringItems(policy::JsonReader(none, "TagKeys"))->empty());
  const json mixed = {{"Items", {"a", 2}}};
  const absl::Status bad = StringItems(policy::JsonReader(mixed, "TagKeys")).status();
  EXPECT_EQ(Code(bad), "InvalidArgument");
  EXPECT_THAT(bad.message(), HasSubstr("TagKeys.Items[1]"));
}

TEST(ControlPlaneStateHelpersTest, PolicyLoaderProblemsAreInvalidArgumentWithTheirMessage) {
  const ApiError e = ToApiError(AsInvalidArgument(absl::NotFoundError("line 1\nline 2")));
  EXPECT_EQ(e.code, "InvalidArgument");
  EXPECT_EQ(e.message, "line 1\nline 2");
}

TEST(ControlPlaneStateHelpersTest, DumpReplacesInvalidUtf8InsteadOfThrowing) {
  EXPECT_EQ(Dump(json{{"a", 1}}), R"({"a":1})");
  EXPECT_EQ(Dump(json("\xff")), "\"\xEF\xBF\xBD\"");
}

}  // namespace
}  // namespace edgesim::emulator
