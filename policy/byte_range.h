// byte_range.h — a viewer's `Range` request against a whole object CloudFront holds (SPEC 4.5):
// which bytes go out, with which status and headers.
//
// CloudFront follows RFC 9110 section 14 except where DG/RangeGETs.html says otherwise:
// * `bytes=a-b`, `bytes=a-` and `bytes=-n` select bytes; `a-b` past the end is cut at the end.
// * A multi-range request that is not ascending, overlaps, or has an invalid spec (a negative
//   value, b < a, not a number) gets the whole object with 200, not 206. So does any Range
//   header that is not `bytes=...` at all (RFC 9110 14.2: an unparseable Range is ignored).
// * Nothing satisfiable (every range starts at or past the end): 416 with
//   `Content-Range: bytes */LEN`, which is never cached (SPEC 3.5).
// * `If-Range` (RFC 9110 13.1.5): a strong ETag equal to the object's, or an HTTP-date equal to
//   its Last-Modified, lets the range through; anything else gets the whole object (200).
// * One satisfiable range: 206 with `Content-Range: bytes a-b/LEN` and that many bytes. Several:
//   206 `multipart/byteranges` (RFC 9110 14.6), UNCONFIRMED: AWS says only that CloudFront
//   "generally" follows the RFC (SPEC 4.5).
//
//   RangeAnswer a = DecideRange(viewer, object_headers, /*length=*/1000);
//   // Range: bytes=0-9  ->  a.kind == kPartial, a.ranges == {{0, 9}}
//   ContentRangeValue(a.ranges[0], 1000);   // "bytes 0-9/1000"
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "policy/http_message.h"

namespace edgesim::policy {

// Bytes first..last of an object, both included.
struct ByteRange {
  uint64_t first = 0;
  uint64_t last = 0;

  uint64_t size() const { return last - first + 1; }
  bool operator==(const ByteRange&) const = default;
};

std::ostream& operator<<(std::ostream& os, const ByteRange& range);

enum class RangeAnswerKind {
  kWhole,          // 200 with the whole object: no Range, an invalid one, or If-Range mismatch
  kPartial,        // 206: one range, or several as multipart/byteranges
  kUnsatisfiable,  // 416 with Content-Range: bytes */LEN
};

struct RangeAnswer {
  RangeAnswerKind kind = RangeAnswerKind::kWhole;
  // kPartial: ascending, disjoint, each within the object.
  std::vector<ByteRange> ranges;

  bool operator==(const RangeAnswer&) const = default;
};

std::ostream& operator<<(std::ostream& os, const RangeAnswer& answer);

// At most this many ranges in one request; more are answered with the whole object, as RFC 9110
// 14.2 allows against abusive range sets (the limit is edgesim's, UNCONFIRMED).
inline constexpr size_t kMaxRangesPerRequest = 100;

// The answer to `viewer`'s Range (and If-Range) for an object of `length` bytes whose headers
// (ETag, Last-Modified) are `representation`. Only GET and HEAD have ranges (RFC 9110 14.2; HEAD
// answers as a GET would, without the body, as S3 does: UNCONFIRMED for CloudFront).
RangeAnswer DecideRange(const Request& viewer, const Headers& representation, uint64_t length);

// RFC 9110 13.1.5: whether `if_range` (an entity tag or an HTTP-date) still names the object.
bool IfRangeMatches(absl::string_view if_range, const Headers& representation);

// "bytes 0-9/1000".
std::string ContentRangeValue(const ByteRange& range, uint64_t length);
// "bytes */1000", for a 416.
std::string UnsatisfiedContentRangeValue(uint64_t length);
// The range a `Content-Range: bytes a-b/LEN` (or `bytes a-b/*`) names; nullopt for `bytes */LEN`
// and anything else. The access log's sc-range-start / sc-range-end (SPEC 8.2).
absl::optional<ByteRange> ParseContentRange(absl::string_view value);

// A multipart/byteranges body (RFC 9110 14.6) as the pieces around the object's bytes: part i is
// `parts[i].head`, then the object's bytes `parts[i].range`; `close` ends the body. `size` is the
// whole body's length, so a driver without bodies (the simulator) still counts the bytes.
struct MultipartByteranges {
  struct Part {
    std::string head;
    ByteRange range;
  };
  std::string content_type;  // "multipart/byteranges; boundary=..."
  std::vector<Part> parts;
  std::string close;
  uint64_t size = 0;
};

// `content_type` is the object's Content-Type (each part repeats it; none when empty).
// REQUIRES: ranges as DecideRange gives them, within `length`.
MultipartByteranges MakeMultipartByteranges(const std::vector<ByteRange>& ranges,
                                            absl::string_view content_type, uint64_t length);

}  // namespace edgesim::policy
