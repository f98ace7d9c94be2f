// ControlPlane's invalidations (control_plane_invalidations.cc): their effect on every POP, their
// status, limits, listing and billing.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "emulator/control_plane.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/emulator/control_plane_fixture.h"

namespace edgesim::emulator {
namespace {

using nlohmann::json;
using policy::CacheOutcome;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

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
  now_ += absl::Seconds(5);  // IAD's own moment is within the 5 s window
  EXPECT_EQ(Outcome(id, kIad, "/index.html"), CacheOutcome::kMiss);
  now_ += absl::Seconds(24);
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
  const absl::Status no_paths =
      cp_->CreateInvalidation(id, {{"CallerReference", "r"}}, now_).status();
  EXPECT_EQ(Code(no_paths), "InvalidArgument");
  EXPECT_THAT(no_paths.message(), HasSubstr("InvalidationBatch.Paths"));
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

}  // namespace
}  // namespace edgesim::emulator
