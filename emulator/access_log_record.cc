#include "emulator/access_log_record.h"

#include "core/viewer_head.h"
#include "policy/byte_range.h"
#include "policy/outcome.h"

namespace edgesim::emulator {

absl::string_view DetailedResultTypeOf(const core::EdgeResult& a, bool hung_up) {
  if (hung_up) return "ClientCommError";
  if (a.truncated) return policy::ToString(policy::ErrorDetail::kOriginCommError);
  return policy::DetailedResultType(a.outcome, a.error_detail, a.origin_shield_hit);
}

policy::AccessLogRecord AccessLogRecordFor(const ViewerExchange& x, const ConnectionFacts& facts) {
  const core::EdgeResult& a = x.answer;
  const policy::Request& request = x.request;
  const policy::Headers& in = request.headers;
  policy::AccessLogRecord r;
  r.time = facts.time;
  r.edge_location = x.distribution->pops()[x.pop];
  r.sc_bytes = facts.sc_bytes;
  r.c_ip = facts.c_ip;
  r.c_port = facts.c_port;
  r.method = request.method;
  r.host = x.distribution->distribution().domain_name;
  r.uri_stem = std::string(request.path());
  r.sc_status = a.viewer.status;
  r.referer = std::string(in.Get("Referer").value_or(""));
  r.user_agent = std::string(in.Get("User-Agent").value_or(""));
  r.uri_query = std::string(request.query());
  r.host_header = std::string(in.Get("Host").value_or(""));
  r.forwarded_for = std::string(in.Get("X-Forwarded-For").value_or(""));
  r.request_id = std::string(x.id.view());
  r.protocol = request.https ? "https" : "http";
  r.ssl_protocol = facts.ssl_protocol;
  r.ssl_cipher = facts.ssl_cipher;
  r.protocol_version = request.http_minor_version == 0 ? "HTTP/1.0" : "HTTP/1.1";
  r.cs_bytes = facts.cs_bytes;
  r.time_taken = facts.time_taken;
  r.time_to_first_byte = facts.time_to_first_byte;
  r.response_result_type = std::string(policy::ResultType(a.outcome));
  // SPEC 8.3: a viewer gone before the last byte turns the final result into an Error; so does
  // an origin that cut the body short (SPEC 4.3), logged as a failed origin exchange.
  r.result_type = facts.hung_up || a.truncated ? "Error" : r.response_result_type;
  r.detailed_result_type = std::string(DetailedResultTypeOf(a, facts.hung_up));
  const policy::Headers& head = core::HeadersOf(a);
  r.content_type = std::string(head.Get("Content-Type").value_or(""));
  r.content_len = facts.content_length;
  // SPEC 8.2: sc-range-start / sc-range-end come from the answer's Content-Range.
  if (const auto content_range = head.Get("Content-Range")) {
    if (const absl::optional<policy::ByteRange> range = policy::ParseContentRange(*content_range)) {
      r.range_start = range->first;
      r.range_end = range->last;
    }
  }
  return r;
}

}  // namespace edgesim::emulator
