#include "emulator/response_writer.h"

#include "absl/strings/match.h"
#include "core/stored_response.h"
#include "gtest/gtest.h"

namespace edgesim::emulator {
namespace {

core::EdgeResult Answer(int status, policy::Headers headers, std::string body) {
  core::EdgeResult r;
  r.outcome = policy::CacheOutcome::kMiss;
  r.viewer.status = status;
  r.viewer.headers = std::move(headers);
  r.body = core::MakeBody(std::move(body));
  r.body_size = r.body->size();
  return r;
}

TEST(ResponseWriterTest, StatusLineHeadersAndOurOwnLength) {
  const core::EdgeResult r = Answer(
      200,
      {{"Content-Type", "text/plain"}, {"Content-Length", "999"}, {"Connection", "keep-alive"},
       {"Transfer-Encoding", "chunked"}},
      "hello");
  std::string head;
  EXPECT_EQ(WriteResponseHead(r, {}, head), 5u);
  EXPECT_TRUE(absl::StartsWith(head, "HTTP/1.1 200 OK\r\n")) << head;
  EXPECT_TRUE(absl::StrContains(head, "Content-Type: text/plain\r\n"));
  EXPECT_TRUE(absl::StrContains(head, "Content-Length: 5\r\n"));
  EXPECT_TRUE(absl::StrContains(head, "X-Cache: Miss from cloudfront\r\n"));
  EXPECT_FALSE(absl::StrContains(head, "999"));
  EXPECT_FALSE(absl::StrContains(head, "chunked"));
  EXPECT_FALSE(absl::StrContains(head, "Connection"));
  EXPECT_TRUE(absl::EndsWith(head, "\r\n\r\n"));
}

TEST(ResponseWriterTest, HeadNotModifiedAndConnections) {
  core::EdgeResult r = Answer(200, {{"Content-Length", "7"}}, "");
  r.body = nullptr;
  r.body_size = 0;
  std::string head;
  EXPECT_EQ(WriteResponseHead(r, {.head_request = true}, head), 7u);  // what a GET would get
  r.viewer.status = 304;
  EXPECT_EQ(WriteResponseHead(r, {.http10 = true}, head), absl::nullopt);
  EXPECT_TRUE(absl::StartsWith(head, "HTTP/1.0 304 Not Modified\r\n"));
  EXPECT_TRUE(absl::StrContains(head, "Connection: keep-alive\r\n"));
  WriteResponseHead(r, {.close = true}, head);
  EXPECT_TRUE(absl::StrContains(head, "Connection: close\r\n"));
}

// SPEC 4.3: a body cut short goes out under the origin's promise, which the bytes then miss.
TEST(ResponseWriterTest, TruncatedAnswerKeepsTheOriginsPromisedFraming) {
  core::EdgeResult r = Answer(200, {{"Content-Length", "100"}}, "first-50");
  r.truncated = true;
  std::string head;
  EXPECT_EQ(WriteResponseHead(r, {.close = true}, head), 100u);
  EXPECT_TRUE(absl::StrContains(head, "Content-Length: 100\r\n")) << head;
  EXPECT_TRUE(absl::EndsWith(head, "Connection: close\r\n\r\n")) << head;
  r.viewer.headers = {{"Transfer-Encoding", "chunked"}};
  EXPECT_EQ(WriteResponseHead(r, {.close = true}, head), absl::nullopt);
  EXPECT_FALSE(absl::StrContains(head, "Content-Length")) << head;
  // The body follows as the first chunk's data; no last chunk comes.
  EXPECT_TRUE(absl::EndsWith(head, "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n8\r\n"))
      << head;
}

}  // namespace
}  // namespace edgesim::emulator
