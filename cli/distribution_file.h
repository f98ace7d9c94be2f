// distribution_file.h — a DistributionConfig JSON file (as `aws cloudfront
// get-distribution-config` prints it) loaded into the model, with errors that name the file.
//
// The one loader of `serve --config`, `explain --config` and `check-config`: the same file gets
// the same Id and domain name in all three, so explain shows the cache key serve would use.
//
//   absl::StatusOr<policy::Distribution> d = LoadDistributionFile("site.json");
//   // error: "site.json: DistributionConfig.Origins.Items[0].DomainName: ..."
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "policy/distribution.h"

namespace edgesim::cli {

// NotFound when the file cannot be read; InvalidArgument (each line prefixed by the path) when
// it is not a valid distribution. A bare DistributionConfig (no "Distribution" wrapper with an
// Id) gets an id and a domain name derived from the path, so several such files can run side by
// side: "E" + 13 characters, "d" + 13 characters + ".cloudfront.net", as CloudFront's look.
absl::StatusOr<policy::Distribution> LoadDistributionFile(const std::string& path);

// LoadDistributionFile(path), or the demo distribution (demo_distribution.h) when `path` is
// empty: what `explain` and `check-config` run without --config.
absl::StatusOr<policy::Distribution> LoadDistributionFileOrDemo(const std::string& path);

}  // namespace edgesim::cli
