// demo_distribution.h — the distribution edgesim runs when given no config.
//
// The usual deploy pattern behind CloudFront: content-hashed assets under /assets/ cached for a
// year (managed CachingOptimized, the origin sends `max-age=31536000, immutable`), and HTML on the
// default behavior cached briefly (a custom policy: DefaultTTL 60 s, MaxTTL 300 s), with
// `index.html` as the default root object and 404s cached for 10 s.
#pragma once

#include "absl/strings/string_view.h"

namespace edgesim::cli {

// The demo in CloudFront's own JSON shape, exactly what a user could save and pass to --config.
absl::string_view DemoDistributionJson();

}  // namespace edgesim::cli
