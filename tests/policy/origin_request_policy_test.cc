#include "policy/origin_request_policy.h"

#include <set>

#include "gtest/gtest.h"

namespace edgesim::policy {
namespace {

struct ManagedOriginCase {
  const char* console_name;
  const char* id;
  OriginHeaderBehavior headers;
  KeyListBehavior cookies;
  KeyListBehavior query_strings;
};

// IDs as the AWS developer guide and aws-cdk print them.
constexpr ManagedOriginCase kManaged[] = {
    {"AllViewer", "216adef6-5c7f-47e4-b989-5492eafa07d3", OriginHeaderBehavior::kAllViewer,
     KeyListBehavior::kAll, KeyListBehavior::kAll},
    {"AllViewerAndCloudFrontHeaders-2022-06", "33f36d7e-f396-46d9-90e0-52428a34d9dc",
     OriginHeaderBehavior::kAllViewerAndWhitelistCloudFront, KeyListBehavior::kAll,
     KeyListBehavior::kAll},
    {"AllViewerExceptHostHeader", "b689b0a8-53d0-40ab-baf2-68738e2966ac",
     OriginHeaderBehavior::kAllExcept, KeyListBehavior::kAll, KeyListBehavior::kAll},
    {"CORS-CustomOrigin", "59781a5b-3903-41f3-afcb-af62929ccde1", OriginHeaderBehavior::kWhitelist,
     KeyListBehavior::kNone, KeyListBehavior::kNone},
    {"CORS-S3Origin", "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf", OriginHeaderBehavior::kWhitelist,
     KeyListBehavior::kNone, KeyListBehavior::kNone},
    {"UserAgentRefererHeaders", "acba4595-bd28-49b8-b9fe-13317c0390fa",
     OriginHeaderBehavior::kWhitelist, KeyListBehavior::kNone, KeyListBehavior::kNone},
};

class ManagedOriginRequestPolicyTest : public ::testing::TestWithParam<ManagedOriginCase> {};

TEST_P(ManagedOriginRequestPolicyTest, FoundByIdApiAndConsoleName) {
  const ManagedOriginCase& c = GetParam();
  const OriginRequestPolicy* by_id = FindManagedOriginRequestPolicy(c.id);
  ASSERT_NE(by_id, nullptr);
  EXPECT_EQ(FindManagedOriginRequestPolicy(c.console_name), by_id);
  EXPECT_EQ(FindManagedOriginRequestPolicy(std::string("Managed-") + c.console_name), by_id);
  EXPECT_EQ(by_id->header_behavior, c.headers);
  EXPECT_EQ(by_id->cookies.behavior, c.cookies);
  EXPECT_EQ(by_id->query_strings.behavior, c.query_strings);
}

INSTANTIATE_TEST_SUITE_P(Managed, ManagedOriginRequestPolicyTest, ::testing::ValuesIn(kManaged));

TEST(ManagedOriginRequestPolicyTest, UnknownIsNull) {
  EXPECT_EQ(FindManagedOriginRequestPolicy("658327ea-f89d-4fab-a63d-7e88639e58f6"), nullptr);
  EXPECT_EQ(FindManagedOriginRequestPolicy("allviewer"), nullptr);  // names are case-sensitive
}

TEST(ManagedOriginRequestPolicyTest, IdsAndNamesAreUnique) {
  std::set<std::string> ids, names;
  for (const OriginRequestPolicy& p : ManagedOriginRequestPolicies()) {
    EXPECT_TRUE(ids.insert(p.id).second) << p.id;
    EXPECT_TRUE(names.insert(p.name).second) << p.name;
  }
}

TEST(OriginRequestPolicyTest, ViewerHeadersAsAKeyList) {
  OriginRequestPolicy p;
  EXPECT_EQ(p.ViewerHeaders(), KeyList{});
  p.header_behavior = OriginHeaderBehavior::kWhitelist;
  p.headers = {"Origin"};
  EXPECT_EQ(p.ViewerHeaders(), (KeyList{KeyListBehavior::kWhitelist, {"Origin"}}));
  p.header_behavior = OriginHeaderBehavior::kAllExcept;
  EXPECT_EQ(p.ViewerHeaders(), (KeyList{KeyListBehavior::kAllExcept, {"Origin"}}));
  // The listed CloudFront-* headers are CloudFront's to add, not the viewer's.
  p.header_behavior = OriginHeaderBehavior::kAllViewerAndWhitelistCloudFront;
  EXPECT_EQ(p.ViewerHeaders(), (KeyList{KeyListBehavior::kAll, {}}));
}

TEST(OriginHeaderBehaviorTest, ParsesCloudFrontSpellingOnly) {
  for (OriginHeaderBehavior b :
       {OriginHeaderBehavior::kNone, OriginHeaderBehavior::kWhitelist,
        OriginHeaderBehavior::kAllViewer, OriginHeaderBehavior::kAllViewerAndWhitelistCloudFront,
        OriginHeaderBehavior::kAllExcept}) {
    OriginHeaderBehavior parsed = OriginHeaderBehavior::kNone;
    ASSERT_TRUE(ParseOriginHeaderBehavior(ToString(b), &parsed)) << b;
    EXPECT_EQ(parsed, b);
  }
  OriginHeaderBehavior parsed;
  EXPECT_FALSE(ParseOriginHeaderBehavior("all", &parsed));
  EXPECT_FALSE(ParseOriginHeaderBehavior("allviewer", &parsed));
}

}  // namespace
}  // namespace edgesim::policy
