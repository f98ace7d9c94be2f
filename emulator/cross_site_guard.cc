#include "emulator/cross_site_guard.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "emulator/admin_api.h"
#include "emulator/api_error.h"
#include "emulator/cloudfront_api.h"

namespace edgesim::emulator {
namespace {

constexpr absl::string_view kUseATool =
    "; call the API from a tool (curl, the AWS CLI, an SDK), not from a web page";

// The name in a Host header: "[::1]:4510" -> "::1", "Example.localhost.:80" -> "example.localhost".
std::string HostName(absl::string_view host) {
  if (absl::ConsumePrefix(&host, "[")) {
    host = host.substr(0, host.find(']'));
  } else {
    host = host.substr(0, host.find(':'));
  }
  absl::ConsumeSuffix(&host, ".");
  return absl::AsciiStrToLower(host);
}

bool IsLoopbackAddress(const std::string& name) {
  in_addr v4;
  if (inet_pton(AF_INET, name.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6;
  return inet_pton(AF_INET6, name.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

// Names no DNS answer can point elsewhere than this machine (RFC 6761 6.3 for *.localhost).
bool IsLoopbackName(const std::string& name) {
  return name == "localhost" || absl::EndsWith(name, ".localhost") || IsLoopbackAddress(name);
}

bool ChangesState(absl::string_view method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

bool HasBrowserMarker(const httplib::Request& req) {
  if (req.has_header("Origin")) return true;
  for (const auto& [name, value] : req.headers) {
    if (absl::StartsWithIgnoreCase(name, "Sec-Fetch-")) return true;
  }
  return false;
}

// The body types a page sends without a CORS preflight (no Content-Type at all included).
bool IsPreflightFreeType(absl::string_view content_type) {
  const std::string media = absl::AsciiStrToLower(
      absl::StripAsciiWhitespace(content_type.substr(0, content_type.find(';'))));
  return media.empty() || media == "text/plain" || media == "application/x-www-form-urlencoded" ||
         media == "multipart/form-data";
}

absl::Status Refuse(absl::string_view why) {
  return absl::PermissionDeniedError(absl::StrCat("edgesim refused this request: ", why, kUseATool));
}

}  // namespace

absl::Status CheckCrossSite(const httplib::Request& req, const CrossSiteGuardOptions& options) {
  const std::string host = req.get_header_value("Host");
  const std::string host_name = HostName(host);
  if (IsLoopbackName(HostName(options.api_host)) && req.has_header("Host") &&
      !IsLoopbackName(host_name) && host_name != HostName(options.api_host)) {
    return Refuse(absl::StrCat("Host \"", host,
                               "\" is not a loopback name nor the --api host (a page may have "
                               "pointed its own name at 127.0.0.1)"));
  }
  if (!ChangesState(req.method)) return absl::OkStatus();
  const std::string site = absl::AsciiStrToLower(req.get_header_value("Sec-Fetch-Site"));
  if (site == "cross-site" || site == "same-site") {
    return Refuse(absl::StrCat("Sec-Fetch-Site is ", site));
  }
  if (req.has_header("Origin") && req.get_header_value("Origin") != absl::StrCat("http://", host)) {
    return Refuse(absl::StrCat("Origin \"", req.get_header_value("Origin"),
                               "\" is not the API's own"));
  }
  if (HasBrowserMarker(req) && IsPreflightFreeType(req.get_header_value("Content-Type"))) {
    return Refuse(absl::StrCat("a browser request with Content-Type \"",
                               req.get_header_value("Content-Type"),
                               "\" (sent without a CORS preflight)"));
  }
  return absl::OkStatus();
}

void MountCrossSiteGuard(httplib::Server& server, CrossSiteGuardOptions options) {
  server.set_pre_routing_handler(
      [options = std::move(options)](const httplib::Request& req, httplib::Response& res) {
        const absl::Status verdict = CheckCrossSite(req, options);
        if (verdict.ok()) return httplib::Server::HandlerResponse::Unhandled;
        if (absl::StartsWith(req.path, kCloudFrontApiPrefix)) {
          WriteCloudFrontApiError(res, {"AccessDenied", 403, std::string(verdict.message())});
        } else {
          WriteAdminApiError(res, 403, "AccessDenied", verdict.message());
        }
        return httplib::Server::HandlerResponse::Handled;
      });
}

}  // namespace edgesim::emulator
