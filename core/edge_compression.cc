#include "core/edge_compression.h"

#include <brotli/encode.h>
#include <zlib.h>

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace edgesim::core {
namespace {

constexpr int kGzipLevel = Z_DEFAULT_COMPRESSION;  // 6
constexpr int kGzipWindowBits = 15 + 16;           // 32 KiB window, gzip wrapper
constexpr int kGzipMemLevel = 8;
constexpr int kBrotliQuality = 5;
constexpr int kBrotliWindow = BROTLI_DEFAULT_WINDOW;  // 22

absl::StatusOr<std::string> Gzip(absl::string_view bytes) {
  z_stream z{};
  if (deflateInit2(&z, kGzipLevel, Z_DEFLATED, kGzipWindowBits, kGzipMemLevel,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    return absl::InternalError("gzip: deflateInit2 failed");
  }
  // Inputs are at most 10,000,000 bytes (SPEC 4.6), so the bound fits uLong and one call.
  std::string out(deflateBound(&z, static_cast<uLong>(bytes.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return absl::InternalError(absl::StrCat("gzip: deflate returned ", rc));
  return out;
}

absl::StatusOr<std::string> Brotli(absl::string_view bytes) {
  size_t size = BrotliEncoderMaxCompressedSize(bytes.size());
  if (size == 0) return absl::InternalError("br: input too large");
  std::string out(size, '\0');
  if (!BrotliEncoderCompress(kBrotliQuality, kBrotliWindow, BROTLI_MODE_TEXT, bytes.size(),
                             reinterpret_cast<const uint8_t*>(bytes.data()), &size,
                             reinterpret_cast<uint8_t*>(out.data()))) {
    return absl::InternalError("br: BrotliEncoderCompress failed");
  }
  out.resize(size);
  return out;
}

}  // namespace

absl::StatusOr<std::string> EncodeBody(absl::string_view bytes, policy::ContentCoding coding) {
  return coding == policy::ContentCoding::kBrotli ? Brotli(bytes) : Gzip(bytes);
}

policy::ContentCoding CompressForViewer(const policy::CacheBehavior& behavior,
                                        const policy::Request& viewer, OriginResponse& answer) {
  // A behavior that never compresses leaves a shared head unrendered (SPEC 4.6: the decision's
  // first question).
  if (!behavior.compress) return policy::ContentCoding::kIdentity;
  const policy::CompressionDecision d =
      policy::DecideCompression(behavior, viewer, answer.WholeHead());
  if (d.coding == policy::ContentCoding::kIdentity) return d.coding;
  // The decision read Content-Length; the body must be what it promised.
  const absl::optional<absl::string_view> length = answer.head.headers.Get("Content-Length");
  if (!length || *length != absl::StrCat(answer.body_size)) return policy::ContentCoding::kIdentity;
  if (answer.body == nullptr) {
    answer.body_size = policy::ModelledCompressedSize(answer.body_size);
  } else {
    absl::StatusOr<std::string> encoded = EncodeBody(*answer.body, d.coding);
    if (!encoded.ok()) return policy::ContentCoding::kIdentity;
    answer.body_size = encoded->size();
    answer.body = MakeBody(*std::move(encoded));
  }
  policy::CompressHead(d.coding, answer.body_size, &answer.head);
  return d.coding;
}

}  // namespace edgesim::core
