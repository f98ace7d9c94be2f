// path_pattern.h — CloudFront cache-behavior path patterns and the path they are matched against.
//
// Models SPEC 1.1: a `PathPattern` is a case-sensitive glob over the whole request path, where `*`
// matches any run of characters including `/` and `?` exactly one character. One leading `/` is
// optional on both sides (`images/*.jpg` == `/images/*.jpg`). CloudFront matches the pattern
// against the RFC 3986-normalized path (`NormalizePathForMatching`), while the origin and the cache
// key get the raw path. See
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/DownloadDistValuesCacheBehavior.html
//
//   absl::StatusOr<PathPattern> p = PathPattern::Compile("images/*.jpg");
//   p->Matches(NormalizePathForMatching("//images/2024/../a.jpg"));   // true: "/images/a.jpg"
#pragma once

#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "policy/model_options.h"

namespace edgesim::policy {

// The path CloudFront compares with path patterns (SPEC 1.1 rule 9, SPEC B1 — UNCONFIRMED which
// escapes decode). `raw_path` is the request path without its query. In order:
//   1. RFC 3986 6.2.2.2: `%XX` of an unreserved character (`A-Za-z0-9-._~`) is decoded, any other
//      valid escape gets uppercase hex (`%2f` -> `%2F`, never decoded); a `%` that does not start a
//      valid escape is kept as is;
//   2. runs of `/` collapse to one, before dot segments are resolved, so `/a//../b` is `/b`;
//   3. RFC 3986 5.2.4 dot-segment removal (`/a/./b/../c` -> `/a/c`; `/..` -> `/`).
// An empty path is "/" (RFC 9110 4.2.3).
std::string NormalizePathForMatching(absl::string_view raw_path);

// Glob match of the whole `text`: `*` matches any run (also empty, also across `/`), `?` exactly
// one character (`/` only if `question_matches_slash`), everything else itself, case-sensitively.
// Also used for legacy cookie-name wildcards (`userid_*`, SPEC 2.5).
bool GlobMatch(absl::string_view pattern, absl::string_view text, bool question_matches_slash);

class PathPattern {
 public:
  // CloudFront's PathPattern limit (SPEC 1.1 rule 10).
  static constexpr size_t kMaxLength = 255;

  // Fails with InvalidArgument for an empty pattern, one longer than kMaxLength, or a character
  // outside SPEC 1.1 rule 10's set plus the `?` wildcard; the message names the character and its
  // position. `options.question_mark_matches_slash` (UNCONFIRMED, SPEC 1.1 rule 6) is fixed here.
  static absl::StatusOr<PathPattern> Compile(absl::string_view pattern,
                                             const ModelOptions& options = {});

  // REQUIRES: `normalized_path` came from NormalizePathForMatching (or is the raw path, when
  // ModelOptions::normalize_path_for_matching is off). Whole-path match; one leading `/` optional.
  bool Matches(absl::string_view normalized_path) const;

  // As configured, leading `/` included.
  const std::string& pattern() const { return pattern_; }
  // What every matching path starts with after its optional leading `/`: the pattern up to its
  // first wildcard. Empty when the pattern (after its `/`) starts with one.
  absl::string_view literal_prefix() const { return literal_prefix_; }

  bool operator==(const PathPattern& other) const {
    return pattern_ == other.pattern_ && question_matches_slash_ == other.question_matches_slash_;
  }

 private:
  PathPattern() = default;

  std::string pattern_;
  bool question_matches_slash_ = true;
  // The pattern without its leading `/`, with `**` runs folded, split so most paths are rejected
  // by two memcmp-sized checks: the path is literal_prefix_ + (text matching middle_) + (text of
  // exactly suffix_.size() matching suffix_). `literal_prefix_` ends at the first wildcard; with a
  // `*`, `suffix_` follows the last `*` and `middle_` ends with it; without, `suffix_` is the rest
  // and the path's length is fixed.
  std::string literal_prefix_;
  std::string middle_;
  std::string suffix_;
  bool has_star_ = false;
  // Characters a path needs at least: every non-`*` character of the pattern body.
  size_t min_length_ = 0;
};

std::ostream& operator<<(std::ostream& os, const PathPattern& pattern);

}  // namespace edgesim::policy
