// Range requests through a real `edgesim serve` in front of a real HTTP origin (SPEC 4.5): the
// bytes, statuses and headers a viewer receives, and what the access log says.
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "policy/access_log.h"
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

constexpr char kRangesBody[] = "0123456789abcdefghijklmnopqrstuvwxyz";  // 36 bytes
constexpr char kRangesEtag[] = "\"r1\"";

// An origin serving /object.bin (36 bytes, an ETag, cacheable for a minute). cpp-httplib answers
// a Range itself, as a range-capable origin does.
void ServeRangesObject(LocalHttpServer& origin) {
  origin.server().Get("/object.bin", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "max-age=60");
    res.set_header("ETag", kRangesEtag);
    res.set_content(kRangesBody, "text/plain");
  });
}

// The parts of a multipart/byteranges body: each part's Content-Range and its bytes.
std::map<std::string, std::string> RangesParts(const httplib::Response& r) {
  const std::string type = r.get_header_value("Content-Type");
  const size_t at = type.find("boundary=");
  if (at == std::string::npos) return {};
  const std::string delimiter = "--" + type.substr(at + 9);
  std::map<std::string, std::string> parts;
  for (absl::string_view part : absl::StrSplit(r.body, delimiter)) {
    part = absl::StripPrefix(part, "\r\n");
    const size_t end_of_head = part.find("\r\n\r\n");
    if (end_of_head == absl::string_view::npos) continue;  // the preamble and the closing "--"
    std::string content_range;
    for (absl::string_view line : absl::StrSplit(part.substr(0, end_of_head), "\r\n")) {
      if (absl::ConsumePrefix(&line, "Content-Range: ")) content_range = std::string(line);
    }
    parts[content_range] = std::string(absl::StripSuffix(part.substr(end_of_head + 4), "\r\n"));
  }
  return parts;
}

// `edgesim serve` with an access log, in front of an origin serving /object.bin.
class EdgeServerRangesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServeRangesObject(origin_);
    serve_ = ServeConfig(config_, {"--access-log", config_.log()});
    ASSERT_NE(serve_, nullptr);
  }
  httplib::Result RangesGet(const std::string& range, const httplib::Headers& more = {}) {
    httplib::Headers headers = more;
    headers.emplace("Range", range);
    return serve_->Edge().Get("/object.bin", headers);
  }

  LocalHttpServer origin_;
  ConfigFile config_{Config({origin_.port()}, kCachingOptimized)};
  std::unique_ptr<testing::ServeProcess> serve_;
};

TEST_F(EdgeServerRangesTest, AMissAndAHitAnswer206WithTheExactBytes) {
  auto miss = RangesGet("bytes=0-9");
  ASSERT_TRUE(miss);
  EXPECT_EQ(miss->status, 206);
  EXPECT_EQ(XCache(miss), "Miss from cloudfront");
  EXPECT_EQ(miss->body, "0123456789");
  EXPECT_EQ(miss->get_header_value("Content-Range"), "bytes 0-9/36");
  EXPECT_EQ(miss->get_header_value("Content-Length"), "10");

  auto hit = RangesGet("bytes=-4");
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->status, 206);
  EXPECT_EQ(XCache(hit), "Hit from cloudfront");
  EXPECT_EQ(hit->body, "wxyz");
  EXPECT_EQ(hit->get_header_value("Content-Range"), "bytes 32-35/36");
  EXPECT_EQ(origin_.requests(), 1);

  ASSERT_EQ(serve_->Terminate(), 0);
  std::ifstream in(config_.log());
  std::string version, fields, line;
  std::getline(in, version);
  std::getline(in, fields);
  std::vector<policy::AccessLogRecord> records;
  while (std::getline(in, line)) {
    auto record = policy::ParseAccessLogLine(line, *policy::AccessLogFields::Parse(fields));
    ASSERT_TRUE(record.ok()) << record.status();
    records.push_back(*record);
  }
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].sc_status, 206);
  EXPECT_EQ(records[0].range_start, 0u);
  EXPECT_EQ(records[0].range_end, 9u);
  EXPECT_EQ(records[1].range_start, 32u);
  EXPECT_EQ(records[1].range_end, 35u);
}

TEST_F(EdgeServerRangesTest, AStartPastTheEndIs416AndIsNotCached) {
  auto r = RangesGet("bytes=36-");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 416);
  EXPECT_EQ(r->get_header_value("Content-Range"), "bytes */36");
  auto whole = serve_->Edge().Get("/object.bin");
  ASSERT_TRUE(whole);
  EXPECT_EQ(whole->status, 200);
  EXPECT_EQ(XCache(whole), "Hit from cloudfront");
  EXPECT_EQ(whole->body, kRangesBody);
}

TEST_F(EdgeServerRangesTest, IfRangeMatchGetsTheRangeAndAMismatchTheWholeObject) {
  auto match = RangesGet("bytes=0-3", {{"If-Range", kRangesEtag}});
  ASSERT_TRUE(match);
  EXPECT_EQ(match->status, 206);
  EXPECT_EQ(match->body, "0123");
  auto mismatch = RangesGet("bytes=0-3", {{"If-Range", "\"old\""}});
  ASSERT_TRUE(mismatch);
  EXPECT_EQ(mismatch->status, 200);
  EXPECT_EQ(mismatch->body, kRangesBody);
  EXPECT_FALSE(mismatch->has_header("Content-Range"));
}

TEST_F(EdgeServerRangesTest, AnInvalidMultiRangeGetsTheWholeObjectWith200) {
  auto valid = RangesGet("bytes=0-5,10-20");
  ASSERT_TRUE(valid);
  EXPECT_EQ(valid->status, 206);  // the same ranges in order
  for (const char* range : {"bytes=10-20,0-5", "bytes=0-10,5-15"}) {
    auto r = RangesGet(range);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << range;
    EXPECT_EQ(r->body, kRangesBody) << range;
  }
}

TEST_F(EdgeServerRangesTest, SeveralRangesAreAMultipartByterangesBody) {
  auto r = RangesGet("bytes=0-1,10-12,-2");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 206);
  EXPECT_TRUE(absl::StartsWith(r->get_header_value("Content-Type"), "multipart/byteranges"));
  EXPECT_EQ(r->get_header_value("Content-Length"), std::to_string(r->body.size()));
  const std::map<std::string, std::string> expected = {
      {"bytes 0-1/36", "01"}, {"bytes 10-12/36", "abc"}, {"bytes 34-35/36", "yz"}};
  EXPECT_EQ(RangesParts(*r), expected);
}

TEST_F(EdgeServerRangesTest, HeadWithRangeStatesThePartWithoutABody) {
  ASSERT_TRUE(serve_->Edge().Get("/object.bin"));
  // Pipelined, read with a HEAD-aware parser: the HEAD answers must carry no body.
  namespace http = boost::beast::http;
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"),
                  static_cast<unsigned short>(serve_->edge_port())});
  boost::asio::write(
      socket, boost::asio::buffer(
                  std::string("HEAD /object.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=0-9\r\n\r\n"
                              "HEAD /object.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=99-\r\n\r\n"
                              "GET /object.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=1-2\r\n\r\n")));
  boost::beast::flat_buffer buffer;
  std::vector<http::response<http::string_body>> answers(3);
  for (size_t i = 0; i < answers.size(); ++i) {
    http::response_parser<http::string_body> parser;
    parser.skip(i < 2);  // HEAD
    http::read(socket, buffer, parser);
    answers[i] = parser.release();
  }
  EXPECT_EQ(answers[0].result_int(), 206);
  EXPECT_EQ(answers[0][http::field::content_range], "bytes 0-9/36");
  EXPECT_EQ(answers[0][http::field::content_length], "10");
  EXPECT_EQ(answers[1].result_int(), 416);
  EXPECT_EQ(answers[1][http::field::content_range], "bytes */36");
  // The answer after the HEADs is intact: they sent no body.
  EXPECT_EQ(answers[2].result_int(), 206);
  EXPECT_EQ(answers[2].body(), "12");
}

TEST(EdgeServerRangesPassThroughTest, ABehaviorThatDoesNotCacheRelaysTheOriginsPartialAnswer) {
  LocalHttpServer origin;
  std::mutex mu;
  std::string range_at_origin;
  origin.server().Get("/object.bin", [&](const httplib::Request& req, httplib::Response& res) {
    {
      std::lock_guard<std::mutex> lock(mu);
      range_at_origin = req.get_header_value("Range");
    }
    res.set_content(kRangesBody, "text/plain");  // cpp-httplib cuts the range itself
  });
  ConfigFile config(Config({origin.port()}, testing::kCachingDisabled));
  auto serve = ServeConfig(config);
  ASSERT_NE(serve, nullptr);
  auto r = serve->Edge().Get("/object.bin", {{"Range", "bytes=2-4"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 206);
  EXPECT_EQ(r->body, "234");
  EXPECT_EQ(r->get_header_value("Content-Range"), "bytes 2-4/36");
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(range_at_origin, "bytes=2-4");
}

}  // namespace
}  // namespace edgesim::emulator
