// demo_distribution.h — the distribution edgesim runs when given no config.
//
// The usual deploy pattern behind CloudFront: content-hashed assets under /assets/ cached for a
// year (managed CachingOptimized, the origin sends `max-age=31536000, immutable`), and HTML on the
// default behavior cached briefly (a custom policy: DefaultTTL 60 s, MaxTTL 300 s), with
// `index.html` as the default root object and 404s cached for 10 s.
#pragma once

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "policy/distribution.h"

namespace edgesim::cli {

// The demo in CloudFront's own JSON shape, exactly what a user could save and pass to --config.
absl::string_view DemoDistributionJson();

// DemoDistributionJson() loaded: Id E1EDGESIMDEMO1, domain d111111abcdef8.cloudfront.net.
absl::StatusOr<policy::Distribution> LoadDemoDistribution();

}  // namespace edgesim::cli
