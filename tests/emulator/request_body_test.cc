// ReadRequestBody on a real httplib server and client: every Content-Type under one bound, and
// what is over the bound or unreadable (admin_api_test.cc covers a POST without Content-Length,
// as curl -X POST sends it).
#include "emulator/request_body.h"

#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "tests/emulator/local_http_server.h"

namespace edgesim::emulator {
namespace {

constexpr size_t kRequestBodyTestBound = 32 << 10;
constexpr size_t kRequestBodyTestPayloadLimit = 64 << 10;

// A server whose POST /body answers 200 with the body read, or the status code's name.
class RequestBodyTest : public ::testing::Test {
 protected:
  RequestBodyTest() {
    server_.server().set_payload_max_length(kRequestBodyTestPayloadLimit);
    server_.server().Post("/body", [](const httplib::Request& req, httplib::Response& res,
                                      const httplib::ContentReader& content) {
      absl::StatusOr<std::string> body = ReadRequestBody(req, res, content, kRequestBodyTestBound);
      res.status = body.ok() ? 200 : 400;
      res.set_header("Connection", "close");
      res.set_content(body.ok() ? *body : absl::StatusCodeToString(body.status().code()),
                      "text/plain");
    });
  }

  httplib::Result Post(const std::string& body, const std::string& content_type) {
    httplib::Client client("127.0.0.1", server_.port());
    return client.Post("/body", body, content_type.c_str());
  }

  LocalHttpServer server_;
};

TEST_F(RequestBodyTest, AFormBodyOverEightKibIsReadWhole) {
  const std::string body(20 << 10, 'f');
  httplib::Result res = Post(body, "application/x-www-form-urlencoded");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, body);
}

TEST_F(RequestBodyTest, ABodyOverTheBoundIsResourceExhausted) {
  for (const char* type : {"application/x-www-form-urlencoded", "text/xml"}) {
    httplib::Result res = Post(std::string(kRequestBodyTestBound + 1, 'x'), type);
    ASSERT_TRUE(res) << type;
    EXPECT_EQ(res->status, 400) << type;
    EXPECT_EQ(res->body, "RESOURCE_EXHAUSTED") << type;
  }
}

TEST_F(RequestBodyTest, AContentLengthOverThePayloadLimitIsResourceExhausted) {
  httplib::Result res = Post(std::string(kRequestBodyTestPayloadLimit + 1, 'x'), "text/xml");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, "RESOURCE_EXHAUSTED");
}

TEST_F(RequestBodyTest, AChunkedBodyIsRead) {
  httplib::Client client("127.0.0.1", server_.port());
  int sent = 0;
  httplib::Result res = client.Post(
      "/body",
      [&sent](size_t, httplib::DataSink& sink) {
        if (sent++ < 3) {
          sink.write("abc", 3);
        } else {
          sink.done();
        }
        return true;
      },
      "text/xml");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "abcabcabc");
}

TEST_F(RequestBodyTest, AMultipartBodyIsRefusedUnread) {
  httplib::Result res = Post("--b\r\n\r\nx\r\n--b--\r\n", "multipart/form-data; boundary=b");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, "INVALID_ARGUMENT");
}

}  // namespace
}  // namespace edgesim::emulator
