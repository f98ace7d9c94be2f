#include "policy/distribution_json_writer.h"

#include <cstdint>
#include <vector>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "policy/status_macros.h"

namespace edgesim::policy {
namespace {

// Output keeps CloudFront's field order, so a saved file reads like the CLI's.
using OrderedJson = nlohmann::ordered_json;

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
  if (UsesS3OriginConfig(o)) {
    j["S3OriginConfig"] = {{"OriginAccessIdentity", o.origin_access_identity},
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
  if (o.response_completion_timeout) {
    j["ResponseCompletionTimeout"] = Secs(*o.response_completion_timeout);
  }
  j["OriginShield"] = {{"Enabled", !o.origin_shield_region.empty()}};
  if (!o.origin_shield_region.empty()) {
    j["OriginShield"]["OriginShieldRegion"] = o.origin_shield_region;
  }
  j["OriginAccessControlId"] = o.origin_access_control_id;
  return j;
}

OrderedJson OriginGroupToJson(const OriginGroup& g) {
  std::vector<OrderedJson> codes(g.failover_status_codes.begin(), g.failover_status_codes.end());
  std::vector<OrderedJson> members;
  for (const std::string& id : g.member_origin_ids) members.push_back({{"OriginId", id}});
  OrderedJson j = {{"Id", g.id},
                   {"FailoverCriteria", {{"StatusCodes", List(codes)}}},
                   {"Members", List(members)}};
  if (!g.selection_criteria.empty()) j["SelectionCriteria"] = g.selection_criteria;
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
  if (!b.response_headers_policy_id.empty()) {
    j["ResponseHeadersPolicyId"] = b.response_headers_policy_id;
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

}  // namespace

std::string DistributionConfigToJson(const DistributionConfig& c) {
  std::vector<OrderedJson> origins, groups, behaviors, errors;
  for (const Origin& o : c.origins) origins.push_back(OriginToJson(o));
  for (const OriginGroup& g : c.origin_groups) groups.push_back(OriginGroupToJson(g));
  for (const CacheBehavior& b : c.behaviors) behaviors.push_back(BehaviorToJson(b, false));
  for (const CustomErrorResponse& r : c.custom_error_responses) {
    errors.push_back(ErrorResponseToJson(r));
  }
  OrderedJson j = {{"CallerReference", c.caller_reference},
                   {"Aliases", StringList(c.aliases)},
                   {"DefaultRootObject", c.default_root_object},
                   {"Origins", List(origins)},
                   {"OriginGroups", List(groups)},
                   {"DefaultCacheBehavior", BehaviorToJson(c.default_behavior, true)},
                   {"CacheBehaviors", List(behaviors)},
                   {"CustomErrorResponses", List(errors)},
                   {"Comment", c.comment}};
  if (!c.price_class.empty()) j["PriceClass"] = c.price_class;
  j["Enabled"] = c.enabled;
  // Replace, not throw, on strings that are not UTF-8: nothing may throw out of here.
  return j.dump(2, ' ', false, OrderedJson::error_handler_t::replace);
}

namespace {

// {behavior_key: "whitelist", names_key: {"Quantity", "Items"}}; the names only for the behaviors
// that take them.
OrderedJson KeyListJson(const char* behavior_key, const char* names_key, const KeyList& list) {
  OrderedJson j = {{behavior_key, std::string(ToString(list.behavior))}};
  if (list.behavior == KeyListBehavior::kWhitelist ||
      list.behavior == KeyListBehavior::kAllExcept) {
    j[names_key] = StringList(list.names);
  }
  return j;
}

}  // namespace

std::string CachePolicyConfigToJson(const CachePolicy& p) {
  EDGESIM_CHECK(!p.legacy);
  OrderedJson params = {
      {"EnableAcceptEncodingGzip", p.enable_accept_encoding_gzip},
      {"EnableAcceptEncodingBrotli", p.enable_accept_encoding_brotli},
      {"HeadersConfig", KeyListJson("HeaderBehavior", "Headers", p.headers)},
      {"CookiesConfig", KeyListJson("CookieBehavior", "Cookies", p.cookies)},
      {"QueryStringsConfig", KeyListJson("QueryStringBehavior", "QueryStrings", p.query_strings)}};
  OrderedJson j = {{"Comment", p.comment},
                   {"Name", p.name},
                   {"DefaultTTL", Secs(p.default_ttl)},
                   {"MaxTTL", Secs(p.max_ttl)},
                   {"MinTTL", Secs(p.min_ttl)},
                   {"ParametersInCacheKeyAndForwardedToOrigin", params}};
  return j.dump(2, ' ', false, OrderedJson::error_handler_t::replace);
}

std::string OriginRequestPolicyConfigToJson(const OriginRequestPolicy& p) {
  OrderedJson headers = {{"HeaderBehavior", std::string(ToString(p.header_behavior))}};
  if (p.header_behavior != OriginHeaderBehavior::kNone &&
      p.header_behavior != OriginHeaderBehavior::kAllViewer) {
    headers["Headers"] = StringList(p.headers);
  }
  OrderedJson j = {
      {"Comment", p.comment},
      {"Name", p.name},
      {"HeadersConfig", headers},
      {"CookiesConfig", KeyListJson("CookieBehavior", "Cookies", p.cookies)},
      {"QueryStringsConfig", KeyListJson("QueryStringBehavior", "QueryStrings", p.query_strings)}};
  return j.dump(2, ' ', false, OrderedJson::error_handler_t::replace);
}

}  // namespace edgesim::policy
