#include "policy/viewer_headers.h"

#include <initializer_list>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "policy/ascii_case.h"

namespace edgesim::policy {
namespace {

bool ContainsAny(absl::string_view lowered, std::initializer_list<absl::string_view> needles) {
  for (absl::string_view needle : needles) {
    if (absl::StrContains(lowered, needle)) return true;
  }
  return false;
}

absl::string_view Bool(bool b) { return b ? "true" : "false"; }

// The device headers' answers, by the header's name (lower case, after "cloudfront-is-").
absl::optional<bool> DeviceAnswer(absl::string_view device, const ViewerDevice& d) {
  if (device == "desktop-viewer") return d.desktop;
  if (device == "mobile-viewer") return d.mobile;
  if (device == "tablet-viewer") return d.tablet;
  if (device == "smarttv-viewer") return d.smart_tv;
  if (device == "ios-viewer") return d.ios;
  if (device == "android-viewer") return d.android;
  return absl::nullopt;
}

void AddCloudFrontNames(const std::vector<std::string>& names,
                        std::vector<absl::string_view>& out) {
  for (const std::string& name : names) {
    if (absl::StartsWithIgnoreCase(name, "cloudfront-")) out.push_back(name);
  }
}

}  // namespace

ViewerDevice ClassifyUserAgent(absl::string_view user_agent) {
  const std::string ua = absl::AsciiStrToLower(user_agent);
  ViewerDevice d;
  d.smart_tv = ContainsAny(ua, {"smart-tv", "smarttv", "googletv", "appletv", "hbbtv", "roku",
                                "crkey"});
  d.ios = ContainsAny(ua, {"iphone", "ipad", "ipod"});
  d.android = absl::StrContains(ua, "android");
  d.tablet = !d.smart_tv && (ContainsAny(ua, {"ipad", "kindle", "silk", "tablet"}) ||
                             (d.android && !ContainsAny(ua, {"mobile", "phone"})));
  d.mobile = !d.smart_tv && (d.tablet || d.android ||
                             ContainsAny(ua, {"mobi", "iphone", "ipod", "windows phone",
                                              "blackberry"}));
  d.desktop = !d.smart_tv && !d.mobile;
  return d;
}

absl::optional<std::string> ViewerHeaderValue(absl::string_view name, const Request& viewer,
                                              const ModelOptions& options) {
  if (!absl::StartsWithIgnoreCase(name, "cloudfront-")) return absl::nullopt;
  const std::string lower = absl::AsciiStrToLower(name.substr(11));
  if (lower == "forwarded-proto") return std::string(viewer.https ? "https" : "http");
  if (lower == "viewer-http-version") {
    return absl::StrCat("1.", viewer.http_minor_version);
  }
  if (lower == "viewer-country") {
    const absl::optional<absl::string_view> sent = viewer.headers.Get("CloudFront-Viewer-Country");
    return std::string(sent && !sent->empty() ? *sent : options.viewer_country);
  }
  if (lower == "viewer-address") {
    if (viewer.viewer_address.empty()) return absl::nullopt;
    return absl::StrCat(viewer.viewer_address, ":", viewer.viewer_port);
  }
  if (absl::StartsWith(lower, "is-")) {
    const absl::optional<bool> answer = DeviceAnswer(
        absl::string_view(lower).substr(3),
        ClassifyUserAgent(viewer.headers.Get("User-Agent").value_or("")));
    if (answer) return std::string(Bool(*answer));
  }
  return absl::nullopt;
}

std::vector<absl::string_view> NamedCloudFrontHeaders(const CacheBehavior& behavior) {
  std::vector<absl::string_view> names;
  const KeyList& key = behavior.cache_policy.headers;
  if (key.behavior == KeyListBehavior::kWhitelist) AddCloudFrontNames(key.names, names);
  if (behavior.origin_request_policy.has_value()) {
    const OriginRequestPolicy& p = *behavior.origin_request_policy;
    if (p.header_behavior == OriginHeaderBehavior::kWhitelist ||
        p.header_behavior == OriginHeaderBehavior::kAllViewerAndWhitelistCloudFront) {
      AddCloudFrontNames(p.headers, names);
    }
  }
  return names;
}

}  // namespace edgesim::policy
