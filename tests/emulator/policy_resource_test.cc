// The mechanism every policy-like resource shares (policy_resource.h), driven through cache
// policies, its first kind: every code, CloudFront's check order, the list shape, and what the
// rest of the ControlPlane asks of it (references, adoption, reset).
#include "emulator/policy_resource.h"

#include <memory>
#include <string>
#include <utility>

#include "emulator/api_error.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/emulator/control_plane_fixture.h"

namespace edgesim::emulator {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using PolicyResourceCache = PolicyResource<CachePolicyKind>;

class PolicyResourceTest : public ::testing::Test {
 protected:
  PolicyResourceTest()
      : state_(registry_,
               [this](policy::Distribution d) -> absl::StatusOr<std::shared_ptr<LiveDistribution>> {
                 return LiveDistribution::Create(std::move(d), {.pops = {kIad}},
                                                 std::make_unique<ForwardingOrigin>(origin_));
               },
               {.id_seed = 11}) {}

  // A custom policy's {Id, ETag}.
  std::pair<std::string, std::string> CreatePolicy(const std::string& name) {
    absl::StatusOr<Versioned> p =
        PolicyResourceCache::Create(state_, CachePolicyConfig(name), now_);
    EXPECT_TRUE(p.ok()) << p.status();
    return {p->body["Id"], p->etag};
  }

  // A distribution record (not deployed) whose default behavior names `policy_id`.
  void AddUser(const std::string& distribution_id, const std::string& policy_id) {
    DistributionRecord r;
    r.id = distribution_id;
    r.config = emulator::Config();
    r.config["DefaultCacheBehavior"].erase("ForwardedValues");
    r.config["DefaultCacheBehavior"]["CachePolicyId"] = policy_id;
    state_.distributions.push_back(std::move(r));
  }

  core::FakeOrigin origin_;
  DistributionRegistry registry_;
  ControlPlaneState state_;
  absl::Time now_ = absl::FromCivil(absl::CivilSecond(2026, 12, 4, 18, 0, 0), absl::UTCTimeZone());
};

TEST_F(PolicyResourceTest, CreateGivesAFreshIdAndETagAndRefusesATakenName) {
  const auto [id, etag] = CreatePolicy("mine");
  absl::StatusOr<Versioned> got = PolicyResourceCache::Get(state_, id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->etag, etag);
  EXPECT_EQ(got->body["Id"], id);
  EXPECT_EQ(got->body["LastModifiedTime"], "2026-12-04T18:00:00.000Z");
  EXPECT_EQ(got->body["CachePolicyConfig"]["Name"], "mine");
  EXPECT_EQ(PolicyResourceCache::GetConfig(state_, id)->body, got->body["CachePolicyConfig"]);

  const ApiError taken =
      ToApiError(PolicyResourceCache::Create(state_, CachePolicyConfig("mine"), now_).status());
  EXPECT_EQ(taken.code, "CachePolicyAlreadyExists");
  EXPECT_EQ(taken.http_status, 409);
  EXPECT_EQ(taken.message, "A cache policy with the name \"mine\" already exists.");
  const ApiError missing = ToApiError(PolicyResourceCache::Get(state_, "nope").status());
  EXPECT_EQ(missing.code, "NoSuchCachePolicy");
  EXPECT_EQ(missing.http_status, 404);
  EXPECT_EQ(missing.message, "The cache policy does not exist.");
}

// A missing If-Match first, then the Id, then managed, then a stale If-Match (API 1.8).
TEST_F(PolicyResourceTest, UpdateChecksInCloudFrontsOrder) {
  const auto [id, etag] = CreatePolicy("mine");
  const json config = CachePolicyConfig("mine", 5);
  auto update = [&](absl::string_view target, absl::string_view if_match) {
    return Code(PolicyResourceCache::Update(state_, target, config, if_match, now_).status());
  };
  EXPECT_EQ(update("nope", ""), "InvalidIfMatchVersion");
  EXPECT_EQ(update(kOptimized, ""), "InvalidIfMatchVersion");
  EXPECT_EQ(update("nope", "STALE"), "NoSuchCachePolicy");
  EXPECT_EQ(update(kOptimized, "STALE"), "IllegalUpdate");
  EXPECT_EQ(update(id, "STALE"), "PreconditionFailed");
  EXPECT_EQ(ToApiError(PolicyResourceCache::Update(state_, kOptimized, config, "X", now_).status())
                .message,
            "A managed cache policy cannot be updated.");
  absl::StatusOr<Versioned> updated = PolicyResourceCache::Update(state_, id, config, etag, now_);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_NE(updated->etag, etag);
  EXPECT_EQ(updated->body["CachePolicyConfig"]["MinTTL"], 5);
}

TEST_F(PolicyResourceTest, UpdateRefusesAnotherPolicysNameAndKeepsItsOwn) {
  const auto [id, etag] = CreatePolicy("mine");
  CreatePolicy("theirs");
  EXPECT_EQ(Code(PolicyResourceCache::Update(state_, id, CachePolicyConfig("theirs"), etag, now_)
                     .status()),
            "CachePolicyAlreadyExists");
  EXPECT_TRUE(PolicyResourceCache::Update(state_, id, CachePolicyConfig("mine"), etag, now_).ok());
}

TEST_F(PolicyResourceTest, DeleteChecksInCloudFrontsOrderThenUse) {
  const auto [id, etag] = CreatePolicy("mine");
  auto remove = [&](absl::string_view target, absl::string_view if_match) {
    return Code(PolicyResourceCache::Delete(state_, target, if_match));
  };
  EXPECT_EQ(remove("nope", ""), "InvalidIfMatchVersion");
  EXPECT_EQ(remove("nope", "STALE"), "NoSuchCachePolicy");
  EXPECT_EQ(remove(kOptimized, "STALE"), "IllegalDelete");
  EXPECT_EQ(remove(id, "STALE"), "PreconditionFailed");
  AddUser("EUSER", id);
  const ApiError in_use = ToApiError(PolicyResourceCache::Delete(state_, id, etag));
  EXPECT_EQ(in_use.code, "CachePolicyInUse");
  EXPECT_EQ(in_use.http_status, 409);
  EXPECT_THAT(in_use.message, HasSubstr("cache behaviors (distribution EUSER)"));
  state_.distributions.clear();
  EXPECT_TRUE(PolicyResourceCache::Delete(state_, id, etag).ok());
  EXPECT_EQ(Code(PolicyResourceCache::Get(state_, id).status()), "NoSuchCachePolicy");
}

TEST_F(PolicyResourceTest, ListFiltersByTypeAndPagesWithNextMarkerOnly) {
  const auto [first, first_etag] = CreatePolicy("a");
  const auto [second, second_etag] = CreatePolicy("b");
  absl::StatusOr<json> page = PolicyResourceCache::List(state_, "custom", "", 1);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ((*page)["Quantity"], 1);
  EXPECT_EQ((*page)["Items"][0]["Type"], "custom");
  EXPECT_EQ((*page)["Items"][0]["CachePolicy"]["Id"], first);
  EXPECT_EQ((*page)["NextMarker"], first);
  EXPECT_FALSE(page->contains("Marker"));
  EXPECT_FALSE(page->contains("IsTruncated"));
  absl::StatusOr<json> rest = PolicyResourceCache::List(state_, "custom", first, 1);
  EXPECT_EQ((*rest)["Items"][0]["CachePolicy"]["Id"], second);
  EXPECT_FALSE(rest->contains("NextMarker"));
  const size_t managed = policy::ManagedCachePolicies().size();
  EXPECT_EQ((*PolicyResourceCache::List(state_, "managed", "", 100))["Quantity"], managed);
  EXPECT_EQ((*PolicyResourceCache::List(state_, "", "", 100))["Quantity"], managed + 2);
  EXPECT_EQ(Code(PolicyResourceCache::List(state_, "other", "", 100).status()), "InvalidArgument");
  EXPECT_EQ(Code(PolicyResourceCache::List(state_, "", "not-an-id", 100).status()),
            "InvalidArgument");
}

TEST_F(PolicyResourceTest, ReferencesMustNameAManagedOrAnAccountPolicy) {
  json config = emulator::Config();
  config["DefaultCacheBehavior"]["CachePolicyId"] = "custom-1";
  policy::AccountResources account;
  EXPECT_EQ(Code(PolicyResourceCache::CheckReferences(config, account)), "NoSuchCachePolicy");
  account.cache_policies["custom-1"] = policy::CachePolicy();
  EXPECT_TRUE(PolicyResourceCache::CheckReferences(config, account).ok());
  config["DefaultCacheBehavior"]["CachePolicyId"] = kOptimized;
  EXPECT_TRUE(PolicyResourceCache::CheckReferences(config, {}).ok());
}

TEST_F(PolicyResourceTest, AdoptedPoliciesSurviveResetAndCreatedOnesDoNot) {
  policy::CachePolicy from_file = *policy::FindManagedCachePolicy("Managed-CachingOptimized");
  from_file.id = "from-file";
  from_file.name = "from-file";
  PolicyResourceCache::Adopt(state_, from_file, now_);
  PolicyResourceCache::Adopt(state_, from_file, now_);  // known: kept once
  PolicyResourceCache::Adopt(state_, *policy::FindManagedCachePolicy(kOptimized), now_);
  CreatePolicy("created");
  policy::AccountResources account;
  PolicyResourceCache::AddCustom(state_, account);
  EXPECT_EQ(account.cache_policies.size(), 2u);

  PolicyResourceCache::Reset(state_);
  account = {};
  PolicyResourceCache::AddCustom(state_, account);
  ASSERT_EQ(account.cache_policies.size(), 1u);
  EXPECT_TRUE(account.cache_policies.contains("from-file"));
  EXPECT_EQ(state_.cache_policies.size(), policy::ManagedCachePolicies().size() + 1);
}

}  // namespace
}  // namespace edgesim::emulator
