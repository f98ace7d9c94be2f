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
  table.behaviors_.reserve(config.behaviors.size() + 1);
  table.behaviors_.assign(config.behaviors.begin(), config.behaviors.end());
  // SPEC 1.1 rule 2: the default behavior's pattern is always `*`, whatever the config says.
  CacheBehavior default_behavior = config.default_behavior;
  default_behavior.path_pattern = std::string(1, '*');
  table.behaviors_.push_back(std::move(default_behavior));
  return table;
}

BehaviorMatch BehaviorTable::Match(absl::string_view request_target) const {
  const absl::string_view path = request_target.substr(0, request_target.find('?'));
  BehaviorMatch match;
  match.matched_path = normalize_path_ ? NormalizePathForMatching(path) : std::string(path);
  for (const PathPattern& pattern : patterns_) {
    ++match.patterns_tried;
    if (pattern.Matches(match.matched_path)) {
      match.index = match.patterns_tried - 1;
      match.behavior = &behaviors_[match.index];
      return match;
    }
  }
  match.behavior = &behaviors_.back();
  return match;
}

}  // namespace edgesim::policy
