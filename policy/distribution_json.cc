#include "policy/distribution_json.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "nlohmann/json.hpp"
#include "policy/json_reader.h"
#include "policy/path_pattern.h"
#include "policy/status_macros.h"

namespace edgesim::policy {
namespace {

using Json = nlohmann::json;
// Output keeps CloudFront's field order, so a saved file reads like the CLI's.
using OrderedJson = nlohmann::ordered_json;

constexpr absl::string_view kConfigRoot = "DistributionConfig";
constexpr size_t kMaxCacheBehaviors = 75;  // SPEC 1.1 rule 11 (current default quota)

// ---------------------------------------------------------------------------------------------
// Reading: a walker that records every problem and keeps going.

enum class Need { kOptional, kRequired };

std::string Sub(absl::string_view path, absl::string_view key) {
  return path.empty() ? std::string(key) : absl::StrCat(path, ".", key);
}

std::string ItemPath(absl::string_view path, absl::string_view key, size_t index) {
  return absl::StrCat(Sub(path, key), ".Items[", index, "]");
}

class Walker {
 public:
  void Problem(std::string location, std::string message) {
    problems_.push_back({std::move(location), std::move(message)});
  }
  std::vector<ConfigProblem>& problems() { return problems_; }

  // obj[key] when present and not null; reports a missing required field.
  const Json* Field(const Json& obj, absl::string_view path, const char* key, Need need) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
      if (need == Need::kRequired) Problem(Sub(path, key), "required field is missing");
      return nullptr;
    }
    return &*it;
  }

  const Json* Object(const Json& obj, absl::string_view path, const char* key,
                     Need need = Need::kOptional) {
    const Json* j = Field(obj, path, key, need);
    return j != nullptr && Expect(*j, j->is_object(), "an object", Sub(path, key)) ? j : nullptr;
  }

  absl::optional<std::string> String(const Json& obj, absl::string_view path, const char* key,
                                     Need need = Need::kOptional) {
    const Json* j = Field(obj, path, key, need);
    if (j == nullptr || !Expect(*j, j->is_string(), "a string", Sub(path, key))) {
      return absl::nullopt;
    }
    return j->get<std::string>();
  }

  absl::optional<bool> Bool(const Json& obj, absl::string_view path, const char* key,
                            Need need = Need::kOptional) {
    const Json* j = Field(obj, path, key, need);
    if (j == nullptr || !Expect(*j, j->is_boolean(), "true or false", Sub(path, key))) {
      return absl::nullopt;
    }
    return j->get<bool>();
  }

  absl::optional<int64_t> Int(const Json& obj, absl::string_view path, const char* key,
                              Need need = Need::kOptional) {
    const Json* j = Field(obj, path, key, need);
    if (j == nullptr) return absl::nullopt;
    return IntValue(*j, Sub(path, key));
  }

  absl::optional<int64_t> IntValue(const Json& j, const std::string& location) {
    if (!Expect(j, j.is_number_integer(), "an integer", location)) return absl::nullopt;
    if (j.is_number_unsigned() &&
        j.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      Problem(location, "integer out of range");
      return absl::nullopt;
    }
    return j.get<int64_t>();
  }

  // A CloudFront list `{"Quantity": n, "Items": [...]}`; its items, or none when absent/invalid.
  // A Quantity that disagrees with Items is InconsistentQuantities, as CloudFront answers.
  std::vector<const Json*> Items(const Json& obj, absl::string_view path, const char* key,
                                 Need need = Need::kOptional) {
    const Json* list = Object(obj, path, key, need);
    if (list == nullptr) return {};
    const std::string list_path = Sub(path, key);
    absl::optional<int64_t> quantity = Int(*list, list_path, "Quantity", Need::kRequired);
    std::vector<const Json*> items;
    if (const Json* j = Field(*list, list_path, "Items", Need::kOptional); j != nullptr) {
      if (!Expect(*j, j->is_array(), "an array", Sub(list_path, "Items"))) return {};
      for (const Json& item : *j) items.push_back(&item);
    }
    if (quantity.has_value() && *quantity != static_cast<int64_t>(items.size())) {
      Problem(Sub(list_path, "Quantity"),
              absl::StrCat("InconsistentQuantities: Quantity is ", *quantity, " but Items has ",
                           items.size(), " element(s)"));
    }
    return items;
  }

  std::vector<std::string> StringItems(const Json& obj, absl::string_view path, const char* key,
                                       Need need = Need::kOptional) {
    std::vector<std::string> out;
    std::vector<const Json*> items = Items(obj, path, key, need);
    for (size_t i = 0; i < items.size(); ++i) {
      if (Expect(*items[i], items[i]->is_string(), "a string", ItemPath(path, key, i))) {
        out.push_back(items[i]->get<std::string>());
      }
    }
    return out;
  }

  // Items that must be objects, with their paths.
  std::vector<std::pair<const Json*, std::string>> ObjectItems(const Json& obj,
                                                               absl::string_view path,
                                                               const char* key,
                                                               Need need = Need::kOptional) {
    std::vector<std::pair<const Json*, std::string>> out;
    std::vector<const Json*> items = Items(obj, path, key, need);
    for (size_t i = 0; i < items.size(); ++i) {
      std::string item_path = ItemPath(path, key, i);
      if (Expect(*items[i], items[i]->is_object(), "an object", item_path)) {
        out.emplace_back(items[i], std::move(item_path));
      }
    }
    return out;
  }

  absl::optional<KeyListBehavior> Behavior(const Json& obj, absl::string_view path, const char* key,
                                           Need need,
                                           std::initializer_list<KeyListBehavior> allowed) {
    absl::optional<std::string> text = String(obj, path, key, need);
    if (!text.has_value()) return absl::nullopt;
    KeyListBehavior b;
    if (ParseKeyListBehavior(*text, &b) &&
        std::find(allowed.begin(), allowed.end(), b) != allowed.end()) {
      return b;
    }
    std::vector<absl::string_view> names;
    for (KeyListBehavior a : allowed) names.push_back(ToString(a));
    Problem(Sub(path, key),
            absl::StrCat("\"", *text, "\" is not one of ", absl::StrJoin(names, ", ")));
    return absl::nullopt;
  }

 private:
  bool Expect(const Json& j, bool ok, absl::string_view what, const std::string& location) {
    if (!ok) Problem(location, absl::StrCat("expected ", what, ", got ", j.type_name()));
    return ok;
  }

  std::vector<ConfigProblem> problems_;
};

// ---------------------------------------------------------------------------------------------
// S3 origins.

// S3OriginConfig carries no ports, protocol or keepalive, and website endpoints are custom
// origins in CloudFront: an S3 origin is written with S3OriginConfig only when that loses nothing.
bool IsS3WebsiteDomain(absl::string_view domain) {
  const absl::optional<S3Domain> s3 = ParseS3Domain(domain);
  return s3.has_value() && s3->website;
}

bool WritesS3OriginConfig(const Origin& o) {
  const Origin defaults;
  return o.kind == OriginKind::kS3 && !IsS3WebsiteDomain(o.domain_name) &&
         o.http_port == defaults.http_port && o.https_port == defaults.https_port &&
         o.protocol_policy == defaults.protocol_policy &&
         o.keepalive_timeout == defaults.keepalive_timeout;
}

// ---------------------------------------------------------------------------------------------
// Parsing the model.

void ParseOriginTransport(Walker& w, const Json& config, const std::string& path, Origin* o) {
  if (auto v = w.Int(config, path, "HTTPPort")) o->http_port = static_cast<int>(*v);
  if (auto v = w.Int(config, path, "HTTPSPort")) o->https_port = static_cast<int>(*v);
  if (auto v = w.String(config, path, "OriginProtocolPolicy")) o->protocol_policy = *v;
  if (auto v = w.Int(config, path, "OriginKeepaliveTimeout")) {
    o->keepalive_timeout = absl::Seconds(*v);
  }
}

Origin ParseOrigin(Walker& w, const Json& j, const std::string& path) {
  Origin o;
  if (auto v = w.String(j, path, "Id", Need::kRequired)) o.id = *v;
  if (auto v = w.String(j, path, "DomainName", Need::kRequired)) o.domain_name = *v;
  if (auto v = w.String(j, path, "OriginPath")) o.origin_path = *v;
  const Json* s3 = w.Object(j, path, "S3OriginConfig");
  const Json* custom = w.Object(j, path, "CustomOriginConfig");
  if (custom != nullptr) ParseOriginTransport(w, *custom, Sub(path, "CustomOriginConfig"), &o);
  for (const Json* config : {s3, custom}) {
    if (config == nullptr) continue;
    const std::string config_path =
        Sub(path, config == s3 ? "S3OriginConfig" : "CustomOriginConfig");
    if (auto v = w.Int(*config, config_path, "OriginReadTimeout")) {
      o.read_timeout = absl::Seconds(*v);
    }
  }
  if (s3 != nullptr || ParseS3Domain(o.domain_name).has_value()) {
    o.kind = OriginKind::kS3;
  }
  if (auto v = w.Int(j, path, "ConnectionAttempts")) o.connection_attempts = static_cast<int>(*v);
  if (auto v = w.Int(j, path, "ConnectionTimeout")) o.connection_timeout = absl::Seconds(*v);
  for (const auto& [header, header_path] : w.ObjectItems(j, path, "CustomHeaders")) {
    auto name = w.String(*header, header_path, "HeaderName", Need::kRequired);
    auto value = w.String(*header, header_path, "HeaderValue", Need::kRequired);
    if (name && value) o.custom_headers.emplace_back(*name, *value);
  }
  if (const Json* shield = w.Object(j, path, "OriginShield")) {
    const std::string shield_path = Sub(path, "OriginShield");
    if (w.Bool(*shield, shield_path, "Enabled", Need::kRequired).value_or(false)) {
      o.origin_shield_region =
          w.String(*shield, shield_path, "OriginShieldRegion", Need::kRequired).value_or("");
    }
  }
  return o;
}

ForwardedValues ParseForwardedValues(Walker& w, const Json& j, const std::string& path) {
  ForwardedValues fv;
  fv.query_string = w.Bool(j, path, "QueryString", Need::kRequired).value_or(false);
  fv.query_string_cache_keys = w.StringItems(j, path, "QueryStringCacheKeys");
  fv.headers = w.StringItems(j, path, "Headers");
  if (const Json* cookies = w.Object(j, path, "Cookies", Need::kRequired)) {
    const std::string cookies_path = Sub(path, "Cookies");
    fv.cookies_forward =
        w.Behavior(*cookies, cookies_path, "Forward", Need::kRequired,
                   {KeyListBehavior::kNone, KeyListBehavior::kWhitelist, KeyListBehavior::kAll})
            .value_or(KeyListBehavior::kNone);
    if (fv.cookies_forward == KeyListBehavior::kWhitelist) {
      fv.cookie_whitelisted_names = w.StringItems(*cookies, cookies_path, "WhitelistedNames");
    }
  }
  return fv;
}

// A behavior's policy: CachePolicyId (managed, then custom) or legacy ForwardedValues. An unknown
// CachePolicyId keeps a default policy; ValidateDistributionConfig reports it.
void ParseBehaviorPolicy(Walker& w, const Json& j, const std::string& path,
                         const CustomCachePolicies& custom, CacheBehavior* b) {
  const Json* fv = w.Object(j, path, "ForwardedValues");
  // Exports may print an empty CachePolicyId beside legacy fields.
  if (auto id = w.String(j, path, "CachePolicyId"); id.has_value() && !id->empty()) {
    b->cache_policy_id = *id;
    if (fv != nullptr) {
      w.Problem(Sub(path, "ForwardedValues"),
                "a behavior uses CachePolicyId or ForwardedValues, not both");
    }
    if (const CachePolicy* managed = FindManagedCachePolicy(*id)) {
      b->cache_policy = *managed;
    } else if (auto it = custom.find(*id); it != custom.end()) {
      b->cache_policy = it->second;
    }
    return;
  }
  if (fv == nullptr) return;
  const ForwardedValues values = ParseForwardedValues(w, *fv, Sub(path, "ForwardedValues"));
  const absl::optional<int64_t> min_ttl = w.Int(j, path, "MinTTL");
  const absl::optional<int64_t> default_ttl = w.Int(j, path, "DefaultTTL");
  const absl::optional<int64_t> max_ttl = w.Int(j, path, "MaxTTL");
  b->cache_policy = CachePolicyFromForwardedValues(values, min_ttl, default_ttl, max_ttl);
}

CacheBehavior ParseBehavior(Walker& w, const Json& j, const std::string& path, bool is_default,
                            const CustomCachePolicies& custom) {
  CacheBehavior b;
  if (!is_default) {
    b.path_pattern = w.String(j, path, "PathPattern", Need::kRequired).value_or("");
  }
  if (auto v = w.String(j, path, "TargetOriginId", Need::kRequired)) b.target_origin_id = *v;
  if (auto v = w.String(j, path, "ViewerProtocolPolicy", Need::kRequired)) {
    b.viewer_protocol_policy = *v;
  }
  if (const Json* allowed = w.Object(j, path, "AllowedMethods")) {
    const std::string allowed_path = Sub(path, "AllowedMethods");
    b.allowed_methods = w.StringItems(j, path, "AllowedMethods", Need::kRequired);
    if (w.Object(*allowed, allowed_path, "CachedMethods") != nullptr) {
      b.cached_methods = w.StringItems(*allowed, allowed_path, "CachedMethods");
    }
  }
  if (auto v = w.Bool(j, path, "Compress")) b.compress = *v;
  if (auto v = w.String(j, path, "OriginRequestPolicyId"); v.has_value() && !v->empty()) {
    b.origin_request_policy_id = *v;
    if (const OriginRequestPolicy* managed = FindManagedOriginRequestPolicy(*v)) {
      b.origin_request_policy = *managed;
    }
  }
  ParseBehaviorPolicy(w, j, path, custom, &b);
  return b;
}

CustomErrorResponse ParseCustomErrorResponse(Walker& w, const Json& j, const std::string& path) {
  CustomErrorResponse r;
  if (auto v = w.Int(j, path, "ErrorCode", Need::kRequired)) r.error_code = static_cast<int>(*v);
  if (auto v = w.String(j, path, "ResponsePagePath")) r.response_page_path = *v;
  if (auto v = w.Int(j, path, "ErrorCachingMinTTL")) r.error_caching_min_ttl = absl::Seconds(*v);
  // A string in CloudFront's JSON (an empty one when unset); a number is accepted too.
  if (const Json* code = w.Field(j, path, "ResponseCode", Need::kOptional)) {
    const std::string code_path = Sub(path, "ResponseCode");
    int parsed = 0;
    if (code->is_string()) {
      const std::string& text = code->get_ref<const std::string&>();
      if (absl::SimpleAtoi(text, &parsed)) {
        r.response_code = parsed;
      } else if (!text.empty()) {
        w.Problem(code_path, absl::StrCat("\"", text, "\" is not an HTTP status code"));
      }
    } else if (auto v = w.IntValue(*code, code_path)) {
      r.response_code = static_cast<int>(*v);
    }
  }
  return r;
}

DistributionConfig ParseDistributionConfig(Walker& w, const Json& j, const std::string& path,
                                           const CustomCachePolicies& custom) {
  DistributionConfig c;
  if (auto v = w.String(j, path, "CallerReference")) c.caller_reference = *v;
  if (auto v = w.String(j, path, "Comment")) c.comment = *v;
  if (auto v = w.Bool(j, path, "Enabled")) c.enabled = *v;
  if (auto v = w.String(j, path, "DefaultRootObject")) c.default_root_object = *v;
  if (auto v = w.String(j, path, "PriceClass")) c.price_class = *v;
  c.aliases = w.StringItems(j, path, "Aliases");
  for (const auto& [item, item_path] : w.ObjectItems(j, path, "Origins", Need::kRequired)) {
    c.origins.push_back(ParseOrigin(w, *item, item_path));
  }
  if (const Json* d = w.Object(j, path, "DefaultCacheBehavior", Need::kRequired)) {
    c.default_behavior = ParseBehavior(w, *d, Sub(path, "DefaultCacheBehavior"), true, custom);
  }
  for (const auto& [item, item_path] : w.ObjectItems(j, path, "CacheBehaviors")) {
    c.behaviors.push_back(ParseBehavior(w, *item, item_path, false, custom));
  }
  for (const auto& [item, item_path] : w.ObjectItems(j, path, "CustomErrorResponses")) {
    c.custom_error_responses.push_back(ParseCustomErrorResponse(w, *item, item_path));
  }
  return c;
}

KeyList ParseKeyList(Walker& w, const Json& params, const std::string& params_path,
                     const char* config_key, const char* behavior_key, const char* names_key,
                     std::initializer_list<KeyListBehavior> allowed) {
  KeyList list;
  const Json* config = w.Object(params, params_path, config_key);
  if (config == nullptr) return list;
  const std::string config_path = Sub(params_path, config_key);
  list.behavior = w.Behavior(*config, config_path, behavior_key, Need::kRequired, allowed)
                      .value_or(KeyListBehavior::kNone);
  if (list.behavior == KeyListBehavior::kWhitelist ||
      list.behavior == KeyListBehavior::kAllExcept) {
    list.names = w.StringItems(*config, config_path, names_key);
  }
  return list;
}

CachePolicy ParseCachePolicyConfig(Walker& w, const Json& j, const std::string& path) {
  CachePolicy p;
  p.name = w.String(j, path, "Name", Need::kRequired).value_or("");
  p.comment = w.String(j, path, "Comment").value_or("");
  const absl::optional<int64_t> min_ttl = w.Int(j, path, "MinTTL", Need::kRequired);
  const absl::optional<int64_t> default_ttl = w.Int(j, path, "DefaultTTL");
  const absl::optional<int64_t> max_ttl = w.Int(j, path, "MaxTTL");
  SetTtlsWithDefaults(min_ttl, default_ttl, max_ttl, &p);
  const Json* params = w.Object(j, path, "ParametersInCacheKeyAndForwardedToOrigin");
  if (params == nullptr) return p;
  const std::string params_path = Sub(path, "ParametersInCacheKeyAndForwardedToOrigin");
  p.enable_accept_encoding_gzip =
      w.Bool(*params, params_path, "EnableAcceptEncodingGzip").value_or(false);
  p.enable_accept_encoding_brotli =
      w.Bool(*params, params_path, "EnableAcceptEncodingBrotli").value_or(false);
  const auto any = {KeyListBehavior::kNone, KeyListBehavior::kWhitelist,
                    KeyListBehavior::kAllExcept, KeyListBehavior::kAll};
  p.headers = ParseKeyList(w, *params, params_path, "HeadersConfig", "HeaderBehavior", "Headers",
                           {KeyListBehavior::kNone, KeyListBehavior::kWhitelist});
  p.cookies =
      ParseKeyList(w, *params, params_path, "CookiesConfig", "CookieBehavior", "Cookies", any);
  p.query_strings = ParseKeyList(w, *params, params_path, "QueryStringsConfig",
                                 "QueryStringBehavior", "QueryStrings", any);
  return p;
}

// `{"Id", "CachePolicyConfig"}` or the get-cache-policy item `{"CachePolicy": {...}}`.
void ParseCustomPolicies(Walker& w, const Json& root, CustomCachePolicies* out) {
  const Json* list = w.Field(root, "", "CachePolicies", Need::kOptional);
  if (list == nullptr) return;
  if (!list->is_array()) {
    w.Problem("CachePolicies", absl::StrCat("expected an array, got ", list->type_name()));
    return;
  }
  for (size_t i = 0; i < list->size(); ++i) {
    std::string path = absl::StrCat("CachePolicies[", i, "]");
    const Json* item = &(*list)[i];
    if (!item->is_object()) {
      w.Problem(path, absl::StrCat("expected an object, got ", item->type_name()));
      continue;
    }
    if (const Json* wrapped = w.Object(*item, path, "CachePolicy")) {
      item = wrapped;
      path = Sub(path, "CachePolicy");
    }
    absl::optional<std::string> id = w.String(*item, path, "Id", Need::kRequired);
    const Json* config = w.Object(*item, path, "CachePolicyConfig", Need::kRequired);
    if (!id.has_value() || config == nullptr) continue;
    CachePolicy policy = ParseCachePolicyConfig(w, *config, Sub(path, "CachePolicyConfig"));
    policy.id = *id;
    (*out)[*id] = std::move(policy);
  }
}

// ---------------------------------------------------------------------------------------------
// Validation.

struct TtlProblem {
  absl::string_view field;
  std::string message;
};

std::vector<TtlProblem> TtlOrderProblems(const CachePolicy& p) {
  const int64_t min = absl::ToInt64Seconds(p.min_ttl);
  const int64_t def = absl::ToInt64Seconds(p.default_ttl);
  const int64_t max = absl::ToInt64Seconds(p.max_ttl);
  std::vector<TtlProblem> out;
  if (min < 0) out.push_back({"MinTTL", absl::StrCat("MinTTL (", min, ") must not be negative")});
  if (def < min) {
    out.push_back({"DefaultTTL", absl::StrCat("InvalidTTLOrder: DefaultTTL (", def,
                                              ") is less than MinTTL (", min, ")")});
  }
  if (max < def) {
    out.push_back({"MaxTTL", absl::StrCat("InvalidTTLOrder: MaxTTL (", max,
                                          ") is less than DefaultTTL (", def, ")")});
  }
  return out;
}

bool SameSet(std::vector<std::string> a, std::vector<std::string> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return a == b;
}

bool IsOneOf(const std::vector<std::string>& methods,
             std::initializer_list<std::vector<std::string>> sets) {
  return std::any_of(sets.begin(), sets.end(), [&](const auto& s) { return SameSet(methods, s); });
}

bool IsIn(absl::string_view value, std::initializer_list<absl::string_view> allowed) {
  return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

bool IsIn(int value, std::initializer_list<int> allowed) {
  return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

class Validator {
 public:
  Validator(const DistributionConfig& config, absl::string_view root)
      : config_(config), root_(root) {}

  std::vector<ConfigProblem> Run() && {
    CheckOrigins();
    if (config_.behaviors.size() > kMaxCacheBehaviors) {
      Problem(Sub(root_, "CacheBehaviors.Quantity"),
              absl::StrCat("TooManyCacheBehaviors: ", config_.behaviors.size(),
                           " cache behaviors; the limit is ", kMaxCacheBehaviors));
    }
    CheckBehavior(config_.default_behavior, Sub(root_, "DefaultCacheBehavior"));
    for (size_t i = 0; i < config_.behaviors.size(); ++i) {
      const std::string path = ItemPath(root_, "CacheBehaviors", i);
      CheckPathPattern(config_.behaviors[i].path_pattern, Sub(path, "PathPattern"));
      CheckBehavior(config_.behaviors[i], path);
    }
    CheckErrorResponses();
    return std::move(problems_);
  }

 private:
  void Problem(std::string location, std::string message) {
    problems_.push_back({std::move(location), std::move(message)});
  }

  // SPEC 7.3 ranges, in whole seconds as CloudFront takes them.
  void CheckRange(absl::Duration value, int64_t lo, int64_t hi, const std::string& location) {
    CheckRange(absl::ToInt64Seconds(value), lo, hi, location);
  }
  void CheckRange(int64_t value, int64_t lo, int64_t hi, const std::string& location) {
    if (value < lo || value > hi) {
      Problem(location, absl::StrCat(value, " is outside the allowed range ", lo, "-", hi));
    }
  }

  void CheckOrigins() {
    if (config_.origins.empty()) {
      Problem(Sub(root_, "Origins"), "at least one origin is required");
    }
    absl::flat_hash_map<absl::string_view, size_t> first_index;
    for (size_t i = 0; i < config_.origins.size(); ++i) {
      const Origin& o = config_.origins[i];
      const std::string path = ItemPath(root_, "Origins", i);
      if (o.id.empty()) Problem(Sub(path, "Id"), "must not be empty");
      if (auto [it, inserted] = first_index.emplace(o.id, i); !inserted && !o.id.empty()) {
        Problem(Sub(path, "Id"),
                absl::StrCat("duplicate origin Id \"", o.id, "\" (also Items[", it->second, "])"));
      }
      if (o.domain_name.empty()) Problem(Sub(path, "DomainName"), "must not be empty");
      CheckRange(o.connection_attempts, 1, 3, Sub(path, "ConnectionAttempts"));
      CheckRange(o.connection_timeout, 1, 10, Sub(path, "ConnectionTimeout"));
      const std::string config_path =
          Sub(path, WritesS3OriginConfig(o) ? "S3OriginConfig" : "CustomOriginConfig");
      CheckRange(o.read_timeout, 1, 120, Sub(config_path, "OriginReadTimeout"));
      if (WritesS3OriginConfig(o)) continue;
      CheckRange(o.keepalive_timeout, 1, 120, Sub(config_path, "OriginKeepaliveTimeout"));
      if (!IsIn(o.protocol_policy, {"http-only", "https-only", "match-viewer"})) {
        Problem(Sub(config_path, "OriginProtocolPolicy"),
                absl::StrCat("\"", o.protocol_policy,
                             "\" is not one of http-only, https-only, match-viewer"));
      }
    }
  }

  // SPEC 1.1 rule 10: the syntax is PathPattern's to judge, so the table and the config agree.
  void CheckPathPattern(const std::string& pattern, const std::string& location) {
    if (absl::StatusOr<PathPattern> compiled = PathPattern::Compile(pattern); !compiled.ok()) {
      Problem(location, std::string(compiled.status().message()));
    }
  }

  void CheckBehavior(const CacheBehavior& b, const std::string& path) {
    if (config_.FindOrigin(b.target_origin_id) == nullptr) {
      Problem(Sub(path, "TargetOriginId"),
              absl::StrCat("\"", b.target_origin_id, "\" names no origin of this distribution"));
    }
    if (!IsIn(b.viewer_protocol_policy, {"allow-all", "https-only", "redirect-to-https"})) {
      Problem(Sub(path, "ViewerProtocolPolicy"),
              absl::StrCat("\"", b.viewer_protocol_policy,
                           "\" is not one of allow-all, https-only, redirect-to-https"));
    }
    CheckMethods(b, Sub(path, "AllowedMethods"));
    CheckPolicy(b, path);
  }

  // SPEC 4.1: three allowed sets, two cached sets, cached within allowed.
  void CheckMethods(const CacheBehavior& b, const std::string& path) {
    if (!IsOneOf(b.allowed_methods,
                 {{"GET", "HEAD"},
                  {"GET", "HEAD", "OPTIONS"},
                  {"GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"}})) {
      Problem(
          Sub(path, "Items"),
          absl::StrCat("[", absl::StrJoin(b.allowed_methods, ", "),
                       "] is not one of [GET, HEAD], [GET, HEAD, OPTIONS] or all seven methods"));
    }
    const bool cached_ok = IsOneOf(b.cached_methods, {{"GET", "HEAD"}, {"GET", "HEAD", "OPTIONS"}});
    const bool cached_allowed =
        std::all_of(b.cached_methods.begin(), b.cached_methods.end(), [&](const std::string& m) {
          return std::find(b.allowed_methods.begin(), b.allowed_methods.end(), m) !=
                 b.allowed_methods.end();
        });
    if (!cached_ok || !cached_allowed) {
      Problem(Sub(path, "CachedMethods.Items"),
              absl::StrCat("[", absl::StrJoin(b.cached_methods, ", "),
                           "] must be [GET, HEAD] or [GET, HEAD, OPTIONS], within AllowedMethods"));
    }
  }

  void CheckPolicy(const CacheBehavior& b, const std::string& path) {
    const CachePolicy& p = b.cache_policy;
    if (b.cache_policy_id.empty() && !p.legacy) {
      Problem(path, "needs a CachePolicyId or legacy ForwardedValues");
      return;
    }
    if (!b.cache_policy_id.empty()) {
      const std::string id_path = Sub(path, "CachePolicyId");
      if (FindManagedCachePolicy(b.cache_policy_id) == nullptr && p.id != b.cache_policy_id) {
        Problem(id_path, absl::StrCat("NoSuchCachePolicy: \"", b.cache_policy_id,
                                      "\" is neither a managed nor a given custom cache policy"));
        return;
      }
      for (TtlProblem& t : TtlOrderProblems(p)) {
        Problem(id_path, absl::StrCat("cache policy \"", p.name, "\": ", t.message));
      }
      return;
    }
    for (TtlProblem& t : TtlOrderProblems(p)) Problem(Sub(path, t.field), std::move(t.message));
    if (p.legacy_forward_all_headers && p.min_ttl != absl::ZeroDuration()) {
      Problem(Sub(path, "MinTTL"), "ForwardedValues.Headers \"*\" (forward all) requires MinTTL 0");
    }
  }

  // SPEC 7.4 code sets.
  void CheckErrorResponses() {
    absl::flat_hash_set<int> seen;
    for (size_t i = 0; i < config_.custom_error_responses.size(); ++i) {
      const CustomErrorResponse& r = config_.custom_error_responses[i];
      const std::string path = ItemPath(root_, "CustomErrorResponses", i);
      if (!IsIn(r.error_code, {400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504})) {
        Problem(Sub(path, "ErrorCode"),
                absl::StrCat(r.error_code, " cannot have a custom error response"));
      } else if (!seen.insert(r.error_code).second) {
        Problem(Sub(path, "ErrorCode"), absl::StrCat("duplicate ErrorCode ", r.error_code));
      }
      if (r.response_code.has_value() &&
          !IsIn(*r.response_code, {200, 400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504})) {
        Problem(Sub(path, "ResponseCode"),
                absl::StrCat(*r.response_code, " is not an allowed response code"));
      }
      if (!r.response_page_path.empty() && r.response_page_path[0] != '/') {
        Problem(Sub(path, "ResponsePagePath"),
                absl::StrCat("\"", r.response_page_path, "\" must start with /"));
      }
      // API_CustomErrorResponse: a page path and a response code go together.
      if (r.response_page_path.empty() != !r.response_code.has_value()) {
        Problem(Sub(path, r.response_page_path.empty() ? "ResponsePagePath" : "ResponseCode"),
                "ResponsePagePath and ResponseCode must be set together");
      }
      if (r.error_caching_min_ttl.has_value() && *r.error_caching_min_ttl < absl::ZeroDuration()) {
        Problem(Sub(path, "ErrorCachingMinTTL"), "must not be negative");
      }
    }
  }

  const DistributionConfig& config_;
  const std::string root_;
  std::vector<ConfigProblem> problems_;
};

// ---------------------------------------------------------------------------------------------
// Writing.

OrderedJson List(const std::vector<OrderedJson>& items) {
  OrderedJson list = {{"Quantity", items.size()}};
  if (!items.empty()) list["Items"] = items;
  return list;
}

OrderedJson StringList(const std::vector<std::string>& items) {
  return List(std::vector<OrderedJson>(items.begin(), items.end()));
}

int64_t Secs(absl::Duration d) { return absl::ToInt64Seconds(d); }

OrderedJson OriginToJson(const Origin& o) {
  OrderedJson j = {{"Id", o.id}, {"DomainName", o.domain_name}, {"OriginPath", o.origin_path}};
  std::vector<OrderedJson> headers;
  for (const auto& [name, value] : o.custom_headers) {
    headers.push_back({{"HeaderName", name}, {"HeaderValue", value}});
  }
  j["CustomHeaders"] = List(headers);
  if (WritesS3OriginConfig(o)) {
    j["S3OriginConfig"] = {{"OriginAccessIdentity", ""},
                           {"OriginReadTimeout", Secs(o.read_timeout)}};
  } else {
    j["CustomOriginConfig"] = {{"HTTPPort", o.http_port},
                               {"HTTPSPort", o.https_port},
                               {"OriginProtocolPolicy", o.protocol_policy},
                               {"OriginReadTimeout", Secs(o.read_timeout)},
                               {"OriginKeepaliveTimeout", Secs(o.keepalive_timeout)}};
  }
  j["ConnectionAttempts"] = o.connection_attempts;
  j["ConnectionTimeout"] = Secs(o.connection_timeout);
  j["OriginShield"] = {{"Enabled", !o.origin_shield_region.empty()}};
  if (!o.origin_shield_region.empty()) {
    j["OriginShield"]["OriginShieldRegion"] = o.origin_shield_region;
  }
  return j;
}

OrderedJson ForwardedValuesToJson(const ForwardedValues& fv) {
  OrderedJson cookies = {{"Forward", std::string(ToString(fv.cookies_forward))}};
  if (fv.cookies_forward == KeyListBehavior::kWhitelist) {
    cookies["WhitelistedNames"] = StringList(fv.cookie_whitelisted_names);
  }
  return {{"QueryString", fv.query_string},
          {"Cookies", cookies},
          {"Headers", StringList(fv.headers)},
          {"QueryStringCacheKeys", StringList(fv.query_string_cache_keys)}};
}

OrderedJson BehaviorToJson(const CacheBehavior& b, bool is_default) {
  OrderedJson j = OrderedJson::object();
  if (!is_default) j["PathPattern"] = b.path_pattern;
  j["TargetOriginId"] = b.target_origin_id;
  j["ViewerProtocolPolicy"] = b.viewer_protocol_policy;
  OrderedJson allowed = StringList(b.allowed_methods);
  allowed["CachedMethods"] = StringList(b.cached_methods);
  j["AllowedMethods"] = allowed;
  j["Compress"] = b.compress;
  if (!b.origin_request_policy_id.empty()) {
    j["OriginRequestPolicyId"] = b.origin_request_policy_id;
  }
  if (!b.cache_policy_id.empty()) {
    j["CachePolicyId"] = b.cache_policy_id;
  } else if (b.cache_policy.legacy) {
    j["ForwardedValues"] = ForwardedValuesToJson(ForwardedValuesFromCachePolicy(b.cache_policy));
    j["MinTTL"] = Secs(b.cache_policy.min_ttl);
    j["DefaultTTL"] = Secs(b.cache_policy.default_ttl);
    j["MaxTTL"] = Secs(b.cache_policy.max_ttl);
  }
  return j;
}

OrderedJson ErrorResponseToJson(const CustomErrorResponse& r) {
  OrderedJson j = {
      {"ErrorCode", r.error_code},
      {"ResponsePagePath", r.response_page_path},
      {"ResponseCode", r.response_code.has_value() ? absl::StrCat(*r.response_code) : ""}};
  if (r.error_caching_min_ttl.has_value()) {
    j["ErrorCachingMinTTL"] = Secs(*r.error_caching_min_ttl);
  }
  return j;
}

// ---------------------------------------------------------------------------------------------
// Entry points.

absl::Status ProblemsToStatus(const std::vector<ConfigProblem>& problems) {
  if (problems.empty()) return absl::OkStatus();
  std::vector<std::string> lines;
  for (const ConfigProblem& p : problems)
    lines.push_back(absl::StrCat(p.location, ": ", p.message));
  return absl::InvalidArgumentError(absl::StrJoin(lines, "\n"));
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

std::ostream& operator<<(std::ostream& os, const ConfigProblem& problem) {
  return os << problem.location << ": " << problem.message;
}

absl::StatusOr<Distribution> LoadDistributionJson(absl::string_view json_text,
                                                  const CustomCachePolicies* custom) {
  EDGESIM_ASSIGN_OR_RETURN(const Json root, ParseJson(json_text));
  Walker w;
  if (!root.is_object()) {
    w.Problem(std::string(kConfigRoot), absl::StrCat("expected an object, got ", root.type_name()));
    return ProblemsToStatus(w.problems());
  }
  Distribution distribution;
  const Json* config = &root;
  std::string config_path(kConfigRoot);
  if (const Json* d = w.Object(root, "", "Distribution")) {
    if (auto v = w.String(*d, "Distribution", "Id")) distribution.id = *v;
    if (auto v = w.String(*d, "Distribution", "DomainName")) distribution.domain_name = *v;
    config = w.Object(*d, "Distribution", "DistributionConfig", Need::kRequired);
    config_path = Sub("Distribution", kConfigRoot);
  } else if (root.contains("DistributionConfig")) {
    config = w.Object(root, "", "DistributionConfig", Need::kRequired);
  }
  CustomCachePolicies policies = custom != nullptr ? *custom : CustomCachePolicies();
  ParseCustomPolicies(w, root, &policies);
  if (config != nullptr) {
    distribution.config = ParseDistributionConfig(w, *config, config_path, policies);
    AppendUnlessCovered(Validator(distribution.config, config_path).Run(), &w.problems());
  }
  EDGESIM_RETURN_IF_ERROR(ProblemsToStatus(w.problems()));
  return distribution;
}

absl::StatusOr<DistributionConfig> LoadDistributionConfigJson(absl::string_view json_text,
                                                              const CustomCachePolicies* custom) {
  EDGESIM_ASSIGN_OR_RETURN(Distribution d, LoadDistributionJson(json_text, custom));
  return std::move(d.config);
}

absl::StatusOr<CachePolicy> LoadCachePolicyConfigJson(absl::string_view json_text) {
  EDGESIM_ASSIGN_OR_RETURN(const Json root, ParseJson(json_text));
  Walker w;
  if (!root.is_object()) {
    w.Problem("CachePolicyConfig", absl::StrCat("expected an object, got ", root.type_name()));
    return ProblemsToStatus(w.problems());
  }
  const Json* holder = &root;
  std::string path;
  absl::optional<std::string> id;
  if (const Json* p = w.Object(root, "", "CachePolicy")) {
    holder = p;
    path = "CachePolicy";
    id = w.String(*p, path, "Id");
  }
  const Json* config = holder;
  if (holder != &root || root.contains("CachePolicyConfig")) {
    config = w.Object(*holder, path, "CachePolicyConfig", Need::kRequired);
  }
  path = Sub(path, "CachePolicyConfig");
  CachePolicy policy;
  if (config != nullptr) {
    policy = ParseCachePolicyConfig(w, *config, path);
    for (TtlProblem& t : TtlOrderProblems(policy)) w.Problem(Sub(path, t.field), t.message);
  }
  policy.id = id.value_or("");
  EDGESIM_RETURN_IF_ERROR(ProblemsToStatus(w.problems()));
  return policy;
}

std::vector<ConfigProblem> ValidateDistributionConfig(const DistributionConfig& config) {
  return Validator(config, kConfigRoot).Run();
}

std::string DistributionConfigToJson(const DistributionConfig& c) {
  std::vector<OrderedJson> origins, behaviors, errors;
  for (const Origin& o : c.origins) origins.push_back(OriginToJson(o));
  for (const CacheBehavior& b : c.behaviors) behaviors.push_back(BehaviorToJson(b, false));
  for (const CustomErrorResponse& r : c.custom_error_responses) {
    errors.push_back(ErrorResponseToJson(r));
  }
  OrderedJson j = {{"CallerReference", c.caller_reference},
                   {"Aliases", StringList(c.aliases)},
                   {"DefaultRootObject", c.default_root_object},
                   {"Origins", List(origins)},
                   {"DefaultCacheBehavior", BehaviorToJson(c.default_behavior, true)},
                   {"CacheBehaviors", List(behaviors)},
                   {"CustomErrorResponses", List(errors)},
                   {"Comment", c.comment}};
  if (!c.price_class.empty()) j["PriceClass"] = c.price_class;
  j["Enabled"] = c.enabled;
  // Replace, not throw, on strings that are not UTF-8: nothing may throw out of here.
  return j.dump(2, ' ', false, OrderedJson::error_handler_t::replace);
}

std::string CachePolicyConfigToJson(const CachePolicy& p) {
  EDGESIM_CHECK(!p.legacy);
  auto key_list = [](const char* behavior_key, const char* names_key, const KeyList& list) {
    OrderedJson j = {{behavior_key, std::string(ToString(list.behavior))}};
    if (list.behavior == KeyListBehavior::kWhitelist ||
        list.behavior == KeyListBehavior::kAllExcept) {
      j[names_key] = StringList(list.names);
    }
    return j;
  };
  OrderedJson params = {
      {"EnableAcceptEncodingGzip", p.enable_accept_encoding_gzip},
      {"EnableAcceptEncodingBrotli", p.enable_accept_encoding_brotli},
      {"HeadersConfig", key_list("HeaderBehavior", "Headers", p.headers)},
      {"CookiesConfig", key_list("CookieBehavior", "Cookies", p.cookies)},
      {"QueryStringsConfig", key_list("QueryStringBehavior", "QueryStrings", p.query_strings)}};
  OrderedJson j = {{"Comment", p.comment},
                   {"Name", p.name},
                   {"DefaultTTL", Secs(p.default_ttl)},
                   {"MaxTTL", Secs(p.max_ttl)},
                   {"MinTTL", Secs(p.min_ttl)},
                   {"ParametersInCacheKeyAndForwardedToOrigin", params}};
  return j.dump(2, ' ', false, OrderedJson::error_handler_t::replace);
}

}  // namespace edgesim::policy
