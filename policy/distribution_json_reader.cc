#include "policy/distribution_json_reader.h"

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_join.h"
#include "absl/types/optional.h"
#include "nlohmann/json.hpp"
#include "policy/cloudfront_function.h"
#include "policy/compression.h"
#include "policy/distribution_validator.h"
#include "policy/json_reader.h"
#include "policy/status_macros.h"

namespace edgesim::policy {
namespace {

constexpr absl::string_view kConfigRoot = "DistributionConfig";

enum class Need { kOptional, kRequired };

// Reads with JsonReader but records every problem and keeps going: CloudFront answers a bad config
// with all that is wrong with it, not the first thing.
class CollectingReader {
 public:
  std::vector<ConfigProblem>& problems() { return problems_; }

  void Problem(const absl::Status& status) {
    problems_.push_back({JsonErrorLocation(status), std::string(JsonErrorMessage(status))});
  }

  template <typename T>
  absl::optional<T> Keep(absl::StatusOr<T> value) {
    if (value.ok()) return *std::move(value);
    Problem(value.status());
    return absl::nullopt;
  }

  // obj.Field(key) when present; reports a missing required field.
  absl::optional<JsonReader> Field(const JsonReader& obj, absl::string_view key, Need need) {
    JsonReader field = obj.Field(key);
    if (field.present()) return field;
    if (need == Need::kRequired) Problem(field.Missing());
    return absl::nullopt;
  }

  absl::optional<JsonReader> Object(const JsonReader& obj, absl::string_view key,
                                    Need need = Need::kOptional) {
    absl::optional<JsonReader> field = Field(obj, key, need);
    if (!field.has_value()) return absl::nullopt;
    if (absl::Status s = field->ExpectObject(); !s.ok()) {
      Problem(s);
      return absl::nullopt;
    }
    return field;
  }

  absl::optional<std::string> String(const JsonReader& obj, absl::string_view key,
                                     Need need = Need::kOptional) {
    absl::optional<JsonReader> field = Field(obj, key, need);
    return field.has_value() ? Keep(field->String()) : absl::nullopt;
  }

  absl::optional<bool> Bool(const JsonReader& obj, absl::string_view key,
                            Need need = Need::kOptional) {
    absl::optional<JsonReader> field = Field(obj, key, need);
    return field.has_value() ? Keep(field->Bool()) : absl::nullopt;
  }

  absl::optional<int64_t> Int(const JsonReader& obj, absl::string_view key,
                              Need need = Need::kOptional) {
    absl::optional<JsonReader> field = Field(obj, key, need);
    return field.has_value() ? Keep(field->Int()) : absl::nullopt;
  }

  absl::optional<absl::Duration> Seconds(const JsonReader& obj, absl::string_view key) {
    absl::optional<int64_t> seconds = Int(obj, key);
    return seconds.has_value() ? absl::make_optional(absl::Seconds(*seconds)) : absl::nullopt;
  }

  // A CloudFront list `{"Quantity": n, "Items": [...]}`; its items, or none when absent/invalid.
  // A Quantity that disagrees with Items is InconsistentQuantities, as CloudFront answers.
  std::vector<JsonReader> Items(const JsonReader& obj, absl::string_view key,
                                Need need = Need::kOptional) {
    absl::optional<JsonReader> list = Object(obj, key, need);
    if (!list.has_value()) return {};
    absl::optional<int64_t> quantity = Int(*list, "Quantity", Need::kRequired);
    std::vector<JsonReader> items;
    if (absl::optional<JsonReader> j = Field(*list, "Items", Need::kOptional)) {
      absl::optional<std::vector<JsonReader>> read = Keep(j->Items());
      if (!read.has_value()) return {};
      items = *std::move(read);
    }
    if (quantity.has_value() && *quantity != static_cast<int64_t>(items.size())) {
      Problem(list->Field("Quantity")
                  .Error(absl::StrCat("InconsistentQuantities: Quantity is ", *quantity,
                                      " but Items has ", items.size(), " element(s)")));
    }
    return items;
  }

  std::vector<std::string> StringItems(const JsonReader& obj, absl::string_view key,
                                       Need need = Need::kOptional) {
    std::vector<std::string> out;
    for (const JsonReader& item : Items(obj, key, need)) {
      if (absl::optional<std::string> s = Keep(item.String())) out.push_back(*std::move(s));
    }
    return out;
  }

  // Items that must be objects.
  std::vector<JsonReader> ObjectItems(const JsonReader& obj, absl::string_view key,
                                      Need need = Need::kOptional) {
    std::vector<JsonReader> out;
    for (JsonReader& item : Items(obj, key, need)) {
      if (absl::Status s = item.ExpectObject(); s.ok()) {
        out.push_back(std::move(item));
      } else {
        Problem(s);
      }
    }
    return out;
  }

  absl::optional<KeyListBehavior> Behavior(const JsonReader& obj, absl::string_view key, Need need,
                                           std::initializer_list<KeyListBehavior> allowed) {
    absl::optional<std::string> text = String(obj, key, need);
    if (!text.has_value()) return absl::nullopt;
    KeyListBehavior b;
    if (ParseKeyListBehavior(*text, &b) &&
        std::find(allowed.begin(), allowed.end(), b) != allowed.end()) {
      return b;
    }
    std::vector<absl::string_view> names;
    for (KeyListBehavior a : allowed) names.push_back(ToString(a));
    Problem(obj.Field(key).Error(
        absl::StrCat("\"", *text, "\" is not one of ", absl::StrJoin(names, ", "))));
    return absl::nullopt;
  }

 private:
  std::vector<ConfigProblem> problems_;
};

void ParseOriginTransport(CollectingReader& w, const JsonReader& config, Origin* o) {
  if (auto v = w.Int(config, "HTTPPort")) o->http_port = *v;
  if (auto v = w.Int(config, "HTTPSPort")) o->https_port = *v;
  if (auto v = w.String(config, "OriginProtocolPolicy")) o->protocol_policy = *v;
  if (auto v = w.Seconds(config, "OriginKeepaliveTimeout")) o->keepalive_timeout = *v;
}

// Where an origin's OriginAccessControlId and OriginAccessIdentity are looked up.
struct AccessNames {
  const AccountResources& account;
  // false: a config file read alone, which cannot know the account's OAIs or every OAC: an OAC Id
  // it does not define is taken as CloudFront's recommended one (always, s3), any well-formed OAI
  // Id as an existing identity, so exports of real distributions load.
  bool account_known = true;
};

// OriginAccessControlId and S3OriginConfig.OriginAccessIdentity (SPEC 10.1, 10.3): what signs the
// origin's requests.
void ParseOriginAccess(CollectingReader& w, const JsonReader& j,
                       const absl::optional<JsonReader>& s3, const AccessNames& names, Origin* o) {
  if (auto v = w.String(j, "OriginAccessControlId")) o->origin_access_control_id = *v;
  if (s3.has_value()) {
    if (auto v = w.String(*s3, "OriginAccessIdentity")) o->origin_access_identity = *v;
  }
  if (!o->origin_access_control_id.empty()) {
    const auto it = names.account.origin_access_controls.find(o->origin_access_control_id);
    if (it == names.account.origin_access_controls.end() && !names.account_known) {
      o->signing = SigningOf(OriginAccessControl{});
    } else if (it == names.account.origin_access_controls.end()) {
      w.Problem(j.Field("OriginAccessControlId").Error("names no origin access control"));
    } else {
      o->signing = SigningOf(it->second);
    }
  }
  if (o->origin_access_identity.empty()) return;
  const JsonReader field = s3->Field("OriginAccessIdentity");
  const absl::optional<std::string> id = OriginAccessIdentityId(o->origin_access_identity);
  if (!id.has_value()) {
    w.Problem(field.Error("is not origin-access-identity/cloudfront/<Id>"));
  } else if (names.account_known && !names.account.origin_access_identities.contains(*id)) {
    w.Problem(field.Error("names no origin access identity"));
  } else if (!o->origin_access_control_id.empty()) {
    w.Problem(field.Error("an origin uses an origin access control or an origin access identity, "
                          "not both"));
  } else {
    o->signing = LegacyIdentitySigning();
  }
}

Origin ParseOrigin(CollectingReader& w, const JsonReader& j, const AccessNames& names) {
  Origin o;
  if (auto v = w.String(j, "Id", Need::kRequired)) o.id = *v;
  if (auto v = w.String(j, "DomainName", Need::kRequired)) o.domain_name = *v;
  if (auto v = w.String(j, "OriginPath")) o.origin_path = *v;
  const absl::optional<JsonReader> s3 = w.Object(j, "S3OriginConfig");
  const absl::optional<JsonReader> custom = w.Object(j, "CustomOriginConfig");
  if (custom.has_value()) ParseOriginTransport(w, *custom, &o);
  for (const absl::optional<JsonReader>& config : {s3, custom}) {
    if (!config.has_value()) continue;
    if (auto v = w.Seconds(*config, "OriginReadTimeout")) o.read_timeout = *v;
  }
  if (s3.has_value() || ParseS3Domain(o.domain_name).has_value()) o.kind = OriginKind::kS3;
  ParseOriginAccess(w, j, s3, names, &o);
  if (auto v = w.Int(j, "ConnectionAttempts")) o.connection_attempts = *v;
  if (auto v = w.Seconds(j, "ConnectionTimeout")) o.connection_timeout = *v;
  if (auto v = w.Seconds(j, "ResponseCompletionTimeout")) o.response_completion_timeout = *v;
  for (const JsonReader& header : w.ObjectItems(j, "CustomHeaders")) {
    auto name = w.String(header, "HeaderName", Need::kRequired);
    auto value = w.String(header, "HeaderValue", Need::kRequired);
    if (name && value) o.custom_headers.emplace_back(*name, *value);
  }
  if (const absl::optional<JsonReader> shield = w.Object(j, "OriginShield")) {
    if (w.Bool(*shield, "Enabled", Need::kRequired).value_or(false)) {
      o.origin_shield_region =
          w.String(*shield, "OriginShieldRegion", Need::kRequired).value_or("");
    }
  }
  return o;
}

OriginGroup ParseOriginGroup(CollectingReader& w, const JsonReader& j) {
  OriginGroup g;
  if (auto v = w.String(j, "Id", Need::kRequired)) g.id = *v;
  if (const auto criteria = w.Object(j, "FailoverCriteria", Need::kRequired)) {
    for (const JsonReader& code : w.Items(*criteria, "StatusCodes", Need::kRequired)) {
      if (auto v = w.Keep(code.Int())) g.failover_status_codes.push_back(static_cast<int>(*v));
    }
  }
  for (const JsonReader& member : w.ObjectItems(j, "Members", Need::kRequired)) {
    if (auto v = w.String(member, "OriginId", Need::kRequired)) {
      g.member_origin_ids.push_back(*v);
    }
  }
  if (auto v = w.String(j, "SelectionCriteria")) g.selection_criteria = *v;
  return g;
}

ForwardedValues ParseForwardedValues(CollectingReader& w, const JsonReader& j) {
  ForwardedValues fv;
  fv.query_string = w.Bool(j, "QueryString", Need::kRequired).value_or(false);
  fv.query_string_cache_keys = w.StringItems(j, "QueryStringCacheKeys");
  fv.headers = w.StringItems(j, "Headers");
  if (const absl::optional<JsonReader> cookies = w.Object(j, "Cookies", Need::kRequired)) {
    fv.cookies_forward =
        w.Behavior(*cookies, "Forward", Need::kRequired,
                   {KeyListBehavior::kNone, KeyListBehavior::kWhitelist, KeyListBehavior::kAll})
            .value_or(KeyListBehavior::kNone);
    if (fv.cookies_forward == KeyListBehavior::kWhitelist) {
      fv.cookie_whitelisted_names = w.StringItems(*cookies, "WhitelistedNames");
    }
  }
  return fv;
}

// A behavior's policy: CachePolicyId (managed, then custom) or legacy ForwardedValues. An unknown
// CachePolicyId keeps a default policy; the validator reports it.
void ParseBehaviorPolicy(CollectingReader& w, const JsonReader& j,
                         const CustomCachePolicies& custom, CacheBehavior* b) {
  const absl::optional<JsonReader> fv = w.Object(j, "ForwardedValues");
  // Exports may print an empty CachePolicyId beside legacy fields.
  if (auto id = w.String(j, "CachePolicyId"); id.has_value() && !id->empty()) {
    b->cache_policy_id = *id;
    if (fv.has_value()) {
      w.Problem(fv->Error("a behavior uses CachePolicyId or ForwardedValues, not both"));
    }
    if (const CachePolicy* managed = FindManagedCachePolicy(*id)) {
      b->cache_policy = *managed;
    } else if (auto it = custom.find(*id); it != custom.end()) {
      b->cache_policy = it->second;
    }
    return;
  }
  if (!fv.has_value()) return;
  const ForwardedValues values = ParseForwardedValues(w, *fv);
  const absl::optional<int64_t> min_ttl = w.Int(j, "MinTTL");
  const absl::optional<int64_t> default_ttl = w.Int(j, "DefaultTTL");
  const absl::optional<int64_t> max_ttl = w.Int(j, "MaxTTL");
  b->cache_policy = CachePolicyFromForwardedValues(values, min_ttl, default_ttl, max_ttl);
}

// A behavior's reference to a policy by Id under `key`: managed first, then the account's own
// (SPEC 14, SPEC 11). An unknown Id leaves no policy; the validator reports it.
template <typename Policy>
void ResolvePolicyId(CollectingReader& w, const JsonReader& j, absl::string_view key,
                     const Policy* (*find_managed)(absl::string_view),
                     const absl::flat_hash_map<std::string, Policy>& custom, std::string* id,
                     absl::optional<Policy>* policy) {
  absl::optional<std::string> v = w.String(j, key);
  if (!v.has_value() || v->empty()) return;
  *id = *std::move(v);
  if (const Policy* managed = find_managed(*id)) {
    *policy = *managed;
  } else if (auto it = custom.find(*id); it != custom.end()) {
    *policy = it->second;
  }
}

// The Name a FunctionARN ends with (`...:function/<Name>`), or the whole text: a config file may
// name its own functions plainly.
absl::string_view FunctionNameOf(absl::string_view arn) {
  constexpr absl::string_view kMarker = ":function/";
  const size_t at = arn.rfind(kMarker);
  return at == absl::string_view::npos ? arn : arn.substr(at + kMarker.size());
}

// A config file's FunctionAssociations (SPEC 15.1): viewer events only, one function each, every
// one defined in the file's "Functions".
void ParseFunctionAssociations(CollectingReader& w, const JsonReader& j,
                               const AccountResources& account, CacheBehavior* b) {
  for (const JsonReader& item : w.ObjectItems(j, "FunctionAssociations")) {
    const absl::optional<std::string> event = w.String(item, "EventType", Need::kRequired);
    const absl::optional<std::string> arn = w.String(item, "FunctionARN", Need::kRequired);
    if (!event.has_value() || !arn.has_value()) continue;
    if (*event != "viewer-request" && *event != "viewer-response") {
      w.Problem(item.Field("EventType").Error(absl::StrCat(
          "\"", *event, "\" is not viewer-request or viewer-response (CloudFront Functions run on "
          "viewer events only)")));
      continue;
    }
    const std::string name(FunctionNameOf(*arn));
    const auto f = account.functions.find(name);
    if (f == account.functions.end()) {
      w.Problem(item.Field("FunctionARN").Error(
          absl::StrCat("names no function \"", name, "\" of the file's \"Functions\"")));
      continue;
    }
    if (std::any_of(b->function_associations.begin(), b->function_associations.end(),
                    [&](const FunctionAssociation& a) { return a.event_type == *event; })) {
      w.Problem(item.Field("EventType").Error(
          absl::StrCat("a cache behavior has one function per event type; ", *event,
                       " has two")));
      continue;
    }
    b->function_associations.push_back(
        {*event, *arn, name, f->second.runtime, f->second.code});
  }
}

CacheBehavior ParseBehavior(CollectingReader& w, const JsonReader& j, bool is_default,
                            const AccessNames& names) {
  const AccountResources& account = names.account;
  CacheBehavior b;
  if (!is_default) b.path_pattern = w.String(j, "PathPattern", Need::kRequired).value_or("");
  if (auto v = w.String(j, "TargetOriginId", Need::kRequired)) b.target_origin_id = *v;
  if (auto v = w.String(j, "ViewerProtocolPolicy", Need::kRequired)) {
    b.viewer_protocol_policy = *v;
  }
  if (const absl::optional<JsonReader> allowed = w.Object(j, "AllowedMethods")) {
    b.allowed_methods = w.StringItems(j, "AllowedMethods", Need::kRequired);
    if (w.Object(*allowed, "CachedMethods").has_value()) {
      b.cached_methods = w.StringItems(*allowed, "CachedMethods");
    }
  }
  if (auto v = w.Bool(j, "Compress")) b.compress = *v;
  ResolvePolicyId(w, j, "OriginRequestPolicyId", FindManagedOriginRequestPolicy,
                  account.origin_request_policies, &b.origin_request_policy_id,
                  &b.origin_request_policy);
  ParseBehaviorPolicy(w, j, account.cache_policies, &b);
  ResolvePolicyId(w, j, "ResponseHeadersPolicyId", FindManagedResponseHeadersPolicy,
                  account.response_headers_policies, &b.response_headers_policy_id,
                  &b.response_headers_policy);
  // An export of a real distribution names functions it does not carry: without a "Functions"
  // list its associations are left out (not run), so it loads as CloudFront's other exports do.
  if (!names.account_known && !account.functions.empty()) {
    ParseFunctionAssociations(w, j, account, &b);
  }
  ApplyLegacyCompression(&b);
  return b;
}

CustomErrorResponse ParseCustomErrorResponse(CollectingReader& w, const JsonReader& j) {
  CustomErrorResponse r;
  if (auto v = w.Int(j, "ErrorCode", Need::kRequired)) r.error_code = static_cast<int>(*v);
  if (auto v = w.String(j, "ResponsePagePath")) r.response_page_path = *v;
  if (auto v = w.Seconds(j, "ErrorCachingMinTTL")) r.error_caching_min_ttl = *v;
  // A string in CloudFront's JSON (an empty one when unset); a number is accepted too.
  const absl::optional<JsonReader> code = w.Field(j, "ResponseCode", Need::kOptional);
  if (!code.has_value()) return r;
  if (!code->value().is_string()) {
    if (auto v = w.Keep(code->Int())) r.response_code = static_cast<int>(*v);
    return r;
  }
  const std::string& text = code->value().get_ref<const std::string&>();
  int parsed = 0;
  if (absl::SimpleAtoi(text, &parsed)) {
    r.response_code = parsed;
  } else if (!text.empty()) {
    w.Problem(code->Error(absl::StrCat("\"", text, "\" is not an HTTP status code")));
  }
  return r;
}

DistributionConfig ParseDistributionConfig(CollectingReader& w, const JsonReader& j,
                                           const AccessNames& names) {
  const AccountResources& account = names.account;
  DistributionConfig c;
  if (auto v = w.String(j, "CallerReference")) c.caller_reference = *v;
  if (auto v = w.String(j, "Comment")) c.comment = *v;
  if (auto v = w.Bool(j, "Enabled")) c.enabled = *v;
  if (auto v = w.String(j, "DefaultRootObject")) c.default_root_object = *v;
  if (auto v = w.String(j, "PriceClass")) c.price_class = *v;
  c.aliases = w.StringItems(j, "Aliases");
  for (const JsonReader& item : w.ObjectItems(j, "Origins", Need::kRequired)) {
    c.origins.push_back(ParseOrigin(w, item, names));
  }
  for (const JsonReader& item : w.ObjectItems(j, "OriginGroups")) {
    c.origin_groups.push_back(ParseOriginGroup(w, item));
  }
  if (const auto d = w.Object(j, "DefaultCacheBehavior", Need::kRequired)) {
    c.default_behavior = ParseBehavior(w, *d, true, names);
  }
  for (const JsonReader& item : w.ObjectItems(j, "CacheBehaviors")) {
    c.behaviors.push_back(ParseBehavior(w, item, false, names));
  }
  for (const JsonReader& item : w.ObjectItems(j, "CustomErrorResponses")) {
    c.custom_error_responses.push_back(ParseCustomErrorResponse(w, item));
  }
  return c;
}

constexpr std::initializer_list<KeyListBehavior> kAnyKeys = {
    KeyListBehavior::kNone, KeyListBehavior::kWhitelist, KeyListBehavior::kAllExcept,
    KeyListBehavior::kAll};

KeyList ParseKeyList(CollectingReader& w, const JsonReader& params, absl::string_view config_key,
                     absl::string_view behavior_key, absl::string_view names_key,
                     std::initializer_list<KeyListBehavior> allowed, Need need = Need::kOptional) {
  KeyList list;
  const absl::optional<JsonReader> config = w.Object(params, config_key, need);
  if (!config.has_value()) return list;
  list.behavior =
      w.Behavior(*config, behavior_key, Need::kRequired, allowed).value_or(KeyListBehavior::kNone);
  if (list.behavior == KeyListBehavior::kWhitelist ||
      list.behavior == KeyListBehavior::kAllExcept) {
    list.names = w.StringItems(*config, names_key);
  }
  return list;
}

CachePolicy ParseCachePolicyConfig(CollectingReader& w, const JsonReader& j) {
  CachePolicy p;
  p.name = w.String(j, "Name", Need::kRequired).value_or("");
  p.comment = w.String(j, "Comment").value_or("");
  const absl::optional<int64_t> min_ttl = w.Int(j, "MinTTL", Need::kRequired);
  const absl::optional<int64_t> default_ttl = w.Int(j, "DefaultTTL");
  const absl::optional<int64_t> max_ttl = w.Int(j, "MaxTTL");
  SetTtlsWithDefaults(min_ttl, default_ttl, max_ttl, &p);
  const absl::optional<JsonReader> params = w.Object(j, "ParametersInCacheKeyAndForwardedToOrigin");
  if (!params.has_value()) return p;
  p.enable_accept_encoding_gzip = w.Bool(*params, "EnableAcceptEncodingGzip").value_or(false);
  p.enable_accept_encoding_brotli = w.Bool(*params, "EnableAcceptEncodingBrotli").value_or(false);
  p.headers = ParseKeyList(w, *params, "HeadersConfig", "HeaderBehavior", "Headers",
                           {KeyListBehavior::kNone, KeyListBehavior::kWhitelist});
  p.cookies = ParseKeyList(w, *params, "CookiesConfig", "CookieBehavior", "Cookies", kAnyKeys);
  p.query_strings = ParseKeyList(w, *params, "QueryStringsConfig", "QueryStringBehavior",
                                 "QueryStrings", kAnyKeys);
  return p;
}

OriginAccessControl ParseOriginAccessControlConfig(CollectingReader& w, const JsonReader& j) {
  OriginAccessControl oac;
  oac.name = w.String(j, "Name", Need::kRequired).value_or("");
  if (oac.name.size() > kMaxOriginAccessControlNameLength) {
    w.Problem(j.Field("Name").Error(absl::StrCat("is longer than ",
                                                 kMaxOriginAccessControlNameLength, " characters")));
  }
  oac.description = w.String(j, "Description").value_or("");
  oac.signing_protocol = w.String(j, "SigningProtocol", Need::kRequired).value_or("sigv4");
  if (oac.signing_protocol != "sigv4") {
    w.Problem(j.Field("SigningProtocol").Error(
        absl::StrCat("\"", oac.signing_protocol, "\" is not one of sigv4")));
  }
  const std::string behavior = w.String(j, "SigningBehavior", Need::kRequired).value_or("always");
  if (const absl::optional<SigningBehavior> b = ParseSigningBehavior(behavior)) {
    oac.signing_behavior = *b;
  } else {
    w.Problem(j.Field("SigningBehavior").Error(
        absl::StrCat("\"", behavior, "\" is not one of always, never, no-override")));
  }
  oac.origin_type =
      w.String(j, "OriginAccessControlOriginType", Need::kRequired).value_or("s3");
  if (!IsOriginAccessControlOriginType(oac.origin_type)) {
    w.Problem(j.Field("OriginAccessControlOriginType")
                  .Error(absl::StrCat("\"", oac.origin_type,
                                      "\" is not one of s3, mediastore, mediapackagev2, lambda")));
  }
  return oac;
}

CachePolicy LoadCachePolicy(CollectingReader& w, const JsonReader& j) {
  CachePolicy p = ParseCachePolicyConfig(w, j);
  for (ConfigProblem& problem : ValidateCachePolicyTtls(p, j.location())) {
    w.problems().push_back(std::move(problem));
  }
  return p;
}

// An OriginRequestPolicyConfig, validated but for its quotas (SPEC 14.1).
OriginRequestPolicy LoadOriginRequestPolicy(CollectingReader& w, const JsonReader& j) {
  OriginRequestPolicy p;
  p.name = w.String(j, "Name", Need::kRequired).value_or("");
  p.comment = w.String(j, "Comment").value_or("");
  if (const absl::optional<JsonReader> headers = w.Object(j, "HeadersConfig", Need::kRequired)) {
    const absl::optional<std::string> text = w.String(*headers, "HeaderBehavior", Need::kRequired);
    // The list is checked against a known behavior only.
    if (text.has_value() && !ParseOriginHeaderBehavior(*text, &p.header_behavior)) {
      w.Problem(headers->Field("HeaderBehavior")
                    .Error(absl::StrCat("\"", *text,
                                        "\" is not one of none, whitelist, allViewer, "
                                        "allViewerAndWhitelistCloudFront, allExcept")));
    } else {
      p.headers = w.StringItems(*headers, "Headers");
    }
  }
  p.cookies =
      ParseKeyList(w, j, "CookiesConfig", "CookieBehavior", "Cookies", kAnyKeys, Need::kRequired);
  p.query_strings = ParseKeyList(w, j, "QueryStringsConfig", "QueryStringBehavior", "QueryStrings",
                                 kAnyKeys, Need::kRequired);
  for (ConfigProblem& problem : ValidateOriginRequestPolicy(p, j.location())) {
    w.problems().push_back(std::move(problem));
  }
  return p;
}

// A config file's origin request policy: its quotas are problems too (SPEC 14.2).
OriginRequestPolicy LoadFileOriginRequestPolicy(CollectingReader& w, const JsonReader& j) {
  OriginRequestPolicy p = LoadOriginRequestPolicy(w, j);
  if (const absl::optional<OriginRequestPolicyQuota> quota = ExceededQuota(p)) {
    w.Problem(j.Error(
        absl::StrCat(ToString(*quota), ": the policy lists more names than its quota allows")));
  }
  return p;
}

// A ResponseHeadersPolicyConfig with CloudFront's validation (SPEC 11.1), its problem located in
// the file.
ResponseHeadersPolicy LoadResponseHeadersPolicy(CollectingReader& w, const JsonReader& j) {
  absl::StatusOr<ResponseHeadersPolicy> policy =
      ParseResponseHeadersPolicyConfig(j.value(), j.location());
  if (policy.ok()) return *std::move(policy);
  const std::string location = JsonErrorLocation(policy.status());
  absl::string_view message = ResponseHeadersPolicyErrorMessage(policy.status());
  absl::ConsumePrefix(&message, absl::StrCat(location, ": "));
  w.problems().push_back({location, std::string(message)});
  return ResponseHeadersPolicy();
}

// A bare `config_key` object, `{config_key: ...}` or `{wrapper_key: {"Id", config_key}}` (a get
// output, which also sets the Id), loaded by `load`; every problem at once.
template <typename Policy>
absl::StatusOr<Policy> LoadPolicyConfigJson(absl::string_view json_text,
                                            absl::string_view wrapper_key,
                                            absl::string_view config_key,
                                            Policy (*load)(CollectingReader&, const JsonReader&)) {
  EDGESIM_ASSIGN_OR_RETURN(const nlohmann::json doc, ParseJson(json_text));
  const JsonReader root(doc, "");
  EDGESIM_RETURN_IF_ERROR(JsonReader(doc, std::string(config_key)).ExpectObject());
  CollectingReader w;
  absl::optional<std::string> id;
  absl::optional<JsonReader> config = JsonReader(doc, std::string(config_key));
  if (const absl::optional<JsonReader> p = w.Object(root, wrapper_key)) {
    id = w.String(*p, "Id");
    config = w.Object(*p, config_key, Need::kRequired);
  } else if (doc.contains(config_key)) {
    config = w.Object(root, config_key, Need::kRequired);
  }
  Policy policy;
  if (config.has_value()) policy = load(w, *config);
  policy.id = id.value_or("");
  EDGESIM_RETURN_IF_ERROR(ConfigProblemsStatus(w.problems()));
  return policy;
}

// A config file's custom policies of one kind: `list_key` holds `{"Id", config_key}` items or get
// outputs `{wrapper_key: {...}}`, each loaded by `load`.
template <typename Policy>
void ParseCustomPolicies(CollectingReader& w, const JsonReader& root, absl::string_view list_key,
                         absl::string_view wrapper_key, absl::string_view config_key,
                         Policy (*load)(CollectingReader&, const JsonReader&),
                         absl::flat_hash_map<std::string, Policy>* out) {
  const absl::optional<JsonReader> list = w.Field(root, list_key, Need::kOptional);
  if (!list.has_value()) return;
  const absl::optional<std::vector<JsonReader>> items = w.Keep(list->Items());
  if (!items.has_value()) return;
  for (JsonReader item : *items) {
    if (absl::Status s = item.ExpectObject(); !s.ok()) {
      w.Problem(s);
      continue;
    }
    if (absl::optional<JsonReader> wrapped = w.Object(item, wrapper_key)) item = *wrapped;
    absl::optional<std::string> id = w.String(item, "Id", Need::kRequired);
    const absl::optional<JsonReader> config = w.Object(item, config_key, Need::kRequired);
    if (!id.has_value() || !config.has_value()) continue;
    Policy policy = load(w, *config);
    policy.id = *id;
    (*out)[*id] = std::move(policy);
  }
}

// A config file's "Functions": [{"Name", "FunctionConfig": {"Runtime"}, "FunctionCode"}], as
// create-function takes them (API 1.11), the code inline.
void ParseConfigFunctions(CollectingReader& w, const JsonReader& root,
                          absl::flat_hash_map<std::string, ConfigFunction>* out) {
  const absl::optional<JsonReader> list = w.Field(root, "Functions", Need::kOptional);
  if (!list.has_value()) return;
  const absl::optional<std::vector<JsonReader>> items = w.Keep(list->Items());
  if (!items.has_value()) return;
  for (const JsonReader& item : *items) {
    if (absl::Status s = item.ExpectObject(); !s.ok()) {
      w.Problem(s);
      continue;
    }
    const absl::optional<std::string> name = w.String(item, "Name", Need::kRequired);
    const absl::optional<JsonReader> config = w.Object(item, "FunctionConfig", Need::kRequired);
    const absl::optional<std::string> runtime =
        config.has_value() ? w.String(*config, "Runtime", Need::kRequired) : absl::nullopt;
    const absl::optional<std::string> code = w.String(item, "FunctionCode", Need::kRequired);
    if (runtime.has_value() && !ParseFunctionRuntime(*runtime).has_value()) {
      w.Problem(config->Field("Runtime").Error(absl::StrCat(
          "\"", *runtime, "\" is not cloudfront-js-1.0 or cloudfront-js-2.0")));
      continue;
    }
    if (code.has_value() && code->size() > kMaxFunctionCodeBytes) {
      w.Problem(item.Field("FunctionCode").Error(absl::StrCat(
          "the code has ", code->size(), " bytes; CloudFront takes at most ",
          kMaxFunctionCodeBytes)));
      continue;
    }
    if (name.has_value() && runtime.has_value() && code.has_value()) {
      (*out)[*name] = ConfigFunction{*runtime, *code};
    }
  }
}

// Problems found while loading hide validation problems at or under the same location: a missing
// TargetOriginId need not also be reported as naming no origin.
void AppendUnlessCovered(std::vector<ConfigProblem> more, std::vector<ConfigProblem>* problems) {
  const size_t loaded = problems->size();
  for (ConfigProblem& p : more) {
    const bool covered =
        std::any_of(problems->begin(), problems->begin() + loaded, [&](const ConfigProblem& known) {
          return absl::StartsWith(p.location, known.location) &&
                 (p.location.size() == known.location.size() ||
                  p.location[known.location.size()] == '.' ||
                  p.location[known.location.size()] == '[');
        });
    if (!covered) problems->push_back(std::move(p));
  }
}

}  // namespace

absl::StatusOr<Distribution> LoadDistributionJson(absl::string_view json_text,
                                                  const AccountResources* account) {
  EDGESIM_ASSIGN_OR_RETURN(const nlohmann::json doc, ParseJson(json_text));
  const JsonReader root(doc, "");
  CollectingReader w;
  if (absl::Status s = JsonReader(doc, std::string(kConfigRoot)).ExpectObject(); !s.ok()) {
    return s;
  }
  Distribution distribution;
  // A bare DistributionConfig is read at "DistributionConfig" too, so every shape's problems
  // read alike.
  absl::optional<JsonReader> config = JsonReader(doc, std::string(kConfigRoot));
  if (const absl::optional<JsonReader> d = w.Object(root, "Distribution")) {
    if (auto v = w.String(*d, "Id")) distribution.id = *v;
    if (auto v = w.String(*d, "DomainName")) distribution.domain_name = *v;
    config = w.Object(*d, kConfigRoot, Need::kRequired);
  } else if (doc.contains(kConfigRoot)) {  // a null one is a missing one
    config = w.Object(root, kConfigRoot, Need::kRequired);
  }
  AccountResources resources = account != nullptr ? *account : AccountResources();
  ParseCustomPolicies(w, root, "CachePolicies", "CachePolicy", "CachePolicyConfig",
                      ParseCachePolicyConfig, &resources.cache_policies);
  ParseCustomPolicies(w, root, "OriginRequestPolicies", "OriginRequestPolicy",
                      "OriginRequestPolicyConfig", LoadFileOriginRequestPolicy,
                      &resources.origin_request_policies);
  ParseCustomPolicies(w, root, "OriginAccessControls", "OriginAccessControl",
                      "OriginAccessControlConfig", ParseOriginAccessControlConfig,
                      &resources.origin_access_controls);
  ParseCustomPolicies(w, root, "ResponseHeadersPolicies", "ResponseHeadersPolicy",
                      "ResponseHeadersPolicyConfig", LoadResponseHeadersPolicy,
                      &resources.response_headers_policies);
  ParseConfigFunctions(w, root, &resources.functions);
  if (config.has_value()) {
    distribution.config = ParseDistributionConfig(
        w, *config, {.account = resources, .account_known = account != nullptr});
    AppendUnlessCovered(ValidateDistributionConfig(distribution.config, config->location()),
                        &w.problems());
  }
  EDGESIM_RETURN_IF_ERROR(ConfigProblemsStatus(w.problems()));
  return distribution;
}

absl::StatusOr<DistributionConfig> LoadDistributionConfigJson(absl::string_view json_text,
                                                              const AccountResources* account) {
  EDGESIM_ASSIGN_OR_RETURN(Distribution d, LoadDistributionJson(json_text, account));
  return std::move(d.config);
}

absl::StatusOr<CachePolicy> LoadCachePolicyConfigJson(absl::string_view json_text) {
  return LoadPolicyConfigJson(json_text, "CachePolicy", "CachePolicyConfig", LoadCachePolicy);
}

absl::StatusOr<OriginRequestPolicy> LoadOriginRequestPolicyConfigJson(absl::string_view json_text) {
  return LoadPolicyConfigJson(json_text, "OriginRequestPolicy", "OriginRequestPolicyConfig",
                              LoadOriginRequestPolicy);
}

absl::StatusOr<OriginAccessControl> LoadOriginAccessControlConfigJson(
    absl::string_view json_text) {
  EDGESIM_ASSIGN_OR_RETURN(const nlohmann::json doc, ParseJson(json_text));
  EDGESIM_RETURN_IF_ERROR(JsonReader(doc, "OriginAccessControlConfig").ExpectObject());
  CollectingReader w;
  OriginAccessControl oac =
      ParseOriginAccessControlConfig(w, JsonReader(doc, "OriginAccessControlConfig"));
  EDGESIM_RETURN_IF_ERROR(ConfigProblemsStatus(w.problems()));
  return oac;
}

}  // namespace edgesim::policy
