#include "policy/viewer_protocol.h"

#include "absl/strings/str_cat.h"
#include "policy/response_head.h"

namespace edgesim::policy {

ViewerProtocolAnswer CheckViewerProtocol(absl::string_view policy, const Request& request) {
  if (request.https) return {};
  if (policy == "https-only") return {403};
  if (policy != "redirect-to-https") return {};
  if (request.method == "GET" || request.method == "HEAD") return {301};
  // SPEC 4.7: other methods keep their body only with a 307, which HTTP/1.0 does not have.
  return {request.http_minor_version >= 1 ? 307 : 403};
}

std::string HttpsLocation(absl::string_view host, absl::string_view target, uint16_t https_port) {
  if (https_port == 0 || https_port == 443) return absl::StrCat("https://", host, target);
  // The port follows the last ':' unless that ':' is inside an IPv6 literal's brackets.
  const size_t colon = host.rfind(':');
  const size_t bracket = host.rfind(']');
  if (colon != absl::string_view::npos && (bracket == absl::string_view::npos || colon > bracket)) {
    host = host.substr(0, colon);
  }
  return absl::StrCat("https://", host, ":", https_port, target);
}

std::string ViewerProtocolPageHtml(int status) {
  if (status == 403) {
    return ErrorPageHtml(403,
                         "This distribution is configured to require HTTPS for this request.");
  }
  const absl::string_view reason = status == 301 ? "301 Moved Permanently"
                                                 : "307 Temporary Redirect";
  return absl::StrCat("<html>\r\n<head><title>", reason,
                      "</title></head>\r\n<body>\r\n<center><h1>", reason,
                      "</h1></center>\r\n<hr><center>CloudFront</center>\r\n</body>\r\n"
                      "</html>\r\n");
}

}  // namespace edgesim::policy
