// viewer_head.h — the headers a viewer receives for an EdgeResult: the kept origin (or generated)
// head, then CloudFront's own (SPEC 5): X-Cache, Via, X-Amz-Cf-Pop, X-Amz-Cf-Id, and Age when at
// least a second old (SPEC 3.7). One walk serves every driver: the emulator's edge writes each
// header straight into its output buffer, `play` and the tests collect them.
//
//   ForEachViewerHeader(result, [&](absl::string_view name, absl::string_view value) { ... });
//   policy::Headers all = ViewerHeaders(result);   // all.Get("X-Cache"): "Hit from cloudfront"
#pragma once

#include <charconv>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "core/edge_cache.h"
#include "policy/http_message.h"
#include "policy/outcome.h"
#include "policy/response_head.h"

namespace edgesim::core {

// The origin's (or the cache's generated) headers behind an answer: the stored object's, unless
// the cache had to give this viewer others.
// A stored shared head is rendered on this first read of it (shared_head.h).
inline const policy::Headers& HeadersOf(const EdgeResult& r) {
  return r.stored != nullptr && r.viewer.headers.empty() ? r.stored->head.headers
                                                         : r.viewer.headers;
}

// The length of the object behind an answer, whatever part of it goes out: the stored object's,
// else the kept head's Content-Length (a HEAD miss); nullopt when neither says.
absl::optional<uint64_t> ObjectLength(const EdgeResult& r);

// CloudFront's own headers only (SPEC 5).
template <typename Fn>
void ForEachCloudFrontHeader(const EdgeResult& r, Fn&& fn) {
  fn("X-Cache", policy::XCacheValue(r.outcome));
  if (r.via != nullptr) fn("Via", *r.via);
  if (r.pop != nullptr) fn("X-Amz-Cf-Pop", *r.pop);
  if (!r.request_id.empty()) fn("X-Amz-Cf-Id", r.request_id.view());
  if (policy::SendsAge(r.age)) {
    char digits[24];
    const char* end = std::to_chars(digits, digits + sizeof(digits), absl::ToInt64Seconds(r.age)).ptr;
    fn("Age", absl::string_view(digits, static_cast<size_t>(end - digits)));
  }
}

// Calls `fn(name, value)` for every viewer header, origin's first. Allocates nothing.
template <typename Fn>
void ForEachViewerHeader(const EdgeResult& r, Fn&& fn) {
  for (const auto& [name, value] : HeadersOf(r).fields()) fn(name, value);
  ForEachCloudFrontHeader(r, fn);
}

policy::Headers ViewerHeaders(const EdgeResult& r);

}  // namespace edgesim::core
