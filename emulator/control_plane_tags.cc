// ControlPlane's tags of distribution ARNs: ListTagsForResource, TagResource, UntagResource, and
// the Tags shape CreateDistributionWithTags takes too.
#include <algorithm>
#include <cstring>
#include <mutex>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "emulator/api_error.h"
#include "emulator/control_plane.h"
#include "emulator/control_plane_state.h"

namespace edgesim::emulator {
namespace {

using nlohmann::json;

constexpr size_t kMaxTagKeyLength = 128;
constexpr size_t kMaxTagValueLength = 256;

json TagsJson(const Tags& tags) {
  json items = json::array();
  for (const auto& [key, value] : tags) items.push_back({{"Key", key}, {"Value", value}});
  json out = json::object();
  if (!items.empty()) out["Items"] = std::move(items);
  return out;
}

// The distribution `arn` names: InvalidArgument when it is no distribution ARN, NoSuchResource
// when no distribution has its id.
absl::StatusOr<DistributionRecord*> Tagged(ControlPlaneState& s, absl::string_view arn) {
  const std::vector<absl::string_view> parts = absl::StrSplit(arn, ':');
  if (parts.size() != 6 || parts[0] != "arn" || parts[1].empty() || parts[2] != "cloudfront" ||
      !absl::StartsWith(parts[5], "distribution/")) {
    return MakeApiError("InvalidArgument",
                        absl::StrCat("\"", arn, "\" is not a CloudFront distribution ARN."));
  }
  DistributionRecord* r = s.Find(s.distributions, parts[5].substr(strlen("distribution/")));
  if (r == nullptr) return MakeApiError("NoSuchResource", "The specified resource does not exist.");
  return r;
}

}  // namespace

absl::StatusOr<Tags> ParseTags(const json& tags) {
  Tags out;
  const auto invalid = [](absl::string_view why) {
    return MakeApiError("InvalidArgument", absl::StrCat("Tags: ", why));
  };
  if (!tags.is_object()) return invalid("expected an object");
  const auto items = tags.find("Items");
  if (items == tags.end() || items->is_null()) return out;
  if (!items->is_array()) return invalid("Items must be a list");
  for (const json& tag : *items) {
    const auto key = tag.is_object() ? tag.find("Key") : tag.end();
    if (!tag.is_object() || key == tag.end() || !key->is_string() ||
        key->get_ref<const std::string&>().empty() ||
        key->get_ref<const std::string&>().size() > kMaxTagKeyLength) {
      return invalid("every tag needs a Key of 1 to 128 characters");
    }
    std::string value;
    if (const auto v = tag.find("Value"); v != tag.end() && !v->is_null()) {
      if (!v->is_string() || v->get_ref<const std::string&>().size() > kMaxTagValueLength) {
        return invalid("a tag Value is a string of at most 256 characters");
      }
      value = v->get<std::string>();
    }
    out.emplace_back(key->get<std::string>(), std::move(value));
  }
  return out;
}

absl::StatusOr<json> ControlPlane::ListTagsForResource(absl::string_view arn) const {
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(const DistributionRecord* r, Tagged(s, arn));
  return TagsJson(r->tags);
}

absl::Status ControlPlane::TagResource(absl::string_view arn, const json& tags) {
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(DistributionRecord * r, Tagged(s, arn));
  EDGESIM_ASSIGN_OR_RETURN(const Tags added, ParseTags(tags));
  for (const auto& [key, value] : added) {
    const auto it = std::find_if(r->tags.begin(), r->tags.end(),
                                 [&](const auto& tag) { return tag.first == key; });
    if (it != r->tags.end()) {
      it->second = value;
    } else {
      r->tags.emplace_back(key, value);
    }
  }
  return absl::OkStatus();
}

absl::Status ControlPlane::UntagResource(absl::string_view arn, const json& keys) {
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(DistributionRecord * r, Tagged(s, arn));
  const auto items = keys.is_object() ? keys.find("Items") : keys.end();
  if (!keys.is_object() || (items != keys.end() && !items->is_null() && !items->is_array())) {
    return MakeApiError("InvalidArgument", "TagKeys: Items must be a list of keys");
  }
  if (items == keys.end() || items->is_null()) return absl::OkStatus();
  for (const json& key : *items) {
    if (!key.is_string()) return MakeApiError("InvalidArgument", "TagKeys: every key is a string");
  }
  for (const json& key : *items) {
    std::erase_if(r->tags, [&](const auto& tag) { return tag.first == key.get<std::string>(); });
  }
  return absl::OkStatus();
}

}  // namespace edgesim::emulator
