// response_writer.h — an answer's status line and headers as the edge sends them: the viewer
// headers of core/viewer_head.h (the kept origin head, then CloudFront's, SPEC 5), minus the
// origin's hop-by-hop and framing headers, with the edge's own Content-Length and Connection.
// Appends into a reused buffer: writing a hit allocates nothing once the buffer has grown.
// A truncated answer (SPEC 4.3) keeps the origin's promise: its Content-Length, or chunked framing
// whose first chunk's size line ends the head and whose last chunk never comes; the connection
// must close after the bytes that did come (`close`), so the viewer sees the cut.
//
//   std::string head;
//   absl::optional<uint64_t> length = WriteResponseHead(answer, {.head_request = false}, head);
//   // then the body: answer.body, answer.body_size bytes
#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "core/edge_cache.h"

namespace edgesim::emulator {

struct ResponseFraming {
  bool head_request = false;
  bool http10 = false;  // an HTTP/1.0 viewer: answered in 1.0, keep-alive said explicitly
  bool close = false;   // the connection closes after this answer
  // Non-empty (`edgesim serve --debug-headers`): sent as `x-edgesim-detailed-result-type`, a
  // header of edgesim's that CloudFront never sends.
  absl::string_view detailed_result_type;
};

// Replaces `out` with the head; returns the Content-Length it states, if any (none for 1xx, 204
// and 304; for HEAD and truncated answers, the length the origin stated when known).
absl::optional<uint64_t> WriteResponseHead(const core::EdgeResult& answer,
                                           const ResponseFraming& framing, std::string& out);

}  // namespace edgesim::emulator
