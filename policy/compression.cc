#include "policy/compression.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "policy/ascii_case.h"
#include "policy/cache_key.h"
#include "policy/response_head.h"

namespace edgesim::policy {
namespace {

// SPEC 4.6: the size window CloudFront compresses, by Content-Length, bounds included [DOC].
constexpr uint64_t kMinCompressedSize = 1000;
constexpr uint64_t kMaxCompressedSize = 10000000;

// SPEC 4.6 (from SPEC-next 14.3): the DG's "File types that CloudFront compresses", sorted.
constexpr absl::string_view kCompressibleTypes[] = {
    "application/dash+xml",
    "application/eot",
    "application/font",
    "application/font-sfnt",
    "application/javascript",
    "application/json",
    "application/opentype",
    "application/otf",
    "application/pkcs7-mime",
    "application/protobuf",
    "application/rss+xml",
    "application/truetype",
    "application/ttf",
    "application/vnd.apple.mpegurl",
    "application/vnd.mapbox-vector-tile",
    "application/vnd.ms-fontobject",
    "application/x-font-opentype",
    "application/x-font-truetype",
    "application/x-font-ttf",
    "application/x-httpd-cgi",
    "application/x-javascript",
    "application/x-mpegurl",
    "application/x-opentype",
    "application/x-otf",
    "application/x-perl",
    "application/x-ttf",
    "application/xhtml+xml",
    "application/xml",
    "font/eot",
    "font/opentype",
    "font/otf",
    "font/ttf",
    "image/svg+xml",
    "text/css",
    "text/csv",
    "text/html",
    "text/javascript",
    "text/js",
    "text/plain",
    "text/richtext",
    "text/tab-separated-values",
    "text/x-component",
    "text/x-java-source",
    "text/x-script",
    "text/xml",
    "vnd.apple.mpegurl",
};

bool AcceptEncodingInKey(const CachePolicy& policy) {
  return policy.headers.behavior == KeyListBehavior::kWhitelist &&
         KeyListIncludes(policy.headers, "Accept-Encoding", NameMatch::kIgnoreCase);
}

// The coding the key's normalized Accept-Encoding allows (SPEC 2.4): Brotli when both are.
ContentCoding AcceptedCoding(const CachePolicy& policy, const Request& viewer) {
  const NormalizedAcceptEncoding normalized = NormalizeAcceptEncoding(
      viewer.headers.GetCombined("Accept-Encoding"), policy.enable_accept_encoding_gzip,
      policy.enable_accept_encoding_brotli, viewer.http_minor_version);
  if (!normalized.key_value) return ContentCoding::kIdentity;
  return absl::StartsWith(*normalized.key_value, "br") ? ContentCoding::kBrotli
                                                       : ContentCoding::kGzip;
}

absl::optional<uint64_t> ContentLength(const Headers& headers) {
  const absl::optional<absl::string_view> value = headers.Get("Content-Length");
  uint64_t n = 0;
  if (!value) return absl::nullopt;
  const absl::string_view digits = absl::StripAsciiWhitespace(*value);
  if (digits.empty() || !std::all_of(digits.begin(), digits.end(), absl::ascii_isdigit) ||
      !absl::SimpleAtoi(digits, &n)) {
    return absl::nullopt;
  }
  return n;
}

// The viewer-side conditions: behavior, policy, request.
CompressionSkip ViewerSkip(const CacheBehavior& behavior, const Request& viewer,
                           ContentCoding* coding) {
  const CachePolicy& policy = behavior.cache_policy;
  if (!behavior.compress) return CompressionSkip::kBehaviorOff;
  if (AcceptEncodingInKey(policy)) return CompressionSkip::kAcceptEncodingInKey;
  if (!policy.enable_accept_encoding_gzip && !policy.enable_accept_encoding_brotli) {
    return CompressionSkip::kNoCodingEnabled;
  }
  // SPEC 4.6: "caching disabled" (MaxTTL 0) means no compression; a 0/0/>0 policy still
  // compresses (UNCONFIRMED).
  if (CachingDisabled(policy)) return CompressionSkip::kCachingDisabled;
  if (viewer.http_minor_version == 0) return CompressionSkip::kHttp10Viewer;
  *coding = AcceptedCoding(policy, viewer);
  if (*coding == ContentCoding::kIdentity) return CompressionSkip::kViewerAcceptsNone;
  return CompressionSkip::kCompressed;
}

// The answer-side conditions, in the DG's order.
CompressionSkip AnswerSkip(const Response& head) {
  if (head.headers.Has("Content-Encoding")) return CompressionSkip::kAlreadyEncoded;
  if (head.status != 200 && head.status != 403 && head.status != 404) {
    return CompressionSkip::kStatus;
  }
  const absl::optional<uint64_t> length = ContentLength(head.headers);
  if (!length) return CompressionSkip::kNoContentLength;
  if (*length < kMinCompressedSize || *length > kMaxCompressedSize) return CompressionSkip::kSize;
  const absl::optional<absl::string_view> type = head.headers.Get("Content-Type");
  if (!type || !CompressibleContentType(*type)) return CompressionSkip::kContentType;
  return CompressionSkip::kCompressed;
}

}  // namespace

absl::string_view ToString(ContentCoding coding) {
  switch (coding) {
    case ContentCoding::kIdentity:
      return "identity";
    case ContentCoding::kGzip:
      return "gzip";
    case ContentCoding::kBrotli:
      return "br";
  }
  return "identity";
}

std::ostream& operator<<(std::ostream& os, ContentCoding coding) { return os << ToString(coding); }

absl::string_view ToString(CompressionSkip skip) {
  switch (skip) {
    case CompressionSkip::kCompressed:
      return "compressed";
    case CompressionSkip::kBehaviorOff:
      return "behavior_off";
    case CompressionSkip::kNoCodingEnabled:
      return "no_coding_enabled";
    case CompressionSkip::kAcceptEncodingInKey:
      return "accept_encoding_in_key";
    case CompressionSkip::kCachingDisabled:
      return "caching_disabled";
    case CompressionSkip::kHttp10Viewer:
      return "http10_viewer";
    case CompressionSkip::kViewerAcceptsNone:
      return "viewer_accepts_none";
    case CompressionSkip::kAlreadyEncoded:
      return "already_encoded";
    case CompressionSkip::kStatus:
      return "status";
    case CompressionSkip::kNoContentLength:
      return "no_content_length";
    case CompressionSkip::kSize:
      return "size";
    case CompressionSkip::kContentType:
      return "content_type";
  }
  return "compressed";
}

std::ostream& operator<<(std::ostream& os, CompressionSkip skip) { return os << ToString(skip); }

std::ostream& operator<<(std::ostream& os, const CompressionDecision& decision) {
  return os << "{" << decision.coding << ", " << decision.skip << "}";
}

CompressionDecision DecideCompression(const CacheBehavior& behavior, const Request& viewer,
                                      const Response& origin_head) {
  CompressionDecision d;
  ContentCoding coding = ContentCoding::kIdentity;
  d.skip = ViewerSkip(behavior, viewer, &coding);
  if (d.skip == CompressionSkip::kCompressed) d.skip = AnswerSkip(origin_head);
  if (d.skip == CompressionSkip::kCompressed) d.coding = coding;
  return d;
}

bool CompressibleContentType(absl::string_view content_type) {
  const absl::string_view media_type =
      absl::StripAsciiWhitespace(content_type.substr(0, content_type.find(';')));
  return std::any_of(std::begin(kCompressibleTypes), std::end(kCompressibleTypes),
                     [&](absl::string_view t) { return AsciiEqualsIgnoreCase(t, media_type); });
}

absl::optional<std::string> CompressedETag(absl::string_view etag) {
  etag = absl::StripAsciiWhitespace(etag);
  if (absl::StartsWith(etag, "W/")) return std::string(etag);
  if (absl::StartsWith(etag, "\"")) return absl::StrCat("W/", etag);
  return absl::nullopt;
}

void CompressHead(ContentCoding coding, uint64_t compressed_size, Response* head) {
  Headers& h = head->headers;
  h.Set("Content-Encoding", ToString(coding));
  h.Set("Content-Length", absl::StrCat(compressed_size));
  if (const absl::optional<absl::string_view> etag = h.Get("ETag")) {
    if (const absl::optional<std::string> weak = CompressedETag(*etag)) {
      h.Set("ETag", *weak);
    } else {
      h.Remove("ETag");
    }
  }
  std::vector<std::string> vary;
  bool has_accept_encoding = false;  // or `*`
  for (absl::string_view field : h.GetAll("Vary")) {
    for (absl::string_view name : absl::StrSplit(field, ',')) {
      name = absl::StripAsciiWhitespace(name);
      if (name.empty()) continue;
      // `Vary: *` already says everything varies.
      has_accept_encoding |= AsciiEqualsIgnoreCase(name, "accept-encoding") || name == "*";
      vary.emplace_back(name);
    }
  }
  if (has_accept_encoding) return;
  vary.emplace_back("Accept-Encoding");
  h.Set("Vary", absl::StrJoin(vary, ", "));
}

uint64_t ModelledCompressedSize(uint64_t size) { return size / 4 + (size % 4 != 0 ? 1 : 0); }

void ApplyLegacyCompression(CacheBehavior* behavior) {
  CachePolicy& policy = behavior->cache_policy;
  if (!policy.legacy || !behavior->compress || policy.legacy_forward_all_headers ||
      AcceptEncodingInKey(policy)) {
    return;
  }
  policy.enable_accept_encoding_gzip = true;
}

}  // namespace edgesim::policy
