#include "policy/origin_request.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "policy/ascii_case.h"
#include "policy/cache_key.h"
#include "policy/viewer_headers.h"

namespace edgesim::policy {
namespace {

// What a behavior sends upstream besides its key: the origin request policy's lists, or nothing.
struct Forwarding {
  explicit Forwarding(const CacheBehavior& b) : key(b.cache_policy) {
    if (b.origin_request_policy.has_value()) {
      headers = b.origin_request_policy->ViewerHeaders();
      cookies = b.origin_request_policy->cookies;
      query_strings = b.origin_request_policy->query_strings;
    }
  }

  bool Header(absl::string_view name) const {
    return key.legacy_forward_all_headers ||
           KeyListIncludes(key.headers, name, NameMatch::kIgnoreCase) ||
           KeyListIncludes(headers, name, NameMatch::kIgnoreCase);
  }
  bool Cookie(absl::string_view name) const {
    return KeyListIncludes(key.cookies, name, key.legacy ? NameMatch::kGlob : NameMatch::kExact) ||
           KeyListIncludes(cookies, name, NameMatch::kExact);
  }
  bool QueryParameter(absl::string_view name) const {
    return key.legacy_forward_all_query_strings ||
           KeyListIncludes(key.query_strings, name, NameMatch::kExact) ||
           KeyListIncludes(query_strings, name, NameMatch::kExact);
  }
  bool NormalizesAcceptEncoding() const {
    return key.enable_accept_encoding_gzip || key.enable_accept_encoding_brotli;
  }

  const CachePolicy& key;
  KeyList headers;
  KeyList cookies;
  KeyList query_strings;
};

// Never forwarded as the viewer sent them: hop-by-hop fields (RFC 9110 7.6.1), the body framing
// of a request that carries no body here, and what is rebuilt below.
bool Rebuilt(absl::string_view name) {
  static constexpr absl::string_view kNames[] = {
      "connection", "keep-alive",        "proxy-connection", "te",  "trailer",
      "upgrade",    "transfer-encoding", "content-length",   "via", "x-forwarded-for",
      "cookie",     "x-amz-cf-id"};
  for (absl::string_view n : kNames) {
    if (AsciiEqualsIgnoreCase(n, name)) return true;
  }
  return false;
}

bool ReadsOnly(absl::string_view method) { return method == "GET" || method == "HEAD"; }

// SPEC 13.2: the viewer's own validators, forwarded as-is on a miss.
bool ViewerConditional(absl::string_view name) {
  return EqualsLowercaseLiteral(name, "if-none-match") ||
         EqualsLowercaseLiteral(name, "if-modified-since");
}

std::string ForwardedQuery(absl::string_view query, const Forwarding& forwarding) {
  std::vector<absl::string_view> kept;
  for (absl::string_view param : absl::StrSplit(query, '&')) {
    const absl::string_view name = param.substr(0, param.find('='));
    if (!name.empty() && forwarding.QueryParameter(name)) kept.push_back(param);
  }
  return absl::StrJoin(kept, "&");
}

// SPEC 4.4: the viewer's cookies the key or the policy includes; CloudFront strips the others.
std::string ForwardedCookies(const Headers& headers, const Forwarding& forwarding) {
  std::vector<absl::string_view> kept;
  for (absl::string_view field : headers.GetAll("Cookie")) {
    for (absl::string_view pair : absl::StrSplit(field, ';')) {
      pair = absl::StripAsciiWhitespace(pair);
      const absl::string_view name =
          absl::StripTrailingAsciiWhitespace(pair.substr(0, std::min(pair.find('='), pair.size())));
      if (!name.empty() && forwarding.Cookie(name)) kept.push_back(pair);
    }
  }
  return absl::StrJoin(kept, "; ");
}

std::string Target(const Request& viewer, const OriginRequestContext& context,
                   const Forwarding& forwarding) {
  const absl::string_view path = viewer.path();
  std::string target = context.origin != nullptr ? context.origin->origin_path : "";
  // SPEC 4.7: DefaultRootObject replaces the root path only.
  absl::StrAppend(&target, path == "/" && !context.root_path.empty() ? context.root_path : path);
  if (viewer.has_query()) {
    const std::string query = ForwardedQuery(viewer.query(), forwarding);
    if (!query.empty()) absl::StrAppend(&target, "?", query);
  }
  return target;
}

const ModelOptions& ModelOf(const OriginRequestContext& context) {
  static const ModelOptions kDefaults;
  return context.model != nullptr ? *context.model : kDefaults;
}

// The method, target, HTTP version and scheme.
Request RequestLine(const Request& viewer, const OriginRequestContext& context,
                    const Forwarding& forwarding) {
  Request f;
  f.method = viewer.method;
  f.http_minor_version = 1;  // SPEC 5: HTTP/1.1 to custom origins
  f.https = viewer.https;  // OriginProtocolPolicy match-viewer follows it
  f.target = Target(viewer, context, forwarding);
  return f;
}

// A viewer header that goes upstream as the viewer sent it (those rebuilt or generated aside).
bool PassesAsSent(absl::string_view name, const Forwarding& forwarding, const ModelOptions& model,
                  bool authorization_passes) {
  return forwarding.Header(name) ||
         (authorization_passes && EqualsLowercaseLiteral(name, "authorization")) ||
         (model.forward_viewer_conditionals && ViewerConditional(name));
}

}  // namespace

Request BuildOriginRequest(const Request& viewer, const OriginRequestContext& context) {
  const Forwarding forwarding(*context.behavior);
  Request f = RequestLine(viewer, context, forwarding);
  f.viewer_address = viewer.viewer_address;

  // The viewer's fields and the few this adds (Host, User-Agent, X-Forwarded-For, Via,
  // X-Amz-Cf-Id, ...), in one allocation.
  f.headers.Reserve(viewer.headers.size() + 8);
  const ModelOptions& model = ModelOf(context);
  const bool normalizes = forwarding.NormalizesAcceptEncoding();
  const bool reads_body = ReadsOnly(viewer.method);
  // DOC-OLD: Authorization is dropped for GET and HEAD only, unless forwarded.
  const bool authorization_passes = !reads_body;
  // SPEC 13.3: the CloudFront-* headers the policies name, in place of the viewer's.
  std::vector<std::pair<absl::string_view, std::string>> generated;
  for (absl::string_view name : NamedCloudFrontHeaders(*context.behavior)) {
    if (absl::optional<std::string> value = ViewerHeaderValue(name, viewer, model)) {
      generated.emplace_back(name, *std::move(value));
    }
  }
  const auto is_generated = [&generated](absl::string_view name) {
    for (const auto& g : generated) {
      if (AsciiEqualsIgnoreCase(g.first, name)) return true;
    }
    return false;
  };
  for (const auto& [name, value] : viewer.headers.fields()) {
    if (Rebuilt(name) || is_generated(name)) continue;
    if (normalizes && EqualsLowercaseLiteral(name, "accept-encoding")) continue;
    if (PassesAsSent(name, forwarding, model, authorization_passes)) f.headers.Add(name, value);
  }
  for (const auto& [name, value] : generated) {
    if (!f.headers.Has(name)) f.headers.Add(name, value);
  }
  if (!reads_body) f.body = viewer.body;
  if (!f.headers.Has("Host")) {
    f.headers.Add("Host", context.origin != nullptr ? absl::string_view(context.origin->domain_name)
                                                    : context.distribution_domain);
  }
  const std::string cookies = ForwardedCookies(viewer.headers, forwarding);
  if (!cookies.empty()) f.headers.Add("Cookie", cookies);
  if (normalizes) {
    const CachePolicy& key = forwarding.key;
    const NormalizedAcceptEncoding normalized = NormalizeAcceptEncoding(
        viewer.headers.GetCombined("Accept-Encoding"), key.enable_accept_encoding_gzip,
        key.enable_accept_encoding_brotli, viewer.http_minor_version);
    if (normalized.origin_value) f.headers.Add("Accept-Encoding", *normalized.origin_value);
  }
  if (!f.headers.Has("User-Agent")) f.headers.Add("User-Agent", "Amazon CloudFront");

  std::vector<std::string> chain;
  if (const absl::optional<std::string> xff = viewer.headers.GetCombined("X-Forwarded-For")) {
    chain.push_back(*xff);
  }
  if (!viewer.viewer_address.empty()) chain.push_back(viewer.viewer_address);
  // SPEC 13.1: the documented example appends with "," and no space (UNCONFIRMED on the wire).
  if (!chain.empty()) f.headers.Add("X-Forwarded-For", absl::StrJoin(chain, ","));
  if (!context.via.empty()) {
    const absl::optional<std::string> viewer_via = viewer.headers.GetCombined("Via");
    f.headers.Add("Via", viewer_via ? absl::StrCat(*viewer_via, ", ", context.via)
                                    : std::string(context.via));
  }
  if (!context.request_id.empty()) f.headers.Add("X-Amz-Cf-Id", context.request_id);
  if (context.origin != nullptr) {
    for (const auto& [name, value] : context.origin->custom_headers) f.headers.Set(name, value);
  }
  return f;
}

Request BuildBareOriginRequest(const Request& viewer, const OriginRequestContext& context) {
  const Forwarding forwarding(*context.behavior);
  Request f = RequestLine(viewer, context, forwarding);
  // As BuildOriginRequest sends them: no validator is rebuilt or generated, and Authorization is
  // no validator.
  for (const auto& [name, value] : viewer.headers.fields()) {
    if (ViewerConditional(name) && PassesAsSent(name, forwarding, ModelOf(context), false)) {
      f.headers.Add(name, value);
    }
  }
  if (context.origin != nullptr) {
    for (const auto& [name, value] : context.origin->custom_headers) {
      if (ViewerConditional(name)) f.headers.Set(name, value);
    }
  }
  return f;
}

bool CarriesBody(const Request& request) {
  if (request.headers.Has("Transfer-Encoding")) return true;
  uint64_t length = 0;
  const absl::optional<absl::string_view> field = request.headers.Get("Content-Length");
  return field && absl::SimpleAtoi(*field, &length) && length > 0;
}

bool RefusedForBody(const Request& request) {
  return ReadsOnly(request.method) && CarriesBody(request);
}

}  // namespace edgesim::policy
