// ControlPlane's response headers policies: the managed ones (listed and readable, never changed)
// and custom ones (Create, Get, GetConfig, Update, Delete, List) through policy_resource.h; an
// update redeploys the distributions that use the policy (SPEC 11).
#include <string>
#include <vector>

#include "emulator/api_error.h"
#include "emulator/api_shape.h"
#include "emulator/control_plane.h"
#include "emulator/control_plane_state.h"
#include "emulator/distribution_config_shape.h"
#include "emulator/policy_resource.h"

namespace edgesim::emulator {

using nlohmann::json;
using ResponseHeadersPolicyResource = PolicyResource<ResponseHeadersPolicyKind>;

const std::vector<policy::ResponseHeadersPolicy>& ResponseHeadersPolicyKind::Managed() {
  return policy::ManagedResponseHeadersPolicies();
}

// Through policy's loader, its problem under CloudFront's code (SPEC 11.1, 11.5).
absl::StatusOr<policy::ResponseHeadersPolicy> ResponseHeadersPolicyKind::Load(
    const json& config) {
  constexpr absl::string_view kConfig = "ResponseHeadersPolicyConfig";
  EDGESIM_RETURN_IF_ERROR(CheckQuantities(config, kConfig));
  absl::StatusOr<policy::ResponseHeadersPolicy> p =
      policy::ParseResponseHeadersPolicyConfig(config, kConfig);
  if (!p.ok()) {
    return MakeApiError(policy::ResponseHeadersPolicyErrorCode(p.status()),
                        policy::ResponseHeadersPolicyErrorMessage(p.status()));
  }
  return p;
}

// The config as it was read: managed ones as CloudFront lists them, a config file's as written.
json ResponseHeadersPolicyKind::ConfigOf(const policy::ResponseHeadersPolicy& p) {
  return json::parse(p.config_json);
}

std::string ResponseHeadersPolicyKind::NewId(ResourceIds& ids) { return ids.CachePolicyId(); }

std::vector<std::string> ResponseHeadersPolicyKind::IdsIn(const json& distribution_config) {
  return BehaviorPolicyIdsOf(distribution_config, "ResponseHeadersPolicyId");
}

absl::StatusOr<Versioned> ControlPlane::CreateResponseHeadersPolicy(const json& config,
                                                                    absl::Time now) {
  return ResponseHeadersPolicyResource::Create(*state_, config, now);
}

absl::StatusOr<Versioned> ControlPlane::GetResponseHeadersPolicy(absl::string_view id) const {
  return ResponseHeadersPolicyResource::Get(*state_, id);
}

absl::StatusOr<Versioned> ControlPlane::GetResponseHeadersPolicyConfig(
    absl::string_view id) const {
  return ResponseHeadersPolicyResource::GetConfig(*state_, id);
}

absl::StatusOr<Versioned> ControlPlane::UpdateResponseHeadersPolicy(absl::string_view id,
                                                                    const json& config,
                                                                    absl::string_view if_match,
                                                                    absl::Time now) {
  return ResponseHeadersPolicyResource::Update(*state_, id, config, if_match, now);
}

absl::Status ControlPlane::DeleteResponseHeadersPolicy(absl::string_view id,
                                                       absl::string_view if_match) {
  return ResponseHeadersPolicyResource::Delete(*state_, id, if_match);
}

absl::StatusOr<json> ControlPlane::ListResponseHeadersPolicies(absl::string_view type,
                                                               absl::string_view marker,
                                                               int max_items) const {
  return ResponseHeadersPolicyResource::List(*state_, type, marker, max_items);
}

}  // namespace edgesim::emulator
