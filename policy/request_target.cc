#include "policy/request_target.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "policy/ascii_case.h"

namespace edgesim::policy {
namespace {

// RFC 3986 section 3.2.2: reg-name, IPv4 or a bracketed IPv6 literal, then an optional port. No
// userinfo: `user@host` names someone's credentials, never a distribution.
bool IsAuthority(absl::string_view authority) {
  if (authority.empty()) return false;
  for (const char c : authority) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) &&
        absl::string_view("-._~!$&'()*+,;=:[]%").find(c) == absl::string_view::npos) {
      return false;
    }
  }
  return true;
}

// The length of the scheme with its "://", or 0 when `target` is not http(s) absolute-form.
size_t SchemePrefix(absl::string_view target) {
  for (const absl::string_view scheme : {"http://", "https://"}) {
    if (target.size() >= scheme.size() &&
        AsciiEqualsIgnoreCase(target.substr(0, scheme.size()), scheme)) {
      return scheme.size();
    }
  }
  return 0;
}

absl::Status CheckHostFields(const Request& request) {
  int hosts = 0;
  for (const Headers::Field& f : request.headers.fields()) {
    if (AsciiEqualsIgnoreCase(f.first, "host")) ++hosts;
  }
  if (hosts > 1) return absl::InvalidArgumentError("The request has more than one Host header.");
  if (hosts == 0 && request.http_minor_version >= 1) {
    return absl::InvalidArgumentError("The request has no Host header.");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ToOriginForm(Request& request) {
  if (absl::Status s = CheckHostFields(request); !s.ok()) return s;
  const absl::string_view target = request.target;
  if (absl::StartsWith(target, "/")) return absl::OkStatus();
  const size_t scheme = SchemePrefix(target);
  if (scheme == 0) return absl::InvalidArgumentError("The request target is not a path.");
  const size_t path = target.find('/', scheme);
  const absl::string_view authority = target.substr(scheme, path - scheme);
  // "http://host?x" (a query but no path, which RFC 9112 reads as "/?x") is refused too: '?' is
  // no authority character.
  if (!IsAuthority(authority)) {
    return absl::InvalidArgumentError("The request target names no valid host.");
  }
  request.headers.Set("Host", authority);
  request.target = path == absl::string_view::npos ? std::string("/") : request.target.substr(path);
  return absl::OkStatus();
}

}  // namespace edgesim::policy
