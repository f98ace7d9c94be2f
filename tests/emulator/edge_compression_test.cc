// `edgesim serve` compressing at the edge (SPEC 4.6) in front of a real HTTP origin: the raw bytes
// a viewer gets, decompressed here with zlib and Brotli, and what reaches the origin.
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/substitute.h"
#include "gtest/gtest.h"
#include "tests/core/decoded_body.h"
#include "tests/emulator/local_http_server.h"
#include "tests/emulator/origin_config.h"
#include "tests/emulator/serve_process.h"

namespace edgesim::emulator {
namespace {

using testing::Config;
using testing::ConfigFile;
using testing::kCachingOptimized;
using testing::ServeConfig;
using testing::ServeProcess;
namespace http = boost::beast::http;

std::string EdgeCompressionPage(size_t size) {
  std::string page;
  for (int i = 0; page.size() < size; ++i) absl::StrAppend(&page, "<li>item ", i, "</li>\n");
  page.resize(size);
  return page;
}

// An origin answering `body` as `type` with a strong ETag. A sized content provider, so httplib
// does not compress it itself for the Accept-Encoding the edge forwards.
void ServeEdgeCompressionBody(httplib::Response& res, std::string body, const std::string& type,
                              const std::string& content_encoding = "") {
  res.set_header("Cache-Control", "max-age=60");
  res.set_header("ETag", "\"v1\"");
  if (!content_encoding.empty()) res.set_header("Content-Encoding", content_encoding);
  const size_t size = body.size();
  res.set_content_provider(
      size, type, [body = std::move(body)](size_t offset, size_t length, httplib::DataSink& sink) {
        return sink.write(body.data() + offset, length);
      });
}

class EdgeCompressionServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    origin_.server().Get(R"(/(c|legacy)/page\.html)",
                         [this](const httplib::Request& req, httplib::Response& res) {
                           Note(req);
                           ServeEdgeCompressionBody(res, page_, "text/html; charset=utf-8");
                         });
    origin_.server().Get("/c/small.html", [this](const httplib::Request& req,
                                                  httplib::Response& res) {
      Note(req);
      ServeEdgeCompressionBody(res, EdgeCompressionPage(999), "text/html");
    });
    origin_.server().Get("/c/image.png", [this](const httplib::Request& req,
                                                httplib::Response& res) {
      Note(req);
      ServeEdgeCompressionBody(res, page_, "image/png");
    });
    origin_.server().Get("/c/pre.html", [this](const httplib::Request& req,
                                               httplib::Response& res) {
      Note(req);
      ServeEdgeCompressionBody(res, "origin's own bytes", "text/html", "gzip");
    });
    const std::string compressing = absl::Substitute(
        R"({"PathPattern": "/c/*", "TargetOriginId": "o0", "ViewerProtocolPolicy": "allow-all",
            "Compress": true, "CachePolicyId": "$0"})",
        kCachingOptimized);
    const std::string legacy =
        R"({"PathPattern": "/legacy/*", "TargetOriginId": "o0",
            "ViewerProtocolPolicy": "allow-all", "Compress": true,
            "MinTTL": 0, "DefaultTTL": 60, "MaxTTL": 60,
            "ForwardedValues": {"QueryString": false, "Cookies": {"Forward": "none"}}})";
    config_ = std::make_unique<ConfigFile>(
        Config({origin_.port()}, kCachingOptimized, {compressing, legacy}));
    serve_ = ServeConfig(*config_);
    ASSERT_NE(serve_, nullptr);
  }

  void Note(const httplib::Request& req) {
    std::lock_guard<std::mutex> lock(mu_);
    origin_accept_encodings_.push_back(req.get_header_value("Accept-Encoding"));
  }

  std::string LastOriginAcceptEncoding() {
    std::lock_guard<std::mutex> lock(mu_);
    return origin_accept_encodings_.empty() ? "(no request)" : origin_accept_encodings_.back();
  }

  // One GET over a plain socket: the bytes as the edge wrote them, undecoded.
  http::response<http::string_body> Get(const std::string& target,
                                        const std::string& accept_encoding) {
    const std::string request =
        absl::StrCat("GET ", target, " HTTP/1.1\r\nHost: d3origintest1.cloudfront.net\r\n",
                     accept_encoding.empty() ? "" : "Accept-Encoding: " + accept_encoding + "\r\n",
                     "Connection: close\r\n\r\n");
    auto answers = serve_->RawExchange(request, 1);
    EXPECT_TRUE(answers.ok()) << answers.status();
    if (!answers.ok() || answers->empty()) return {};
    return std::move(answers->front());
  }

  const std::string page_ = EdgeCompressionPage(3000);
  LocalHttpServer origin_;
  std::mutex mu_;
  std::vector<std::string> origin_accept_encodings_;
  std::unique_ptr<ConfigFile> config_;
  std::unique_ptr<ServeProcess> serve_;
};

TEST_F(EdgeCompressionServeTest, BrotliForBrAndGzipThenAHitFromTheCompressedCopy) {
  const auto miss = Get("/c/page.html", "br, gzip");
  EXPECT_EQ(miss.result_int(), 200);
  EXPECT_EQ(miss["X-Cache"], "Miss from cloudfront");
  EXPECT_EQ(miss["Content-Encoding"], "br");
  EXPECT_EQ(miss["ETag"], "W/\"v1\"");
  EXPECT_EQ(miss["Vary"], "Accept-Encoding");
  EXPECT_EQ(miss["Content-Length"], absl::StrCat(miss.body().size()));
  EXPECT_LT(miss.body().size(), page_.size());
  EXPECT_EQ(compression_testing::DecodedBody(miss.body(), "br"), page_);
  EXPECT_EQ(LastOriginAcceptEncoding(), "br,gzip");

  const auto hit = Get("/c/page.html", "gzip, br");
  EXPECT_EQ(hit["X-Cache"], "Hit from cloudfront");
  EXPECT_EQ(hit["Content-Encoding"], "br");
  EXPECT_EQ(hit.body(), miss.body());

  const auto gzip = Get("/c/page.html", "gzip, deflate");
  EXPECT_EQ(gzip["X-Cache"], "Miss from cloudfront");  // an object of its own (SPEC 2.4)
  EXPECT_EQ(gzip["Content-Encoding"], "gzip");
  EXPECT_EQ(compression_testing::DecodedBody(gzip.body(), "gzip"), page_);

  const auto plain = Get("/c/page.html", "");
  EXPECT_EQ(plain[http::field::content_encoding], "");
  EXPECT_EQ(plain["ETag"], "\"v1\"");
  EXPECT_EQ(plain.body(), page_);
  EXPECT_EQ(origin_.requests(), 3);
}

TEST_F(EdgeCompressionServeTest, SmallImageAndPreEncodedAnswersPassThrough) {
  const auto small = Get("/c/small.html", "br, gzip");
  EXPECT_EQ(small[http::field::content_encoding], "");
  EXPECT_EQ(small["ETag"], "\"v1\"");
  EXPECT_EQ(small.body(), EdgeCompressionPage(999));
  const auto png = Get("/c/image.png", "br, gzip");
  EXPECT_EQ(png[http::field::content_encoding], "");
  EXPECT_EQ(png.body(), page_);
  const auto pre = Get("/c/pre.html", "br, gzip");
  EXPECT_EQ(pre["Content-Encoding"], "gzip");
  EXPECT_EQ(pre["ETag"], "\"v1\"");
  EXPECT_EQ(pre.body(), "origin's own bytes");
}

TEST_F(EdgeCompressionServeTest, LegacyBehaviorNormalizesToGzipOnly) {
  const auto miss = Get("/legacy/page.html", "br, gzip, deflate");
  EXPECT_EQ(LastOriginAcceptEncoding(), "gzip");
  EXPECT_EQ(miss["Content-Encoding"], "gzip");
  EXPECT_EQ(miss["ETag"], "W/\"v1\"");
  EXPECT_EQ(compression_testing::DecodedBody(miss.body(), "gzip"), page_);
  EXPECT_EQ(Get("/legacy/page.html", "gzip")["X-Cache"], "Hit from cloudfront");
}

TEST_F(EdgeCompressionServeTest, Http10ViewersGetNoCompression) {
  auto answers = serve_->RawExchange(
      "GET /c/page.html HTTP/1.0\r\nHost: d3origintest1.cloudfront.net\r\n"
      "Accept-Encoding: br, gzip\r\n\r\n",
      1);
  ASSERT_TRUE(answers.ok() && answers->size() == 1u);
  EXPECT_EQ(answers->front()[http::field::content_encoding], "");
  EXPECT_EQ(answers->front().body(), page_);
}

}  // namespace
}  // namespace edgesim::emulator
