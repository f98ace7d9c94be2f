// ControlPlane's CloudFront functions (control_plane_functions.cc, API 1.11): stages and their
// ETags, and what a distribution's behaviors hold of the functions they name.
#include <string>

#include "absl/strings/escaping.h"
#include "emulator/control_plane.h"
#include "gtest/gtest.h"
#include "tests/emulator/control_plane_fixture.h"

namespace edgesim::emulator {
namespace {

using nlohmann::json;

json FnRequest(const std::string& name, const std::string& code) {
  return {{"Name", name},
          {"FunctionConfig", {{"Comment", ""}, {"Runtime", "cloudfront-js-2.0"}}},
          {"FunctionCode", absl::Base64Escape(code)}};
}

// Config() whose default behavior runs `arn` on viewer requests.
json FnConfigRunning(const std::string& ref, const std::string& arn) {
  json config = Config(ref);
  config["DefaultCacheBehavior"]["FunctionAssociations"] = {
      {"Quantity", 1}, {"Items", {{{"EventType", "viewer-request"}, {"FunctionARN", arn}}}}};
  return config;
}

TEST_F(ControlPlaneTest, FunctionBehaviorsHoldTheLiveCodeAndPublishRedeploysThem) {
  absl::StatusOr<Versioned> f = cp_->CreateFunction(FnRequest("f", "v1"), now_);
  ASSERT_TRUE(f.ok()) << f.status();
  const std::string arn = f->body["FunctionMetadata"]["FunctionARN"];
  EXPECT_EQ(Code(cp_->CreateDistribution(FnConfigRunning("ref-1", arn), nullptr, now_).status()),
            "InvalidFunctionAssociation");
  ASSERT_TRUE(cp_->PublishFunction("f", f->etag, now_).ok());
  const std::string id = Create(FnConfigRunning("ref-2", arn));
  const policy::CacheBehavior& b = Live(id)->distribution().config.default_behavior;
  ASSERT_EQ(b.function_associations.size(), 1u);
  EXPECT_EQ(b.function_associations[0],
            (policy::FunctionAssociation{"viewer-request", arn, "f", "cloudfront-js-2.0", "v1"}));

  absl::StatusOr<Versioned> updated = cp_->UpdateFunction("f", FnRequest("f", "v2"), f->etag, now_);
  ASSERT_TRUE(updated.ok()) << updated.status();
  // DEVELOPMENT changed; the behavior keeps LIVE's code until the next publish.
  EXPECT_EQ(Live(id)->distribution().config.default_behavior.function_associations[0].code, "v1");
  ASSERT_TRUE(cp_->PublishFunction("f", updated->etag, now_).ok());
  EXPECT_EQ(Live(id)->distribution().config.default_behavior.function_associations[0].code, "v2");
  EXPECT_EQ(Code(cp_->DeleteFunction("f", updated->etag)), "FunctionInUse");
}

TEST_F(ControlPlaneTest, FunctionStagesHaveTheirOwnETags) {
  absl::StatusOr<Versioned> f = cp_->CreateFunction(FnRequest("f", "v1"), now_);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(Code(cp_->GetFunction("f", "LIVE").status()), "NoSuchFunctionExists");
  absl::StatusOr<Versioned> live = cp_->PublishFunction("f", f->etag, now_);
  ASSERT_TRUE(live.ok()) << live.status();
  EXPECT_NE(live->etag, f->etag);
  EXPECT_EQ(cp_->GetFunction("f", "LIVE")->etag, live->etag);
  EXPECT_EQ(cp_->GetFunction("f", "")->etag, f->etag);
  EXPECT_EQ(Code(cp_->UpdateFunction("f", FnRequest("f", "v2"), live->etag, now_).status()),
            "PreconditionFailed");
  EXPECT_EQ(Code(cp_->PublishFunction("nope", "", now_).status()), "InvalidIfMatchVersion");
  EXPECT_EQ(Code(cp_->GetFunction("f", "PROD").status()), "InvalidArgument");
}

TEST_F(ControlPlaneTest, FunctionCodeSizeAndCountAreBounded) {
  Start({.function_code_max_bytes = 4, .max_functions = 1});
  EXPECT_EQ(Code(cp_->CreateFunction(FnRequest("f", "12345"), now_).status()),
            "FunctionSizeLimitExceeded");
  ASSERT_TRUE(cp_->CreateFunction(FnRequest("f", "1234"), now_).ok());
  EXPECT_EQ(Code(cp_->CreateFunction(FnRequest("g", "1"), now_).status()), "TooManyFunctions");
}

}  // namespace
}  // namespace edgesim::emulator
