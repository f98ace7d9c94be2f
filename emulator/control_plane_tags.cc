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

// The distribution `arn` names: InvalidArgument when it is no distribution ARN of the caller's
// `partition`, NoSuchResource when no distribution has its id.
absl::StatusOr<DistributionRecord*> Tagged(ControlPlaneState& s, absl::string_view arn,
                                           absl::string_view partition) {
  const std::vector<absl::string_view> parts = absl::StrSplit(arn, ':');
  if (parts.size() != 6 || parts[0] != "arn" || parts[1] != partition || parts[2] != "cloudfront" ||
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
  const policy::JsonReader reader(tags, "Tags");
  EDGESIM_RETURN_IF_ERROR(reader.ExpectObject());
  Tags out;
  const policy::JsonReader items = reader.Field("Items");
  if (!items.present()) return out;
  EDGESIM_ASSIGN_OR_RETURN(const std::vector<policy::JsonReader> list, items.Items());
  for (const policy::JsonReader& tag : list) {
    EDGESIM_ASSIGN_OR_RETURN(const policy::JsonReader key_field, tag.Required("Key"));
    EDGESIM_ASSIGN_OR_RETURN(std::string key, key_field.String());
    if (key.empty() || key.size() > kMaxTagKeyLength) {
      return key_field.Error("a tag Key has 1 to 128 characters");
    }
    std::string value;
    if (const policy::JsonReader value_field = tag.Field("Value"); value_field.present()) {
      EDGESIM_ASSIGN_OR_RETURN(value, value_field.String());
      if (value.size() > kMaxTagValueLength) {
        return value_field.Error("a tag Value has at most 256 characters");
      }
    }
    out.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

absl::StatusOr<json> ControlPlane::ListTagsForResource(absl::string_view arn,
                                                       absl::string_view partition) const {
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(const DistributionRecord* r, Tagged(s, arn, partition));
  return TagsJson(r->tags);
}

absl::Status ControlPlane::TagResource(absl::string_view arn, const json& tags,
                                       absl::string_view partition) {
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(DistributionRecord * r, Tagged(s, arn, partition));
  EDGESIM_ASSIGN_OR_RETURN(const Tags added, ParseTags(tags));
  for (const auto& add : added) {
    // Not a structured binding: clang before 16 cannot capture one in the lambda.
    const auto it = std::find_if(r->tags.begin(), r->tags.end(),
                                 [&](const auto& tag) { return tag.first == add.first; });
    if (it != r->tags.end()) {
      it->second = add.second;
    } else {
      r->tags.push_back(add);
    }
  }
  return absl::OkStatus();
}

absl::Status ControlPlane::UntagResource(absl::string_view arn, const json& keys,
                                         absl::string_view partition) {
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(DistributionRecord * r, Tagged(s, arn, partition));
  const policy::JsonReader reader(keys, "TagKeys");
  EDGESIM_RETURN_IF_ERROR(reader.ExpectObject());
  EDGESIM_ASSIGN_OR_RETURN(const std::vector<std::string> removed, StringItems(reader));
  for (const std::string& key : removed) {
    std::erase_if(r->tags, [&](const auto& tag) { return tag.first == key; });
  }
  return absl::OkStatus();
}

}  // namespace edgesim::emulator
