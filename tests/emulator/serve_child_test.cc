#include "emulator/serve_child.h"

#include "gtest/gtest.h"
#include "httplib.h"

namespace edgesim::emulator {
namespace {

TEST(ServeChildTest, StartsServeAndReadsBothPorts) {
  absl::StatusOr<std::unique_ptr<ServeChild>> serve =
      ServeChild::Start(EDGESIM_BINARY, {"--manual-clock", "--demo"});
  ASSERT_TRUE(serve.ok()) << serve.status();
  httplib::Client api("127.0.0.1", (*serve)->api_port());
  auto health = api.Get("/_edgesim/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  httplib::Client edge("127.0.0.1", (*serve)->edge_port());
  auto page = edge.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->get_header_value("X-Cache"), "Miss from cloudfront");
}

TEST(ServeChildTest, AChildThatFailsToStartIsAnError) {
  absl::StatusOr<std::unique_ptr<ServeChild>> bad_config =
      ServeChild::Start(EDGESIM_BINARY, {"--config", "/nonexistent/site.json"});
  EXPECT_EQ(bad_config.status().code(), absl::StatusCode::kUnavailable) << bad_config.status();
  absl::StatusOr<std::unique_ptr<ServeChild>> no_binary =
      ServeChild::Start("/nonexistent/edgesim", {});
  EXPECT_FALSE(no_binary.ok());
}

}  // namespace
}  // namespace edgesim::emulator
