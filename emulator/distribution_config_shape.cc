#include "emulator/distribution_config_shape.h"

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "emulator/api_error.h"
#include "policy/status_macros.h"

namespace edgesim::emulator {
namespace {

using nlohmann::json;

// The array at obj[list_key]["Items"], or an empty one.
const json& ItemsOf(const json& obj, const char* list_key) {
  static const json* const kNone = new json(json::array());
  const auto list = obj.find(list_key);
  if (list == obj.end() || !list->is_object()) return *kNone;
  const auto items = list->find("Items");
  return items != list->end() && items->is_array() ? *items : *kNone;
}

// The string member `key` of `obj`, or "" (absent or not a string).
std::string StringMember(const json& obj, const char* key) {
  if (!obj.is_object()) return "";
  const auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

// The default behavior then every CacheBehaviors item that is an object.
std::vector<const json*> Behaviors(const json& config) {
  std::vector<const json*> out;
  if (const auto d = config.find("DefaultCacheBehavior"); d != config.end() && d->is_object()) {
    out.push_back(&*d);
  }
  for (const json& b : ItemsOf(config, "CacheBehaviors")) {
    if (b.is_object()) out.push_back(&b);
  }
  return out;
}

absl::Status CheckRequired(const json& config) {
  if (!config.is_object()) {
    return MakeApiError("InvalidArgument", "DistributionConfig: expected an object");
  }
  for (const char* key : {"CallerReference", "Comment", "Enabled"}) {
    if (!config.contains(key) || config[key].is_null()) {
      return MakeApiError("InvalidArgument",
                          absl::StrCat("DistributionConfig.", key, ": required field is missing"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckTargets(const json& config) {
  absl::flat_hash_set<std::string> targets;
  for (const char* list : {"Origins", "OriginGroups"}) {
    for (const json& item : ItemsOf(config, list)) targets.insert(StringMember(item, "Id"));
  }
  for (const json* b : Behaviors(config)) {
    const auto target = b->find("TargetOriginId");
    if (target != b->end() && target->is_string() &&
        !targets.contains(target->get<std::string>())) {
      return MakeApiError(
          "NoSuchOrigin",
          absl::StrCat("One or more of your origins or origin groups do not exist: ",
                       "TargetOriginId \"", target->get<std::string>(), "\"."));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckCachePolicies(const json& config,
                                const std::function<bool(absl::string_view)>& exists) {
  for (const std::string& id : CachePolicyIdsOf(config)) {
    if (!exists(id)) {
      return MakeApiError("NoSuchCachePolicy",
                          absl::StrCat("The cache policy does not exist: \"", id, "\"."));
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

const json& GetAndHead() {
  static const json* const kMethods = new json{{"Quantity", 2}, {"Items", {"HEAD", "GET"}}};
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
      {"PriceClass", "PriceClass_All"},
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
      {"ConnectionAttempts", 3},
      {"ConnectionTimeout", 10},
      {"OriginShield", {{"Enabled", false}}},
      {"OriginAccessControlId", ""},
  };
  return *kDefaults;
}

const json& CustomOriginDefaults() {
  static const json* const kDefaults = new json{
      {"OriginReadTimeout", 30},
      {"OriginKeepaliveTimeout", 5},
  };
  return *kDefaults;
}

const json& BehaviorDefaults() {
  static const json* const kDefaults = new json{
      {"TrustedSigners", {{"Enabled", false}, {"Quantity", 0}}},
      {"TrustedKeyGroups", {{"Enabled", false}, {"Quantity", 0}}},
      {"AllowedMethods",
       {{"Quantity", 2}, {"Items", {"HEAD", "GET"}}, {"CachedMethods", GetAndHead()}}},
      {"SmoothStreaming", false},
      {"Compress", true},
      {"LambdaFunctionAssociations", {{"Quantity", 0}}},
      {"FunctionAssociations", {{"Quantity", 0}}},
      {"FieldLevelEncryptionId", ""},
  };
  return *kDefaults;
}

void MergeBehaviorDefaults(json& behavior) {
  if (!behavior.is_object()) return;
  // AllowedMethods without CachedMethods caches GET and HEAD.
  if (const auto allowed = behavior.find("AllowedMethods");
      allowed != behavior.end() && allowed->is_object()) {
    MergeMissing(*allowed, {{"CachedMethods", GetAndHead()}});
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
  EDGESIM_RETURN_IF_ERROR(CheckRequired(config));
  EDGESIM_RETURN_IF_ERROR(CheckTargets(config));
  return CheckCachePolicies(config, cache_policy_exists);
}

std::vector<std::string> CachePolicyIdsOf(const json& config) {
  std::vector<std::string> ids;
  if (!config.is_object()) return ids;
  for (const json* b : Behaviors(config)) {
    if (std::string id = StringMember(*b, "CachePolicyId"); !id.empty())
      ids.push_back(std::move(id));
  }
  return ids;
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
