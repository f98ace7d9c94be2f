// viewer_headers.h — the CloudFront-* headers CloudFront writes about the viewer (SPEC 13.3).
//
// CloudFront adds them only when the behavior's cache policy (then they are in the key too) or
// origin request policy names them, overwriting a viewer header of the same name. edgesim
// computes these:
// * CloudFront-Forwarded-Proto: `https` or `http` (Request::https).
// * CloudFront-Is-{Desktop,Mobile,Tablet,SmartTV,IOS,Android}-Viewer: `true` / `false` from a
//   small User-Agent classifier (ClassifyUserAgent; CloudFront's own is unpublished).
// * CloudFront-Viewer-Country: edgesim's stand-in for geolocation: the viewer's own
//   `CloudFront-Viewer-Country` header, else ModelOptions::viewer_country (`--viewer-country`).
// * CloudFront-Viewer-Address: `ip:port` of the viewer's connection; none when unknown.
// * CloudFront-Viewer-Http-Version: `1.1` or `1.0`.
// Any other named CloudFront-* header (City, ASN, TLS, ...) passes as the viewer sent it.
//
//   ViewerHeaderValue("CloudFront-Is-Mobile-Viewer", viewer, options);   // "true"
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "policy/distribution.h"
#include "policy/http_message.h"
#include "policy/model_options.h"

namespace edgesim::policy {

// What CloudFront's device headers say; a tablet is also mobile (SPEC 13.3).
struct ViewerDevice {
  bool desktop = false;
  bool mobile = false;
  bool tablet = false;
  bool smart_tv = false;
  bool ios = false;
  bool android = false;

  bool operator==(const ViewerDevice&) const = default;
};

// UNCONFIRMED rules: a TV marker (smart-tv, googletv, appletv, hbbtv, roku, crkey) is a smart TV;
// iPad, Kindle, Silk, `tablet` or Android without `mobile` / `phone` is a tablet; iPhone, iPod, `mobi`,
// Android, Windows Phone or BlackBerry is mobile; anything else (no User-Agent too) is a desktop.
ViewerDevice ClassifyUserAgent(absl::string_view user_agent);

// The value edgesim writes for `name` (any case), or nullopt when it is not one edgesim computes
// (or CloudFront-Viewer-Address without a known viewer address).
absl::optional<std::string> ViewerHeaderValue(absl::string_view name, const Request& viewer,
                                              const ModelOptions& options);

// The CloudFront-* header names the behavior's cache policy or origin request policy lists: the
// ones CloudFront adds for it.
std::vector<absl::string_view> NamedCloudFrontHeaders(const CacheBehavior& behavior);

}  // namespace edgesim::policy
