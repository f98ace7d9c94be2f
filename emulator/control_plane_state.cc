#include "emulator/control_plane_state.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "emulator/api_error.h"
#include "policy/distribution_json_writer.h"

namespace edgesim::emulator {
namespace {

using nlohmann::json;

// What managed cache policies report as LastModifiedTime: fixed, they never change here.
absl::Time ManagedPolicyTime() {
  return absl::FromCivil(absl::CivilSecond(2020, 11, 1, 0, 0, 0), absl::UTCTimeZone());
}

}  // namespace

absl::Status DistributionRecord::NotFound() {
  return MakeApiError("NoSuchDistribution", "The specified distribution does not exist.");
}

absl::Status CachePolicyRecord::NotFound() {
  return MakeApiError("NoSuchCachePolicy", "The cache policy does not exist.");
}

CachePolicyRecord CachePolicyRecord::Of(const policy::CachePolicy& p, std::string etag,
                                        absl::Time modified, bool managed) {
  CachePolicyRecord r;
  r.id = p.id;
  r.etag = std::move(etag);
  r.config = json::parse(policy::CachePolicyConfigToJson(p));
  r.policy = p;
  r.last_modified = modified;
  r.managed = managed;
  return r;
}

absl::Status CheckIfMatch(absl::string_view if_match, absl::string_view etag) {
  if (if_match.empty()) {
    return MakeApiError("InvalidIfMatchVersion",
                        "The If-Match version is missing or not valid for the resource.");
  }
  if (if_match != etag) {
    return MakeApiError("PreconditionFailed", absl::StrCat("The If-Match version ", if_match,
                                                           " is not the resource's current ETag."));
  }
  return absl::OkStatus();
}

absl::Status AsInvalidArgument(const absl::Status& status) {
  return MakeApiError("InvalidArgument", status.message());
}

absl::StatusOr<std::vector<std::string>> StringItems(const policy::JsonReader& list) {
  std::vector<std::string> strings;
  const policy::JsonReader items = list.Field("Items");
  if (!items.present()) return strings;
  EDGESIM_ASSIGN_OR_RETURN(const std::vector<policy::JsonReader> elements, items.Items());
  for (const policy::JsonReader& element : elements) {
    EDGESIM_ASSIGN_OR_RETURN(std::string s, element.String());
    strings.push_back(std::move(s));
  }
  return strings;
}

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

ControlPlaneState::ControlPlaneState(DistributionRegistry& registry, DeployFunction deploy,
                                     ControlPlaneOptions options)
    : registry(registry),
      deploy(std::move(deploy)),
      options(std::move(options)),
      ids(this->options.id_seed),
      ledger(this->options.model) {
  for (const policy::CachePolicy& p : policy::ManagedCachePolicies()) {
    cache_policies.push_back(
        CachePolicyRecord::Of(p, ids.ETag(), ManagedPolicyTime(), /*managed=*/true));
  }
  initial_policies = cache_policies;
}

std::string ControlPlaneState::NewETag(absl::string_view old) {
  std::string etag;
  do etag = ids.ETag();
  while (etag == old);
  return etag;
}

policy::AccountResources ControlPlaneState::Resources() const {
  policy::AccountResources account;
  for (const CachePolicyRecord& r : cache_policies) {
    if (!r.managed) account.cache_policies[r.id] = r.policy;
  }
  for (const OriginAccessControlRecord& r : origin_access_controls) {
    account.origin_access_controls[r.id] = r.oac;
  }
  for (const OriginAccessIdentityRecord& r : origin_access_identities) {
    account.origin_access_identities.insert(r.id);
  }
  return account;
}

}  // namespace edgesim::emulator
