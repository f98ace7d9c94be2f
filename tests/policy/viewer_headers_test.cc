#include "policy/viewer_headers.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "policy/origin_request_policy.h"

namespace edgesim::policy {
namespace {

struct DeviceCase {
  const char* name;
  const char* user_agent;
  ViewerDevice expected;
};

// SPEC 13.3: a tablet is also mobile; several answers can be true.
std::vector<DeviceCase> DeviceCases() {
  return {
      {"NoUserAgent", "", {.desktop = true}},
      {"DesktopChrome",
       "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/125.0 Safari/537.36",
       {.desktop = true}},
      {"Curl", "curl/8.5.0", {.desktop = true}},
      {"IPhone",
       "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1",
       {.mobile = true, .ios = true}},
      {"IPad", "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) Mobile/15E148",
       {.mobile = true, .tablet = true, .ios = true}},
      {"AndroidPhone", "Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/125.0 Mobile Safari/537.36",
       {.mobile = true, .android = true}},
      {"AndroidTablet", "Mozilla/5.0 (Linux; Android 13; SM-X710) Chrome/125.0 Safari/537.36",
       {.mobile = true, .tablet = true, .android = true}},
      {"Kindle", "Mozilla/5.0 (Linux; KFTRWI) AppleWebKit/537.36 Silk/120.3", 
       {.mobile = true, .tablet = true}},
      {"SmartTv", "Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) SamsungBrowser/4.0 TV Safari/537.36",
       {.smart_tv = true}},
      {"AndroidTv", "Mozilla/5.0 (Linux; Android 12; GoogleTV) Chrome/120.0 Safari/537.36",
       {.smart_tv = true, .android = true}},
      {"WindowsPhone", "Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1) Edge/15.0",
       {.mobile = true, .android = true}},
  };
}

class ClassifyUserAgentTest : public ::testing::TestWithParam<DeviceCase> {};

TEST_P(ClassifyUserAgentTest, Classifies) {
  const ViewerDevice d = ClassifyUserAgent(GetParam().user_agent);
  const ViewerDevice& e = GetParam().expected;
  EXPECT_EQ(d.desktop, e.desktop);
  EXPECT_EQ(d.mobile, e.mobile);
  EXPECT_EQ(d.tablet, e.tablet);
  EXPECT_EQ(d.smart_tv, e.smart_tv);
  EXPECT_EQ(d.ios, e.ios);
  EXPECT_EQ(d.android, e.android);
}

INSTANTIATE_TEST_SUITE_P(UserAgents, ClassifyUserAgentTest, ::testing::ValuesIn(DeviceCases()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ViewerHeaderValueTest, ComputesWhatEdgesimKnows) {
  Request viewer = Request::Get("/p");
  viewer.viewer_address = "198.51.100.10";
  viewer.viewer_port = 46532;
  viewer.http_minor_version = 0;
  viewer.https = true;
  viewer.headers = {{"User-Agent", "Mozilla/5.0 (iPad; CPU OS 17_0)"}};
  const ModelOptions options;
  EXPECT_EQ(ViewerHeaderValue("CloudFront-Viewer-Address", viewer, options), "198.51.100.10:46532");
  EXPECT_EQ(ViewerHeaderValue("cloudfront-viewer-http-version", viewer, options), "1.0");
  EXPECT_EQ(ViewerHeaderValue("CloudFront-Forwarded-Proto", viewer, options), "https");
  EXPECT_EQ(ViewerHeaderValue("CloudFront-Is-Tablet-Viewer", viewer, options), "true");
  EXPECT_EQ(ViewerHeaderValue("CloudFront-Is-Desktop-Viewer", viewer, options), "false");
  EXPECT_EQ(ViewerHeaderValue("CloudFront-Viewer-Country", viewer, options), "US");
  viewer.headers.Add("CloudFront-Viewer-Country", "NZ");
  EXPECT_EQ(ViewerHeaderValue("CloudFront-Viewer-Country", viewer, options), "NZ");
  // Not computed: geolocation details, TLS, ASN, and any ordinary header.
  EXPECT_EQ(ViewerHeaderValue("CloudFront-Viewer-City", viewer, options), absl::nullopt);
  EXPECT_EQ(ViewerHeaderValue("CloudFront-Viewer-TLS", viewer, options), absl::nullopt);
  EXPECT_EQ(ViewerHeaderValue("CloudFront-Is-Fridge-Viewer", viewer, options), absl::nullopt);
  EXPECT_EQ(ViewerHeaderValue("User-Agent", viewer, options), absl::nullopt);
  viewer.viewer_address.clear();
  EXPECT_EQ(ViewerHeaderValue("CloudFront-Viewer-Address", viewer, options), absl::nullopt);
}

TEST(NamedCloudFrontHeadersTest, FromTheCachePolicyAndTheOriginRequestPolicy) {
  CacheBehavior behavior;
  EXPECT_TRUE(NamedCloudFrontHeaders(behavior).empty());
  behavior.cache_policy.headers = {KeyListBehavior::kWhitelist,
                                   {"Origin", "CloudFront-Viewer-Country"}};
  EXPECT_EQ(NamedCloudFrontHeaders(behavior),
            std::vector<absl::string_view>{"CloudFront-Viewer-Country"});
  behavior.origin_request_policy = *FindManagedOriginRequestPolicy("AllViewer");
  EXPECT_EQ(NamedCloudFrontHeaders(behavior).size(), 1u);
  behavior.origin_request_policy =
      *FindManagedOriginRequestPolicy("AllViewerAndCloudFrontHeaders-2022-06");
  EXPECT_EQ(NamedCloudFrontHeaders(behavior).size(), 22u);
  // allExcept lists what is not sent: it adds nothing.
  behavior.origin_request_policy->header_behavior = OriginHeaderBehavior::kAllExcept;
  EXPECT_EQ(NamedCloudFrontHeaders(behavior).size(), 1u);
}

}  // namespace
}  // namespace edgesim::policy
