#include "emulator/sigv4_signer.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace edgesim::emulator {
namespace {

// AWS's SigV4 test suite (docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html):
// service "service", us-east-1, 2015-08-30 12:36:00 UTC, host;x-amz-date signed, empty payload.
const AwsCredentials kSigV4SuiteCredentials = {.access_key_id = "AKIDEXAMPLE",
                                          .secret_access_key =
                                              "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"};
const SigV4Scope kSigV4SuiteScope = {.region = "us-east-1", .service = "service"};

std::string SigV4SuiteSignature(absl::string_view method, absl::string_view target) {
  policy::Request r = policy::Request::Get(target);
  r.method = std::string(method);
  r.headers.Add("Host", "example.amazonaws.com");
  r.headers.Add("X-Amz-Date", "20150830T123600Z");
  const std::string authorization =
      SigV4Authorization(r, kSigV4SuiteCredentials, kSigV4SuiteScope, {"host", "x-amz-date"},
                         kEmptyPayloadSha256, "20150830T123600Z");
  return authorization.substr(authorization.rfind('=') + 1);
}

TEST(SigV4SignerTest, GetVanilla) {
  EXPECT_EQ(SigV4SuiteSignature("GET", "/"),
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(SigV4SignerTest, GetVanillaQueryOrderKeyCaseSortsTheQuery) {
  EXPECT_EQ(SigV4SuiteSignature("GET", "/?Param2=value2&Param1=value1"),
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
}

TEST(SigV4SignerTest, GetUtf8EncodesThePathOnce) {
  EXPECT_EQ(SigV4SuiteSignature("GET", "/%E1%88%B4"),
            "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85");
}

TEST(SigV4SignerTest, WholeAuthorizationOfGetVanilla) {
  policy::Request r = policy::Request::Get("/");
  r.headers.Add("Host", "example.amazonaws.com");
  r.headers.Add("X-Amz-Date", "20150830T123600Z");
  EXPECT_EQ(SigV4Authorization(r, kSigV4SuiteCredentials, kSigV4SuiteScope, {"x-amz-date", "host"},
                               kEmptyPayloadSha256, "20150830T123600Z"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

// S3's own worked example (AmazonS3/latest/API/sig-v4-header-based-auth.html, "GET Object"):
// a Range header signed too, the empty payload's hash.
TEST(SigV4SignerTest, S3GetObjectExample) {
  policy::Request r = policy::Request::Get("/test.txt");
  r.headers.Add("Host", "examplebucket.s3.amazonaws.com");
  r.headers.Add("Range", "bytes=0-9");
  r.headers.Add("x-amz-content-sha256", kEmptyPayloadSha256);
  r.headers.Add("x-amz-date", "20130524T000000Z");
  const std::vector<std::string> signed_headers = {"host", "range", "x-amz-content-sha256",
                                                   "x-amz-date"};
  EXPECT_EQ(SigV4CanonicalRequest(r, signed_headers, kEmptyPayloadSha256),
            "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
            "x-amz-content-sha256:"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
            "x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const std::string authorization =
      SigV4Authorization(r,
                         {.access_key_id = "AKIAIOSFODNN7EXAMPLE",
                          .secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
                         {.region = "us-east-1", .service = "s3"}, signed_headers,
                         kEmptyPayloadSha256, "20130524T000000Z");
  EXPECT_TRUE(absl::EndsWith(
      authorization, "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"))
      << authorization;
}

TEST(SigV4SignerTest, SignSetsTheAmzHeadersAndReplacesAViewerAuthorization) {
  policy::Request r = policy::Request::Get("/bucket/a%20b.txt?versionId=1");
  r.headers.Add("Host", "127.0.0.1:5000");
  r.headers.Add("Authorization", "Bearer viewer");
  r.headers.Add("X-Amz-Security-Token", "viewer-token");
  SignSigV4(r, kSigV4SuiteCredentials, {.region = "eu-west-1", .service = "s3"},
            absl::FromUnixSeconds(1440938160));  // 2015-08-30T12:36:00Z
  EXPECT_EQ(r.headers.Get("X-Amz-Date"), "20150830T123600Z");
  EXPECT_EQ(r.headers.Get("X-Amz-Content-Sha256"), kEmptyPayloadSha256);
  EXPECT_FALSE(r.headers.Has("X-Amz-Security-Token"));
  EXPECT_EQ(r.headers.GetAll("Authorization").size(), 1u);
  EXPECT_TRUE(absl::StartsWith(*r.headers.Get("Authorization"),
                               "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/eu-west-1/s3/"
                               "aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
                               "Signature="));
}

TEST(SigV4SignerTest, SessionTokenIsSentAndSigned) {
  policy::Request r = policy::Request::Get("/");
  r.method = "PUT";
  r.body = std::make_shared<const std::string>("payload");
  r.headers.Add("Host", "bucket.s3.us-west-2.amazonaws.com");
  AwsCredentials with_token = kSigV4SuiteCredentials;
  with_token.session_token = "token";
  SignSigV4(r, with_token, {.region = "us-west-2", .service = "s3"}, absl::UnixEpoch());
  EXPECT_EQ(r.headers.Get("X-Amz-Security-Token"), "token");
  EXPECT_EQ(r.headers.Get("X-Amz-Content-Sha256"), kUnsignedPayload);
  EXPECT_TRUE(absl::StrContains(*r.headers.Get("Authorization"),
                                "SignedHeaders=host;x-amz-content-sha256;x-amz-date;"
                                "x-amz-security-token,"));
}

}  // namespace
}  // namespace edgesim::emulator
