#include "emulator/distribution_config_shape.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "emulator/api_error.h"
#include "policy/cache_policy.h"
#include "policy/cloudfront_defaults.h"
#include "policy/json_reader.h"
#include "policy/status_macros.h"

namespace edgesim::emulator {
namespace {

using nlohmann::json;
using policy::JsonReader;

constexpr absl::string_view kConfigRoot = "DistributionConfig";

// The items of a CloudFront list member (`{"Quantity", "Items": [...]}`); none when it is absent
// or misshapen, which the loader reports.
std::vector<JsonReader> ItemsOf(const JsonReader& config, absl::string_view list_key) {
  absl::StatusOr<std::vector<JsonReader>> items = config.Field(list_key).Field("Items").Items();
  return items.ok() ? *std::move(items) : std::vector<JsonReader>();
}

// The string member `key`, or "" (absent or not a string: the loader's to report).
std::string StringMember(const JsonReader& obj, absl::string_view key) {
  absl::StatusOr<std::string> value = obj.Field(key).String();
  return value.ok() ? *std::move(value) : "";
}

// The default behavior then every CacheBehaviors item that is an object.
std::vector<JsonReader> Behaviors(const JsonReader& config) {
  std::vector<JsonReader> out;
  for (JsonReader b : ItemsOf(config, "CacheBehaviors")) out.push_back(std::move(b));
  out.insert(out.begin(), config.Field("DefaultCacheBehavior"));
  out.erase(std::remove_if(out.begin(), out.end(),
                           [](const JsonReader& b) { return !b.ExpectObject().ok(); }),
            out.end());
  return out;
}

absl::Status CheckRequired(const JsonReader& config) {
  if (absl::Status s = config.ExpectObject(); !s.ok()) {
    return MakeApiError("InvalidArgument", s.message());
  }
  for (absl::string_view key : {"CallerReference", "Comment", "Enabled"}) {
    if (JsonReader field = config.Field(key); !field.present()) {
      return MakeApiError("InvalidArgument", field.Missing().message());
    }
  }
  return absl::OkStatus();
}

absl::Status CheckTargets(const JsonReader& config) {
  absl::flat_hash_set<std::string> targets;
  for (absl::string_view list : {"Origins", "OriginGroups"}) {
    for (const JsonReader& item : ItemsOf(config, list)) targets.insert(StringMember(item, "Id"));
  }
  for (const JsonReader& b : Behaviors(config)) {
    absl::StatusOr<std::string> target = b.Field("TargetOriginId").String();
    if (target.ok() && !targets.contains(*target)) {
      return MakeApiError("NoSuchOrigin",
                          "One or more of your origins or origin groups do not exist.");
    }
  }
  return absl::OkStatus();
}

std::vector<std::string> PolicyIdsAt(const JsonReader& config, absl::string_view member) {
  std::vector<std::string> ids;
  for (const JsonReader& b : Behaviors(config)) {
    if (std::string id = StringMember(b, member); !id.empty()) {
      ids.push_back(std::move(id));
    }
  }
  return ids;
}

absl::Status CheckCachePolicies(const JsonReader& config,
                                const std::function<bool(absl::string_view)>& exists) {
  for (const std::string& id : PolicyIdsAt(config, "CachePolicyId")) {
    if (!exists(id)) {
      return MakeApiError("NoSuchCachePolicy", "The cache policy does not exist.");
    }
  }
  return absl::OkStatus();
}

// Adds the members `target` lacks from `defaults`. Shallow: a member the caller sent is kept whole
// (a ViewerCertificate naming an ACM certificate must not gain CloudFrontDefaultCertificate).
void MergeMissing(json& target, const json& defaults) {
  if (!target.is_object()) return;
  for (const auto& [key, value] : defaults.items()) {
    const auto it = target.find(key);
    if (it == target.end() || it->is_null()) target[key] = value;
  }
}

// policy::kDefaultMethods as CloudFront lists them in its answers: HEAD first (API 1.7).
const json& DefaultMethods() {
  static const json* const kMethods = new json{
      {"Quantity", policy::kDefaultMethods.size()},
      {"Items",
       std::vector<std::string>(policy::kDefaultMethods.rbegin(), policy::kDefaultMethods.rend())}};
  return *kMethods;
}

const json& TopDefaults() {
  static const json* const kDefaults = new json{
      {"Aliases", {{"Quantity", 0}}},
      {"DefaultRootObject", ""},
      {"OriginGroups", {{"Quantity", 0}}},
      {"CacheBehaviors", {{"Quantity", 0}}},
      {"CustomErrorResponses", {{"Quantity", 0}}},
      {"Logging", {{"Enabled", false}, {"IncludeCookies", false}, {"Bucket", ""}, {"Prefix", ""}}},
      {"PriceClass", policy::kDefaultPriceClass},
      {"ViewerCertificate",
       {{"CloudFrontDefaultCertificate", true},
        {"MinimumProtocolVersion", "TLSv1"},
        {"CertificateSource", "cloudfront"}}},
      {"Restrictions", {{"GeoRestriction", {{"RestrictionType", "none"}, {"Quantity", 0}}}}},
      {"WebACLId", ""},
      {"HttpVersion", "http2"},
      {"IsIPV6Enabled", true},
      {"Staging", false},
  };
  return *kDefaults;
}

const json& OriginDefaults() {
  static const json* const kDefaults = new json{
      {"OriginPath", ""},
      {"CustomHeaders", {{"Quantity", 0}}},
      {"ConnectionAttempts", policy::kDefaultConnectionAttempts},
      {"ConnectionTimeout", policy::kDefaultConnectionTimeoutSeconds},
      {"OriginShield", {{"Enabled", false}}},
      {"OriginAccessControlId", ""},
  };
  return *kDefaults;
}

const json& CustomOriginDefaults() {
  static const json* const kDefaults = new json{
      {"OriginReadTimeout", policy::kDefaultOriginReadTimeoutSeconds},
      {"OriginKeepaliveTimeout", policy::kDefaultOriginKeepaliveTimeoutSeconds},
  };
  return *kDefaults;
}

const json& BehaviorDefaults() {
  static const json* const kDefaults = new json{
      {"TrustedSigners", {{"Enabled", false}, {"Quantity", 0}}},
      {"TrustedKeyGroups", {{"Enabled", false}, {"Quantity", 0}}},
      {"AllowedMethods",
       [] {
         json allowed = DefaultMethods();
         allowed["CachedMethods"] = DefaultMethods();
         return allowed;
       }()},
      {"SmoothStreaming", false},
      {"Compress", policy::kDefaultCompress},
      {"LambdaFunctionAssociations", {{"Quantity", 0}}},
      {"FunctionAssociations", {{"Quantity", 0}}},
      {"FieldLevelEncryptionId", ""},
  };
  return *kDefaults;
}

// A legacy behavior (ForwardedValues, no cache policy) reads back with its empty lists and the
// TTLs it acts on (API 1.7): DefaultTTL and MaxTTL as policy's SetTtlsWithDefaults fills them.
void MergeLegacyDefaults(json& behavior) {
  const auto fv = behavior.find("ForwardedValues");
  if (fv == behavior.end() || !fv->is_object()) return;
  MergeMissing(*fv, {{"Headers", {{"Quantity", 0}}}, {"QueryStringCacheKeys", {{"Quantity", 0}}}});
  const auto seconds = [&](const char* key) -> absl::optional<int64_t> {
    const auto it = behavior.find(key);
    if (it == behavior.end() || !it->is_number_integer()) return absl::nullopt;
    return it->get<int64_t>();
  };
  policy::CachePolicy ttls;
  policy::SetTtlsWithDefaults(seconds("MinTTL"), seconds("DefaultTTL"), seconds("MaxTTL"), &ttls);
  MergeMissing(behavior, {{"DefaultTTL", absl::ToInt64Seconds(ttls.default_ttl)},
                          {"MaxTTL", absl::ToInt64Seconds(ttls.max_ttl)}});
}

void MergeBehaviorDefaults(json& behavior) {
  if (!behavior.is_object()) return;
  MergeLegacyDefaults(behavior);
  // AllowedMethods without CachedMethods caches the default methods (GET and HEAD).
  if (const auto allowed = behavior.find("AllowedMethods");
      allowed != behavior.end() && allowed->is_object()) {
    MergeMissing(*allowed, {{"CachedMethods", DefaultMethods()}});
  }
  MergeMissing(behavior, BehaviorDefaults());
}

// The Items array of config[list_key], when there is one.
json* MutableItems(json& config, const char* list_key) {
  const auto list = config.find(list_key);
  if (list == config.end() || !list->is_object()) return nullptr;
  const auto items = list->find("Items");
  return items != list->end() && items->is_array() ? &*items : nullptr;
}

}  // namespace

absl::Status CheckDistributionConfigShape(
    const json& config, const std::function<bool(absl::string_view id)>& cache_policy_exists) {
  const JsonReader reader(config, std::string(kConfigRoot));
  EDGESIM_RETURN_IF_ERROR(CheckRequired(reader));
  EDGESIM_RETURN_IF_ERROR(CheckTargets(reader));
  return CheckCachePolicies(reader, cache_policy_exists);
}

std::vector<std::string> CachePolicyIdsOf(const json& config) {
  return BehaviorPolicyIdsOf(config, "CachePolicyId");
}

std::vector<std::string> BehaviorPolicyIdsOf(const json& config, absl::string_view member) {
  return PolicyIdsAt(JsonReader(config, std::string(kConfigRoot)), member);
}

json WithDistributionConfigDefaults(json config) {
  if (!config.is_object()) return config;
  MergeMissing(config, TopDefaults());
  if (json* origins = MutableItems(config, "Origins")) {
    for (json& origin : *origins) {
      MergeMissing(origin, OriginDefaults());
      if (origin.is_object() && origin.contains("CustomOriginConfig")) {
        MergeMissing(origin["CustomOriginConfig"], CustomOriginDefaults());
      }
    }
  }
  if (const auto d = config.find("DefaultCacheBehavior"); d != config.end()) {
    MergeBehaviorDefaults(*d);
  }
  if (json* behaviors = MutableItems(config, "CacheBehaviors")) {
    for (json& b : *behaviors) MergeBehaviorDefaults(b);
  }
  return config;
}

}  // namespace edgesim::emulator
