// control_plane_fixture.h — what the ControlPlane's tests share: a ControlPlane over a registry
// whose distributions reach a FakeOrigin, and the shapes the tests send it.
//
//   TEST_F(ControlPlaneTest, Something) {
//     const std::string id = Create(Config("ref-1"));
//     EXPECT_EQ(Code(cp_->DeleteDistribution(id, "")), "InvalidIfMatchVersion");
//   }
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "emulator/api_error.h"
#include "emulator/control_plane.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/core/fake_origin.h"

namespace edgesim::emulator {

inline constexpr char kIad[] = "IAD89-C1";
inline constexpr char kFra[] = "FRA56-P1";
inline constexpr char kOptimized[] = "658327ea-f89d-4fab-a63d-7e88639e58f6";

// The LiveDistributions' origin: every deployed distribution reaches the test's FakeOrigin.
class ForwardingOrigin final : public core::OriginFetcher {
 public:
  explicit ForwardingOrigin(core::FakeOrigin& target) : target_(target) {}
  absl::StatusOr<core::OriginResponse> Fetch(const core::OriginRequest& request,
                                             absl::Time now) override {
    return target_.Fetch(request, now);
  }

 private:
  core::FakeOrigin& target_;
};

// docs/api-samples/dist-config-minimal.json, with query strings in the cache key.
inline nlohmann::json Config(const std::string& caller_reference = "ref-1") {
  nlohmann::json config = nlohmann::json::parse(R"({
    "Comment": "test", "Enabled": true,
    "Origins": {"Quantity": 1, "Items": [{"Id": "origin-1", "DomainName": "origin.example.com",
      "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                             "OriginProtocolPolicy": "http-only"}}]},
    "DefaultCacheBehavior": {"TargetOriginId": "origin-1", "ViewerProtocolPolicy": "allow-all",
      "ForwardedValues": {"QueryString": true, "Cookies": {"Forward": "none"}}, "MinTTL": 0}
  })");
  config["CallerReference"] = caller_reference;
  return config;
}

inline nlohmann::json Batch(std::vector<std::string> paths, const std::string& caller_reference) {
  nlohmann::json batch = {{"Paths", {{"Quantity", paths.size()}}},
                          {"CallerReference", caller_reference}};
  if (!paths.empty()) batch["Paths"]["Items"] = paths;
  return batch;
}

inline nlohmann::json CachePolicyConfig(const std::string& name, int min_ttl = 1) {
  return {{"Name", name},
          {"MinTTL", min_ttl},
          {"ParametersInCacheKeyAndForwardedToOrigin",
           {{"EnableAcceptEncodingGzip", false},
            {"HeadersConfig", {{"HeaderBehavior", "none"}}},
            {"CookiesConfig", {{"CookieBehavior", "none"}}},
            {"QueryStringsConfig", {{"QueryStringBehavior", "none"}}}}}};
}

// The CloudFront error code of a failing Status.
inline std::string Code(const absl::Status& status) { return ToApiError(status).code; }

class ControlPlaneTest : public ::testing::Test {
 protected:
  ControlPlaneTest() { Start({}); }

  void Start(ControlPlaneOptions options) {
    options.id_seed = 7;
    cp_ = std::make_unique<ControlPlane>(
        registry_,
        [this](policy::Distribution d) -> absl::StatusOr<std::shared_ptr<LiveDistribution>> {
          if (fail_deploys_) return absl::UnavailableError("no origin today");
          return LiveDistribution::Create(std::move(d), {.pops = {kIad, kFra}},
                                          std::make_unique<ForwardingOrigin>(origin_));
        },
        std::move(options));
  }

  // CreateDistribution's Id; fails the test otherwise.
  std::string Create(const nlohmann::json& config = Config()) {
    absl::StatusOr<Versioned> d = cp_->CreateDistribution(config, nullptr, now_);
    EXPECT_TRUE(d.ok()) << d.status();
    return d.ok() ? d->body["Id"].get<std::string>() : "";
  }

  std::string ETag(const std::string& id) { return cp_->GetDistributionConfig(id)->etag; }

  const LiveDistribution* Live(const std::string& id) { return registry_.Snapshot()->Find(id); }

  // One viewer GET through `pop` of the registry's distribution `id`.
  core::EdgeResult Fetch(const std::string& id, absl::string_view pop, absl::string_view target) {
    std::shared_ptr<const RegistrySnapshot> snapshot = registry_.Snapshot();
    const LiveDistribution* live = snapshot->Find(id);
    EXPECT_NE(live, nullptr);
    return live->pipeline().Handle(live->PopIndex(pop), policy::Request::Get(target), now_,
                                   live->origin());
  }

  policy::CacheOutcome Outcome(const std::string& id, absl::string_view pop,
                               absl::string_view target) {
    return Fetch(id, pop, target).outcome;
  }

  std::string InvalidationStatus(const std::string& id, const std::string& invalidation) {
    return cp_->GetInvalidation(id, invalidation, now_)->body["Status"];
  }

  core::FakeOrigin origin_;
  DistributionRegistry registry_;
  bool fail_deploys_ = false;
  std::unique_ptr<ControlPlane> cp_;
  absl::Time now_ = absl::FromCivil(absl::CivilSecond(2026, 12, 4, 18, 0, 0), absl::UTCTimeZone());
};

}  // namespace edgesim::emulator
