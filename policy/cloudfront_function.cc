#include "policy/cloudfront_function.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "policy/ascii_case.h"

namespace edgesim::policy {
namespace {

// A query parameter, header or cookie as the event shows it: `event_name` is how the function
// sees it (headers lowercase), `raw_name` how it goes back on unless the function renamed it.
struct EventField {
  std::string event_name;
  std::string raw_name;
  std::string value;

  bool operator==(const EventField&) const = default;
};
using EventFields = std::vector<EventField>;

// Set-Cookie values carry their attributes ("v; Path=/"), split into value and `attributes` in
// the event (SPEC 15.3).
enum class FieldKind { kPlain, kSetCookie };

// Query names and values a function writes (SPEC 15.4 rule 5), and header, cookie text in general:
// nothing that could end a header line or the request target.
constexpr size_t kMaxUriWithQuery = 8192;

bool HasControlCharacter(absl::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

bool IsTokenName(absl::string_view name) {
  constexpr absl::string_view kTokenPunctuation = "!#$%&'*+-.^_`|~";
  return !name.empty() && std::all_of(name.begin(), name.end(), [&](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
           kTokenPunctuation.find(c) != absl::string_view::npos;
  });
}

// Headers a function never sees and may not add (SPEC 15.3).
bool HiddenFromFunctions(absl::string_view lower_name) {
  static constexpr absl::string_view kHidden[] = {
      "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization",
      "proxy-connection", "trailer", "upgrade", "x-accel-buffering", "x-accel-charset",
      "x-accel-limit-rate", "x-accel-redirect", "x-amzn-auth", "x-amzn-cf-billing", "x-amzn-cf-id",
      "x-amzn-cf-xff", "x-amzn-errortype", "x-amzn-fle-profile", "x-amzn-header-count",
      "x-amzn-header-order", "x-amzn-lambda-integration-tag", "x-amzn-requestid", "x-cache",
      "x-forwarded-proto", "x-real-ip"};
  return absl::StartsWith(lower_name, "x-amz-cf-") || absl::StartsWith(lower_name, "x-edge-") ||
         std::find(std::begin(kHidden), std::end(kHidden), lower_name) != std::end(kHidden);
}

// Headers a function may read but not add, change or delete (SPEC 15.4 rule 4).
bool ReadOnlyHeader(FunctionEventType event, absl::string_view lower_name) {
  if (lower_name == "via") return true;
  if (event == FunctionEventType::kViewerResponse) return lower_name == "warning";
  return lower_name == "content-length" || lower_name == "host" || lower_name == "transfer-encoding";
}

// "x-custom-header" -> "X-Custom-Header" (SPEC 15.4 rule 6).
std::string CapitalizeHeaderName(absl::string_view lower_name) {
  std::string name(lower_name);
  bool word_start = true;
  for (char& c : name) {
    if (word_start) c = absl::ascii_toupper(static_cast<unsigned char>(c));
    word_start = c == '-';
  }
  return name;
}

EventFields QueryFields(absl::string_view query) {
  EventFields fields;
  for (absl::string_view param : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(param, absl::MaxSplits('=', 1));
    fields.push_back({std::string(kv.first), std::string(kv.first), std::string(kv.second)});
  }
  return fields;
}

// The headers the event shows: all but the hidden ones and `cookie_header` (parsed separately).
EventFields HeaderFields(const Headers& headers, absl::string_view cookie_header) {
  EventFields fields;
  for (const auto& [name, value] : headers.fields()) {
    std::string lower = absl::AsciiStrToLower(name);
    if (lower == cookie_header || HiddenFromFunctions(lower)) continue;
    fields.push_back({std::move(lower), name, value});
  }
  return fields;
}

// `Cookie: a=1; b=2` fields, or each `Set-Cookie: name=v; attributes` field.
EventFields CookieFields(const Headers& headers, FieldKind kind) {
  EventFields fields;
  const absl::string_view header = kind == FieldKind::kPlain ? "cookie" : "set-cookie";
  for (absl::string_view line : headers.GetAll(header)) {
    std::vector<absl::string_view> pairs;
    if (kind == FieldKind::kPlain) {
      pairs = absl::StrSplit(line, ';', absl::SkipWhitespace());
    } else {
      pairs.push_back(line);
    }
    for (absl::string_view pair : pairs) {
      pair = absl::StripAsciiWhitespace(pair);
      std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(pair, absl::MaxSplits('=', 1));
      std::string name(absl::StripAsciiWhitespace(kv.first));
      if (name.empty()) continue;
      fields.push_back({name, name, std::string(absl::StripLeadingAsciiWhitespace(kv.second))});
    }
  }
  return fields;
}

void VisitMember(absl::string_view key, absl::string_view value, FunctionValueVisitor& v) {
  v.Key(key);
  v.String(value);
}

// The members of one `{value[, attributes]}` item.
void VisitItemMembers(absl::string_view value, FieldKind kind, FunctionValueVisitor& v) {
  if (kind == FieldKind::kPlain) {
    VisitMember("value", value, v);
    return;
  }
  std::pair<absl::string_view, absl::string_view> parts = absl::StrSplit(value, absl::MaxSplits(';', 1));
  VisitMember("value", absl::StripTrailingAsciiWhitespace(parts.first), v);
  absl::string_view attributes = absl::StripAsciiWhitespace(parts.second);
  if (!attributes.empty()) VisitMember("attributes", attributes, v);
}

// Groups fields by event name, in first-occurrence order (SPEC 15.3: multiValue only for repeats).
std::vector<std::pair<std::string, std::vector<const EventField*>>> Grouped(const EventFields& fields) {
  std::vector<std::pair<std::string, std::vector<const EventField*>>> groups;
  for (const EventField& f : fields) {
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const auto& g) { return g.first == f.event_name; });
    if (it == groups.end()) {
      groups.push_back({f.event_name, {&f}});
    } else {
      it->second.push_back(&f);
    }
  }
  return groups;
}

void VisitEventObject(const EventFields& fields, FieldKind kind, FunctionValueVisitor& v) {
  v.BeginObject();
  for (const auto& [name, group] : Grouped(fields)) {
    v.Key(name);
    v.BeginObject();
    VisitItemMembers(group.front()->value, kind, v);
    if (group.size() > 1) {
      v.Key("multiValue");
      v.BeginArray();
      for (const EventField* f : group) {
        v.BeginObject();
        VisitItemMembers(f->value, kind, v);
        v.EndObject();
      }
      v.EndArray();
    }
    v.EndObject();
  }
  v.EndObject();
}

absl::Status Invalid(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("The function's result failed validation: ", what));
}

// One `{value[, attributes]}` item of a returned entry, in the EventField's value form.
absl::StatusOr<std::string> ItemValue(const FunctionJson& item, FieldKind kind,
                                      absl::string_view name) {
  if (!item.is_object() || !item.contains("value") || !item["value"].is_string()) {
    return Invalid(absl::StrCat("'", name, "' needs a string value"));
  }
  std::string value = item["value"].get<std::string>();
  if (kind == FieldKind::kSetCookie && item.contains("attributes")) {
    if (!item["attributes"].is_string()) return Invalid(absl::StrCat("'", name, "' attributes"));
    const std::string attributes = item["attributes"].get<std::string>();
    if (!attributes.empty()) absl::StrAppend(&value, "; ", attributes);
  }
  if (HasControlCharacter(value)) {
    return Invalid(absl::StrCat("'", name, "' has a control character in its value"));
  }
  return value;
}

// The values a returned entry stands for, given the ones the event showed (SPEC 15.4 rule 3): a
// changed multiValue wins; otherwise a changed value replaces the first occurrence only.
absl::StatusOr<std::vector<std::string>> EntryValues(const FunctionJson& entry,
                                                     const std::vector<std::string>& shown,
                                                     FieldKind kind, absl::string_view name) {
  if (!entry.is_object()) return Invalid(absl::StrCat("'", name, "' is not an object"));
  if (entry.contains("multiValue")) {
    const FunctionJson& list = entry["multiValue"];
    if (!list.is_array()) return Invalid(absl::StrCat("'", name, "' multiValue is not a list"));
    std::vector<std::string> values;
    for (const FunctionJson& item : list) {
      absl::StatusOr<std::string> v = ItemValue(item, kind, name);
      if (!v.ok()) return v.status();
      values.push_back(*std::move(v));
    }
    if (shown.size() < 2 || values != shown) return values;
  }
  absl::StatusOr<std::string> value = ItemValue(entry, kind, name);
  if (!value.ok()) return value.status();
  std::vector<std::string> values = shown;
  if (values.empty()) return std::vector<std::string>{*std::move(value)};
  values.front() = *std::move(value);
  return values;
}

// Header-specific checks on a rewrite: hidden and read-only names (SPEC 15.4 rule 4).
struct HeaderRules {
  FunctionEventType event;
};

absl::Status CheckHeaderChange(const HeaderRules& rules, absl::string_view lower_name,
                               bool existed) {
  if (!existed && HiddenFromFunctions(lower_name)) {
    return Invalid(absl::StrCat("the function added the disallowed header '", lower_name, "'"));
  }
  if (ReadOnlyHeader(rules.event, lower_name)) {
    return Invalid(absl::StrCat("the function added, changed or deleted the read-only header '",
                                lower_name, "'"));
  }
  return absl::OkStatus();
}

// The fields `returned` (an event object: name -> entry) stands for, in its order, given the ones
// the event was built from; a name the function dropped is deleted. `header_rules` is set for
// headers: their extra checks and capitalised new names.
absl::StatusOr<EventFields> RewriteFields(const EventFields& shown, const FunctionJson& returned,
                                     FieldKind kind, const HeaderRules* header_rules) {
  if (!returned.is_object()) return Invalid("a headers, cookies or querystring member is not an object");
  const auto grouped = Grouped(shown);
  EventFields out;
  for (const auto& [name, group] : grouped) {
    if (header_rules != nullptr && !returned.contains(name)) {
      absl::Status s = CheckHeaderChange(*header_rules, name, /*existed=*/true);
      if (!s.ok()) return s;
    }
  }
  for (const auto& [name, entry] : returned.items()) {
    const std::string& returned_name = name;  // a lambda may not capture a structured binding
    auto shown_group = std::find_if(grouped.begin(), grouped.end(),
                                    [&](const auto& g) { return g.first == returned_name; });
    const bool existed = shown_group != grouped.end();
    std::vector<std::string> before;
    if (existed) {
      for (const EventField* f : shown_group->second) before.push_back(f->value);
    }
    const std::string lower = absl::AsciiStrToLower(name);
    if (header_rules != nullptr && !IsTokenName(name)) {
      return Invalid(absl::StrCat("'", name, "' is not a header name"));
    }
    if (header_rules == nullptr && (name.empty() || HasControlCharacter(name) ||
                                    absl::StrContains(name, ';') || absl::StrContains(name, '='))) {
      return Invalid(absl::StrCat("'", name, "' is not a valid name"));
    }
    absl::StatusOr<std::vector<std::string>> values = EntryValues(entry, before, kind, name);
    if (!values.ok()) return values.status();
    if (header_rules != nullptr && (!existed || *values != before)) {
      absl::Status s = CheckHeaderChange(*header_rules, lower, existed);
      if (!s.ok()) return s;
    }
    std::string raw = existed                  ? shown_group->second.front()->raw_name
                      : header_rules != nullptr ? CapitalizeHeaderName(lower)
                                                : name;
    for (std::string& v : *values) out.push_back({name, raw, std::move(v)});
  }
  return out;
}

// RewriteFields on `output`'s member `key`; a function that drops a whole member changes nothing
// (UNCONFIRMED, the doc's examples always return it).
absl::StatusOr<EventFields> RewriteMember(const EventFields& shown, const FunctionJson& output,
                                     absl::string_view key, FieldKind kind,
                                     const HeaderRules* header_rules) {
  auto member = output.find(key);
  if (member == output.end()) return shown;
  return RewriteFields(shown, *member, kind, header_rules);
}

absl::StatusOr<std::string> RewriteQuery(const Request& viewer, const FunctionJson& output) {
  const EventFields shown = QueryFields(viewer.query());
  absl::StatusOr<EventFields> now = RewriteMember(shown, output, "querystring", FieldKind::kPlain, nullptr);
  if (!now.ok()) return now.status();
  if (*now == shown) return std::string(viewer.query());  // the viewer's bytes (SPEC 15.4 rule 3)
  std::vector<std::string> params;
  for (const EventField& f : *now) {
    for (absl::string_view text : {absl::string_view(f.raw_name), absl::string_view(f.value)}) {
      if (HasControlCharacter(text) || absl::StrContains(text, ' ') || absl::StrContains(text, '#')) {
        return Invalid(absl::StrCat("query parameter '", f.raw_name,
                                    "' has a space, a control character or '#'"));
      }
    }
    params.push_back(absl::StrCat(f.raw_name, "=", f.value));
  }
  return absl::StrJoin(params, "&");
}

// Rewrites `headers` from the returned `headers` and `cookies` members; hidden headers stay as
// they were.
absl::Status RewriteHeaders(const FunctionJson& output, FunctionEventType event, FieldKind cookies,
                            Headers& headers) {
  const absl::string_view cookie_header = cookies == FieldKind::kPlain ? "cookie" : "set-cookie";
  const EventFields shown_headers = HeaderFields(headers, cookie_header);
  const EventFields shown_cookies = CookieFields(headers, cookies);
  const HeaderRules rules{event};
  absl::StatusOr<EventFields> now_headers =
      RewriteMember(shown_headers, output, "headers", FieldKind::kPlain, &rules);
  if (!now_headers.ok()) return now_headers.status();
  absl::StatusOr<EventFields> now_cookies = RewriteMember(shown_cookies, output, "cookies", cookies, nullptr);
  if (!now_cookies.ok()) return now_cookies.status();
  if (*now_headers == shown_headers && *now_cookies == shown_cookies) return absl::OkStatus();
  Headers rebuilt;
  for (const EventField& f : *now_headers) rebuilt.Add(f.raw_name, f.value);
  const bool cookies_unchanged = *now_cookies == shown_cookies;
  for (const auto& [name, value] : headers.fields()) {
    const std::string lower = absl::AsciiStrToLower(name);
    if (HiddenFromFunctions(lower) || (cookies_unchanged && lower == cookie_header)) {
      rebuilt.Add(name, value);
    }
  }
  std::vector<std::string> pairs;
  for (const EventField& f : *now_cookies) pairs.push_back(absl::StrCat(f.raw_name, "=", f.value));
  if (!cookies_unchanged && cookies == FieldKind::kPlain && !pairs.empty()) {
    rebuilt.Add("Cookie", absl::StrJoin(pairs, "; "));
  } else if (!cookies_unchanged && cookies == FieldKind::kSetCookie) {
    for (const std::string& line : pairs) rebuilt.Add("Set-Cookie", line);
  }
  headers = std::move(rebuilt);
  return absl::OkStatus();
}

absl::StatusOr<absl::optional<std::string>> ResponseBody(const FunctionJson& output) {
  auto it = output.find("body");
  if (it == output.end()) return absl::optional<std::string>();
  if (it->is_string()) return absl::optional<std::string>(it->get<std::string>());
  if (!it->is_object() || !it->contains("data") || !(*it)["data"].is_string()) {
    return Invalid("body is neither a string nor {encoding, data}");
  }
  std::string data = (*it)["data"].get<std::string>();
  const std::string encoding = it->value("encoding", std::string("text"));
  if (encoding == "text") return absl::optional<std::string>(std::move(data));
  std::string decoded;
  if (encoding != "base64" || !absl::Base64Unescape(data, &decoded)) {
    return Invalid("body encoding is not text, or its data is not base64");
  }
  return absl::optional<std::string>(std::move(decoded));
}

// A response object (generated, or the viewer-response's), over `base` headers.
absl::StatusOr<FunctionResponse> ResponseFromObject(const FunctionJson& output,
                                                    FunctionEventType event, const Response& base,
                                                    absl::string_view status_description) {
  auto status = output.find("statusCode");
  if (status == output.end() || !status->is_number_integer() || status->get<int>() < 100 ||
      status->get<int>() > 599) {
    return Invalid("statusCode must be an integer from 100 to 599");
  }
  FunctionResponse response;
  response.head = base;
  response.head.status = status->get<int>();
  response.status_description = std::string(status_description);
  if (auto d = output.find("statusDescription"); d != output.end()) {
    if (!d->is_string() || HasControlCharacter(d->get<std::string>())) {
      return Invalid("statusDescription must be a string");
    }
    response.status_description = d->get<std::string>();
  }
  absl::Status headers = RewriteHeaders(output, event, FieldKind::kSetCookie, response.head.headers);
  if (!headers.ok()) return headers;
  absl::StatusOr<absl::optional<std::string>> body = ResponseBody(output);
  if (!body.ok()) return body.status();
  response.body = *std::move(body);
  return response;
}

// The event's members up to its request; the object is left open for a response.
void VisitEventUpToRequest(const FunctionEventContext& context, FunctionEventType type,
                           const Request& request, FunctionValueVisitor& v) {
  v.BeginObject();
  VisitMember("version", "1.0", v);
  v.Key("context");
  v.BeginObject();
  if (!context.distribution_domain_name.empty()) {
    VisitMember("distributionDomainName", context.distribution_domain_name, v);
  }
  if (!context.distribution_id.empty()) VisitMember("distributionId", context.distribution_id, v);
  VisitMember("eventType", FunctionEventTypeName(type), v);
  if (!context.request_id.empty()) VisitMember("requestId", context.request_id, v);
  v.EndObject();
  v.Key("viewer");
  v.BeginObject();
  VisitMember("ip", request.viewer_address, v);
  v.EndObject();
  v.Key("request");
  v.BeginObject();
  VisitMember("method", request.method, v);
  VisitMember("uri", request.path(), v);
  v.Key("querystring");
  VisitEventObject(QueryFields(request.query()), FieldKind::kPlain, v);
  v.Key("headers");
  VisitEventObject(HeaderFields(request.headers, "cookie"), FieldKind::kPlain, v);
  v.Key("cookies");
  VisitEventObject(CookieFields(request.headers, FieldKind::kPlain), FieldKind::kPlain, v);
  v.EndObject();
}

}  // namespace

absl::optional<FunctionRuntime> ParseFunctionRuntime(absl::string_view name) {
  if (name == "cloudfront-js-1.0") return FunctionRuntime::kJs1;
  if (name == "cloudfront-js-2.0") return FunctionRuntime::kJs2;
  return absl::nullopt;
}

absl::string_view FunctionRuntimeName(FunctionRuntime runtime) {
  return runtime == FunctionRuntime::kJs1 ? "cloudfront-js-1.0" : "cloudfront-js-2.0";
}

absl::string_view FunctionEventTypeName(FunctionEventType type) {
  return type == FunctionEventType::kViewerRequest ? "viewer-request" : "viewer-response";
}

void VisitViewerRequestEvent(const FunctionEventContext& context, const Request& request,
                             FunctionValueVisitor& visitor) {
  VisitEventUpToRequest(context, FunctionEventType::kViewerRequest, request, visitor);
  visitor.EndObject();
}

void VisitViewerResponseEvent(const FunctionEventContext& context, const Request& request,
                              const Response& response, absl::string_view status_description,
                              FunctionValueVisitor& visitor) {
  VisitEventUpToRequest(context, FunctionEventType::kViewerResponse, request, visitor);
  visitor.Key("response");
  visitor.BeginObject();
  visitor.Key("statusCode");
  visitor.Number(response.status);
  VisitMember("statusDescription", status_description, visitor);
  visitor.Key("headers");
  VisitEventObject(HeaderFields(response.headers, "set-cookie"), FieldKind::kPlain, visitor);
  visitor.Key("cookies");
  VisitEventObject(CookieFields(response.headers, FieldKind::kSetCookie), FieldKind::kSetCookie,
                   visitor);
  visitor.EndObject();
  visitor.EndObject();
}

FunctionJson ViewerRequestEvent(const FunctionEventContext& context, const Request& request) {
  FunctionJsonBuilder builder;
  VisitViewerRequestEvent(context, request, builder);
  return builder.Take();
}

FunctionJson ViewerResponseEvent(const FunctionEventContext& context, const Request& request,
                                 const Response& response, absl::string_view status_description) {
  FunctionJsonBuilder builder;
  VisitViewerResponseEvent(context, request, response, status_description, builder);
  return builder.Take();
}

absl::StatusOr<ViewerRequestResult> ApplyViewerRequestResult(const FunctionJson& output,
                                                             const Request& viewer) {
  if (!output.is_object()) return Invalid("the function did not return an object");
  if (output.contains("statusCode")) {
    absl::StatusOr<FunctionResponse> response =
        // A generated response is held to the response's read-only list (UNCONFIRMED).
        ResponseFromObject(output, FunctionEventType::kViewerResponse, Response{}, "");
    if (!response.ok()) return response.status();
    return ViewerRequestResult(*std::move(response));
  }
  auto uri = output.find("uri");
  if (uri == output.end() || !uri->is_string() || !absl::StartsWith(uri->get<std::string>(), "/") ||
      HasControlCharacter(uri->get<std::string>()) || absl::StrContains(uri->get<std::string>(), ' ') ||
      absl::StrContains(uri->get<std::string>(), '?') || absl::StrContains(uri->get<std::string>(), '#')) {
    return Invalid("uri must be a path starting with '/'");
  }
  Request request = viewer;  // the method is read-only: the viewer's stays (SPEC 15.4 rule 1)
  absl::StatusOr<std::string> query = RewriteQuery(viewer, output);
  if (!query.ok()) return query.status();
  request.target = uri->get<std::string>();
  if (!query->empty()) absl::StrAppend(&request.target, "?", *query);
  if (request.target.size() >= kMaxUriWithQuery) {
    return Invalid("the URI with its query string is 8,192 characters or longer");
  }
  absl::Status headers = RewriteHeaders(output, FunctionEventType::kViewerRequest,
                                        FieldKind::kPlain, request.headers);
  if (!headers.ok()) return headers;
  return ViewerRequestResult(std::move(request));
}

absl::StatusOr<FunctionResponse> ApplyViewerResponseResult(const FunctionJson& output,
                                                           const Response& original,
                                                           absl::string_view status_description) {
  if (!output.is_object()) return Invalid("the function did not return an object");
  return ResponseFromObject(output, FunctionEventType::kViewerResponse, original,
                            status_description);
}

std::string TestFunctionOutput(FunctionEventType event, const FunctionJson& output) {
  const bool response =
      event == FunctionEventType::kViewerResponse || (output.is_object() && output.contains("statusCode"));
  FunctionJson wrapped = FunctionJson::object();
  wrapped[response ? "response" : "request"] = output;
  return wrapped.dump(-1, ' ', false, FunctionJson::error_handler_t::replace);
}

absl::StatusOr<FunctionEventType> TestEventType(const FunctionJson& event) {
  const auto context = event.find("context");
  if (context == event.end() || !context->is_object() || !context->contains("eventType")) {
    const auto response = event.find("response");
    return response != event.end() && response->is_object() ? FunctionEventType::kViewerResponse
                                                             : FunctionEventType::kViewerRequest;
  }
  const FunctionJson& type = (*context)["eventType"];
  for (FunctionEventType t : {FunctionEventType::kViewerRequest, FunctionEventType::kViewerResponse}) {
    if (type.is_string() && type.get_ref<const std::string&>() == FunctionEventTypeName(t)) {
      return t;
    }
  }
  return absl::InvalidArgumentError(
      "The event object's context.eventType must be viewer-request or viewer-response.");
}

std::string TestFunctionErrorMessage(absl::string_view error) {
  // The text CloudFront's 503 page and its function test show before the runtime's own error.
  return absl::StrCat(
      "The CloudFront function associated with the CloudFront distribution is invalid or could "
      "not run. ",
      error);
}

FunctionFailureAnswer AnswerForFunctionFailure(FunctionFailure failure) {
  return failure == FunctionFailure::kValidationError
             ? FunctionFailureAnswer{502, ErrorDetail::kFunctionValidationError}
             : FunctionFailureAnswer{503, ErrorDetail::kFunctionExecutionError};
}

}  // namespace edgesim::policy
