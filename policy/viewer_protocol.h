// viewer_protocol.h — a cache behavior's ViewerProtocolPolicy applied to a viewer request
// (SPEC 4.7), before the cache or the origin sees it.
//
//   allow-all          HTTP and HTTPS are served.
//   redirect-to-https  over HTTP: GET and HEAD get a 301 to the HTTPS URL; any other method a 307
//                      over HTTP/1.1, a 403 over HTTP/1.0.
//   https-only         over HTTP: 403.
//
// The answers are CloudFront's own (Server: CloudFront, Content-Type: text/html); a redirect's
// result type is Redirect, its body the 167-byte page CloudFront sends with a 301.
//
//   const ViewerProtocolAnswer a = CheckViewerProtocol("redirect-to-https", request);
//   if (a.status == 301) Location = HttpsLocation(host, request.target);
#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "policy/http_message.h"

namespace edgesim::policy {

struct ViewerProtocolAnswer {
  // 0: serve the request; 301 or 307: redirect to HTTPS; 403: refuse it.
  int status = 0;

  bool redirect() const { return status == 301 || status == 307; }
};

// `policy` is the behavior's ViewerProtocolPolicy; an unknown value serves (the validator refuses
// it before a distribution runs).
ViewerProtocolAnswer CheckViewerProtocol(absl::string_view policy, const Request& request);

// "https://<host><target>". `https_port` other than 0 and 443 replaces `host`'s port (or is added
// to it): the emulator's TLS listener when it is not on 443. `host` may be a bracketed IPv6
// literal.
std::string HttpsLocation(absl::string_view host, absl::string_view target,
                          uint16_t https_port = 0);

// The body CloudFront sends with its 301 and 307 (167 bytes for the 301), and with the 403 for
// HTTP where HTTPS is required (its error page).
std::string ViewerProtocolPageHtml(int status);

}  // namespace edgesim::policy
