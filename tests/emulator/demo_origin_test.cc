#include "emulator/demo_origin.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace edgesim::emulator {
namespace {

core::OriginResponse Fetch(DemoOrigin& origin, const std::string& path,
                           policy::Headers headers = {}) {
  core::OriginRequest request;
  request.forwarded = policy::Request::Get(path);
  request.forwarded.headers = std::move(headers);
  absl::StatusOr<core::OriginResponse> r =
      origin.Fetch(request, absl::FromUnixSeconds(1'800'000'000));
  EXPECT_TRUE(r.ok());
  return *r;
}

TEST(DemoOriginTest, HtmlBrieflyAssetsForAYear) {
  DemoOrigin origin;
  ASSERT_GE(DemoOrigin::Paths().size(), 4u);
  for (const std::string& path : DemoOrigin::Paths()) {
    const core::OriginResponse r = Fetch(origin, path);
    EXPECT_EQ(r.head.status, 200) << path;
    ASSERT_NE(r.body, nullptr);
    EXPECT_EQ(r.body_size, r.body->size());
    EXPECT_EQ(r.head.headers.Get("Date"), "Fri, 15 Jan 2027 08:00:00 GMT");
    const std::string cache_control(*r.head.headers.Get("Cache-Control"));
    if (absl::StartsWith(path, "/assets/")) {
      EXPECT_EQ(cache_control, "max-age=31536000, immutable") << path;
    } else {
      EXPECT_EQ(cache_control, "max-age=30") << path;
    }
  }
  EXPECT_EQ(origin.fetches(), DemoOrigin::Paths().size());
}

TEST(DemoOriginTest, MatchingETagGets304AndUnknownPaths404) {
  DemoOrigin origin;
  const core::OriginResponse page = Fetch(origin, "/index.html");
  const std::string etag(*page.head.headers.Get("ETag"));
  const core::OriginResponse again = Fetch(origin, "/index.html", {{"If-None-Match", etag}});
  EXPECT_EQ(again.head.status, 304);
  EXPECT_EQ(again.body, nullptr);
  EXPECT_EQ(Fetch(origin, "/index.html", {{"If-None-Match", "\"x\""}}).head.status, 200);
  const core::OriginResponse missing = Fetch(origin, "/nope");
  EXPECT_EQ(missing.head.status, 404);
  EXPECT_FALSE(missing.head.headers.Has("Cache-Control"));
  EXPECT_EQ(origin.fetches(), 4u);
}

}  // namespace
}  // namespace edgesim::emulator
