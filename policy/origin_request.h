// origin_request.h — the request CloudFront sends to an origin for a viewer's request.
//
// SPEC 2.2, 2.4, 2.5, 4.4, 4.7 and 5 ("Request-side header handling"), in one place:
// * Target: OriginPath + the viewer's path (DefaultRootObject for "/" only) + the query
//   parameters the cache key or the origin request policy includes, in viewer order; none when
//   neither does. Legacy ForwardedValues with QueryString true forwards them all.
// * Headers: those the cache key or the origin request policy includes, never other viewer
//   headers; Accept-Encoding normalized when the cache policy normalizes it; hop-by-hop headers
//   dropped. Host is the origin's domain unless forwarded; User-Agent is "Amazon CloudFront"
//   unless forwarded; Authorization also goes with methods other than GET and HEAD. The viewer's
//   If-None-Match / If-Modified-Since go too (SPEC 13.2, ModelOptions::forward_viewer_conditionals).
// * Cookie: the cookies the key or the policy includes, as one `a=1; b=2` value.
// * CloudFront's own: the CloudFront-* headers the policies name (viewer_headers.h, SPEC 13.3),
//   X-Forwarded-For (viewer's list + "," + the viewer address, SPEC 13.1), Via, X-Amz-Cf-Id, then
//   the origin's custom headers, which win.
// * Body: the viewer's, shared, for methods other than GET and HEAD (SPEC 13.4); those two with a
//   body are refused before (RefusedForBody).
// Revalidation validators (If-None-Match / If-Modified-Since) are the cache's to set.
//
//   OriginRequestContext context{.behavior = &behavior, .origin = &origin,
//                                .distribution_domain = "d111.cloudfront.net"};
//   Request to_origin = BuildOriginRequest(viewer, context);
#pragma once

#include "absl/strings/string_view.h"
#include "policy/distribution.h"
#include "policy/http_message.h"
#include "policy/model_options.h"

namespace edgesim::policy {

struct OriginRequestContext {
  // The matched behavior: its cache policy and origin request policy. REQUIRES: non-null.
  const CacheBehavior* behavior = nullptr;
  // The behavior's origin; null when the distribution does not define it.
  const Origin* origin = nullptr;
  // Host when there is no origin to name.
  absl::string_view distribution_domain = {};
  // "/" + DefaultRootObject, or empty.
  absl::string_view root_path = {};
  // CloudFront's Via value ("1.1 <hex>.cloudfront.net (CloudFront)"); not sent when empty.
  absl::string_view via = {};
  // X-Amz-Cf-Id; not sent when empty.
  absl::string_view request_id = {};
  // The viewer country default and whether viewer conditionals go; null: the defaults.
  const ModelOptions* model = nullptr;
};

Request BuildOriginRequest(const Request& viewer, const OriginRequestContext& context);
// BuildOriginRequest's answer as an origin that reads only the request line and the validators
// sees it (the simulator's origin model): the same method, target, HTTP version and scheme, and
// the same If-None-Match / If-Modified-Since fields; no other header, no body.
Request BuildBareOriginRequest(const Request& viewer, const OriginRequestContext& context);

// The request announces a body: Content-Length above 0, or Transfer-Encoding (chunked).
bool CarriesBody(const Request& request);
// SPEC 4.1, 13.4: CloudFront answers a GET (and a HEAD) with a body 403, sending nothing upstream.
bool RefusedForBody(const Request& request);

}  // namespace edgesim::policy
