#include "emulator/control_plane_state.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "emulator/api_error.h"
#include "emulator/policy_resource.h"

namespace edgesim::emulator {

using nlohmann::json;

absl::Status DistributionRecord::NotFound() {
  return MakeApiError("NoSuchDistribution", "The specified distribution does not exist.");
}

absl::Status CheckIfMatchPresent(absl::string_view if_match) {
  if (if_match.empty()) {
    return MakeApiError("InvalidIfMatchVersion",
                        "The If-Match version is missing or not valid for the resource.");
  }
  return absl::OkStatus();
}

absl::Status CheckIfMatch(absl::string_view if_match, absl::string_view etag) {
  EDGESIM_RETURN_IF_ERROR(CheckIfMatchPresent(if_match));
  if (if_match != etag) {
    return MakeApiError("PreconditionFailed",
                        "The request failed because it didn't meet the preconditions in one or "
                        "more request-header fields.");
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
  ForEachPolicyKind([this]<typename Kind>() { PolicyResource<Kind>::Start(*this); });
}

std::string ControlPlaneState::NewETag(absl::string_view old) {
  std::string etag;
  do etag = ids.ETag();
  while (etag == old);
  return etag;
}

policy::AccountResources ControlPlaneState::Resources() const {
  policy::AccountResources account;
  ForEachPolicyKind([&]<typename Kind>() { PolicyResource<Kind>::AddCustom(*this, account); });
  return account;
}

}  // namespace edgesim::emulator
