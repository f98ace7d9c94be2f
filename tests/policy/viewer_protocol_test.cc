#include "policy/viewer_protocol.h"

#include "gtest/gtest.h"

namespace edgesim::policy {
namespace {

Request ProtocolRequest(absl::string_view method, bool https, int minor = 1) {
  Request r = Request::Get("/a?b=1");
  r.method = std::string(method);
  r.https = https;
  r.http_minor_version = minor;
  return r;
}

TEST(ViewerProtocolTest, AllowAllServesBoth) {
  for (bool https : {false, true}) {
    EXPECT_EQ(CheckViewerProtocol("allow-all", ProtocolRequest("GET", https)).status, 0);
    EXPECT_EQ(CheckViewerProtocol("allow-all", ProtocolRequest("POST", https, 0)).status, 0);
  }
}

TEST(ViewerProtocolTest, RedirectToHttpsGetAndHead301OthersBy307OrHttp10With403) {
  for (const char* m : {"GET", "HEAD"}) {
    EXPECT_EQ(CheckViewerProtocol("redirect-to-https", ProtocolRequest(m, false)).status, 301);
    EXPECT_EQ(CheckViewerProtocol("redirect-to-https", ProtocolRequest(m, false, 0)).status, 301);
  }
  for (const char* m : {"POST", "PUT", "DELETE", "OPTIONS", "PATCH"}) {
    const ViewerProtocolAnswer a =
        CheckViewerProtocol("redirect-to-https", ProtocolRequest(m, false));
    EXPECT_EQ(a.status, 307) << m;
    EXPECT_TRUE(a.redirect());
    // SPEC 4.7: HTTP/1.0 has no 307.
    EXPECT_EQ(CheckViewerProtocol("redirect-to-https", ProtocolRequest(m, false, 0)).status, 403);
  }
  EXPECT_EQ(CheckViewerProtocol("redirect-to-https", ProtocolRequest("POST", true)).status, 0);
}

TEST(ViewerProtocolTest, HttpsOnlyRefusesHttp) {
  const ViewerProtocolAnswer a = CheckViewerProtocol("https-only", ProtocolRequest("GET", false));
  EXPECT_EQ(a.status, 403);
  EXPECT_FALSE(a.redirect());
  EXPECT_EQ(CheckViewerProtocol("https-only", ProtocolRequest("GET", true)).status, 0);
}

TEST(ViewerProtocolTest, LocationKeepsHostAndTargetAndSwapsThePort) {
  EXPECT_EQ(HttpsLocation("d111.cloudfront.net", "/a?b=1"), "https://d111.cloudfront.net/a?b=1");
  EXPECT_EQ(HttpsLocation("127.0.0.1:8080", "/x", 443), "https://127.0.0.1:8080/x");
  EXPECT_EQ(HttpsLocation("127.0.0.1:8080", "/x", 8443), "https://127.0.0.1:8443/x");
  EXPECT_EQ(HttpsLocation("localhost", "/", 8443), "https://localhost:8443/");
  EXPECT_EQ(HttpsLocation("[::1]:8080", "/", 8443), "https://[::1]:8443/");
  EXPECT_EQ(HttpsLocation("[::1]", "/", 8443), "https://[::1]:8443/");
}

TEST(ViewerProtocolTest, RedirectPageIsCloudFronts167Bytes) {
  EXPECT_EQ(ViewerProtocolPageHtml(301).size(), 167u);
  EXPECT_NE(ViewerProtocolPageHtml(307).find("307 Temporary Redirect"), std::string::npos);
  EXPECT_NE(ViewerProtocolPageHtml(403).find("403 ERROR"), std::string::npos);
}

}  // namespace
}  // namespace edgesim::policy
