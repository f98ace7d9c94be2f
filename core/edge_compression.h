// edge_compression.h — CloudFront's edge compression done (SPEC 4.6): an origin's answer turned
// into the gzip or Brotli copy the cache stores, when policy/compression.h says so.
//
// It runs on the origin's answer, before the TTL decision and the store, at the POP only (the DG:
// "at the edge location"), so every tier above passes its answers through uncompressed and a
// Range is later cut from the compressed copy. A real body is compressed (zlib's gzip, Brotli);
// a size-only answer (the simulator) gets policy::ModelledCompressedSize.
//
//   OriginResponse r = ...;                 // 3,000 bytes of text/html, Content-Length: 3000
//   CompressForViewer(behavior, viewer, r); // r.body is Brotli, Content-Encoding: br, ETag W/"..."
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/origin_fetcher.h"
#include "policy/compression.h"
#include "policy/distribution.h"
#include "policy/http_message.h"

namespace edgesim::core {

// `bytes` in `coding`: gzip (RFC 1952, zlib level 6, its default) or Brotli (quality 5, window
// 22; edgesim's choice: CloudFront documents no level). InternalError if the library fails.
// REQUIRES: coding != kIdentity.
absl::StatusOr<std::string> EncodeBody(absl::string_view bytes, policy::ContentCoding coding);

// Compresses a complete `answer` in place when policy::DecideCompression says so for `viewer`
// under `behavior`, and returns the coding used (kIdentity: untouched). A body whose length
// disagrees with its Content-Length, or that fails to encode, is left as it came.
policy::ContentCoding CompressForViewer(const policy::CacheBehavior& behavior,
                                        const policy::Request& viewer, OriginResponse& answer);

}  // namespace edgesim::core
