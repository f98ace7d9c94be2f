// compression.h — CloudFront's edge compression rules (SPEC 4.6): whether an origin's answer is
// compressed for a viewer, with which coding, and what the compressed answer's head says.
//
// Pure: core compresses the bytes (or, in the simulator, models their size) where the answer is
// stored, so the compressed copy is what the cache keeps under the key's normalized
// Accept-Encoding (SPEC 2.4).
//
//   CompressionDecision d = DecideCompression(behavior, viewer, origin_head);
//   if (d.coding != ContentCoding::kIdentity) {
//     CompressHead(d.coding, compressed.size(), &origin_head);   // Content-Encoding, ETag, ...
//   }
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "policy/distribution.h"
#include "policy/http_message.h"

namespace edgesim::policy {

enum class ContentCoding { kIdentity, kGzip, kBrotli };

// "identity", "gzip", "br": the Content-Encoding token.
absl::string_view ToString(ContentCoding coding);
std::ostream& operator<<(std::ostream& os, ContentCoding coding);

// Why an answer was not compressed; kCompressed when it was.
enum class CompressionSkip {
  kCompressed,
  kBehaviorOff,          // Compress is false
  kAcceptEncodingInKey,  // Accept-Encoding listed among the key's (or legacy forwarded) headers
  kNoCodingEnabled,      // neither EnableAcceptEncodingGzip nor ...Brotli
  kCachingDisabled,      // MaxTTL 0, or legacy forwarding of every header
  kHttp10Viewer,         // CloudFront drops Accept-Encoding from HTTP/1.0 viewers
  kViewerAcceptsNone,    // no enabled coding in the viewer's Accept-Encoding
  kAlreadyEncoded,       // the origin sent a Content-Encoding, whatever its value
  kStatus,               // not 200, 403 or 404
  kNoContentLength,      // Content-Length absent or not a number
  kSize,                 // outside 1,000..10,000,000 bytes
  kContentType,          // not on the documented list
};

absl::string_view ToString(CompressionSkip skip);
std::ostream& operator<<(std::ostream& os, CompressionSkip skip);

struct CompressionDecision {
  ContentCoding coding = ContentCoding::kIdentity;
  CompressionSkip skip = CompressionSkip::kBehaviorOff;

  bool operator==(const CompressionDecision&) const = default;
};

std::ostream& operator<<(std::ostream& os, const CompressionDecision& decision);

// SPEC 4.6 in order: the behavior's Compress and cache policy, the viewer's Accept-Encoding (as
// normalized into the key, SPEC 2.4; Brotli preferred), then the origin's head (Content-Encoding,
// status, Content-Length, Content-Type). A bodiless answer (HEAD, 304) is the caller's to skip.
CompressionDecision DecideCompression(const CacheBehavior& behavior, const Request& viewer,
                                      const Response& origin_head);

// Whether `content_type` (a Content-Type value, parameters allowed) names a media type on
// CloudFront's list of compressed types (SPEC 4.6), case-insensitively.
bool CompressibleContentType(absl::string_view content_type);

// The ETag a compressed answer carries (SPEC 4.6): a strong `"x"` becomes `W/"x"`, a weak one is
// kept, and one starting with neither `"` nor `W/` is removed (nullopt).
absl::optional<std::string> CompressedETag(absl::string_view etag);

// Rewrites an origin's head for its compressed body of `compressed_size` bytes: Content-Encoding
// and Content-Length set, the ETag as CompressedETag says, and Accept-Encoding added to Vary
// (UNCONFIRMED, SPEC B15). REQUIRES: coding != kIdentity.
void CompressHead(ContentCoding coding, uint64_t compressed_size, Response* head);

// The simulator's size for a compressed body it does not build (SPEC 4.6): a quarter of the
// original, rounded up, for either coding — the DG's "less than a quarter the size of the
// original" taken as the typical case. edgesim's model, not CloudFront's.
uint64_t ModelledCompressedSize(uint64_t size);

// SPEC 2.5 / 4.6: a legacy (ForwardedValues) behavior with Compress on normalizes Accept-Encoding
// to gzip, as a cache policy with only EnableAcceptEncodingGzip does (Brotli needs a cache
// policy), unless Accept-Encoding is among its forwarded headers or it forwards all of them.
// Called where behaviors are read, so the key and the origin request follow.
void ApplyLegacyCompression(CacheBehavior* behavior);

}  // namespace edgesim::policy
