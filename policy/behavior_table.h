// behavior_table.h — which cache behavior of a distribution serves a request.
//
// Models SPEC 1.1 rules 1-3, 8 and 9: the ordered `CacheBehaviors.Items` are tried in order and the
// first whose PathPattern matches the (normalized, query-less) request path wins; the default
// behavior (pattern fixed to `*`) catches everything else. Patterns are compiled once, at Build.
//
//   absl::StatusOr<BehaviorTable> table = BehaviorTable::Build(config);
//   BehaviorMatch m = table->Match("//images//pic.jpg?w=100");
//   m.index;          // 0 when CacheBehaviors.Items[0] is "images/*.jpg"; -1 = default
//   m.matched_path;   // "/images/pic.jpg" (the origin still gets the raw path)
#pragma once

#include <array>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "policy/distribution.h"
#include "policy/model_options.h"
#include "policy/path_pattern.h"

namespace edgesim::policy {

struct BehaviorMatch {
  // Position in CacheBehaviors.Items, or -1 for the default behavior.
  int index = -1;
  // Points into the BehaviorTable that produced it; valid while that table lives (also if moved).
  const CacheBehavior* behavior = nullptr;
  // The path the patterns saw: query removed, normalized unless
  // ModelOptions::normalize_path_for_matching is off.
  std::string matched_path;
  // How many ordered patterns come first in the order of trial: index + 1, or every one when the
  // default won. (Match skips patterns whose literal start rules them out; the count is the same.)
  int patterns_tried = 0;

  bool operator==(const BehaviorMatch&) const = default;
};

std::ostream& operator<<(std::ostream& os, const BehaviorMatch& match);

class BehaviorTable {
 public:
  // Copies the behaviors of `config`. Fails with InvalidArgument naming the behavior, e.g.
  // `CacheBehaviors.Items[2].PathPattern: path pattern "a%b" has character '%' at position 1 ...`.
  static absl::StatusOr<BehaviorTable> Build(const DistributionConfig& config,
                                             const ModelOptions& options = {});

  // `request_target` is the raw path, optionally followed by `?query` (ignored, SPEC 1.1 rule 8).
  BehaviorMatch Match(absl::string_view request_target) const;

  // The ordered behaviors, without the default.
  int size() const { return static_cast<int>(patterns_.size()); }
  const CacheBehavior& default_behavior() const { return behaviors_.back(); }

 private:
  BehaviorTable() = default;
  void IndexByFirstByte();

  // The ordered behaviors, then the default one last; in one vector so that BehaviorMatch pointers
  // survive a move of the table.
  std::vector<CacheBehavior> behaviors_;
  std::vector<PathPattern> patterns_;  // patterns_[i] belongs to behaviors_[i]
  bool normalize_path_ = true;
  // Which patterns can match a path, by the path's first byte after its leading `/` (bucket 256:
  // nothing after it): in order, those whose literal prefix starts with that byte and those that
  // start with a wildcard. Bucket b is candidates_[bucket_begin_[b], bucket_begin_[b + 1]). A
  // path then tries a few patterns, not all of them.
  static constexpr int kEmptyPathBucket = 256;
  std::vector<int> candidates_;
  std::array<uint32_t, kEmptyPathBucket + 2> bucket_begin_ = {};
};

}  // namespace edgesim::policy
