#include "policy/response_head.h"

#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace edgesim::policy {
namespace {

TEST(MethodsTest, MasksAndCachedMethods) {
  EXPECT_EQ(MethodBitOf("GET"), kMethodGet);
  EXPECT_EQ(MethodBitOf("get"), 0u);  // methods are case-sensitive
  EXPECT_EQ(MethodBitOf("TRACE"), 0u);
  EXPECT_EQ(MethodMask({"GET", "HEAD", "POST"}), kMethodGet | kMethodHead | kMethodPost);
  CacheBehavior b;
  b.cached_methods = {"GET", "HEAD"};
  EXPECT_EQ(CachedMethodMask(b), kMethodGet | kMethodHead);
  b.cached_methods = {"GET", "HEAD", "OPTIONS", "POST"};  // only OPTIONS can be added
  EXPECT_EQ(CachedMethodMask(b), kMethodGet | kMethodHead | kMethodOptions);
}

TEST(MethodsTest, BypassesCache) {
  CacheBehavior b;
  EXPECT_FALSE(BypassesCache(b, "GET"));
  EXPECT_FALSE(BypassesCache(b, "HEAD"));
  EXPECT_TRUE(BypassesCache(b, "POST"));
  EXPECT_TRUE(BypassesCache(b, "OPTIONS"));
  b.cached_methods = {"GET", "HEAD", "OPTIONS"};
  EXPECT_FALSE(BypassesCache(b, "OPTIONS"));
  b.cache_policy.max_ttl = absl::ZeroDuration();
  EXPECT_TRUE(BypassesCache(b, "GET"));
}

// SPEC 5: an origin's X-Cache, Via, Age and X-Amz-Cf-* are CloudFront's to set.
TEST(KeptHeadTest, RemovesCloudFrontsHeadersAndUnforwardedSetCookie) {
  CacheBehavior b;
  Response origin{200,
                  {{"Via", "1.1 proxy"},
                   {"X-Cache", "Hit from varnish"},
                   {"Age", "30"},
                   {"Set-Cookie", "a=1"},
                   {"ETag", "\"v1\""}}};
  const Response kept = KeptHead(HeadRules::For(b), origin);
  EXPECT_EQ(kept.headers, Headers({{"ETag", "\"v1\""}}));

  b.cache_policy.cookies.behavior = KeyListBehavior::kAll;  // SPEC 4.4
  EXPECT_TRUE(KeptHead(HeadRules::For(b), origin).headers.Has("Set-Cookie"));
}

// SPEC 3.8: Vary keeps Accept-Encoding, Cookie, * and the headers the key varies on.
TEST(KeptHeadTest, VaryKeepsWhatTheKeyVariesOn) {
  CacheBehavior b;
  b.cache_policy.headers = {KeyListBehavior::kWhitelist, {"Accept-Language"}};
  Response origin{200, {{"Vary", "Accept-Encoding, User-Agent, accept-language, X-Other"}}};
  EXPECT_EQ(KeptHead(HeadRules::For(b), origin).headers.Get("Vary"),
            "Accept-Encoding, accept-language");
  origin.headers = {{"Vary", "User-Agent"}};
  EXPECT_FALSE(KeptHead(HeadRules::For(b), origin).headers.Has("Vary"));
  b.cache_policy.headers.names.push_back("CloudFront-Is-Mobile-Viewer");
  EXPECT_EQ(KeptHead(HeadRules::For(b), origin).headers.Get("Vary"), "User-Agent");
}

TEST(KeptHeadTest, WithholdsSetCookieOnlyWhenForwardedAndNoCacheNamesIt) {
  CacheBehavior b;
  const Headers h{{"Set-Cookie", "s=1"}, {"Cache-Control", "max-age=60, no-cache=\"Set-Cookie\""}};
  EXPECT_FALSE(WithholdsSetCookie(HeadRules::For(b), h));  // not forwarded: removed anyway
  b.cache_policy.cookies.behavior = KeyListBehavior::kAll;
  EXPECT_TRUE(WithholdsSetCookie(HeadRules::For(b), h));
  EXPECT_FALSE(WithholdsSetCookie(HeadRules::For(b), {{"Set-Cookie", "s=1"},
                                                      {"Cache-Control", "max-age=60"}}));
}

// SPEC 7.3.
TEST(GeneratedTest, FailuresMapToStatusesAndBack) {
  EXPECT_EQ(FailureStatus(absl::StatusCode::kUnavailable), 502);
  EXPECT_EQ(FailureStatus(absl::StatusCode::kDeadlineExceeded), 504);
  EXPECT_EQ(FailureStatus(absl::StatusCode::kUnknown), 502);
  for (absl::StatusCode code : {absl::StatusCode::kUnavailable,
                                absl::StatusCode::kDeadlineExceeded, absl::StatusCode::kUnknown}) {
    EXPECT_EQ(FailureOf(FailureDetail(code)).code(), code);
  }
  EXPECT_TRUE(FailureOf(ErrorDetail::kError).ok());
}

TEST(GeneratedTest, ErrorPageAndHead) {
  const std::string page = ErrorPageHtml(504, ErrorPageMessage(504));
  EXPECT_THAT(page, testing::HasSubstr("<H1>504 ERROR</H1>"));
  EXPECT_THAT(page, testing::HasSubstr("The request could not be satisfied"));
  EXPECT_THAT(page, testing::HasSubstr(std::string(ErrorPageMessage(504))));
  EXPECT_NE(ErrorPageMessage(504), ErrorPageMessage(502));
  const Response head = GeneratedHead(403, 123);
  EXPECT_EQ(head.status, 403);
  EXPECT_EQ(head.headers.Get("Server"), "CloudFront");
  EXPECT_EQ(head.headers.Get("Content-Length"), "123");
}

TEST(ViewerHeadersTest, ViaIsStablePerPop) {
  EXPECT_THAT(ViaValue("IAD89-C1"),
              testing::MatchesRegex("1\\.1 [0-9a-f]{32}\\.cloudfront\\.net \\(CloudFront\\)"));
  EXPECT_EQ(ViaValue("IAD89-C1"), ViaValue("IAD89-C1"));
  EXPECT_NE(ViaValue("IAD89-C1"), ViaValue("FRA6-C1"));
}

TEST(ViewerHeadersTest, RequestIdsAreDistinctAndShapedLikeCloudFronts) {
  const uint64_t base = RequestIdBase(7, "IAD89-C1");
  EXPECT_NE(base, RequestIdBase(7, "FRA6-C1"));
  EXPECT_NE(base, RequestIdBase(8, "IAD89-C1"));
  std::set<std::string> seen;
  for (uint64_t n = 0; n < 1000; ++n) {
    const RequestId id = MakeRequestId(base, n);
    EXPECT_THAT(std::string(id.view()), testing::MatchesRegex("[A-Za-z0-9_-]{54}=="));
    seen.insert(std::string(id.view()));
  }
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_TRUE(RequestId().empty());
  EXPECT_FALSE(MakeRequestId(base, 0).empty());
}

TEST(ViewerHeadersTest, AgeFromOneSecond) {  // SPEC 3.7
  EXPECT_FALSE(SendsAge(absl::ZeroDuration()));
  EXPECT_FALSE(SendsAge(absl::Milliseconds(999)));
  EXPECT_TRUE(SendsAge(absl::Seconds(1)));
}

}  // namespace
}  // namespace edgesim::policy
