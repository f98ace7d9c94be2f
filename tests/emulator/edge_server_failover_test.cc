// `edgesim serve` in front of an origin group (SPEC 12): two real HTTP origins in this process
// (local_http_server.h), SPEC 12.2's worked example row by row, and the validation of SPEC 12.1.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/substitute.h"
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

// Origins o0 (primary) and o1 (secondary) as group "g", failing over on 500, 502, 503, 504; the
// default behavior targets o0 directly, the behavior for /g/* targets the group with `methods`.
std::string FailoverConfig(int primary_port, int secondary_port,
                           const std::string& methods = R"(["GET", "HEAD"])") {
  const std::string behavior = absl::Substitute(
      R"({"PathPattern": "/g/*", "TargetOriginId": "g", "ViewerProtocolPolicy": "allow-all",
          "CachePolicyId": "$0",
          "AllowedMethods": {"Quantity": $1, "Items": $2}})",
      kCachingOptimized, std::count(methods.begin(), methods.end(), ',') + 1, methods);
  const std::string groups = R"(, "OriginGroups": {"Quantity": 1, "Items": [{"Id": "g",
      "FailoverCriteria": {"StatusCodes": {"Quantity": 4, "Items": [500, 502, 503, 504]}},
      "Members": {"Quantity": 2, "Items": [{"OriginId": "o0"}, {"OriginId": "o1"}]}}]})";
  return Config({primary_port, secondary_port}, kCachingOptimized, {behavior}, groups);
}

// Answers `status` to every GET, naming itself in X-Origin.
void AnswerAll(LocalHttpServer& origin, int status, const std::string& name) {
  origin.server().Get(".*", [status, name](const httplib::Request&, httplib::Response& res) {
    res.status = status;
    res.set_header("Cache-Control", "max-age=60");
    res.set_header("X-Origin", name);
    res.set_content(absl::StrCat(name, " ", status), "text/plain");
  });
}

// A served group whose primary answers `primary_status` (0: refuses connections) and whose
// secondary answers `secondary_status`.
class FailoverServe {
 public:
  FailoverServe(int primary_status, int secondary_status) {
    if (primary_status != 0) AnswerAll(primary_, primary_status, "primary");
    AnswerAll(secondary_, secondary_status, "secondary");
    config_ = std::make_unique<ConfigFile>(FailoverConfig(
        primary_status != 0 ? primary_.port() : UnusedLoopbackPort(), secondary_.port()));
    serve_ = ServeConfig(*config_);
  }

  bool started() const { return serve_ != nullptr; }
  testing::ServeProcess& serve() { return *serve_; }
  httplib::Result Get(const std::string& path) { return serve_->Edge().Get(path); }
  int primary_requests() { return primary_.requests(); }
  int secondary_requests() { return secondary_.requests(); }

 private:
  LocalHttpServer primary_, secondary_;
  std::unique_ptr<ConfigFile> config_;
  std::unique_ptr<testing::ServeProcess> serve_;
};

TEST(EdgeServerFailoverTest, PrimaryAnswersAndIsCached) {
  FailoverServe group(200, 200);
  ASSERT_TRUE(group.started());
  auto miss = group.Get("/g/a");
  ASSERT_TRUE(miss);
  EXPECT_EQ(miss->status, 200);
  EXPECT_EQ(miss->body, "primary 200");
  EXPECT_EQ(XCache(group.Get("/g/a")), "Hit from cloudfront");
  EXPECT_EQ(group.primary_requests(), 1);
  EXPECT_EQ(group.secondary_requests(), 0);
}

TEST(EdgeServerFailoverTest, NotFoundIsNotAFailoverCode) {
  FailoverServe group(404, 200);
  ASSERT_TRUE(group.started());
  auto r = group.Get("/g/a");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(XCache(r), "Error from cloudfront");
  EXPECT_EQ(group.secondary_requests(), 0);
}

TEST(EdgeServerFailoverTest, ServiceUnavailableGoesToTheSecondaryWhoseAnswerIsCached) {
  FailoverServe group(503, 200);
  ASSERT_TRUE(group.started());
  auto miss = group.Get("/g/a");
  ASSERT_TRUE(miss);
  EXPECT_EQ(miss->status, 200);
  EXPECT_EQ(miss->body, "secondary 200");
  EXPECT_EQ(XCache(miss), "Miss from cloudfront");
  auto hit = group.Get("/g/a");
  EXPECT_EQ(XCache(hit), "Hit from cloudfront");
  EXPECT_EQ(hit->body, "secondary 200");
  EXPECT_EQ(group.primary_requests(), 1);
  EXPECT_EQ(group.secondary_requests(), 1);
  // A behavior targeting the primary alone never fails over.
  auto plain = group.Get("/a");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->status, 503);
  EXPECT_EQ(group.secondary_requests(), 1);
  // Counted where the origin was reached (SPEC 12.2).
  absl::StatusOr<nlohmann::json> stats = group.serve().AdminGet("/_edgesim/stats");
  ASSERT_TRUE(stats.ok()) << stats.status();
  const nlohmann::json& cache = (*stats)["distributions"][0]["caches"][0];
  EXPECT_EQ(cache["counters"]["origin_failovers"], 1) << cache.dump();
}

TEST(EdgeServerFailoverTest, RefusedConnectionGoesToTheSecondary) {
  FailoverServe group(0, 200);
  ASSERT_TRUE(group.started());
  auto r = group.Get("/g/a");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "secondary 200");
}

TEST(EdgeServerFailoverTest, BothFailingGivesTheSecondarysError) {
  FailoverServe group(503, 503);
  ASSERT_TRUE(group.started());
  auto r = group.Get("/g/a");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->body, "secondary 503");
  EXPECT_EQ(XCache(r), "Error from cloudfront");
  EXPECT_EQ(group.primary_requests(), 1);
  EXPECT_EQ(group.secondary_requests(), 1);
}

TEST(EdgeServerFailoverTest, ABehaviorForAGroupCannotAllowPost) {
  ConfigFile config(
      FailoverConfig(UnusedLoopbackPort(), UnusedLoopbackPort(),
                     R"(["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"])"));
  const testing::ServeRun run = testing::RunServeToExit(
      {"--config", config.path(), "--listen", "127.0.0.1:0", "--api", "127.0.0.1:0"});
  EXPECT_FALSE(run.listened);
  EXPECT_NE(run.code, 0);
  EXPECT_TRUE(absl::StrContains(run.output,
                                "The parameter AllowedMethods cannot include POST, PUT, PATCH, or "
                                "DELETE for a cached behavior associated with an origin group."))
      << run.output;
}

}  // namespace
}  // namespace edgesim::emulator
