// Invalidation paths as CreateInvalidation takes them (policy/invalidation.h), one per line of the
// input: each parses exactly when it validates, a parsed path matches itself (a wildcard, every
// path under its prefix), and the whole list goes through the batch and in-progress checks with
// errors as Status.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "policy/invalidation.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace policy = edgesim::policy;
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  const std::vector<std::string> paths = absl::StrSplit(input, '\n');
  for (const std::string& text : paths) {
    absl::StatusOr<policy::InvalidationPath> path = policy::InvalidationPath::Parse(text);
    if (path.ok() != policy::ValidateInvalidationPath(text).ok()) abort();
    if (!path.ok()) {
      if (!policy::InvalidationErrorCodeOf(path.status())) abort();
      continue;
    }
    if (path->text() != text) abort();
    if (!path->Matches(path->is_wildcard() ? absl::StrCat(path->prefix(), "x/y") : text)) abort();
  }
  policy::ValidateInvalidationBatch(paths, static_cast<int>(paths.size())).IgnoreError();
  policy::CheckInProgressLimits(static_cast<int>(size), static_cast<int>(paths.size()), paths)
      .IgnoreError();
  return 0;
}
