#include "cli/scripted_origin.h"

#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"

namespace edgesim::cli {
namespace {

const absl::Time kEpoch = absl::FromUnixSeconds(1'700'000'000);

sim::OriginScript Script() {
  absl::StatusOr<sim::OriginScript> s = sim::ParseOriginScript(nlohmann::json::parse(R"({
    "rules": [{"path": "/missing", "status": 404},
              {"path": "*", "headers": {"Cache-Control": "max-age=60"}, "size": 32,
               "content_type": "text/html"}],
    "outages": [{"from": 100, "to": 200, "status": 503}]})"));
  EXPECT_TRUE(s.ok()) << s.status();
  return *s;
}

TEST(ScriptedOriginTest, AnswersFromTheModelAtTheDriversTime) {
  ScriptedOrigin origin(Script(), kEpoch);
  ASSERT_GT(origin.port(), 0);
  httplib::Client c("127.0.0.1", origin.port());
  auto r = c.Get("/index.html?q=1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Cache-Control"), "max-age=60");
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/html");
  EXPECT_EQ(r->get_header_value("x-edgesim-version"), "1");
  EXPECT_EQ(r->body.substr(0, 15), "/index.html v1\n");
  EXPECT_EQ(r->body.size(), 32u);
  const std::string etag = r->get_header_value("ETag");

  // A conditional request naming the current version: 304 without a body.
  auto not_modified = c.Get("/index.html", {{"If-None-Match", etag}});
  ASSERT_TRUE(not_modified);
  EXPECT_EQ(not_modified->status, 304);
  EXPECT_TRUE(not_modified->body.empty());

  origin.SetTime(kEpoch + absl::Seconds(30));
  origin.Deploy({"/index.html"});
  auto deployed = c.Get("/index.html", {{"If-None-Match", etag}});
  ASSERT_TRUE(deployed);
  EXPECT_EQ(deployed->status, 200);
  EXPECT_EQ(deployed->get_header_value("x-edgesim-version"), "2");

  EXPECT_EQ(c.Get("/missing")->status, 404);
  origin.SetTime(kEpoch + absl::Seconds(150));
  EXPECT_EQ(c.Get("/index.html")->status, 503);
  EXPECT_EQ(origin.requests(), 5);
}

TEST(ScriptedOriginTest, RestartStartsTheScenarioOver) {
  ScriptedOrigin origin(Script(), kEpoch);
  httplib::Client c("127.0.0.1", origin.port());
  origin.Deploy({"/a"});
  EXPECT_EQ(c.Get("/a")->get_header_value("x-edgesim-version"), "2");
  origin.Restart(kEpoch + absl::Hours(1));
  EXPECT_EQ(origin.requests(), 0);
  auto r = c.Get("/a");
  EXPECT_EQ(r->get_header_value("x-edgesim-version"), "1");
  EXPECT_EQ(r->get_header_value("Last-Modified"), "Tue, 14 Nov 2023 23:13:20 GMT");
}

}  // namespace
}  // namespace edgesim::cli
