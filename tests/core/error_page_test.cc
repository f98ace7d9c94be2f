#include "core/error_page.h"

#include "core/viewer_head.h"
#include "gtest/gtest.h"
#include "policy/cache_policy.h"
#include "tests/core/fake_origin.h"
#include "tests/core/spa_distribution.h"

namespace edgesim::core {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000);

// The SPA, and a 404 with an error caching time but no page.
policy::Distribution SpaWithUncachedNotFound() {
  policy::Distribution d = SpaDistribution();
  policy::CustomErrorResponse no_page;
  no_page.error_code = 404;
  no_page.error_caching_min_ttl = absl::Seconds(30);
  d.config.custom_error_responses.push_back(no_page);
  return d;
}

TEST(ErrorPageTest, OnlyErrorsWithAPageAreSubstituted) {
  const policy::Distribution d = SpaWithUncachedNotFound();
  EdgeResult r;
  r.outcome = policy::CacheOutcome::kError;
  r.viewer.status = 403;
  ASSERT_NE(ErrorPageFor(d.config, r), nullptr);
  EXPECT_EQ(ErrorPageFor(d.config, r)->response_page_path, "/index.html");
  r.viewer.status = 404;  // ErrorCachingMinTTL only
  EXPECT_EQ(ErrorPageFor(d.config, r), nullptr);
  r.viewer.status = 403;
  r.outcome = policy::CacheOutcome::kMiss;
  EXPECT_EQ(ErrorPageFor(d.config, r), nullptr);
}

TEST(ErrorPageTest, PageRequestKeepsTheViewersHeadersAndHead) {
  policy::Request viewer = policy::Request::Get("/app/route?x=1");
  viewer.method = "HEAD";
  viewer.headers.Add("Accept-Encoding", "gzip");
  const policy::Request page = ErrorPageRequest(viewer, "/index.html");
  EXPECT_EQ(page.method, "HEAD");
  EXPECT_EQ(page.target, "/index.html");
  EXPECT_EQ(page.headers.Get("Accept-Encoding"), "gzip");
  viewer.method = "POST";
  EXPECT_EQ(ErrorPageRequest(viewer, "/index.html").method, "GET");
}

TEST(ErrorPageTest, TheViewerGetsThePageWithTheResponseCodeAndErrorStays) {
  const policy::Distribution d = SpaWithUncachedNotFound();
  std::unique_ptr<EdgeCache> edge = *EdgeCache::Create(d, {});
  FakeOrigin origin;
  origin.Set("/app/route", 403);
  origin.Set("/index.html", 200, {{"Cache-Control", "max-age=300"}}, "<html>app</html>");
  const policy::Request viewer = policy::Request::Get("/app/route");
  EdgeResult r = edge->Handle(viewer, kNow, origin);
  const policy::CustomErrorResponse* custom = ErrorPageFor(d.config, r);
  ASSERT_NE(custom, nullptr);
  SubstituteErrorPage(r, edge->Handle(ErrorPageRequest(viewer, "/index.html"), kNow, origin),
                      *custom);
  EXPECT_EQ(r.viewer.status, 200);
  EXPECT_EQ(r.outcome, policy::CacheOutcome::kError);
  EXPECT_EQ(ViewerHeaders(r).Get("X-Cache"), "Error from cloudfront");
  ASSERT_NE(r.body, nullptr);
  EXPECT_EQ(*r.body, "<html>app</html>");
}

// SPEC 4.3: an error whose body the origin cut short, replaced by a whole page, is whole.
TEST(ErrorPageTest, ACutShortErrorGetsThePagesFraming) {
  const policy::Distribution d = SpaWithUncachedNotFound();
  std::unique_ptr<EdgeCache> edge = *EdgeCache::Create(d, {});
  FakeOrigin origin;
  origin.Set("/app/route", 403, {}, "forbidden, at length");
  origin.CutShort("/app/route");
  origin.Set("/index.html", 200, {{"Cache-Control", "max-age=300"}}, "<html>app</html>");
  const policy::Request viewer = policy::Request::Get("/app/route");
  EdgeResult r = edge->Handle(viewer, kNow, origin);
  ASSERT_TRUE(r.truncated);
  SubstituteErrorPage(r, edge->Handle(ErrorPageRequest(viewer, "/index.html"), kNow, origin),
                      *ErrorPageFor(d.config, r));
  EXPECT_FALSE(r.truncated);
  ASSERT_NE(r.body, nullptr);
  EXPECT_EQ(*r.body, "<html>app</html>");
}

TEST(ErrorPageTest, APageThatIsItselfAnErrorLeavesTheOriginalError) {
  const policy::Distribution d = SpaWithUncachedNotFound();
  std::unique_ptr<EdgeCache> edge = *EdgeCache::Create(d, {});
  FakeOrigin origin;  // 404 for every path, /index.html included
  origin.Set("/app/route", 403);
  EdgeResult r = edge->Handle(policy::Request::Get("/app/route"), kNow, origin);
  const policy::CustomErrorResponse* custom = ErrorPageFor(d.config, r);
  ASSERT_NE(custom, nullptr);
  SubstituteErrorPage(r, edge->Handle(policy::Request::Get("/index.html"), kNow, origin), *custom);
  EXPECT_EQ(r.viewer.status, 403);
}

}  // namespace
}  // namespace edgesim::core
