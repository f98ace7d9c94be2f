#include "core/viewer_head.h"

#include "absl/strings/numbers.h"

namespace edgesim::core {

absl::optional<uint64_t> ObjectLength(const EdgeResult& r) {
  if (r.stored != nullptr) return r.stored->body_size;
  uint64_t n;
  const absl::optional<absl::string_view> header = HeadersOf(r).Get("Content-Length");
  if (header && absl::SimpleAtoi(*header, &n)) return n;
  return absl::nullopt;
}

policy::Headers ViewerHeaders(const EdgeResult& r) {
  policy::Headers headers;
  ForEachViewerHeader(r, [&](absl::string_view name, absl::string_view value) {
    headers.Add(name, value);
  });
  return headers;
}

}  // namespace edgesim::core
