// cloudfront_api.h — CloudFront's control-plane REST-XML API (version 2020-05-31, API 1) on
// `edgesim serve`'s API port, so the unmodified AWS CLI, boto3 and Terraform can drive edgesim:
// AWS_ENDPOINT_URL_CLOUDFRONT=http://127.0.0.1:4510 aws cloudfront create-invalidation ...
//
// Every operation of API 1.2, at the method and URI of the API model
// (cloudfront_shapes.h): distributions (also CreateDistributionWithTags), invalidations, cache
// policies, tags. Bodies go through xml_codec.h into ControlPlane (control_plane.h) and back.
// Every answer carries `x-amz-request-id`; successes carry the model's status (201 + Location +
// ETag on create, 204 on delete / tag), `Content-Type: text/xml`; errors are CloudFront's
// <ErrorResponse> (api_error.h) with the same request id. Signatures are ignored (any region and
// credentials work). A POST or PUT without a body is MissingBody; a bad MaxItems is
// InvalidArgument; an unknown route under /2020-05-31/ is an XML 404; an exception in a handler is
// InternalError (500).
//
// MountCloudFrontApi also bounds the server's request bodies to kMaxXmlBodyBytes (xml_codec.h;
// larger ones are refused as MalformedInput) and installs the server's error handler, which only
// writes bodies for paths under /2020-05-31/ (the admin API's routes write their own).
//
//   httplib::Server api;
//   MountAdminApi(api, registry, {...});
//   MountCloudFrontApi(api, control_plane, clock);
//   api.listen("127.0.0.1", 4510);
#pragma once

#include "absl/strings/string_view.h"
#include "core/clock.h"
#include "emulator/api_error.h"
#include "emulator/control_plane.h"
#include "httplib.h"

namespace edgesim::emulator {

// Everything referenced must outlive `server`'s use of the routes.
void MountCloudFrontApi(httplib::Server& server, ControlPlane& control_plane,
                        const core::Clock& clock);

// The path prefix of every CloudFront API route.
inline constexpr absl::string_view kCloudFrontApiPrefix = "/2020-05-31/";

// Writes `error` as the routes do (its status, a new x-amz-request-id, the XML body), for what
// refuses a request before its route runs (cross_site_guard.h).
void WriteCloudFrontApiError(httplib::Response& res, const ApiError& error);

}  // namespace edgesim::emulator
