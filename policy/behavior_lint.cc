#include "policy/behavior_lint.h"

#include <optional>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "policy/path_pattern.h"

namespace edgesim::policy {
namespace {

absl::string_view WithoutLeadingSlash(absl::string_view pattern) {
  absl::ConsumePrefix(&pattern, "/");
  return pattern;
}

// Why `earlier` takes every path `later` matches; nullopt when that is not decidable simply.
std::optional<std::string> Shadowing(const PathPattern& earlier, const PathPattern& later) {
  const absl::string_view e = WithoutLeadingSlash(earlier.pattern());
  if (e == WithoutLeadingSlash(later.pattern())) return "repeats the pattern of";
  // `PREFIX*`: every path starting with PREFIX, and each of `later`'s starts with its own prefix.
  const bool prefix_wildcard = e == absl::StrCat(earlier.literal_prefix(), "*");
  if (prefix_wildcard && absl::StartsWith(later.literal_prefix(), earlier.literal_prefix())) {
    return absl::StrCat("matches only paths of \"", earlier.pattern(), "\" in");
  }
  return std::nullopt;
}

}  // namespace

std::vector<ConfigProblem> ShadowedBehaviors(const DistributionConfig& config,
                                             absl::string_view location) {
  std::vector<std::optional<PathPattern>> compiled;
  for (const CacheBehavior& b : config.behaviors) {
    absl::StatusOr<PathPattern> p = PathPattern::Compile(b.path_pattern);
    compiled.push_back(p.ok() ? std::optional<PathPattern>(*std::move(p)) : std::nullopt);
  }
  std::vector<ConfigProblem> problems;
  for (size_t i = 0; i < compiled.size(); ++i) {
    for (size_t j = 0; j < i && compiled[i]; ++j) {
      if (!compiled[j]) continue;
      if (std::optional<std::string> why = Shadowing(*compiled[j], *compiled[i])) {
        problems.push_back(
            {absl::StrCat(location, ".CacheBehaviors.Items[", i, "].PathPattern"),
             absl::StrCat("\"", compiled[i]->pattern(), "\" ", *why, " Items[", j,
                          "], which comes first: this behavior never matches (edgesim's lint, "
                          "not a CloudFront rule)")});
        break;
      }
    }
  }
  return problems;
}

}  // namespace edgesim::policy
