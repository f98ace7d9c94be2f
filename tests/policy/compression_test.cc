#include "policy/compression.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "policy/cache_key.h"
#include "policy/cache_policy.h"
#include "policy/distribution_json_reader.h"
#include "policy/origin_request.h"

namespace edgesim::policy {
namespace {

// A behavior as SPEC 4.6 wants it: Compress on, a cache policy with both codings, TTLs > 0.
CacheBehavior CompressingBehavior() {
  CacheBehavior b;
  b.compress = true;
  b.cache_policy.enable_accept_encoding_gzip = true;
  b.cache_policy.enable_accept_encoding_brotli = true;
  return b;
}

Request ViewerAccepting(absl::string_view accept_encoding) {
  Request r = Request::Get("/index.html");
  if (!accept_encoding.empty()) r.headers.Add("Accept-Encoding", accept_encoding);
  return r;
}

Response HtmlOf(uint64_t size, int status = 200) {
  Response head;
  head.status = status;
  head.headers.Add("Content-Type", "text/html; charset=utf-8");
  head.headers.Add("Content-Length", absl::StrCat(size));
  head.headers.Add("ETag", "\"abc\"");
  return head;
}

struct CompressionCase {
  std::string name;
  CacheBehavior behavior;
  Request viewer;
  Response head;
  CompressionDecision want;
};

// One row per SPEC 4.6 condition (DG/ServingCompressedFiles.html), each changing one thing from
// a compressible 3,000-byte text/html answer to a `br, gzip` viewer.
std::vector<CompressionCase> CompressionCases() {
  const CacheBehavior on = CompressingBehavior();
  const Request both = ViewerAccepting("br, gzip");
  const Response html = HtmlOf(3000);
  std::vector<CompressionCase> cases;
  auto add = [&](std::string name, CacheBehavior b, Request v, Response h, ContentCoding coding,
                 CompressionSkip skip) {
    cases.push_back({std::move(name), std::move(b), std::move(v), std::move(h), {coding, skip}});
  };
  add("brotli_preferred", on, both, html, ContentCoding::kBrotli, CompressionSkip::kCompressed);
  add("gzip_only_viewer", on, ViewerAccepting("gzip, deflate"), html, ContentCoding::kGzip,
      CompressionSkip::kCompressed);
  add("br_only_viewer", on, ViewerAccepting("br"), html, ContentCoding::kBrotli,
      CompressionSkip::kCompressed);
  add("q_values_ignored", on, ViewerAccepting("gzip;q=0.5, br;q=1"), html, ContentCoding::kBrotli,
      CompressionSkip::kCompressed);
  add("no_accept_encoding", on, ViewerAccepting(""), html, ContentCoding::kIdentity,
      CompressionSkip::kViewerAcceptsNone);
  add("deflate_only", on, ViewerAccepting("deflate"), html, ContentCoding::kIdentity,
      CompressionSkip::kViewerAcceptsNone);
  Request http10 = both;
  http10.http_minor_version = 0;
  add("http10_viewer", on, http10, html, ContentCoding::kIdentity,
      CompressionSkip::kHttp10Viewer);

  CacheBehavior off = on;
  off.compress = false;
  add("compress_false", off, both, html, ContentCoding::kIdentity, CompressionSkip::kBehaviorOff);
  CacheBehavior no_codings = on;
  no_codings.cache_policy.enable_accept_encoding_gzip = false;
  no_codings.cache_policy.enable_accept_encoding_brotli = false;
  add("no_coding_enabled", no_codings, both, html, ContentCoding::kIdentity,
      CompressionSkip::kNoCodingEnabled);
  CacheBehavior gzip_policy = on;
  gzip_policy.cache_policy.enable_accept_encoding_brotli = false;
  add("gzip_policy_br_viewer", gzip_policy, both, html, ContentCoding::kGzip,
      CompressionSkip::kCompressed);
  add("gzip_policy_only_br", gzip_policy, ViewerAccepting("br"), html, ContentCoding::kIdentity,
      CompressionSkip::kViewerAcceptsNone);
  CacheBehavior listed = on;
  listed.cache_policy.headers = {KeyListBehavior::kWhitelist, {"accept-encoding"}};
  add("accept_encoding_in_key", listed, both, html, ContentCoding::kIdentity,
      CompressionSkip::kAcceptEncodingInKey);
  CacheBehavior disabled = on;
  disabled.cache_policy.min_ttl = disabled.cache_policy.default_ttl =
      disabled.cache_policy.max_ttl = absl::ZeroDuration();
  add("caching_disabled", disabled, both, html, ContentCoding::kIdentity,
      CompressionSkip::kCachingDisabled);
  CacheBehavior zero_default = on;
  zero_default.cache_policy.min_ttl = zero_default.cache_policy.default_ttl =
      absl::ZeroDuration();
  add("zero_default_ttl_still_compresses", zero_default, both, html, ContentCoding::kBrotli,
      CompressionSkip::kCompressed);

  Response encoded = html;
  encoded.headers.Add("Content-Encoding", "identity");
  add("origin_content_encoding_any_value", on, both, encoded, ContentCoding::kIdentity,
      CompressionSkip::kAlreadyEncoded);
  add("status_403", on, both, HtmlOf(3000, 403), ContentCoding::kBrotli,
      CompressionSkip::kCompressed);
  add("status_404", on, both, HtmlOf(3000, 404), ContentCoding::kBrotli,
      CompressionSkip::kCompressed);
  add("status_500", on, both, HtmlOf(3000, 500), ContentCoding::kIdentity,
      CompressionSkip::kStatus);
  add("status_206", on, both, HtmlOf(3000, 206), ContentCoding::kIdentity,
      CompressionSkip::kStatus);
  add("size_999", on, both, HtmlOf(999), ContentCoding::kIdentity, CompressionSkip::kSize);
  add("size_1000", on, both, HtmlOf(1000), ContentCoding::kBrotli, CompressionSkip::kCompressed);
  add("size_10000000", on, both, HtmlOf(10000000), ContentCoding::kBrotli,
      CompressionSkip::kCompressed);
  add("size_10000001", on, both, HtmlOf(10000001), ContentCoding::kIdentity,
      CompressionSkip::kSize);
  Response chunked = html;
  chunked.headers.Remove("Content-Length");
  add("no_content_length", on, both, chunked, ContentCoding::kIdentity,
      CompressionSkip::kNoContentLength);
  Response bad_length = html;
  bad_length.headers.Set("Content-Length", "-3000");
  add("invalid_content_length", on, both, bad_length, ContentCoding::kIdentity,
      CompressionSkip::kNoContentLength);
  Response png = html;
  png.headers.Set("Content-Type", "image/png");
  add("image_png", on, both, png, ContentCoding::kIdentity, CompressionSkip::kContentType);
  Response untyped = html;
  untyped.headers.Remove("Content-Type");
  add("no_content_type", on, both, untyped, ContentCoding::kIdentity,
      CompressionSkip::kContentType);
  return cases;
}

class CompressionDecisionTest : public testing::TestWithParam<CompressionCase> {};

TEST_P(CompressionDecisionTest, FollowsTheDeveloperGuide) {
  const CompressionCase& c = GetParam();
  EXPECT_EQ(DecideCompression(c.behavior, c.viewer, c.head), c.want);
}

INSTANTIATE_TEST_SUITE_P(Spec46, CompressionDecisionTest, testing::ValuesIn(CompressionCases()),
                         [](const testing::TestParamInfo<CompressionCase>& info) {
                           return info.param.name;
                         });

TEST(CompressibleContentType, MatchesMediaTypeCaseInsensitivelyWithParameters) {
  EXPECT_TRUE(CompressibleContentType("text/html"));
  EXPECT_TRUE(CompressibleContentType("Text/HTML; charset=UTF-8"));
  EXPECT_TRUE(CompressibleContentType("application/vnd.mapbox-vector-tile"));
  EXPECT_TRUE(CompressibleContentType("vnd.apple.mpegurl"));
  EXPECT_TRUE(CompressibleContentType(" image/svg+xml "));
  EXPECT_FALSE(CompressibleContentType("image/png"));
  EXPECT_FALSE(CompressibleContentType("application/octet-stream"));
  EXPECT_FALSE(CompressibleContentType("text/html5"));
  EXPECT_FALSE(CompressibleContentType(""));
}

TEST(CompressedETag, StrongBecomesWeakWeakStaysInvalidGoes) {
  EXPECT_EQ(CompressedETag("\"abc\""), "W/\"abc\"");
  EXPECT_EQ(CompressedETag("W/\"abc\""), "W/\"abc\"");
  EXPECT_EQ(CompressedETag("abc"), absl::nullopt);
  EXPECT_EQ(CompressedETag(""), absl::nullopt);
}

TEST(CompressHead, SetsEncodingLengthWeakETagAndVary) {
  Response head = HtmlOf(3000);
  head.headers.Add("Vary", "Origin");
  CompressHead(ContentCoding::kGzip, 812, &head);
  EXPECT_EQ(head.headers.Get("Content-Encoding"), "gzip");
  EXPECT_EQ(head.headers.Get("Content-Length"), "812");
  EXPECT_EQ(head.headers.Get("ETag"), "W/\"abc\"");
  EXPECT_EQ(head.headers.GetAll("Vary"), std::vector<absl::string_view>{"Origin, Accept-Encoding"});
}

TEST(CompressHead, KeepsAnExistingAcceptEncodingVaryAndDropsAnInvalidETag) {
  Response head = HtmlOf(3000);
  head.headers.Set("ETag", "abc");
  head.headers.Add("Vary", "accept-encoding");
  CompressHead(ContentCoding::kBrotli, 700, &head);
  EXPECT_EQ(head.headers.Get("Content-Encoding"), "br");
  EXPECT_FALSE(head.headers.Has("ETag"));
  EXPECT_EQ(head.headers.GetAll("Vary"), std::vector<absl::string_view>{"accept-encoding"});
}

TEST(ModelledCompressedSize, IsAQuarterRoundedUp) {
  EXPECT_EQ(ModelledCompressedSize(3000), 750u);
  EXPECT_EQ(ModelledCompressedSize(1001), 251u);
  EXPECT_EQ(ModelledCompressedSize(0), 0u);
}

// SPEC 2.5 / 4.6: a legacy behavior with Compress normalizes Accept-Encoding to gzip: in the key
// and to the origin, and it compresses with gzip only.
CacheBehavior LegacyCompressionBehavior(bool compress, std::vector<std::string> headers = {}) {
  ForwardedValues fv;
  fv.headers = std::move(headers);
  CacheBehavior b;
  b.compress = compress;
  b.cache_policy =
      CachePolicyFromForwardedValues(fv, absl::nullopt, absl::nullopt, absl::nullopt);
  ApplyLegacyCompression(&b);
  return b;
}

TEST(ApplyLegacyCompression, LegacyCompressNormalizesToGzip) {
  const CacheBehavior b = LegacyCompressionBehavior(/*compress=*/true);
  EXPECT_TRUE(b.cache_policy.enable_accept_encoding_gzip);
  EXPECT_FALSE(b.cache_policy.enable_accept_encoding_brotli);
  const Request viewer = ViewerAccepting("br, gzip, deflate");
  EXPECT_EQ(DecideCompression(b, viewer, HtmlOf(3000)),
            (CompressionDecision{ContentCoding::kGzip, CompressionSkip::kCompressed}));
  EXPECT_EQ(BuildCacheKey(viewer, "d1.cloudfront.net", b.cache_policy).ToDisplayString(),
            "d1.cloudfront.net/index.html | AE=gzip");
  const Request forwarded = BuildOriginRequest(
      viewer, OriginRequestContext{.behavior = &b, .distribution_domain = "d1.cloudfront.net"});
  EXPECT_EQ(forwarded.headers.Get("Accept-Encoding"), "gzip");
}

TEST(ApplyLegacyCompression, LeavesOtherBehaviorsAlone) {
  EXPECT_FALSE(LegacyCompressionBehavior(/*compress=*/false).cache_policy.enable_accept_encoding_gzip);
  // Accept-Encoding forwarded as a header: compression off, the header forwarded as sent.
  const CacheBehavior listed = LegacyCompressionBehavior(/*compress=*/true, {"Accept-Encoding"});
  EXPECT_FALSE(listed.cache_policy.enable_accept_encoding_gzip);
  EXPECT_EQ(DecideCompression(listed, ViewerAccepting("gzip"), HtmlOf(3000)).skip,
            CompressionSkip::kAcceptEncodingInKey);
  CacheBehavior with_policy = CompressingBehavior();
  with_policy.cache_policy.enable_accept_encoding_gzip = false;
  ApplyLegacyCompression(&with_policy);
  EXPECT_FALSE(with_policy.cache_policy.enable_accept_encoding_gzip);
}

TEST(ApplyLegacyCompression, TheReaderAppliesIt) {
  const absl::StatusOr<Distribution> d = LoadDistributionJson(R"({
    "CallerReference": "c", "Comment": "", "Enabled": true,
    "Origins": {"Quantity": 1, "Items": [{"Id": "o", "DomainName": "example.com",
      "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                             "OriginProtocolPolicy": "http-only"}}]},
    "DefaultCacheBehavior": {"TargetOriginId": "o", "ViewerProtocolPolicy": "allow-all",
      "Compress": true, "MinTTL": 0, "DefaultTTL": 60, "MaxTTL": 60,
      "ForwardedValues": {"QueryString": false, "Cookies": {"Forward": "none"}}}
  })");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_TRUE(d->config.default_behavior.cache_policy.enable_accept_encoding_gzip);
  EXPECT_FALSE(d->config.default_behavior.cache_policy.enable_accept_encoding_brotli);
}

}  // namespace
}  // namespace edgesim::policy
