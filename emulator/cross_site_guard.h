// cross_site_guard.h — keeps web pages off `edgesim serve`'s API port (the admin API and
// CloudFront's REST API), so a page open in the developer's browser cannot reset caches, create
// distributions or read the cache through it. The port binds to loopback, but a browser on the
// same machine reaches loopback too.
//
// One httplib pre-routing handler, mounted once, refuses before any route runs:
//   - every method, when the API is bound to a loopback address: a Host that is neither a loopback
//     name (localhost, *.localhost, 127.0.0.0/8, ::1) nor the --api host. A page that rebinds its
//     own DNS name to 127.0.0.1 still sends its own name as Host. Bound elsewhere (0.0.0.0, a LAN
//     address), the Host is not checked: the port is exposed on purpose.
//   - every method but GET, HEAD and OPTIONS:
//       * Sec-Fetch-Site cross-site or same-site (modern browsers send it on every request);
//       * an Origin that is not the API's own ("http://" + Host), `Origin: null` included;
//       * with any browser marker (Origin or a Sec-Fetch-* header), a body type a page can send
//         without a CORS preflight: none, text/plain, application/x-www-form-urlencoded,
//         multipart/form-data. The API answers no preflight, so other types never leave a page.
// Tools send no browser markers: the AWS CLI and boto3 (rest-xml without a Content-Type), the JS
// SDK (application/xml), curl (`curl -d` is application/x-www-form-urlencoded) pass.
// A refusal is 403 AccessDenied in the API's own format: CloudFront's XML error under
// /2020-05-31/ (api_error.h), the admin API's JSON error elsewhere.
//
//   httplib::Server api;
//   MountCrossSiteGuard(api, {.api_host = "127.0.0.1"});
//   MountAdminApi(api, ...);
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "httplib.h"

namespace edgesim::emulator {

struct CrossSiteGuardOptions {
  std::string api_host;  // the HOST of --api: a Host header naming it is the API's own
};

// PermissionDenied, with a message for the caller, when the guard refuses `req`.
absl::Status CheckCrossSite(const httplib::Request& req, const CrossSiteGuardOptions& options);

// Installs the pre-routing handler (replacing any other).
void MountCrossSiteGuard(httplib::Server& server, CrossSiteGuardOptions options);

}  // namespace edgesim::emulator
