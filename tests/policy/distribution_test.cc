#include "policy/distribution.h"

#include "gtest/gtest.h"

namespace edgesim::policy {
namespace {

Origin MakeOrigin(absl::string_view id, absl::string_view domain, OriginKind kind) {
  Origin o;
  o.id = std::string(id);
  o.domain_name = std::string(domain);
  o.kind = kind;
  return o;
}

CustomErrorResponse MakeErrorResponse(int code, absl::optional<absl::Duration> min_ttl,
                                      absl::string_view page) {
  CustomErrorResponse r;
  r.error_code = code;
  r.error_caching_min_ttl = min_ttl;
  r.response_page_path = std::string(page);
  return r;
}

DistributionConfig TwoOriginsTwoErrorPages() {
  DistributionConfig c;
  c.origins.push_back(MakeOrigin("web", "web.example.com", OriginKind::kCustom));
  c.origins.push_back(MakeOrigin("assets", "b.s3.amazonaws.com", OriginKind::kS3));
  c.custom_error_responses.push_back(MakeErrorResponse(403, absl::nullopt, "/index.html"));
  c.custom_error_responses.push_back(MakeErrorResponse(404, absl::Seconds(60), ""));
  return c;
}

TEST(DistributionConfigTest, FindOriginByExactId) {
  const DistributionConfig c = TwoOriginsTwoErrorPages();
  ASSERT_NE(c.FindOrigin("assets"), nullptr);
  EXPECT_EQ(c.FindOrigin("assets")->kind, OriginKind::kS3);
  EXPECT_EQ(c.FindOrigin("web")->domain_name, "web.example.com");
  EXPECT_EQ(c.FindOrigin("Web"), nullptr);  // origin IDs are case-sensitive
  EXPECT_EQ(c.FindOrigin(""), nullptr);
}

TEST(DistributionConfigTest, FindCustomErrorResponseByStatus) {
  const DistributionConfig c = TwoOriginsTwoErrorPages();
  ASSERT_NE(c.FindCustomErrorResponse(404), nullptr);
  EXPECT_EQ(c.FindCustomErrorResponse(404)->error_caching_min_ttl, absl::Seconds(60));
  EXPECT_EQ(c.FindCustomErrorResponse(403)->response_page_path, "/index.html");
  EXPECT_EQ(c.FindCustomErrorResponse(500), nullptr);
}

TEST(DistributionConfigTest, OriginDefaultsAreCloudFrontsTimeouts) {  // SPEC 7.3
  Origin o;
  EXPECT_EQ(o.connection_attempts, 3);
  EXPECT_EQ(o.connection_timeout, absl::Seconds(10));
  EXPECT_EQ(o.read_timeout, absl::Seconds(30));
  EXPECT_EQ(o.keepalive_timeout, absl::Seconds(5));
}

TEST(UsesS3OriginConfigTest, OnlyS3RestOriginsWithDefaultTransport) {
  Origin o;
  o.domain_name = "bucket.s3.amazonaws.com";
  EXPECT_FALSE(UsesS3OriginConfig(o));  // kind still custom
  o.kind = OriginKind::kS3;
  EXPECT_TRUE(UsesS3OriginConfig(o));
  Origin website = o;
  website.domain_name = "bucket.s3-website-us-east-1.amazonaws.com";
  EXPECT_FALSE(UsesS3OriginConfig(website));
  Origin port = o;
  port.http_port = 8080;
  EXPECT_FALSE(UsesS3OriginConfig(port));
  Origin keepalive = o;
  keepalive.keepalive_timeout = absl::Seconds(60);
  EXPECT_FALSE(UsesS3OriginConfig(keepalive));
  Origin read = o;
  read.read_timeout = absl::Seconds(60);  // S3OriginConfig has OriginReadTimeout
  EXPECT_TRUE(UsesS3OriginConfig(read));
}

TEST(SingleOriginDistributionTest, DefaultBehaviorReachesItsOneOrigin) {
  CachePolicy p;
  p.default_ttl = absl::Seconds(60);
  const Distribution d = SingleOriginDistribution("origin.example.com", p);
  ASSERT_EQ(d.config.origins.size(), 1u);
  const Origin* origin = d.config.FindOrigin(d.config.default_behavior.target_origin_id);
  ASSERT_NE(origin, nullptr);
  EXPECT_EQ(origin->domain_name, "origin.example.com");
  EXPECT_EQ(origin->kind, OriginKind::kCustom);
  EXPECT_EQ(d.config.default_behavior.cache_policy, p);
  EXPECT_TRUE(d.config.behaviors.empty());
}

}  // namespace
}  // namespace edgesim::policy

namespace edgesim::policy {
namespace {

TEST(ParseS3DomainTest, RestAndWebsiteEndpoints) {
  EXPECT_EQ(ParseS3Domain("assets.s3.amazonaws.com"), (S3Domain{"assets", false}));
  EXPECT_EQ(ParseS3Domain("my.assets.s3.eu-west-1.amazonaws.com"), (S3Domain{"my.assets", false}));
  EXPECT_EQ(ParseS3Domain("site.s3-website-us-east-1.amazonaws.com"), (S3Domain{"site", true}));
  EXPECT_EQ(ParseS3Domain("site.s3-website.eu-central-1.amazonaws.com"), (S3Domain{"site", true}));
  EXPECT_EQ(ParseS3Domain("Assets.S3.AmazonAWS.com"), (S3Domain{"assets", false}));
  EXPECT_EQ(ParseS3Domain("s3.amazonaws.com"), absl::nullopt);
  EXPECT_EQ(ParseS3Domain("example.com"), absl::nullopt);
  EXPECT_EQ(ParseS3Domain("api.execute-api.us-east-1.amazonaws.com"), absl::nullopt);
}

}  // namespace
}  // namespace edgesim::policy
