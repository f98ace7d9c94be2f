#include "core/viewer_head.h"

namespace edgesim::core {

policy::Headers ViewerHeaders(const EdgeResult& r) {
  policy::Headers headers;
  ForEachViewerHeader(r, [&](absl::string_view name, absl::string_view value) {
    headers.Add(name, value);
  });
  return headers;
}

}  // namespace edgesim::core
