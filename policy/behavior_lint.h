// behavior_lint.h — cache behaviors that can never match, because an earlier behavior takes every
// path they would (SPEC 1.1 rule 1: the first matching behavior wins).
//
// edgesim's own lint, not a CloudFront rule: whether CloudFront's API refuses a repeated
// PathPattern is UNCONFIRMED (SPEC 1.1 rule 15), and it accepts a shadowed one. Only what is
// decidable at a glance is reported: a pattern equal to an earlier one (up to the optional leading
// `/`), and a pattern under an earlier `PREFIX*` (`*`, `/*`, `/img/*` before `/img/a/*.png`).
//
//   for (const ConfigProblem& w : ShadowedBehaviors(config)) std::cout << "warning: " << w;
#pragma once

#include <vector>

#include "absl/strings/string_view.h"
#include "policy/distribution.h"
#include "policy/distribution_validator.h"

namespace edgesim::policy {

// One problem per CacheBehaviors item an earlier one shadows, at
// `location`.CacheBehaviors.Items[i].PathPattern, naming the earlier item. Patterns that do not
// compile are left to ValidateDistributionConfig.
std::vector<ConfigProblem> ShadowedBehaviors(const DistributionConfig& config,
                                             absl::string_view location = "DistributionConfig");

}  // namespace edgesim::policy
