// The KeyValueStore data plane on a real `edgesim serve` (API 1.12): absolute-form targets (what
// an SDK sends through an HTTP proxy), percent-encoded ARNs and keys, ETags, JSON errors.
#include "emulator/key_value_store_api.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/emulator/serve_process.h"

namespace edgesim::emulator {
namespace {

using ::testing::HasSubstr;
using testing::ServeProcess;

class KeyValueStoreApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<ServeProcess>> started = ServeProcess::Start({});
    ASSERT_TRUE(started.ok()) << started.status();
    serve_ = *std::move(started);
    httplib::Result created = serve_->Api().Post(
        "/2020-05-31/key-value-store",
        R"(<CreateKeyValueStoreRequest xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">)"
        R"(<Name>kv</Name></CreateKeyValueStoreRequest>)",
        "application/xml");
    ASSERT_TRUE(created && created->status == 201) << (created ? created->body : "no answer");
    const size_t begin = created->body.find("<ARN>") + 5;
    arn_ = created->body.substr(begin, created->body.find("</ARN>") - begin);
  }

  // The ARN as an SDK puts it in the path: every ':' and '/' percent-encoded.
  std::string EncodedArn() const {
    std::string out;
    for (char c : arn_) {
      out += c == ':' ? std::string("%3A") : c == '/' ? std::string("%2F") : std::string(1, c);
    }
    return out;
  }

  std::unique_ptr<ServeProcess> serve_;
  std::string arn_;
};

TEST_F(KeyValueStoreApiTest, AbsoluteFormTargetsAndEncodedKeysReachTheDataPlane) {
  const std::string host = absl::StrCat("123456789012.localhost:", serve_->api_port());
  auto answers = serve_->RawApiExchange(
      absl::StrCat("GET http://", host, "/key-value-stores/", EncodedArn(), " HTTP/1.1\r\nHost: ",
                   host, "\r\n\r\n"),
      1);
  ASSERT_TRUE(answers.ok()) << answers.status();
  ASSERT_EQ((*answers)[0].result_int(), 200) << (*answers)[0].body();
  const std::string etag((*answers)[0]["ETag"]);
  const nlohmann::json described = nlohmann::json::parse((*answers)[0].body());
  EXPECT_EQ(described["ItemCount"], 0);
  EXPECT_EQ(described["KvsARN"], arn_);

  const std::string key_path =
      absl::StrCat("/key-value-stores/", EncodedArn(), "/keys/%2Fblog%2F%C3%BC");
  httplib::Client api = serve_->Api();
  httplib::Result put = api.Put(key_path.c_str(), {{"If-Match", etag}}, R"({"Value":"v1"})",
                                "application/json");
  ASSERT_TRUE(put && put->status == 200) << (put ? put->body : "no answer");
  EXPECT_NE(put->get_header_value("ETag"), etag);
  httplib::Result got = api.Get(key_path.c_str());
  ASSERT_TRUE(got && got->status == 200);
  EXPECT_EQ(nlohmann::json::parse(got->body)["Key"], "/blog/\xC3\xBC");
  EXPECT_EQ(nlohmann::json::parse(got->body)["Value"], "v1");
}

TEST_F(KeyValueStoreApiTest, ErrorsCarryTheServiceCodesAndStatuses) {
  httplib::Client api = serve_->Api();
  const std::string key_path = absl::StrCat("/key-value-stores/", EncodedArn(), "/keys/k");
  httplib::Result stale =
      api.Put(key_path.c_str(), {{"If-Match", "STALE"}}, R"({"Value":"v"})", "application/json");
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->status, 409);
  EXPECT_EQ(stale->get_header_value("x-amzn-ErrorType"), "ConflictException");
  EXPECT_THAT(nlohmann::json::parse(stale->body)["Message"].get<std::string>(),
              HasSubstr("If-Match"));
  httplib::Result missing = api.Get(key_path.c_str());
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->get_header_value("x-amzn-ErrorType"), "ResourceNotFoundException");
  httplib::Result not_json =
      api.Put(key_path.c_str(), {{"If-Match", "x"}}, "[1]", "application/json");
  ASSERT_TRUE(not_json);
  EXPECT_EQ(not_json->status, 400);
  EXPECT_EQ(not_json->get_header_value("x-amzn-ErrorType"), "ValidationException");
  httplib::Result too_many = api.Get(
      absl::StrCat("/key-value-stores/", EncodedArn(), "/keys?MaxResults=51").c_str());
  ASSERT_TRUE(too_many);
  EXPECT_EQ(too_many->status, 400);
}

}  // namespace
}  // namespace edgesim::emulator
