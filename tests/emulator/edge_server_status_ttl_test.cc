// Which origin answers a real `edgesim serve` keeps, by status and TTL (SPEC 3.3, 4.2), in front
// of a real HTTP origin.
#include <string>

#include "gtest/gtest.h"
#include "tests/emulator/local_http_server.h"
#include "tests/emulator/origin_config.h"
#include "tests/emulator/serve_process.h"

namespace edgesim::emulator {
namespace {

using testing::Config;
using testing::ConfigFile;
using testing::kCachingOptimized;
using testing::ServeConfig;
using testing::XCache;

// Managed-UseOriginCacheControlHeaders: MinTTL 0, DefaultTTL 0, MaxTTL a year.
constexpr char kStatusTtlOriginHeaders[] = "83da9c7e-98b4-4e11-a168-04f0df8e2c65";

// DG/http-3xx-status-codes.html: 307 and 308 are cached only with Cache-Control.
TEST(EdgeServerStatusTtlTest, TemporaryAndPermanentRedirectsWithoutCacheControlAreNotCached) {
  LocalHttpServer origin;
  origin.server().Get("/moved", [](const httplib::Request&, httplib::Response& res) {
    res.status = 308;
    res.set_header("Location", "/elsewhere");
  });
  origin.server().Get("/kept", [](const httplib::Request&, httplib::Response& res) {
    res.status = 307;
    res.set_header("Location", "/elsewhere");
    res.set_header("Cache-Control", "max-age=60");
  });
  ConfigFile config(Config({origin.port()}, kCachingOptimized));
  auto serve = ServeConfig(config);
  ASSERT_NE(serve, nullptr);
  httplib::Client edge = serve->Edge();
  EXPECT_EQ(XCache(edge.Get("/moved")), "Miss from cloudfront");
  auto again = edge.Get("/moved");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 308);
  EXPECT_EQ(XCache(again), "Miss from cloudfront");
  EXPECT_EQ(XCache(edge.Get("/kept")), "Miss from cloudfront");
  EXPECT_EQ(XCache(edge.Get("/kept")), "Hit from cloudfront");
  EXPECT_EQ(origin.requests(), 3);
}

// SPEC 3.3: DefaultTTL 0 and no freshness header, with an ETag: stored expired, revalidated on
// every request; a 304 is a RefreshHit.
TEST(EdgeServerStatusTtlTest, DefaultTtlZeroWithAnEtagIsRevalidatedEveryTime) {
  LocalHttpServer origin;
  origin.server().Get("/page", [](const httplib::Request& req, httplib::Response& res) {
    res.set_header("ETag", "\"p1\"");
    if (req.get_header_value("If-None-Match") == "\"p1\"") {
      res.status = 304;
      return;
    }
    res.set_content("page", "text/html");
  });
  origin.server().Get("/plain", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("plain", "text/html");
  });
  ConfigFile config(Config({origin.port()}, kStatusTtlOriginHeaders));
  auto serve = ServeConfig(config);
  ASSERT_NE(serve, nullptr);
  httplib::Client edge = serve->Edge();
  EXPECT_EQ(XCache(edge.Get("/page")), "Miss from cloudfront");
  auto refreshed = edge.Get("/page");
  ASSERT_TRUE(refreshed);
  EXPECT_EQ(XCache(refreshed), "RefreshHit from cloudfront");
  EXPECT_EQ(refreshed->status, 200);
  EXPECT_EQ(refreshed->body, "page");
  EXPECT_EQ(XCache(edge.Get("/page")), "RefreshHit from cloudfront");
  // Without a validator there is nothing to revalidate: a full fetch every time.
  EXPECT_EQ(XCache(edge.Get("/plain")), "Miss from cloudfront");
  EXPECT_EQ(XCache(edge.Get("/plain")), "Miss from cloudfront");
  EXPECT_EQ(origin.requests(), 5);
}

}  // namespace
}  // namespace edgesim::emulator
