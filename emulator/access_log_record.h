// access_log_record.h — the standard access log's record for one answered viewer request (SPEC 8):
// what the viewer sent, what the pipeline answered (result types, SPEC 8.3), and what the
// connection measured. The edge hands it to its AccessLogWriter.
//
//   policy::AccessLogRecord r = AccessLogRecordFor(exchange, {.c_ip = "127.0.0.1", ...});
#pragma once

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "emulator/viewer_exchange.h"
#include "policy/access_log.h"

namespace edgesim::emulator {

// What the connection knows of one request and its answer.
struct ConnectionFacts {
  std::string c_ip;
  int c_port = 0;
  uint64_t cs_bytes = 0;  // the request's bytes
  uint64_t sc_bytes = 0;  // the answer's bytes written
  absl::Time time;        // when it was answered (the serve clock)
  absl::Duration time_taken = absl::ZeroDuration();
  absl::Duration time_to_first_byte = absl::ZeroDuration();
  absl::optional<uint64_t> content_length;
  // The viewer went away before the last byte.
  bool hung_up = false;
  // The TLS connection's protocol and cipher in OpenSSL's names ("TLSv1.3",
  // "TLS_AES_256_GCM_SHA384"); empty over plain HTTP.
  std::string ssl_protocol;
  std::string ssl_cipher;
};

// x-edge-detailed-result-type (SPEC 8.3) of answer `a`: why an Error is one (OriginConnectError,
// OriginDnsError, OriginReadTimeout, ...), ClientCommError when the viewer went away.
absl::string_view DetailedResultTypeOf(const core::EdgeResult& a, bool hung_up);

// REQUIRES: x.distribution != nullptr (requests no distribution owns are not logged).
policy::AccessLogRecord AccessLogRecordFor(const ViewerExchange& x, const ConnectionFacts& facts);

}  // namespace edgesim::emulator
