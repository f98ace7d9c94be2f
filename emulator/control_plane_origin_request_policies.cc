// ControlPlane's origin request policies: the managed ones (listed and readable, never changed)
// and custom ones (Create, Get, GetConfig, Update, Delete, List) through policy_resource.h; an
// update redeploys the distributions that use the policy (SPEC 14).
#include <string>
#include <vector>

#include "emulator/api_error.h"
#include "emulator/api_shape.h"
#include "emulator/control_plane.h"
#include "emulator/control_plane_state.h"
#include "emulator/distribution_config_shape.h"
#include "emulator/policy_resource.h"
#include "policy/distribution_json_reader.h"
#include "policy/distribution_json_writer.h"
#include "policy/distribution_validator.h"

namespace edgesim::emulator {

namespace {

using nlohmann::json;

// SPEC 14.2: the wording is UNCONFIRMED.
std::string QuotaMessage(policy::OriginRequestPolicyQuota quota) {
  switch (quota) {
    case policy::OriginRequestPolicyQuota::kHeaders:
      return "Your request contains more headers than are allowed in the origin request policy.";
    case policy::OriginRequestPolicyQuota::kCookies:
      return "Your request contains more cookies than are allowed in the origin request policy.";
    case policy::OriginRequestPolicyQuota::kQueryStrings:
      return "Your request contains more query strings than are allowed in the origin request "
             "policy.";
  }
  return "";
}

}  // namespace

using nlohmann::json;
using OriginRequestPolicyResource = PolicyResource<OriginRequestPolicyKind>;

const std::vector<policy::OriginRequestPolicy>& OriginRequestPolicyKind::Managed() {
  return policy::ManagedOriginRequestPolicies();
}

// Through policy's loader (SPEC 14.1, InvalidArgument), then the quotas with their codes (SPEC
// 14.2).
absl::StatusOr<policy::OriginRequestPolicy> OriginRequestPolicyKind::Load(const json& config) {
  EDGESIM_RETURN_IF_ERROR(CheckQuantities(config, "OriginRequestPolicyConfig"));
  absl::StatusOr<policy::OriginRequestPolicy> p =
      policy::LoadOriginRequestPolicyConfigJson(Dump(config));
  if (!p.ok()) return AsInvalidArgument(p.status());
  if (const absl::optional<policy::OriginRequestPolicyQuota> quota = policy::ExceededQuota(*p)) {
    return MakeApiError(policy::ToString(*quota), QuotaMessage(*quota));
  }
  return p;
}

json OriginRequestPolicyKind::ConfigOf(const policy::OriginRequestPolicy& p) {
  return json::parse(policy::OriginRequestPolicyConfigToJson(p));
}

std::string OriginRequestPolicyKind::NewId(ResourceIds& ids) { return ids.CachePolicyId(); }

std::vector<std::string> OriginRequestPolicyKind::IdsIn(const json& distribution_config) {
  return BehaviorPolicyIdsOf(distribution_config, "OriginRequestPolicyId");
}

absl::StatusOr<Versioned> ControlPlane::CreateOriginRequestPolicy(const json& config,
                                                                  absl::Time now) {
  return OriginRequestPolicyResource::Create(*state_, config, now);
}

absl::StatusOr<Versioned> ControlPlane::GetOriginRequestPolicy(absl::string_view id) const {
  return OriginRequestPolicyResource::Get(*state_, id);
}

absl::StatusOr<Versioned> ControlPlane::GetOriginRequestPolicyConfig(absl::string_view id) const {
  return OriginRequestPolicyResource::GetConfig(*state_, id);
}

absl::StatusOr<Versioned> ControlPlane::UpdateOriginRequestPolicy(absl::string_view id,
                                                                  const json& config,
                                                                  absl::string_view if_match,
                                                                  absl::Time now) {
  return OriginRequestPolicyResource::Update(*state_, id, config, if_match, now);
}

absl::Status ControlPlane::DeleteOriginRequestPolicy(absl::string_view id,
                                                     absl::string_view if_match) {
  return OriginRequestPolicyResource::Delete(*state_, id, if_match);
}

absl::StatusOr<json> ControlPlane::ListOriginRequestPolicies(absl::string_view type,
                                                             absl::string_view marker,
                                                             int max_items) const {
  return OriginRequestPolicyResource::List(*state_, type, marker, max_items);
}

}  // namespace edgesim::emulator
