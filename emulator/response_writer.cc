#include "emulator/response_writer.h"

#include "absl/strings/str_cat.h"
#include "boost/beast/http/status.hpp"
#include "core/viewer_head.h"
#include "policy/ascii_case.h"

namespace edgesim::emulator {
namespace {

// Headers the edge writes itself, or that describe one hop only.
bool IsFramingHeader(absl::string_view name) {
  switch (name.size()) {
    case 2:
      return policy::AsciiEqualsIgnoreCase(name, "te");
    case 7:
      return policy::AsciiEqualsIgnoreCase(name, "trailer") ||
             policy::AsciiEqualsIgnoreCase(name, "upgrade");
    case 10:
      return policy::AsciiEqualsIgnoreCase(name, "connection") ||
             policy::AsciiEqualsIgnoreCase(name, "keep-alive");
    case 14:
      return policy::AsciiEqualsIgnoreCase(name, "content-length");
    case 16:
      return policy::AsciiEqualsIgnoreCase(name, "proxy-connection");
    case 17:
      return policy::AsciiEqualsIgnoreCase(name, "transfer-encoding");
    default:
      return false;
  }
}

absl::optional<uint64_t> ContentLength(const core::EdgeResult& r, bool head_request) {
  const int status = r.viewer.status;
  if (status == 304 || status == 204 || (status >= 100 && status < 200)) return absl::nullopt;
  // SPEC 4.3: a body cut short goes out under the length the origin promised, which it misses.
  if (!head_request && !r.truncated) return r.body_size;
  // A HEAD states what a GET would carry: the range's length for a 206 (SPEC 4.5).
  if (r.cut_length) return r.cut_length;
  return core::ObjectLength(r);
}

}  // namespace

absl::optional<uint64_t> WriteResponseHead(const core::EdgeResult& answer,
                                           const ResponseFraming& framing, std::string& out) {
  namespace http = boost::beast::http;
  out.clear();
  out.append(framing.http10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  absl::StrAppend(&out, answer.viewer.status, " ");
  const auto reason = http::obsolete_reason(http::int_to_status(answer.viewer.status));
  out.append(reason.data(), reason.size()).append("\r\n");
  core::ForEachViewerHeader(answer, [&](absl::string_view name, absl::string_view value) {
    if (IsFramingHeader(name)) return;
    out.append(name.data(), name.size()).append(": ");
    out.append(value.data(), value.size()).append("\r\n");
  });
  const absl::optional<uint64_t> length = ContentLength(answer, framing.head_request);
  if (length) absl::StrAppend(&out, "Content-Length: ", *length, "\r\n");
  // A cut chunked body: one chunk of what came, and never the last chunk.
  const bool open_chunk = answer.truncated && !length && !framing.http10 && !framing.head_request;
  if (open_chunk) out.append("Transfer-Encoding: chunked\r\n");
  if (!framing.detailed_result_type.empty()) {
    absl::StrAppend(&out, "x-edgesim-detailed-result-type: ", framing.detailed_result_type, "\r\n");
  }
  if (framing.close) {
    out.append("Connection: close\r\n");
  } else if (framing.http10) {
    out.append("Connection: keep-alive\r\n");
  }
  out.append("\r\n");
  if (open_chunk && answer.body_size > 0) {
    absl::StrAppend(&out, absl::Hex(answer.body_size), "\r\n");
  }
  return length;
}

}  // namespace edgesim::emulator
