// What the edge publishes for each answered request (request_event.h), read back from a real
// `edgesim serve` over its event stream (cli/console.h) with the demo distribution.
#include "emulator/request_event.h"

#include <string>

#include "gtest/gtest.h"
#include "tests/emulator/event_stream_reader.h"
#include "tests/emulator/serve_process.h"

namespace edgesim::emulator {
namespace {

using testing::ReadEventStream;
using testing::ServeProcess;

TEST(RequestEventTest, EachAnsweredRequestIsPublishedWithWhatTheViewerSaw) {
  auto serve = ServeProcess::Start({"--demo"});
  ASSERT_TRUE(serve.ok()) << serve.status();
  httplib::Client edge = (*serve)->Edge();
  auto miss = edge.Get("/assets/app.3f9a1c.js?v=1");
  ASSERT_TRUE(miss);
  ASSERT_TRUE((*serve)->AdvanceClock(absl::Seconds(5)).ok());
  auto hit = edge.Get("/assets/app.3f9a1c.js?v=1", {{"x-edgesim-pop", "IAD89-C1"}});
  ASSERT_TRUE(hit);
  // An answer no POP made (an unknown POP, 400) is neither logged nor published.
  auto refused = edge.Get("/", {{"x-edgesim-pop", "NOPE1"}});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400);
  auto last = edge.Get("/missing");
  ASSERT_TRUE(last);

  // Opened after the traffic: the kept events come first.
  absl::StatusOr<testing::EventStream> stream = ReadEventStream((*serve)->Api(), 3);
  ASSERT_TRUE(stream.ok()) << stream.status();
  EXPECT_EQ(stream->status, 200);
  EXPECT_EQ(stream->content_type, "text/event-stream");
  ASSERT_EQ(stream->events.size(), 3u);
  EXPECT_EQ(stream->ids, (std::vector<uint64_t>{1, 2, 3}));
  const nlohmann::json& first = stream->events[0];
  EXPECT_EQ(first["id"], 1);
  EXPECT_EQ(first["method"], "GET");
  EXPECT_EQ(first["path"], "/assets/app.3f9a1c.js?v=1");
  EXPECT_EQ(first["status"], 200);
  EXPECT_EQ(first["x_cache"], miss->get_header_value("X-Cache"));
  EXPECT_EQ(first["pop"], miss->get_header_value("X-Amz-Cf-Pop"));
  EXPECT_EQ(first["request_id"], miss->get_header_value("X-Amz-Cf-Id"));
  EXPECT_EQ(first["object_path"], "/assets/app.3f9a1c.js");
  EXPECT_EQ(first["contacted_origin"], true);
  EXPECT_EQ(first["behavior"], "/assets/*");
  EXPECT_EQ(first["ttl"], 31536000);  // the demo's year for /assets/*
  EXPECT_FALSE(first["ttl_reason"].get<std::string>().empty());
  const nlohmann::json& second = stream->events[1];
  EXPECT_EQ(second["x_cache"], "Hit from cloudfront");
  EXPECT_EQ(second["age"], 5);
  EXPECT_EQ(second["contacted_origin"], false);
  EXPECT_EQ(stream->events[2]["path"], "/missing");
  EXPECT_EQ(stream->events[2]["status"], 404);
}

}  // namespace
}  // namespace edgesim::emulator
