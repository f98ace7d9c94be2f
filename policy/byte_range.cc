#include "policy/byte_range.h"

#include <algorithm>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "policy/ascii_case.h"
#include "policy/http_date.h"

namespace edgesim::policy {
namespace {

constexpr uint64_t kUnbounded = std::numeric_limits<uint64_t>::max();

// Fixed, so every driver writes the same bytes (RFC 9110 14.6 lets the sender choose; CloudFront's
// own boundary is not documented).
constexpr absl::string_view kBoundary = "edgesim-byteranges-5f2c8e1a9d3b";

// 1*DIGIT; a number too large for 64 bits saturates (it is past any object's end anyway).
absl::optional<uint64_t> ParseDigits(absl::string_view text) {
  if (text.empty()) return absl::nullopt;
  uint64_t value = 0;
  for (const char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return absl::nullopt;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    value = value > (kUnbounded - digit) / 10 ? kUnbounded : value * 10 + digit;
  }
  return value;
}

// One range-spec as written: `first-last`, `first-` (last unbounded) or `-suffix`.
struct RangeSpec {
  absl::optional<uint64_t> first;  // absent: a suffix range
  uint64_t last_or_suffix = 0;
};

// RFC 9110 14.1.1's range-set; nullopt when any spec is invalid (DG/RangeGETs.html: "all range
// specifications must be valid", e.g. no negative values) or the unit is not bytes.
absl::optional<std::vector<RangeSpec>> ParseRangeSet(absl::string_view header) {
  const size_t eq = header.find('=');
  if (eq == absl::string_view::npos ||
      !AsciiEqualsIgnoreCase(absl::StripAsciiWhitespace(header.substr(0, eq)), "bytes")) {
    return absl::nullopt;
  }
  std::vector<RangeSpec> specs;
  for (absl::string_view spec : absl::StrSplit(header.substr(eq + 1), ',')) {
    spec = absl::StripAsciiWhitespace(spec);
    if (spec.empty()) continue;  // RFC 9110 5.6.1: empty list elements do not count
    if (specs.size() == kMaxRangesPerRequest) return absl::nullopt;
    const size_t dash = spec.find('-');
    if (dash == absl::string_view::npos) return absl::nullopt;
    const absl::string_view before = spec.substr(0, dash);
    const absl::string_view after = spec.substr(dash + 1);
    if (before.empty()) {
      const absl::optional<uint64_t> suffix = ParseDigits(after);
      if (!suffix) return absl::nullopt;  // "-", "--5" (a negative number), "-x"
      specs.push_back({absl::nullopt, *suffix});
      continue;
    }
    const absl::optional<uint64_t> first = ParseDigits(before);
    if (!first) return absl::nullopt;
    if (after.empty()) {
      specs.push_back({first, kUnbounded});
      continue;
    }
    const absl::optional<uint64_t> last = ParseDigits(after);
    if (!last || *last < *first) return absl::nullopt;
    specs.push_back({first, *last});
  }
  if (specs.empty()) return absl::nullopt;
  return specs;
}

// RFC 9110 13.1.5: an entity tag matches only by the strong comparison.
bool StrongETagMatches(absl::string_view if_range, absl::string_view etag) {
  etag = absl::StripAsciiWhitespace(etag);
  return absl::StartsWith(if_range, "\"") && !absl::StartsWith(etag, "W/") && if_range == etag;
}

}  // namespace

std::ostream& operator<<(std::ostream& os, const ByteRange& range) {
  return os << range.first << "-" << range.last;
}

std::ostream& operator<<(std::ostream& os, const RangeAnswer& answer) {
  switch (answer.kind) {
    case RangeAnswerKind::kWhole:
      return os << "whole";
    case RangeAnswerKind::kUnsatisfiable:
      return os << "unsatisfiable";
    case RangeAnswerKind::kPartial:
      return os << "partial " << absl::StrJoin(answer.ranges, ",", absl::StreamFormatter());
  }
  return os;
}

bool IfRangeMatches(absl::string_view if_range, const Headers& representation) {
  if_range = absl::StripAsciiWhitespace(if_range);
  if (absl::StartsWith(if_range, "\"") || absl::StartsWith(if_range, "W/")) {
    const absl::optional<absl::string_view> etag = representation.Get("ETag");
    return etag.has_value() && StrongETagMatches(if_range, *etag);
  }
  const absl::optional<absl::Time> date = ParseHttpDate(if_range);
  const absl::optional<absl::string_view> modified = representation.Get("Last-Modified");
  if (!date || !modified) return false;
  const absl::optional<absl::Time> last_modified = ParseHttpDate(*modified);
  return last_modified.has_value() && *last_modified == *date;
}

RangeAnswer DecideRange(const Request& viewer, const Headers& representation, uint64_t length) {
  RangeAnswer whole;
  if (viewer.method != "GET" && viewer.method != "HEAD") return whole;
  const absl::optional<absl::string_view> header = viewer.headers.Get("Range");
  // UNCONFIRMED: an empty object has no byte to name, so a Range on it is ignored.
  if (!header || length == 0) return whole;
  const absl::optional<std::vector<RangeSpec>> specs = ParseRangeSet(*header);
  if (!specs) return whole;
  if (const absl::optional<absl::string_view> if_range = viewer.headers.Get("If-Range")) {
    if (!IfRangeMatches(*if_range, representation)) return whole;
  }
  RangeAnswer answer{.kind = RangeAnswerKind::kUnsatisfiable};
  uint64_t previous_last = 0;
  for (size_t i = 0; i < specs->size(); ++i) {
    const RangeSpec& spec = (*specs)[i];
    // The bytes as written, before cutting at the end: what "ascending" and "overlapping" judge.
    const uint64_t first =
        spec.first ? *spec.first : length - std::min(spec.last_or_suffix, length);
    const uint64_t last = spec.first ? spec.last_or_suffix : length - 1;
    if (i > 0 && first <= previous_last) return whole;  // DG/RangeGETs.html: ascending, disjoint
    previous_last = last;
    const bool satisfiable = spec.first ? first < length : spec.last_or_suffix > 0;
    if (satisfiable) answer.ranges.push_back({first, std::min(last, length - 1)});
  }
  if (!answer.ranges.empty()) answer.kind = RangeAnswerKind::kPartial;
  return answer;
}

std::string ContentRangeValue(const ByteRange& range, uint64_t length) {
  return absl::StrCat("bytes ", range.first, "-", range.last, "/", length);
}

std::string UnsatisfiedContentRangeValue(uint64_t length) {
  return absl::StrCat("bytes */", length);
}

absl::optional<ByteRange> ParseContentRange(absl::string_view value) {
  value = absl::StripAsciiWhitespace(value);
  if (value.size() < 6 || !AsciiEqualsIgnoreCase(value.substr(0, 6), "bytes ")) {
    return absl::nullopt;
  }
  value.remove_prefix(6);
  const size_t slash = value.find('/');
  const size_t dash = value.find('-');
  if (slash == absl::string_view::npos || dash == absl::string_view::npos || dash > slash) {
    return absl::nullopt;
  }
  const absl::optional<uint64_t> first = ParseDigits(value.substr(0, dash));
  const absl::optional<uint64_t> last = ParseDigits(value.substr(dash + 1, slash - dash - 1));
  if (!first || !last || *last < *first) return absl::nullopt;
  return ByteRange{*first, *last};
}

MultipartByteranges MakeMultipartByteranges(const std::vector<ByteRange>& ranges,
                                            absl::string_view content_type, uint64_t length) {
  MultipartByteranges m;
  m.content_type = absl::StrCat("multipart/byteranges; boundary=", kBoundary);
  m.parts.reserve(ranges.size());
  for (const ByteRange& range : ranges) {
    std::string head = absl::StrCat(m.parts.empty() ? "" : "\r\n", "--", kBoundary, "\r\n");
    if (!content_type.empty()) absl::StrAppend(&head, "Content-Type: ", content_type, "\r\n");
    absl::StrAppend(&head, "Content-Range: ", ContentRangeValue(range, length), "\r\n\r\n");
    m.size += head.size() + range.size();
    m.parts.push_back({std::move(head), range});
  }
  m.close = absl::StrCat("\r\n--", kBoundary, "--\r\n");
  m.size += m.close.size();
  return m;
}

}  // namespace edgesim::policy
