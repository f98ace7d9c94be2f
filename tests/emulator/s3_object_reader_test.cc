#include "emulator/s3_object_reader.h"

#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/emulator/local_http_server.h"

namespace edgesim::emulator {
namespace {

class S3ObjectReaderTest : public ::testing::Test {
 protected:
  S3ObjectReaderTest() {
    s3_.server().Get("/bucket/dir/data.json", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(R"({"data":[]})", "application/json");
    });
  }
  std::string Endpoint() { return "http://127.0.0.1:" + std::to_string(s3_.port()); }

  LocalHttpServer s3_;
};

TEST_F(S3ObjectReaderTest, ReadsAnObjectPathStyle) {
  absl::StatusOr<std::string> body =
      ReadS3Object(Endpoint(), "arn:aws:s3:::bucket/dir/data.json", 1024, nullptr);
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(*body, R"({"data":[]})");
}

TEST_F(S3ObjectReaderTest, SignsWithCredentials) {
  std::string authorization;
  s3_.server().Get("/bucket/signed.json", [&](const httplib::Request& req, httplib::Response& res) {
    authorization = req.get_header_value("Authorization");
    res.set_content("{}", "application/json");
  });
  const AwsCredentials credentials{.access_key_id = "AKIDS3READ", .secret_access_key = "secret"};
  ASSERT_TRUE(
      ReadS3Object(Endpoint(), "arn:aws:s3:::bucket/signed.json", 1024, &credentials).ok());
  EXPECT_TRUE(absl::StartsWith(authorization, "AWS4-HMAC-SHA256 Credential=AKIDS3READ/"))
      << authorization;
}

TEST_F(S3ObjectReaderTest, ReportsMissingOversizedAndUnreachable) {
  EXPECT_TRUE(absl::IsNotFound(
      ReadS3Object(Endpoint(), "arn:aws:s3:::bucket/absent.json", 1024, nullptr).status()));
  EXPECT_TRUE(absl::IsResourceExhausted(
      ReadS3Object(Endpoint(), "arn:aws:s3:::bucket/dir/data.json", 4, nullptr).status()));
  EXPECT_TRUE(absl::IsUnavailable(
      ReadS3Object("http://127.0.0.1:" + std::to_string(UnusedLoopbackPort()),
                   "arn:aws:s3:::bucket/dir/data.json", 1024, nullptr)
          .status()));
}

TEST_F(S3ObjectReaderTest, RefusesArnsOfNoObject) {
  for (const char* arn : {"arn:aws:s3:::bucket", "arn:aws:s3:::bucket/", "arn:aws:sns:::x/y",
                          "arn:aws:s3:::/key"}) {
    EXPECT_TRUE(absl::IsInvalidArgument(ReadS3Object(Endpoint(), arn, 1024, nullptr).status())) << arn;
  }
}

}  // namespace
}  // namespace edgesim::emulator
