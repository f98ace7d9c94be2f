#include "policy/behavior_table.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace edgesim::policy {

std::ostream& operator<<(std::ostream& os, const BehaviorMatch& match) {
  os << "BehaviorMatch{index=" << match.index;
  if (match.behavior != nullptr) os << ", pattern=\"" << match.behavior->path_pattern << "\"";
  return os << ", matched_path=\"" << match.matched_path
            << "\", patterns_tried=" << match.patterns_tried << "}";
}

absl::StatusOr<BehaviorTable> BehaviorTable::Build(const DistributionConfig& config,
                                                   const ModelOptions& options) {
  BehaviorTable table;
  table.normalize_path_ = options.normalize_path_for_matching;
  table.patterns_.reserve(config.behaviors.size());
  for (size_t i = 0; i < config.behaviors.size(); ++i) {
    absl::StatusOr<PathPattern> pattern =
        PathPattern::Compile(config.behaviors[i].path_pattern, options);
    if (!pattern.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("CacheBehaviors.Items[", i, "].PathPattern: ", pattern.status().message()));
    }
    table.patterns_.push_back(*std::move(pattern));
  }
  table.IndexByFirstByte();
  table.behaviors_.reserve(config.behaviors.size() + 1);
  table.behaviors_.assign(config.behaviors.begin(), config.behaviors.end());
  // SPEC 1.1 rule 2: the default behavior's pattern is always `*`, whatever the config says.
  CacheBehavior default_behavior = config.default_behavior;
  default_behavior.path_pattern = std::string(1, '*');
  table.behaviors_.push_back(std::move(default_behavior));
  return table;
}

void BehaviorTable::IndexByFirstByte() {
  candidates_.clear();
  for (int bucket = 0; bucket <= kEmptyPathBucket; ++bucket) {
    bucket_begin_[bucket] = static_cast<uint32_t>(candidates_.size());
    for (size_t i = 0; i < patterns_.size(); ++i) {
      const absl::string_view prefix = patterns_[i].literal_prefix();
      // A non-empty literal prefix never matches an empty path.
      if (prefix.empty() ||
          (bucket != kEmptyPathBucket && static_cast<unsigned char>(prefix[0]) == bucket)) {
        candidates_.push_back(static_cast<int>(i));
      }
    }
  }
  bucket_begin_[kEmptyPathBucket + 1] = static_cast<uint32_t>(candidates_.size());
}

BehaviorMatch BehaviorTable::Match(absl::string_view request_target) const {
  const absl::string_view path = request_target.substr(0, request_target.find('?'));
  BehaviorMatch match;
  match.matched_path = normalize_path_ ? NormalizePathForMatching(path) : std::string(path);
  // The byte PathPattern::Matches compares with the literal prefix first.
  absl::string_view text = match.matched_path;
  if (!text.empty() && text.front() == '/') text.remove_prefix(1);
  const int bucket = text.empty() ? kEmptyPathBucket : static_cast<unsigned char>(text.front());
  for (uint32_t c = bucket_begin_[bucket]; c < bucket_begin_[bucket + 1]; ++c) {
    const int i = candidates_[c];
    if (patterns_[i].Matches(match.matched_path)) {
      match.index = i;
      match.patterns_tried = i + 1;
      match.behavior = &behaviors_[i];
      return match;
    }
  }
  match.patterns_tried = size();
  match.behavior = &behaviors_.back();
  return match;
}

}  // namespace edgesim::policy
