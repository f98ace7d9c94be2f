#include "policy/request_target.h"

#include "gtest/gtest.h"

namespace edgesim::policy {
namespace {

Request TargetRequest(absl::string_view target, absl::string_view host = "d111.cloudfront.net") {
  Request r = Request::Get(target);
  if (!host.empty()) r.headers.Add("Host", host);
  return r;
}

TEST(ToOriginFormTest, OriginFormStaysAsSentDotSegmentsIncluded) {
  for (const char* target : {"/", "/a?b=1", "/a/../b", "//x//y", "/%2e%2e/z"}) {
    Request r = TargetRequest(target);
    EXPECT_TRUE(ToOriginForm(r).ok()) << target;
    EXPECT_EQ(r.target, target);  // SPEC 1.1 rule 9: the origin gets the raw path
    EXPECT_EQ(r.headers.Get("Host"), "d111.cloudfront.net");
  }
}

TEST(ToOriginFormTest, AbsoluteFormBecomesOriginFormAndItsAuthorityTheHost) {
  Request r = TargetRequest("http://other.example:8080/x/y?z=1");
  ASSERT_TRUE(ToOriginForm(r).ok());
  EXPECT_EQ(r.target, "/x/y?z=1");
  EXPECT_EQ(r.headers.GetAll("Host"), std::vector<absl::string_view>{"other.example:8080"});

  Request bare = TargetRequest("HTTPS://d111.cloudfront.net");
  ASSERT_TRUE(ToOriginForm(bare).ok());
  EXPECT_EQ(bare.target, "/");

  Request no_host = TargetRequest("http://[::1]:80/a", "");
  EXPECT_FALSE(ToOriginForm(no_host).ok());  // HTTP/1.1 still needs its Host field
}

TEST(ToOriginFormTest, OtherTargetFormsAre400s) {
  for (const char* target : {"*", "../../etc/passwd", "a/b", "d111.cloudfront.net:443",
                             "ftp://host/a", "http://", "http:///a", "http://user@host/a",
                             "http://host?q", "http://ho st/a"}) {
    Request r = TargetRequest(target);
    const absl::Status s = ToOriginForm(r);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << target;
    EXPECT_EQ(r.target, target);  // untouched
  }
}

TEST(ToOriginFormTest, HostFieldsFollowRfc9112) {
  Request none = TargetRequest("/", "");
  EXPECT_EQ(ToOriginForm(none).message(), "The request has no Host header.");

  Request two = TargetRequest("/");
  two.headers.Add("host", "evil.example");
  EXPECT_EQ(ToOriginForm(two).message(), "The request has more than one Host header.");

  Request http10 = TargetRequest("/", "");
  http10.http_minor_version = 0;
  EXPECT_TRUE(ToOriginForm(http10).ok());  // HTTP/1.0 may leave it out
}

}  // namespace
}  // namespace edgesim::policy
