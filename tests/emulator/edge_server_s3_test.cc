// `edgesim serve` in front of an S3 origin: a real moto_server (S3-compatible, path style, via
// --s3-endpoint) holding an object uploaded by the real `aws s3 cp --cache-control`.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/emulator/moto_server.h"
#include "tests/emulator/serve_process.h"

namespace edgesim::emulator {
namespace {

using testing::ServeProcess;

TEST(EdgeServerS3Test, ObjectsUploadedWithAwsCliAreCachedByTheirCacheControl) {
  MotoServer moto;
  ASSERT_TRUE(moto.ok()) << "moto_server did not start";
  httplib::Client s3("127.0.0.1", moto.port());
  ASSERT_EQ(s3.Put("/site", "", "text/plain")->status, 200);  // CreateBucket, path style

  char dir[] = "/tmp/edgesim-s3-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string page = absl::StrCat(dir, "/index.html");
  const std::string config = absl::StrCat(dir, "/distribution.json");
  std::ofstream(page) << "<h1>from S3</h1>";
  // public-read: the origin router's S3 requests are anonymous (no OAC signature), and moto, like
  // S3, refuses anonymous reads of private objects.
  ASSERT_EQ(
      moto.Aws(absl::StrCat("s3 cp ", page, " s3://site/index.html --cache-control max-age=120",
                            " --content-type text/html --acl public-read --only-show-errors")),
      0);
  std::ofstream(config) << R"({"CallerReference": "s3", "Comment": "", "Enabled": true,
    "DefaultRootObject": "index.html",
    "Origins": {"Quantity": 1, "Items": [{"Id": "bucket", "DomainName": "site.s3.us-east-1.amazonaws.com",
      "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
    "DefaultCacheBehavior": {"TargetOriginId": "bucket", "ViewerProtocolPolicy": "allow-all",
      "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"}})";

  absl::StatusOr<std::unique_ptr<ServeProcess>> serve =
      ServeProcess::Start({"--config", config, "--s3-endpoint", moto.endpoint()});
  ASSERT_TRUE(serve.ok()) << serve.status();
  httplib::Client edge = (*serve)->Edge();
  auto miss = edge.Get("/");
  ASSERT_TRUE(miss);
  EXPECT_EQ(miss->status, 200);
  EXPECT_EQ(miss->body, "<h1>from S3</h1>");
  EXPECT_EQ(miss->get_header_value("Cache-Control"), "max-age=120");
  EXPECT_EQ(miss->get_header_value("X-Cache"), "Miss from cloudfront");
  ASSERT_TRUE((*serve)->AdvanceClock(absl::Seconds(100)).ok());
  EXPECT_EQ(edge.Get("/")->get_header_value("X-Cache"), "Hit from cloudfront");
  ASSERT_TRUE((*serve)->AdvanceClock(absl::Seconds(30)).ok());
  auto expired = edge.Get("/");
  EXPECT_EQ(expired->status, 200);
  EXPECT_EQ(expired->body, "<h1>from S3</h1>");
  // S3 answers the revalidation with 304 (its ETag did not change).
  EXPECT_EQ(expired->get_header_value("X-Cache"), "RefreshHit from cloudfront");
  auto missing = edge.Get("/nothing-here.js");
  EXPECT_GE(missing->status, 400);
  EXPECT_EQ(missing->get_header_value("X-Cache"), "Error from cloudfront");

  std::remove(page.c_str());
  std::remove(config.c_str());
  rmdir(dir);
}

}  // namespace
}  // namespace edgesim::emulator
