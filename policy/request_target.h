// request_target.h — what the edge accepts as a viewer request's target and Host before it routes
// the request (SPEC 4.3, SPEC B16), for the emulator's edge and the drivers that replay requests.
//
// RFC 9112 section 3.2: an HTTP/1.1 request without a Host field, or any request with two, is a
// 400. The target must be origin-form (`/path?query`) or absolute-form (`http://host/path`); an
// absolute-form target becomes origin-form and its authority replaces the Host field (RFC 9112
// section 3.2.2). Everything else (`*`, `host:443`, `../etc/passwd`) is a 400. Dot segments in an
// origin-form path stay: CloudFront resolves them only for matching and forwards the raw path
// (SPEC 1.1 rule 9).
//
//   policy::Request r = policy::Request::Get("http://d111.cloudfront.net/a?b");
//   ToOriginForm(r);   // OK; r.target == "/a?b", Host: d111.cloudfront.net
#pragma once

#include "absl/status/status.h"
#include "policy/http_message.h"

namespace edgesim::policy {

// Checks `request`'s Host fields and target, rewriting an absolute-form target in place (the only
// case that allocates). InvalidArgument, with a message for the viewer, for what CloudFront
// answers 400.
absl::Status ToOriginForm(Request& request);

}  // namespace edgesim::policy
