// ControlPlane's tags of distribution ARNs (control_plane_tags.cc).
#include <string>
#include <vector>

#include "emulator/control_plane.h"
#include "gtest/gtest.h"
#include "tests/emulator/control_plane_fixture.h"

namespace edgesim::emulator {
namespace {

using nlohmann::json;

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

}  // namespace
}  // namespace edgesim::emulator
