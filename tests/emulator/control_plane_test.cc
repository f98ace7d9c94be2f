#include "emulator/control_plane.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "emulator/api_error.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/cache_policy.h"
#include "tests/core/fake_origin.h"

namespace edgesim::emulator {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

constexpr char kIad[] = "IAD89-C1";
constexpr char kFra[] = "FRA56-P1";
constexpr char kOptimized[] = "658327ea-f89d-4fab-a63d-7e88639e58f6";

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
json Config(const std::string& caller_reference = "ref-1") {
  json config = json::parse(R"({
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

json Batch(std::vector<std::string> paths, const std::string& caller_reference) {
  json batch = {{"Paths", {{"Quantity", paths.size()}}}, {"CallerReference", caller_reference}};
  if (!paths.empty()) batch["Paths"]["Items"] = paths;
  return batch;
}

json CachePolicyConfig(const std::string& name, int min_ttl = 1) {
  return {{"Name", name},
          {"MinTTL", min_ttl},
          {"ParametersInCacheKeyAndForwardedToOrigin",
           {{"EnableAcceptEncodingGzip", false},
            {"HeadersConfig", {{"HeaderBehavior", "none"}}},
            {"CookiesConfig", {{"CookieBehavior", "none"}}},
            {"QueryStringsConfig", {{"QueryStringBehavior", "none"}}}}}};
}

std::string Code(const absl::Status& status) { return ToApiError(status).code; }

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
  std::string Create(const json& config = Config()) {
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

using policy::CacheOutcome;

TEST_F(ControlPlaneTest, CreateDeploysAndTheRegistryRoutesTheDomain) {
  absl::StatusOr<Versioned> d = cp_->CreateDistribution(Config(), nullptr, now_);
  ASSERT_TRUE(d.ok()) << d.status();
  const std::string id = d->body["Id"];
  EXPECT_THAT(id, MatchesRegex("E[A-Z0-9]{13}"));
  EXPECT_THAT(d->etag, MatchesRegex("[A-Z0-9]{13}"));
  EXPECT_THAT(d->body["DomainName"].get<std::string>(),
              MatchesRegex("d[a-z0-9]{13}\\.cloudfront\\.net"));
  EXPECT_EQ(d->body["ARN"], "arn:aws:cloudfront::123456789012:distribution/" + id);
  EXPECT_EQ(d->body["Status"], "InProgress");
  EXPECT_EQ(d->body["LastModifiedTime"], "2026-12-04T18:00:00.000Z");
  EXPECT_EQ(d->body["InProgressInvalidationBatches"], 0);
  ASSERT_TRUE(cp_->CreateDistribution(Config("ref-2"), nullptr, now_).ok());
  std::shared_ptr<const RegistrySnapshot> s = registry_.Snapshot();
  ASSERT_NE(s->Route(d->body["DomainName"].get<std::string>()), nullptr);
  EXPECT_EQ(s->Route(d->body["DomainName"].get<std::string>())->id(), id);
  EXPECT_EQ(s->Route(absl::StrCat(id, ".cloudfront.localhost:8080"))->id(), id);
  // Zero deploy delay: every later read says Deployed, with the same ETag.
  absl::StatusOr<Versioned> got = cp_->GetDistribution(id, now_);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->body["Status"], "Deployed");
  EXPECT_EQ(got->etag, d->etag);
  EXPECT_EQ(Code(cp_->GetDistribution("ENOSUCHDISTRIB", now_).status()), "NoSuchDistribution");
}

TEST_F(ControlPlaneTest, StatusIsDeployedAfterTheDeployDelay) {
  Start({.distribution_deploy_delay = absl::Seconds(60)});
  const std::string id = Create();
  EXPECT_EQ(cp_->GetDistribution(id, now_ + absl::Seconds(59))->body["Status"], "InProgress");
  EXPECT_EQ(cp_->GetDistribution(id, now_ + absl::Seconds(60))->body["Status"], "Deployed");
}

TEST_F(ControlPlaneTest, ReadsKeepTheCallersMembersAndFillDefaults) {
  json config = Config();
  config["PriceClass"] = "PriceClass_100";
  config["ContinuousDeploymentPolicyId"] = "";  // a member edgesim does not model
  const std::string id = Create(config);
  absl::StatusOr<Versioned> got = cp_->GetDistributionConfig(id);
  ASSERT_TRUE(got.ok());
  const json& c = got->body;
  EXPECT_EQ(c["CallerReference"], "ref-1");
  EXPECT_EQ(c["Comment"], "test");
  EXPECT_EQ(c["PriceClass"], "PriceClass_100");
  EXPECT_EQ(c["ContinuousDeploymentPolicyId"], "");
  EXPECT_EQ(c["DefaultCacheBehavior"]["ForwardedValues"],
            Config()["DefaultCacheBehavior"]["ForwardedValues"]);
  // API 1.7's defaults.
  EXPECT_EQ(c["HttpVersion"], "http2");
  EXPECT_EQ(c["IsIPV6Enabled"], true);
  EXPECT_EQ(c["ViewerCertificate"]["CloudFrontDefaultCertificate"], true);
  EXPECT_EQ(c["Restrictions"]["GeoRestriction"]["RestrictionType"], "none");
  EXPECT_EQ(c["WebACLId"], "");
  EXPECT_EQ(c["Logging"]["Enabled"], false);
  // CloudFront's API default (policy/cloudfront_defaults.h); moto's true is the console's.
  EXPECT_EQ(c["DefaultCacheBehavior"]["Compress"], false);
  EXPECT_EQ(c["DefaultCacheBehavior"]["FieldLevelEncryptionId"], "");
  EXPECT_EQ(c["Origins"]["Items"][0]["ConnectionAttempts"], 3);
  EXPECT_EQ(c["Origins"]["Items"][0]["ConnectionTimeout"], 10);
  EXPECT_EQ(c["Origins"]["Items"][0]["OriginShield"], json({{"Enabled", false}}));
  EXPECT_FALSE(c["Aliases"].contains("Items"));  // empty lists have no Items
  // The edge runs what the reads say.
  EXPECT_EQ(Live(id)->distribution().config.default_behavior.compress,
            c["DefaultCacheBehavior"]["Compress"].get<bool>());
  EXPECT_EQ(cp_->GetDistribution(id, now_)->body["DistributionConfig"], c);
}

TEST_F(ControlPlaneTest, UpdateNeedsTheCurrentETagAndServesTheNewBehaviors) {
  const std::string id = Create();
  const std::string etag = ETag(id);
  json config = Config();
  config["CacheBehaviors"] = {{"Quantity", 1},
                              {"Items",
                               {{{"PathPattern", "api/*"},
                                 {"TargetOriginId", "origin-1"},
                                 {"ViewerProtocolPolicy", "https-only"},
                                 {"CachePolicyId", "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"}}}}};
  EXPECT_EQ(Code(cp_->UpdateDistribution(id, config, "", now_).status()), "InvalidIfMatchVersion");
  EXPECT_EQ(Code(cp_->UpdateDistribution(id, config, "STALE", now_).status()),
            "PreconditionFailed");
  EXPECT_EQ(Code(cp_->UpdateDistribution(id, Config("other-ref"), etag, now_).status()),
            "IllegalUpdate");
  EXPECT_TRUE(Live(id)->distribution().config.behaviors.empty());

  absl::StatusOr<Versioned> updated =
      cp_->UpdateDistribution(id, config, etag, now_ + absl::Seconds(5));
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_NE(updated->etag, etag);
  EXPECT_EQ(updated->body["Status"], "InProgress");
  EXPECT_EQ(updated->body["LastModifiedTime"], "2026-12-04T18:00:05.000Z");
  EXPECT_EQ(ETag(id), updated->etag);
  ASSERT_EQ(Live(id)->distribution().config.behaviors.size(), 1u);
  EXPECT_EQ(Live(id)->distribution().config.behaviors[0].path_pattern, "api/*");
  // The old ETag is stale now; each update makes a new one.
  EXPECT_EQ(Code(cp_->UpdateDistribution(id, Config(), etag, now_).status()), "PreconditionFailed");
  absl::StatusOr<Versioned> again = cp_->UpdateDistribution(id, Config(), updated->etag, now_);
  ASSERT_TRUE(again.ok());
  EXPECT_NE(again->etag, updated->etag);
}

TEST_F(ControlPlaneTest, DisableLeavesTheRegistryAndOnlyDisabledOnesDelete) {
  const std::string id = Create();
  EXPECT_EQ(Code(cp_->DeleteDistribution(id, ETag(id))), "DistributionNotDisabled");
  EXPECT_EQ(Code(cp_->DeleteDistribution(id, "")), "InvalidIfMatchVersion");
  json disabled = Config();
  disabled["Enabled"] = false;
  ASSERT_TRUE(cp_->UpdateDistribution(id, disabled, ETag(id), now_).ok());
  EXPECT_EQ(Live(id), nullptr);
  EXPECT_TRUE(cp_->GetDistribution(id, now_).ok());  // the record stays
  ASSERT_TRUE(cp_->UpdateDistribution(id, Config(), ETag(id), now_).ok());
  EXPECT_NE(Live(id), nullptr);  // re-enabled
  ASSERT_TRUE(cp_->UpdateDistribution(id, disabled, ETag(id), now_).ok());
  EXPECT_EQ(Code(cp_->DeleteDistribution(id, "STALE")), "PreconditionFailed");
  ASSERT_TRUE(cp_->DeleteDistribution(id, ETag(id)).ok());
  EXPECT_EQ(Code(cp_->GetDistribution(id, now_).status()), "NoSuchDistribution");
  EXPECT_EQ(Code(cp_->DeleteDistribution(id, "X")), "NoSuchDistribution");
}

TEST_F(ControlPlaneTest, ReusedCallerReferenceIsDistributionAlreadyExists) {
  const std::string id = Create();
  absl::StatusOr<Versioned> again = cp_->CreateDistribution(Config(), nullptr, now_);
  EXPECT_EQ(Code(again.status()), "DistributionAlreadyExists");
  EXPECT_EQ(ToApiError(again.status()).http_status, 409);
  EXPECT_THAT(again.status().message(), HasSubstr(id));
}

TEST_F(ControlPlaneTest, ConfigErrorsHaveCloudFrontsCodesAndChangeNothing) {
  json no_origin = Config();
  no_origin["DefaultCacheBehavior"]["TargetOriginId"] = "nope";
  json no_policy = Config();
  no_policy["DefaultCacheBehavior"].erase("ForwardedValues");
  no_policy["DefaultCacheBehavior"]["CachePolicyId"] = "00000000-0000-4000-8000-000000000000";
  json inconsistent = Config();
  inconsistent["Origins"]["Quantity"] = 2;
  json bad_value = Config();
  bad_value["DefaultCacheBehavior"]["ViewerProtocolPolicy"] = "sometimes";
  json no_reference = Config();
  no_reference.erase("CallerReference");
  struct Case {
    json config;
    std::string code;
    std::string message;
  } cases[] = {
      {no_origin, "NoSuchOrigin", "One or more of your origins or origin groups do not exist"},
      {no_policy, "NoSuchCachePolicy", "The cache policy does not exist"},
      {inconsistent, "InconsistentQuantities", "DistributionConfig.Origins.Quantity"},
      {bad_value, "InvalidArgument",
       "DistributionConfig.DefaultCacheBehavior.ViewerProtocolPolicy"},
      {no_reference, "InvalidArgument", "DistributionConfig.CallerReference"},
      {json::array(), "InvalidArgument", "expected an object"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.code + ": " + c.message);
    absl::Status status = cp_->CreateDistribution(c.config, nullptr, now_).status();
    EXPECT_EQ(Code(status), c.code);
    EXPECT_THAT(status.message(), HasSubstr(c.message));
  }
  fail_deploys_ = true;
  absl::Status failed = cp_->CreateDistribution(Config(), nullptr, now_).status();
  EXPECT_EQ(Code(failed), "InvalidArgument");
  EXPECT_THAT(failed.message(), HasSubstr("no origin today"));
  EXPECT_TRUE(registry_.Snapshot()->distributions().empty());
  EXPECT_EQ(cp_->ListDistributions("", 100, now_)->at("Quantity"), 0);
}

TEST_F(ControlPlaneTest, FailedUpdateChangesNothing) {
  const std::string id = Create();
  const std::string etag = ETag(id);
  const LiveDistribution* live = Live(id);
  fail_deploys_ = true;
  EXPECT_EQ(Code(cp_->UpdateDistribution(id, Config(), etag, now_).status()), "InvalidArgument");
  EXPECT_EQ(ETag(id), etag);
  EXPECT_EQ(Live(id), live);
}

TEST_F(ControlPlaneTest, AliasesAreUnique) {
  json config = Config();
  config["Aliases"] = {{"Quantity", 1}, {"Items", {"www.example.com"}}};
  Create(config);
  config["CallerReference"] = "ref-2";
  config["Aliases"]["Items"][0] = "WWW.example.com";
  EXPECT_EQ(Code(cp_->CreateDistribution(config, nullptr, now_).status()), "CNAMEAlreadyExists");
}

TEST_F(ControlPlaneTest, ListDistributionsOldestFirstPaginated) {
  absl::StatusOr<json> empty = cp_->ListDistributions("", 100, now_);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty,
            json({{"Marker", ""}, {"MaxItems", 100}, {"IsTruncated", false}, {"Quantity", 0}}));
  const std::vector<std::string> ids = {Create(Config("a")), Create(Config("b")),
                                        Create(Config("c"))};
  absl::StatusOr<json> first = cp_->ListDistributions("", 2, now_);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ((*first)["Quantity"], 2);
  EXPECT_EQ((*first)["IsTruncated"], true);
  EXPECT_EQ((*first)["NextMarker"], ids[1]);
  EXPECT_EQ((*first)["Items"][0]["Id"], ids[0]);
  EXPECT_EQ((*first)["Items"][1]["Id"], ids[1]);
  const json& summary = (*first)["Items"][0];
  EXPECT_EQ(summary["Status"], "Deployed");
  EXPECT_EQ(summary["Comment"], "test");
  EXPECT_EQ(summary["Enabled"], true);
  EXPECT_EQ(summary["ETag"], ETag(ids[0]));
  EXPECT_FALSE(summary.contains("DistributionConfig"));
  absl::StatusOr<json> second = cp_->ListDistributions(ids[1], 2, now_);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ((*second)["Marker"], ids[1]);
  EXPECT_EQ((*second)["Quantity"], 1);
  EXPECT_EQ((*second)["Items"][0]["Id"], ids[2]);
  EXPECT_EQ((*second)["IsTruncated"], false);
  EXPECT_FALSE(second->contains("NextMarker"));
  EXPECT_EQ(Code(cp_->ListDistributions("ENOPE", 2, now_).status()), "InvalidArgument");
}

TEST_F(ControlPlaneTest, InvalidationEvictsFromEveryPopButNotQueryVariants) {
  Start({.invalidation_completion_delay = absl::ZeroDuration()});
  const std::string id = Create();
  origin_.Set("/a.js", 200, {{"Cache-Control", "max-age=3600"}});
  for (const char* pop : {kIad, kFra}) {
    for (const char* target : {"/a.js", "/a.js?v=1"}) {
      EXPECT_EQ(Outcome(id, pop, target), CacheOutcome::kMiss);
      EXPECT_EQ(Outcome(id, pop, target), CacheOutcome::kHit);
    }
  }
  absl::StatusOr<CreatedInvalidation> inv =
      cp_->CreateInvalidation(id, Batch({"/a.js"}, "r1"), now_);
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_TRUE(inv->created);
  EXPECT_THAT(inv->invalidation.body["Id"].get<std::string>(), MatchesRegex("I[A-Z0-9]{13}"));
  EXPECT_EQ(inv->invalidation.body["Status"], "InProgress");
  EXPECT_EQ(inv->invalidation.body["InvalidationBatch"], Batch({"/a.js"}, "r1"));
  for (const char* pop : {kIad, kFra}) {
    SCOPED_TRACE(pop);
    const core::EdgeResult r = Fetch(id, pop, "/a.js");
    EXPECT_EQ(r.outcome, CacheOutcome::kMiss);
    EXPECT_EQ(r.miss_reason, core::MissReason::kInvalidated);
    EXPECT_EQ(Outcome(id, pop, "/a.js?v=1"), CacheOutcome::kHit);  // SPEC 6.2: another object
  }
  ASSERT_TRUE(cp_->CreateInvalidation(id, Batch({"/*"}, "r2"), now_).ok());
  for (const char* pop : {kIad, kFra}) {
    EXPECT_EQ(Outcome(id, pop, "/a.js?v=1"), CacheOutcome::kMiss);
    EXPECT_EQ(Outcome(id, pop, "/a.js"), CacheOutcome::kMiss);
  }
  EXPECT_EQ(InvalidationStatus(id, inv->invalidation.body["Id"]), "Completed");
}

TEST_F(ControlPlaneTest, AnInvalidationReachesAPopAfterItsPropagationDelay) {
  Start({.invalidation_completion_delay = absl::Seconds(5),
         .propagation_delay_by_pop = {{kFra, absl::Seconds(30)}}});
  const std::string id = Create();
  origin_.Set("/index.html", 200, {{"Cache-Control", "max-age=3600"}}, "old");
  for (const char* pop : {kIad, kFra}) Fetch(id, pop, "/index.html");
  origin_.Set("/index.html", 200, {{"Cache-Control", "max-age=3600"}}, "new");
  absl::StatusOr<CreatedInvalidation> inv =
      cp_->CreateInvalidation(id, Batch({"/index.html"}, "r1"), now_);
  ASSERT_TRUE(inv.ok()) << inv.status();
  const std::string inv_id = inv->invalidation.body["Id"];
  EXPECT_EQ(Outcome(id, kIad, "/index.html"), CacheOutcome::kMiss);
  now_ += absl::Seconds(29);
  EXPECT_EQ(Outcome(id, kFra, "/index.html"), CacheOutcome::kHit);  // still the old object
  EXPECT_EQ(InvalidationStatus(id, inv_id), "InProgress");          // not before the slowest POP
  now_ += absl::Seconds(1);
  EXPECT_EQ(Outcome(id, kFra, "/index.html"), CacheOutcome::kMiss);
  EXPECT_EQ(InvalidationStatus(id, inv_id), "Completed");
}

TEST_F(ControlPlaneTest, InvalidationStatusFollowsTheCompletionDelay) {
  Start({.invalidation_completion_delay = absl::Seconds(10)});
  const std::string id = Create();
  absl::StatusOr<CreatedInvalidation> inv = cp_->CreateInvalidation(id, Batch({"/a"}, "r"), now_);
  ASSERT_TRUE(inv.ok());
  const std::string inv_id = inv->invalidation.body["Id"];
  EXPECT_EQ(inv->invalidation.body["CreateTime"], "2026-12-04T18:00:00.000Z");
  EXPECT_EQ(InvalidationStatus(id, inv_id), "InProgress");
  EXPECT_EQ(cp_->GetDistribution(id, now_)->body["InProgressInvalidationBatches"], 1);
  now_ += absl::Seconds(10);
  EXPECT_EQ(InvalidationStatus(id, inv_id), "Completed");
  EXPECT_EQ(cp_->GetDistribution(id, now_)->body["InProgressInvalidationBatches"], 0);
  EXPECT_EQ(Code(cp_->GetInvalidation(id, "INOPE", now_).status()), "NoSuchInvalidation");
  EXPECT_EQ(Code(cp_->GetInvalidation("ENOPE", inv_id, now_).status()), "NoSuchDistribution");
}

TEST_F(ControlPlaneTest, CallerReferenceMakesInvalidationsIdempotent) {
  Start({.invalidation_completion_delay = absl::Seconds(10)});
  const std::string id = Create();
  absl::StatusOr<CreatedInvalidation> first =
      cp_->CreateInvalidation(id, Batch({"/a", "/b"}, "deploy-1"), now_);
  ASSERT_TRUE(first.ok());
  absl::StatusOr<CreatedInvalidation> retry =
      cp_->CreateInvalidation(id, Batch({"/a", "/b"}, "deploy-1"), now_ + absl::Seconds(1));
  ASSERT_TRUE(retry.ok());
  EXPECT_FALSE(retry->created);
  EXPECT_EQ(retry->invalidation.body["Id"], first->invalidation.body["Id"]);
  absl::Status conflict =
      cp_->CreateInvalidation(id, Batch({"/a", "/c"}, "deploy-1"), now_).status();
  // SPEC 6.4: observed 400 InvalidArgument (the docs' InvalidationBatchAlreadyExists is an option).
  EXPECT_EQ(Code(conflict), "InvalidArgument");
  EXPECT_EQ(ToApiError(conflict).http_status, 400);
  EXPECT_THAT(conflict.message(), HasSubstr("caller reference"));
  EXPECT_EQ(cp_->ListInvalidations(id, "", 100, now_)->at("Quantity"), 1);
  EXPECT_EQ(cp_->InvalidationBill(now_)["current"]["paths"], 2);  // the retry is not billed
}

TEST_F(ControlPlaneTest, CallerReferenceConflictCanAnswerTheDocumentedCode) {
  Start({.caller_reference_conflict_code = "InvalidationBatchAlreadyExists"});
  const std::string id = Create();
  ASSERT_TRUE(cp_->CreateInvalidation(id, Batch({"/a"}, "deploy-1"), now_).ok());
  const ApiError e =
      ToApiError(cp_->CreateInvalidation(id, Batch({"/b"}, "deploy-1"), now_).status());
  EXPECT_EQ(e.code, "InvalidationBatchAlreadyExists");
  EXPECT_EQ(e.http_status, 409);
}

TEST_F(ControlPlaneTest, BatchErrorsComeFromPolicy) {
  const std::string id = Create();
  json inconsistent = Batch({"/a"}, "r");
  inconsistent["Paths"]["Quantity"] = 2;
  EXPECT_EQ(Code(cp_->CreateInvalidation(id, inconsistent, now_).status()),
            "InconsistentQuantities");
  absl::Status bad_path = cp_->CreateInvalidation(id, Batch({"a.js"}, "r"), now_).status();
  EXPECT_EQ(Code(bad_path), "InvalidArgument");
  EXPECT_THAT(bad_path.message(), HasSubstr("invalid invalidation paths"));
  std::vector<std::string> many;
  for (int i = 0; i <= 3000; ++i) many.push_back(absl::StrCat("/p", i));
  absl::Status too_large = cp_->CreateInvalidation(id, Batch(many, "r"), now_).status();
  EXPECT_EQ(Code(too_large), "BatchTooLarge");
  EXPECT_EQ(ToApiError(too_large).http_status, 413);
  EXPECT_EQ(Code(cp_->CreateInvalidation(id, {{"CallerReference", "r"}}, now_).status()),
            "InvalidArgument");
  EXPECT_EQ(Code(cp_->CreateInvalidation(id, {{"Paths", {{"Quantity", 0}}}}, now_).status()),
            "InvalidArgument");
  EXPECT_EQ(Code(cp_->CreateInvalidation("ENOPE", Batch({"/a"}, "r"), now_).status()),
            "NoSuchDistribution");
}

TEST_F(ControlPlaneTest, InProgressWildcardLimitLiftsOnCompletion) {
  Start({.invalidation_completion_delay = absl::Seconds(60)});
  const std::string id = Create();
  for (int i = 0; i < 15; ++i) {
    ASSERT_TRUE(cp_->CreateInvalidation(
                       id, Batch({absl::StrCat("/w", i, "/*")}, absl::StrCat("r", i)), now_)
                    .ok());
  }
  absl::Status sixteenth = cp_->CreateInvalidation(id, Batch({"/x/*"}, "r16"), now_).status();
  EXPECT_EQ(Code(sixteenth), "TooManyInvalidationsInProgress");
  EXPECT_EQ(cp_->GetDistribution(id, now_)->body["InProgressInvalidationBatches"], 15);
  EXPECT_TRUE(cp_->CreateInvalidation(id, Batch({"/a"}, "files"), now_).ok());  // independent
  now_ += absl::Seconds(60);
  EXPECT_TRUE(cp_->CreateInvalidation(id, Batch({"/x/*"}, "r16"), now_).ok());
}

TEST_F(ControlPlaneTest, ListInvalidationsNewestFirstPaginated) {
  const std::string id = Create();
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    // The last two share a CreateTime: creation order breaks the tie.
    const absl::Time at = now_ + absl::Seconds(std::min(i, 1));
    ids.push_back(cp_->CreateInvalidation(id, Batch({"/a"}, absl::StrCat("r", i)), at)
                      ->invalidation.body["Id"]);
  }
  absl::StatusOr<json> first = cp_->ListInvalidations(id, "", 2, now_);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ((*first)["Items"][0]["Id"], ids[2]);
  EXPECT_EQ((*first)["Items"][1]["Id"], ids[1]);
  EXPECT_EQ((*first)["NextMarker"], ids[1]);
  EXPECT_EQ((*first)["IsTruncated"], true);
  EXPECT_EQ((*first)["Items"][0].size(), 3u);  // Id, CreateTime, Status
  absl::StatusOr<json> second = cp_->ListInvalidations(id, ids[1], 2, now_);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ((*second)["Quantity"], 1);
  EXPECT_EQ((*second)["Items"][0]["Id"], ids[0]);
  EXPECT_EQ((*second)["IsTruncated"], false);
  EXPECT_EQ(Code(cp_->ListInvalidations(id, "INOPE", 2, now_).status()), "InvalidArgument");
  EXPECT_EQ(Code(cp_->ListInvalidations("ENOPE", "", 2, now_).status()), "NoSuchDistribution");
}

TEST_F(ControlPlaneTest, LedgerBillsPathsAcrossDistributionsPerUtcMonth) {
  Start({.invalidation_completion_delay = absl::ZeroDuration()});
  const std::string a = Create(Config("a"));
  const std::string b = Create(Config("b"));
  std::vector<std::string> paths;
  for (int i = 0; i < 600; ++i) paths.push_back(absl::StrCat("/p", i));
  ASSERT_TRUE(cp_->CreateInvalidation(a, Batch(paths, "r"), now_).ok());
  ASSERT_TRUE(cp_->CreateInvalidation(b, Batch(paths, "r"), now_).ok());
  ASSERT_TRUE(cp_->CreateInvalidation(b, Batch({"/*"}, "all"), now_).ok());  // one path
  json bill = cp_->InvalidationBill(now_);
  EXPECT_EQ(bill["current"]["month"], "2026-12");
  EXPECT_EQ(bill["current"]["paths"], 1201);
  EXPECT_EQ(bill["current"]["free_paths"], 1000);
  EXPECT_EQ(bill["current"]["billed_paths"], 201);
  EXPECT_DOUBLE_EQ(bill["current"]["cost_usd"].get<double>(), 1.005);
  const absl::Time january =
      absl::FromCivil(absl::CivilSecond(2027, 1, 1, 0, 0, 0), absl::UTCTimeZone());
  ASSERT_TRUE(cp_->CreateInvalidation(a, Batch({"/x"}, "jan"), january).ok());
  bill = cp_->InvalidationBill(january);
  EXPECT_EQ(bill["current"]["paths"], 1);
  EXPECT_EQ(bill["current"]["billed_paths"], 0);
  ASSERT_EQ(bill["months"].size(), 2u);
  EXPECT_EQ(bill["months"][0]["month"], "2026-12");
}

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

TEST_F(ControlPlaneTest, TagsPerDistributionArn) {
  const json tags = {{"Items", {{{"Key", "team"}, {"Value", "web"}}}}};
  absl::StatusOr<Versioned> d = cp_->CreateDistribution(Config(), &tags, now_);
  ASSERT_TRUE(d.ok());
  const std::string arn = d->body["ARN"];
  EXPECT_EQ(*cp_->ListTagsForResource(arn), tags);
  ASSERT_TRUE(
      cp_->TagResource(
             arn,
             {{"Items", {{{"Key", "team"}, {"Value", "edge"}}, {{"Key", "env"}, {"Value", "ci"}}}}})
          .ok());
  EXPECT_EQ(
      *cp_->ListTagsForResource(arn),
      json({{"Items", {{{"Key", "team"}, {"Value", "edge"}}, {{"Key", "env"}, {"Value", "ci"}}}}}));
  ASSERT_TRUE(cp_->UntagResource(arn, {{"Items", {"team", "env"}}}).ok());
  EXPECT_EQ(*cp_->ListTagsForResource(arn), json::object());
  EXPECT_EQ(
      Code(cp_->ListTagsForResource("arn:aws:cloudfront::123456789012:distribution/ENOSUCHDISTRIB")
               .status()),
      "NoSuchResource");
  EXPECT_EQ(Code(cp_->ListTagsForResource("not-an-arn").status()), "InvalidArgument");
  EXPECT_EQ(Code(cp_->TagResource(arn, {{"Items", {{{"Value", "no key"}}}}})), "InvalidArgument");
  const json bad_tags = {{"Items", "x"}};
  EXPECT_EQ(Code(cp_->CreateDistribution(Config("r2"), &bad_tags, now_).status()),
            "InvalidArgument");
}

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
