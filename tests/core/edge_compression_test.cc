// Edge compression done (SPEC 4.6): the bytes, the head, and what the cache stores and serves.
#include "core/edge_compression.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "core/edge_cache.h"
#include "gtest/gtest.h"
#include "tests/core/decoded_body.h"
#include "tests/core/fake_origin.h"
#include "tests/core/test_time.h"
#include "tests/policy/ttl_worked_cases.h"

namespace edgesim::core {
namespace {

using policy::ContentCoding;

// 3,000 bytes of HTML that compress well.
std::string PageForCompressionTest() {
  std::string page;
  for (int i = 0; page.size() < 3000; ++i) absl::StrAppend(&page, "<p>paragraph ", i, "</p>\n");
  page.resize(3000);
  return page;
}

policy::Headers HtmlHeadersForCompressionTest(size_t size) {
  return {{"Content-Type", "text/html"},
          {"Content-Length", absl::StrCat(size)},
          {"ETag", "\"v1\""},
          {"Cache-Control", "max-age=60"}};
}

policy::CacheBehavior CompressingBehaviorForCoreTest() {
  policy::CacheBehavior b;
  b.compress = true;
  b.cache_policy = policy::spec39::Policy({0, 86400, 31536000});
  b.cache_policy.enable_accept_encoding_gzip = true;
  b.cache_policy.enable_accept_encoding_brotli = true;
  return b;
}

policy::Request ViewerForCompressionTest(absl::string_view target,
                                         absl::string_view accept_encoding) {
  policy::Request r = policy::Request::Get(target);
  if (!accept_encoding.empty()) r.headers.Add("Accept-Encoding", accept_encoding);
  return r;
}

TEST(EncodeBody, GzipAndBrotliRoundTrip) {
  const std::string page = PageForCompressionTest();
  const absl::StatusOr<std::string> gz = EncodeBody(page, ContentCoding::kGzip);
  ASSERT_TRUE(gz.ok()) << gz.status();
  EXPECT_LT(gz->size(), page.size());
  EXPECT_EQ(compression_testing::DecodedBody(*gz, "gzip"), page);
  const absl::StatusOr<std::string> br = EncodeBody(page, ContentCoding::kBrotli);
  ASSERT_TRUE(br.ok()) << br.status();
  EXPECT_LT(br->size(), page.size());
  EXPECT_EQ(compression_testing::DecodedBody(*br, "br"), page);
}

TEST(CompressForViewer, CompressesARealBodyAndRewritesTheHead) {
  const std::string page = PageForCompressionTest();
  OriginResponse answer;
  answer.head = {200, HtmlHeadersForCompressionTest(page.size())};
  answer.body = MakeBody(page);
  answer.body_size = page.size();
  EXPECT_EQ(CompressForViewer(CompressingBehaviorForCoreTest(),
                              ViewerForCompressionTest("/", "gzip, br"), answer),
            ContentCoding::kBrotli);
  EXPECT_EQ(answer.head.headers.Get("Content-Encoding"), "br");
  EXPECT_EQ(answer.head.headers.Get("Content-Length"), absl::StrCat(answer.body_size));
  EXPECT_EQ(answer.head.headers.Get("ETag"), "W/\"v1\"");
  EXPECT_EQ(answer.head.headers.Get("Vary"), "Accept-Encoding");
  EXPECT_EQ(answer.body->size(), answer.body_size);
  EXPECT_EQ(compression_testing::DecodedBody(*answer.body, "br"), page);
}

TEST(CompressForViewer, ModelsASizeOnlyBody) {
  OriginResponse answer;
  answer.head = {200, HtmlHeadersForCompressionTest(3000)};
  answer.body_size = 3000;
  EXPECT_EQ(CompressForViewer(CompressingBehaviorForCoreTest(),
                              ViewerForCompressionTest("/", "gzip"), answer),
            ContentCoding::kGzip);
  EXPECT_EQ(answer.body, nullptr);
  EXPECT_EQ(answer.body_size, 750u);
  EXPECT_EQ(answer.head.headers.Get("Content-Length"), "750");
}

TEST(CompressForViewer, LeavesABodyThatBreaksItsContentLength) {
  OriginResponse answer;
  answer.head = {200, HtmlHeadersForCompressionTest(3000)};
  answer.body = MakeBody(std::string(2000, 'a'));
  answer.body_size = 2000;
  EXPECT_EQ(CompressForViewer(CompressingBehaviorForCoreTest(),
                              ViewerForCompressionTest("/", "gzip"), answer),
            ContentCoding::kIdentity);
  EXPECT_FALSE(answer.head.headers.Has("Content-Encoding"));
  EXPECT_EQ(answer.body_size, 2000u);
}

// The cache stores the compressed copy, one per normalized Accept-Encoding (SPEC 2.4, 4.6).
class EdgeCompressionTest : public testing::Test {
 protected:
  std::unique_ptr<EdgeCache> MakeCompressingEdge(TierKind tier = TierKind::kEdge) {
    policy::Distribution d = policy::SingleOriginDistribution(
        "origin.example.com", CompressingBehaviorForCoreTest().cache_policy);
    d.config.default_behavior.compress = true;
    EdgeCacheOptions options;
    options.tier = tier;
    return *EdgeCache::Create(std::move(d), options);
  }

  void SetUp() override {
    origin_.Set("/page.html", 200, HtmlHeadersForCompressionTest(page_.size()), page_);
  }

  const std::string page_ = PageForCompressionTest();
  FakeOrigin origin_;
};

TEST_F(EdgeCompressionTest, StoresAndHitsTheCompressedCopyPerCoding) {
  std::unique_ptr<EdgeCache> edge = MakeCompressingEdge();
  for (absl::string_view coding : {"br", "gzip"}) {
    const policy::Request viewer = ViewerForCompressionTest(
        "/page.html", coding == "br" ? "gzip, deflate, br" : "gzip, deflate");
    const EdgeResult miss = edge->Handle(viewer, kT0, origin_);
    EXPECT_EQ(miss.outcome, policy::CacheOutcome::kMiss) << coding;
    const EdgeResult hit = edge->Handle(viewer, kT0 + absl::Seconds(1), origin_);
    EXPECT_EQ(hit.outcome, policy::CacheOutcome::kHit) << coding;
    ASSERT_NE(hit.body, nullptr);
    EXPECT_EQ(hit.stored->head.headers.Get("Content-Encoding"), coding);
    EXPECT_EQ(hit.stored->head.headers.Get("ETag"), "W/\"v1\"");
    EXPECT_EQ(hit.body_size, hit.body->size());
    EXPECT_EQ(compression_testing::DecodedBody(*hit.body, coding), page_) << coding;
  }
  // A viewer that accepts neither has an object of its own, as the origin sent it.
  const EdgeResult plain = edge->Handle(ViewerForCompressionTest("/page.html", ""), kT0, origin_);
  EXPECT_EQ(plain.outcome, policy::CacheOutcome::kMiss);
  EXPECT_FALSE(plain.stored->head.headers.Has("Content-Encoding"));
  EXPECT_EQ(*plain.body, page_);
  EXPECT_EQ(origin_.fetches(), 3);
}

TEST_F(EdgeCompressionTest, ARevalidatedObjectKeepsItsStoredCoding) {
  std::unique_ptr<EdgeCache> edge = MakeCompressingEdge();
  const policy::Request viewer = ViewerForCompressionTest("/page.html", "br");
  const EdgeResult miss = edge->Handle(viewer, kT0, origin_);
  const EdgeResult refreshed = edge->Handle(viewer, kT0 + absl::Seconds(61), origin_);
  EXPECT_EQ(refreshed.outcome, policy::CacheOutcome::kRefreshHit);
  EXPECT_EQ(refreshed.stored.get(), miss.stored.get());
  // The stored weak ETag went upstream; the origin compares weakly (RFC 9110 13.1.2).
  EXPECT_EQ(origin_.forwarded().back().headers.Get("If-None-Match"), "W/\"v1\"");
}

TEST_F(EdgeCompressionTest, RegionalTiersAndHeadRequestsDoNotCompress) {
  std::unique_ptr<EdgeCache> regional = MakeCompressingEdge(TierKind::kRegional);
  const EdgeResult r =
      regional->Handle(ViewerForCompressionTest("/page.html", "br"), kT0, origin_);
  EXPECT_FALSE(r.stored->head.headers.Has("Content-Encoding"));
  std::unique_ptr<EdgeCache> edge = MakeCompressingEdge();
  policy::Request head = ViewerForCompressionTest("/page.html", "br");
  head.method = "HEAD";
  const EdgeResult h = edge->Handle(head, kT0, origin_);
  EXPECT_FALSE(h.viewer.headers.Has("Content-Encoding"));
}

}  // namespace
}  // namespace edgesim::core
