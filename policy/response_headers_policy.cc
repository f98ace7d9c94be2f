#include "policy/response_headers_policy.h"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "policy/ascii_case.h"
#include "policy/cache_policy.h"
#include "policy/json_reader.h"
#include "policy/status_macros.h"

namespace edgesim::policy {
namespace {

// SPEC 11.5's quotas.
constexpr size_t kMaxCustomHeaders = 10;
constexpr size_t kMaxRemoveHeaders = 10;  // UNCONFIRMED number (SPEC 11.5)
constexpr size_t kMaxCspLength = 1783;

constexpr absl::string_view kInvalidArgument = "InvalidArgument";
constexpr std::array<absl::string_view, 4> kErrorCodes = {
    kInvalidArgument, "TooLongCSPInResponseHeadersPolicy",
    "TooManyCustomHeadersInResponseHeadersPolicy", "TooManyRemoveHeadersInResponseHeadersPolicy"};

// The methods "ALL" stands for, in the managed CORS-With-Preflight's order (SPEC 11.4).
constexpr absl::string_view kAllCorsMethods = "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT";

// `located` (a JsonError) with `code` before its message; the location payload is kept.
absl::Status RhpError(absl::string_view code, const absl::Status& located) {
  absl::Status coded = absl::InvalidArgumentError(absl::StrCat(code, ": ", located.message()));
  located.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    coded.SetPayload(url, payload);
  });
  return coded;
}

// --- Reading (first problem wins: CloudFront's policy API answers one error at a time).

absl::StatusOr<absl::optional<JsonReader>> OptionalObject(const JsonReader& obj,
                                                          absl::string_view key) {
  JsonReader field = obj.Field(key);
  if (!field.present()) return absl::optional<JsonReader>();
  EDGESIM_RETURN_IF_ERROR(field.ExpectObject());
  return absl::make_optional(field);
}

absl::StatusOr<bool> RequiredBool(const JsonReader& obj, absl::string_view key) {
  EDGESIM_ASSIGN_OR_RETURN(const JsonReader field, obj.Required(key));
  return field.Bool();
}

absl::StatusOr<std::string> RequiredString(const JsonReader& obj, absl::string_view key) {
  EDGESIM_ASSIGN_OR_RETURN(const JsonReader field, obj.Required(key));
  return field.String();
}

// A CloudFront list's Items (Quantity is CheckQuantities' business in the emulator).
absl::StatusOr<std::vector<JsonReader>> ListItems(const JsonReader& list) {
  EDGESIM_RETURN_IF_ERROR(list.ExpectObject());
  const JsonReader items = list.Field("Items");
  if (!items.present()) return std::vector<JsonReader>();
  return items.Items();
}

absl::StatusOr<std::vector<std::string>> StringList(const JsonReader& obj, absl::string_view key,
                                                    bool required) {
  const JsonReader list = obj.Field(key);
  if (!list.present()) {
    if (required) return list.Missing();
    return std::vector<std::string>();
  }
  EDGESIM_ASSIGN_OR_RETURN(const std::vector<JsonReader> items, ListItems(list));
  std::vector<std::string> out;
  for (const JsonReader& item : items) {
    EDGESIM_ASSIGN_OR_RETURN(std::string s, item.String());
    out.push_back(std::move(s));
  }
  return out;
}

absl::Status OneOf(const JsonReader& at, absl::string_view value,
                   std::initializer_list<absl::string_view> allowed) {
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return absl::OkStatus();
  return at.Error(absl::StrCat("\"", value, "\" is not one of ", absl::StrJoin(allowed, ", ")));
}

// SPEC 11.3: "*" alone, or "*" as the whole leftmost label of the host.
bool ValidOriginPattern(absl::string_view origin) {
  if (origin == "*") return true;
  const size_t star = origin.find('*');
  if (star == absl::string_view::npos) return true;
  if (origin.find('*', star + 1) != absl::string_view::npos) return false;
  const size_t host = origin.find("://");
  const size_t host_start = host == absl::string_view::npos ? 0 : host + 3;
  return star == host_start && origin.substr(star + 1, 1) == "." &&
         origin.substr(star + 2).find('.') != absl::string_view::npos;
}

absl::StatusOr<CorsConfig> ParseCors(const JsonReader& j) {
  CorsConfig c;
  EDGESIM_ASSIGN_OR_RETURN(c.allow_origins, StringList(j, "AccessControlAllowOrigins", true));
  for (const std::string& origin : c.allow_origins) {
    if (!ValidOriginPattern(origin)) {
      return j.Field("AccessControlAllowOrigins")
          .Error(absl::StrCat("\"", origin,
                              "\": a wildcard may only be \"*\" or the leftmost label"));
    }
  }
  EDGESIM_ASSIGN_OR_RETURN(c.allow_headers, StringList(j, "AccessControlAllowHeaders", true));
  EDGESIM_ASSIGN_OR_RETURN(c.allow_methods, StringList(j, "AccessControlAllowMethods", true));
  for (const std::string& method : c.allow_methods) {
    EDGESIM_RETURN_IF_ERROR(OneOf(j.Field("AccessControlAllowMethods"), method,
                                  {"GET", "POST", "OPTIONS", "PUT", "DELETE", "PATCH", "HEAD",
                                   "ALL"}));
  }
  EDGESIM_ASSIGN_OR_RETURN(c.allow_credentials, RequiredBool(j, "AccessControlAllowCredentials"));
  EDGESIM_ASSIGN_OR_RETURN(c.expose_headers, StringList(j, "AccessControlExposeHeaders", false));
  if (const JsonReader age = j.Field("AccessControlMaxAgeSec"); age.present()) {
    EDGESIM_ASSIGN_OR_RETURN(c.max_age_sec, age.Int());
  }
  EDGESIM_ASSIGN_OR_RETURN(c.origin_override, RequiredBool(j, "OriginOverride"));
  return c;
}

// One SecurityHeadersConfig member: its Override, and the header it generates.
absl::StatusOr<PolicyHeader> SecurityHeader(const JsonReader& j, absl::string_view name,
                                            std::string value) {
  PolicyHeader h{std::string(name), std::move(value)};
  EDGESIM_ASSIGN_OR_RETURN(h.override, RequiredBool(j, "Override"));
  return h;
}

absl::StatusOr<std::string> XssProtectionValue(const JsonReader& j) {
  EDGESIM_ASSIGN_OR_RETURN(const bool protection, RequiredBool(j, "Protection"));
  bool mode_block = false;
  if (const JsonReader m = j.Field("ModeBlock"); m.present()) {
    EDGESIM_ASSIGN_OR_RETURN(mode_block, m.Bool());
  }
  std::string report_uri;
  if (const JsonReader r = j.Field("ReportUri"); r.present()) {
    EDGESIM_ASSIGN_OR_RETURN(report_uri, r.String());
  }
  if (mode_block && !report_uri.empty()) {
    return j.Error("ModeBlock and ReportUri cannot both be set");
  }
  if (!protection && (mode_block || !report_uri.empty())) {
    return j.Error("ModeBlock and ReportUri need Protection true");
  }
  // SPEC 11.1: the separator "; " is UNCONFIRMED.
  std::string value = protection ? "1" : "0";
  if (mode_block) absl::StrAppend(&value, "; mode=block");
  if (!report_uri.empty()) absl::StrAppend(&value, "; report=", report_uri);
  return value;
}

absl::StatusOr<std::string> HstsValue(const JsonReader& j) {
  EDGESIM_ASSIGN_OR_RETURN(const JsonReader age, j.Required("AccessControlMaxAgeSec"));
  EDGESIM_ASSIGN_OR_RETURN(const int64_t seconds, age.Int());
  std::string value = absl::StrCat("max-age=", seconds);
  for (const auto& [key, directive] :
       {std::pair<absl::string_view, absl::string_view>{"IncludeSubdomains", "includeSubDomains"},
        {"Preload", "preload"}}) {
    if (const JsonReader flag = j.Field(key); flag.present()) {
      EDGESIM_ASSIGN_OR_RETURN(const bool on, flag.Bool());
      if (on) absl::StrAppend(&value, "; ", directive);
    }
  }
  return value;
}

absl::Status ParseSecurity(const JsonReader& s, std::vector<PolicyHeader>* out) {
  auto member = [&](absl::string_view key) { return OptionalObject(s, key); };
  EDGESIM_ASSIGN_OR_RETURN(const auto xss, member("XSSProtection"));
  if (xss) {
    EDGESIM_ASSIGN_OR_RETURN(std::string value, XssProtectionValue(*xss));
    EDGESIM_ASSIGN_OR_RETURN(PolicyHeader h,
                             SecurityHeader(*xss, "X-XSS-Protection", std::move(value)));
    out->push_back(std::move(h));
  }
  EDGESIM_ASSIGN_OR_RETURN(const auto frame, member("FrameOptions"));
  if (frame) {
    EDGESIM_ASSIGN_OR_RETURN(std::string option, RequiredString(*frame, "FrameOption"));
    EDGESIM_RETURN_IF_ERROR(OneOf(frame->Field("FrameOption"), option, {"DENY", "SAMEORIGIN"}));
    EDGESIM_ASSIGN_OR_RETURN(PolicyHeader h,
                             SecurityHeader(*frame, "X-Frame-Options", std::move(option)));
    out->push_back(std::move(h));
  }
  EDGESIM_ASSIGN_OR_RETURN(const auto referrer, member("ReferrerPolicy"));
  if (referrer) {
    EDGESIM_ASSIGN_OR_RETURN(std::string value, RequiredString(*referrer, "ReferrerPolicy"));
    EDGESIM_RETURN_IF_ERROR(OneOf(referrer->Field("ReferrerPolicy"), value,
                                  {"no-referrer", "no-referrer-when-downgrade", "origin",
                                   "origin-when-cross-origin", "same-origin", "strict-origin",
                                   "strict-origin-when-cross-origin", "unsafe-url"}));
    EDGESIM_ASSIGN_OR_RETURN(PolicyHeader h,
                             SecurityHeader(*referrer, "Referrer-Policy", std::move(value)));
    out->push_back(std::move(h));
  }
  EDGESIM_ASSIGN_OR_RETURN(const auto csp, member("ContentSecurityPolicy"));
  if (csp) {
    EDGESIM_ASSIGN_OR_RETURN(std::string value, RequiredString(*csp, "ContentSecurityPolicy"));
    if (value.size() > kMaxCspLength) {
      return RhpError(kErrorCodes[1],
                      csp->Field("ContentSecurityPolicy")
                          .Error(absl::StrCat("longer than ", kMaxCspLength, " characters")));
    }
    EDGESIM_ASSIGN_OR_RETURN(PolicyHeader h,
                             SecurityHeader(*csp, "Content-Security-Policy", std::move(value)));
    out->push_back(std::move(h));
  }
  EDGESIM_ASSIGN_OR_RETURN(const auto nosniff, member("ContentTypeOptions"));
  if (nosniff) {
    EDGESIM_ASSIGN_OR_RETURN(PolicyHeader h,
                             SecurityHeader(*nosniff, "X-Content-Type-Options", "nosniff"));
    out->push_back(std::move(h));
  }
  EDGESIM_ASSIGN_OR_RETURN(const auto hsts, member("StrictTransportSecurity"));
  if (hsts) {
    EDGESIM_ASSIGN_OR_RETURN(std::string value, HstsValue(*hsts));
    EDGESIM_ASSIGN_OR_RETURN(PolicyHeader h,
                             SecurityHeader(*hsts, "Strict-Transport-Security", std::move(value)));
    out->push_back(std::move(h));
  }
  return absl::OkStatus();
}

absl::Status CheckHeaderName(const JsonReader& at, absl::string_view name) {
  if (!IsProtectedResponseHeader(name)) return absl::OkStatus();
  return at.Error(absl::StrCat("The header \"", name,
                               "\" cannot be added or removed by a response headers policy"));
}

// `code` when `list` holds more than `max` items.
absl::StatusOr<std::vector<JsonReader>> BoundedItems(const JsonReader& list, size_t max,
                                                     absl::string_view code) {
  EDGESIM_ASSIGN_OR_RETURN(std::vector<JsonReader> items, ListItems(list));
  if (items.size() > max) {
    return RhpError(code, list.Error(absl::StrCat("more than ", max, " headers")));
  }
  return items;
}

absl::Status ParseHeaderLists(const JsonReader& j, ResponseHeadersPolicy* p) {
  if (const JsonReader custom = j.Field("CustomHeadersConfig"); custom.present()) {
    EDGESIM_ASSIGN_OR_RETURN(const std::vector<JsonReader> items,
                             BoundedItems(custom, kMaxCustomHeaders, kErrorCodes[2]));
    for (const JsonReader& item : items) {
      PolicyHeader h;
      EDGESIM_ASSIGN_OR_RETURN(h.name, RequiredString(item, "Header"));
      EDGESIM_RETURN_IF_ERROR(CheckHeaderName(item.Field("Header"), h.name));
      EDGESIM_ASSIGN_OR_RETURN(h.value, RequiredString(item, "Value"));
      EDGESIM_ASSIGN_OR_RETURN(h.override, RequiredBool(item, "Override"));
      p->custom_headers.push_back(std::move(h));
    }
  }
  if (const JsonReader remove = j.Field("RemoveHeadersConfig"); remove.present()) {
    EDGESIM_ASSIGN_OR_RETURN(const std::vector<JsonReader> items,
                             BoundedItems(remove, kMaxRemoveHeaders, kErrorCodes[3]));
    for (const JsonReader& item : items) {
      EDGESIM_ASSIGN_OR_RETURN(std::string name, RequiredString(item, "Header"));
      EDGESIM_RETURN_IF_ERROR(CheckHeaderName(item.Field("Header"), name));
      p->remove_headers.push_back(std::move(name));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<ResponseHeadersPolicy> ParseConfig(const JsonReader& j) {
  EDGESIM_RETURN_IF_ERROR(j.ExpectObject());
  ResponseHeadersPolicy p;
  EDGESIM_ASSIGN_OR_RETURN(p.name, RequiredString(j, "Name"));
  if (const JsonReader comment = j.Field("Comment"); comment.present()) {
    EDGESIM_ASSIGN_OR_RETURN(p.comment, comment.String());
  }
  EDGESIM_ASSIGN_OR_RETURN(const auto cors, OptionalObject(j, "CorsConfig"));
  if (cors) {
    EDGESIM_ASSIGN_OR_RETURN(p.cors, ParseCors(*cors));
  }
  EDGESIM_ASSIGN_OR_RETURN(const auto security, OptionalObject(j, "SecurityHeadersConfig"));
  if (security) EDGESIM_RETURN_IF_ERROR(ParseSecurity(*security, &p.security_headers));
  EDGESIM_ASSIGN_OR_RETURN(const auto timing, OptionalObject(j, "ServerTimingHeadersConfig"));
  if (timing) {
    EDGESIM_ASSIGN_OR_RETURN(p.server_timing_enabled, RequiredBool(*timing, "Enabled"));
    if (const JsonReader rate = timing->Field("SamplingRate"); rate.present()) {
      EDGESIM_ASSIGN_OR_RETURN(p.server_timing_sampling_rate, rate.Number());
      if (p.server_timing_sampling_rate < 0 || p.server_timing_sampling_rate > 100) {
        return rate.Error("SamplingRate must be from 0 to 100");
      }
    }
  }
  EDGESIM_RETURN_IF_ERROR(ParseHeaderLists(j, &p));
  return p;
}

// --- The managed policies (SPEC 11.4), as their configs: the API returns these, and the models
// are read from them.

// SPEC 11.4: which lists the managed configs hold beside the headers the page documents
// (SimpleCORS: Allow-Origin alone; CORS-With-Preflight: Allow-Origin, Allow-Methods and
// Expose-Headers) is UNCONFIRMED; these lists give exactly the documented headers.
constexpr absl::string_view kSimpleCorsJson = R"({
  "AccessControlAllowOrigins": {"Quantity": 1, "Items": ["*"]},
  "AccessControlAllowHeaders": {"Quantity": 0, "Items": []},
  "AccessControlAllowMethods": {"Quantity": 0, "Items": []},
  "AccessControlAllowCredentials": false,
  "OriginOverride": false})";
constexpr absl::string_view kPreflightCorsJson = R"({
  "AccessControlAllowOrigins": {"Quantity": 1, "Items": ["*"]},
  "AccessControlAllowHeaders": {"Quantity": 0, "Items": []},
  "AccessControlAllowMethods": {"Quantity": 7,
                                "Items": ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST",
                                          "PUT"]},
  "AccessControlAllowCredentials": false,
  "AccessControlExposeHeaders": {"Quantity": 1, "Items": ["*"]},
  "OriginOverride": false})";
constexpr absl::string_view kSecurityJson = R"({
  "XSSProtection": {"Override": false, "Protection": true, "ModeBlock": true},
  "FrameOptions": {"Override": false, "FrameOption": "SAMEORIGIN"},
  "ReferrerPolicy": {"Override": false, "ReferrerPolicy": "strict-origin-when-cross-origin"},
  "ContentTypeOptions": {"Override": true},
  "StrictTransportSecurity": {"Override": false, "IncludeSubdomains": false, "Preload": false,
                              "AccessControlMaxAgeSec": 31536000}})";

struct ManagedRhp {
  absl::string_view id;
  absl::string_view name;  // console name; the API's is "Managed-" + this
  absl::string_view cors;  // "" for none
  bool security;
};

constexpr ManagedRhp kManagedRhps[] = {
    {"e61eb60c-9c35-4d20-a928-2b84e02af89c", "CORS-and-SecurityHeadersPolicy", kSimpleCorsJson,
     true},
    {"5cc3b908-e619-4b99-88e5-2cf7f45965bd", "CORS-With-Preflight", kPreflightCorsJson, false},
    {"eaab4381-ed33-4a86-88ca-d9558dc6cd63", "CORS-with-preflight-and-SecurityHeadersPolicy",
     kPreflightCorsJson, true},
    {"67f7725c-6f97-4210-82d7-5512b31e9d03", "SecurityHeadersPolicy", "", true},
    {"60669652-455b-4ae9-85a4-c4c02393f86c", "SimpleCORS", kSimpleCorsJson, false},
};

nlohmann::json ManagedConfig(const ManagedRhp& m) {
  nlohmann::json config = {{"Name", absl::StrCat("Managed-", m.name)}};
  if (!m.cors.empty()) config["CorsConfig"] = nlohmann::json::parse(std::string(m.cors));
  if (m.security) config["SecurityHeadersConfig"] = nlohmann::json::parse(std::string(kSecurityJson));
  return config;
}

// Whether `name` matches CloudFront's pattern `pattern` ("X-Amz-Cf-.*" = the prefix).
bool MatchesProtected(absl::string_view name, absl::string_view pattern) {
  if (absl::ConsumeSuffix(&pattern, ".*")) {
    return name.size() >= pattern.size() &&
           AsciiEqualsIgnoreCase(name.substr(0, pattern.size()), pattern);
  }
  return AsciiEqualsIgnoreCase(name, pattern);
}

// Sets `name: value` unless the response has `name` and `override` is off (SPEC 11.2).
void SetPolicyHeader(absl::string_view name, absl::string_view value, bool override,
                     Headers* headers) {
  if (!override && headers->Has(name)) return;
  headers->Set(name, value);
}

void ApplyCors(const CorsConfig& cors, const Request& viewer, Headers* headers) {
  const absl::optional<absl::string_view> origin = viewer.headers.Get("Origin");
  if (!origin.has_value()) return;
  const absl::optional<std::string> allowed = AllowedOrigin(cors, *origin);
  if (!allowed.has_value()) return;
  auto set = [&](absl::string_view name, absl::string_view value) {
    SetPolicyHeader(name, value, cors.origin_override, headers);
  };
  set("Access-Control-Allow-Origin", *allowed);
  if (cors.allow_credentials) set("Access-Control-Allow-Credentials", "true");
  if (!cors.expose_headers.empty()) {
    set("Access-Control-Expose-Headers", absl::StrJoin(cors.expose_headers, ", "));
  }
  if (!IsCorsPreflight(viewer)) return;
  if (!cors.allow_methods.empty()) {
    const bool all = std::find(cors.allow_methods.begin(), cors.allow_methods.end(), "ALL") !=
                     cors.allow_methods.end();
    set("Access-Control-Allow-Methods",
        all ? std::string(kAllCorsMethods) : absl::StrJoin(cors.allow_methods, ", "));
  }
  if (!cors.allow_headers.empty()) {
    set("Access-Control-Allow-Headers", absl::StrJoin(cors.allow_headers, ", "));
  }
  if (cors.max_age_sec.has_value()) set("Access-Control-Max-Age", absl::StrCat(*cors.max_age_sec));
}

// FNV-1a: a stable hash, the same in every driver and run.
uint64_t StableHash(absl::string_view text) {
  uint64_t h = 14695981039346656037ull;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

std::ostream& operator<<(std::ostream& os, const ResponseHeadersPolicy& policy) {
  return os << "ResponseHeadersPolicy{" << policy.id << " " << policy.name << "}";
}

const std::vector<ResponseHeadersPolicy>& ManagedResponseHeadersPolicies() {
  static const auto* const kPolicies = [] {
    auto* policies = new std::vector<ResponseHeadersPolicy>;
    for (const ManagedRhp& m : kManagedRhps) {
      ResponseHeadersPolicy p = *ParseResponseHeadersPolicyConfig(ManagedConfig(m), "");
      p.id = std::string(m.id);
      policies->push_back(std::move(p));
    }
    return policies;
  }();
  return *kPolicies;
}

const ResponseHeadersPolicy* FindManagedResponseHeadersPolicy(absl::string_view id_or_name) {
  for (const ResponseHeadersPolicy& p : ManagedResponseHeadersPolicies()) {
    if (NamesManagedPolicy(id_or_name, p.id, p.name)) return &p;
  }
  return nullptr;
}

absl::StatusOr<ResponseHeadersPolicy> ParseResponseHeadersPolicyConfig(
    const nlohmann::json& config, absl::string_view location) {
  absl::StatusOr<ResponseHeadersPolicy> p = ParseConfig(JsonReader(config, std::string(location)));
  if (!p.ok() && ResponseHeadersPolicyErrorCode(p.status()) == kInvalidArgument &&
      !absl::StartsWith(p.status().message(), kInvalidArgument)) {
    return RhpError(kInvalidArgument, p.status());
  }
  if (p.ok()) p->config_json = config.dump();
  return p;
}

absl::string_view ResponseHeadersPolicyErrorCode(const absl::Status& status) {
  for (absl::string_view code : kErrorCodes) {
    if (absl::StartsWith(status.message(), absl::StrCat(code, ": "))) return code;
  }
  return kInvalidArgument;
}

absl::string_view ResponseHeadersPolicyErrorMessage(const absl::Status& status) {
  absl::string_view message = status.message();
  const absl::string_view code = ResponseHeadersPolicyErrorCode(status);
  if (absl::ConsumePrefix(&message, code)) absl::ConsumePrefix(&message, ": ");
  return message;
}

bool IsProtectedResponseHeader(absl::string_view name) {
  // SPEC 11.2's list (DG/understanding-response-headers-policies.html).
  static constexpr absl::string_view kProtected[] = {
      "Connection",          "Content-Encoding",     "Content-Length",
      "Expect",              "Host",                 "Keep-Alive",
      "Proxy-Authenticate",  "Proxy-Authorization",  "Proxy-Connection",
      "Trailer",             "Transfer-Encoding",    "Upgrade",
      "Via",                 "Warning",              "X-Accel-Buffering",
      "X-Accel-Charset",     "X-Accel-Limit-Rate",   "X-Accel-Redirect",
      "X-Amz-Cf-.*",         "X-Amzn-Auth",          "X-Amzn-Cf-Billing",
      "X-Amzn-Cf-Id",        "X-Amzn-Cf-Xff",        "X-Amzn-ErrorType",
      "X-Amzn-Fle-Profile",  "X-Amzn-Header-Count",  "X-Amzn-Header-Order",
      "X-Amzn-Lambda-Integration-Tag", "X-Amzn-RequestId", "X-Cache",
      "X-Edge-.*",           "X-Forwarded-Proto",    "X-Real-Ip"};
  return std::any_of(std::begin(kProtected), std::end(kProtected),
                     [&](absl::string_view p) { return MatchesProtected(name, p); });
}

bool IsCorsPreflight(const Request& viewer) {
  return viewer.method == "OPTIONS" && viewer.headers.Has("Origin") &&
         viewer.headers.Has("Access-Control-Request-Method");
}

absl::optional<std::string> AllowedOrigin(const CorsConfig& cors, absl::string_view origin) {
  for (const std::string& entry : cors.allow_origins) {
    if (entry == "*") return std::string("*");
    if (AsciiEqualsIgnoreCase(entry, origin)) return std::string(origin);
    const size_t star = entry.find('*');
    if (star == std::string::npos) continue;
    // "https://*.example.com": the scheme must match, then one or more labels, then the suffix.
    const absl::string_view prefix = absl::string_view(entry).substr(0, star);
    const absl::string_view suffix = absl::string_view(entry).substr(star + 1);
    if (origin.size() > prefix.size() + suffix.size() &&
        AsciiEqualsIgnoreCase(origin.substr(0, prefix.size()), prefix) &&
        AsciiEqualsIgnoreCase(origin.substr(origin.size() - suffix.size()), suffix) &&
        origin.substr(prefix.size(), origin.size() - prefix.size() - suffix.size())
                .find_first_of("/:") == absl::string_view::npos) {
      return std::string(origin);
    }
  }
  return absl::nullopt;
}

bool SamplesServerTiming(const ResponseHeadersPolicy& policy, const Request& viewer,
                         absl::string_view request_id) {
  if (!policy.server_timing_enabled) return false;
  for (absl::string_view pragma : viewer.headers.GetAll("Pragma")) {
    for (absl::string_view token : absl::StrSplit(pragma, ',')) {
      if (AsciiEqualsIgnoreCase(absl::StripAsciiWhitespace(token), "server-timing")) return true;
    }
  }
  // Rates carry at most four decimals: compare in millionths of the whole.
  const uint64_t threshold = static_cast<uint64_t>(policy.server_timing_sampling_rate * 10000);
  return StableHash(request_id) % 1000000 < threshold;
}

void ApplyResponseHeadersPolicy(const ResponseHeadersPolicy& policy, const Request& viewer,
                                const ServerTimingFacts& timing, Headers* headers) {
  for (const std::string& name : policy.remove_headers) headers->Remove(name);
  if (policy.cors.has_value()) ApplyCors(*policy.cors, viewer, headers);
  for (const std::vector<PolicyHeader>* list : {&policy.security_headers, &policy.custom_headers}) {
    for (const PolicyHeader& h : *list) SetPolicyHeader(h.name, h.value, h.override, headers);
  }
  if (SamplesServerTiming(policy, viewer, timing.request_id)) {
    std::string value(timing.cache_metric);
    if (!timing.pop.empty()) absl::StrAppend(&value, ",cdn-pop;desc=\"", timing.pop, "\"");
    if (!timing.request_id.empty()) {
      absl::StrAppend(&value, ",cdn-rid;desc=\"", timing.request_id, "\"");
    }
    headers->Add("Server-Timing", value);
  }
}

}  // namespace edgesim::policy
