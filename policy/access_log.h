// access_log.h — CloudFront's standard access log (SPEC 8): the record, how a line is written and
// how a line is read back.
//
// The emulator writes the 33 legacy fields in CloudFront's order; the simulator replays any file,
// its own or CloudFront's, by the file's `#Fields:` line (v2 logs choose and order fields freely).
// Values are encoded as SPEC 8.1 says and "-" stands for an absent value, both ways.
//
//   std::string file = AccessLogHeader();                 // "#Version: 1.0\n#Fields: date time
//   ..." file += FormatAccessLogLine(record);                   //
//   "2019-12-04\t21:02:31\tLAX1\t..." absl::StatusOr<AccessLogFields> fields =
//   AccessLogFields::Parse("#Fields: date time ..."); absl::StatusOr<AccessLogRecord> back =
//   ParseAccessLogLine(line, *fields);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"

namespace edgesim::policy {

// One request. Strings hold raw (decoded) values; "" is an absent value (written "-").
struct AccessLogRecord {
  absl::Time time = absl::UnixEpoch();  // `date` + `time` (whole seconds, UTC), or `timestamp`
  std::string edge_location;            // x-edge-location, e.g. "IAD89-C1"
  uint64_t sc_bytes = 0;
  std::string c_ip;
  std::string method;
  std::string host;  // cs(Host): the distribution's domain name, even behind an alias
  std::string uri_stem;
  int sc_status = 0;
  std::string referer;
  std::string user_agent;
  std::string uri_query;
  std::string cookie;
  std::string result_type;  // x-edge-result-type
  std::string request_id;   // x-edge-request-id, the X-Amz-Cf-Id
  std::string host_header;  // x-host-header: what the viewer sent
  std::string protocol = "http";
  uint64_t cs_bytes = 0;
  absl::Duration time_taken = absl::ZeroDuration();
  std::string forwarded_for;
  std::string ssl_protocol;
  std::string ssl_cipher;
  std::string response_result_type;  // x-edge-response-result-type
  std::string protocol_version = "HTTP/1.1";
  std::string fle_status;
  std::string fle_encrypted_fields;
  int c_port = 0;
  absl::Duration time_to_first_byte = absl::ZeroDuration();
  std::string detailed_result_type;  // x-edge-detailed-result-type
  std::string content_type;
  absl::optional<uint64_t> content_len;
  absl::optional<uint64_t> range_start;
  absl::optional<uint64_t> range_end;

  bool operator==(const AccessLogRecord&) const = default;
};

// SPEC 8.2's 33 legacy fields, in CloudFront's order.
const std::vector<std::string>& LegacyLogFields();

// "#Version: 1.0\n#Fields: <the legacy fields>\n".
std::string AccessLogHeader();

// The record's legacy fields, tab-separated, SPEC 8.1-encoded, ending in '\n'.
std::string FormatAccessLogLine(const AccessLogRecord& record);

// A log file's `#Fields:` line: which column holds which field.
class AccessLogFields {
 public:
  // Accepts the line with or without its "#Fields:" prefix. InvalidArgument when it names no
  // field, or a field twice. Unknown fields are kept (their columns are skipped).
  static absl::StatusOr<AccessLogFields> Parse(absl::string_view fields_line);
  static AccessLogFields Legacy();

  const std::vector<std::string>& names() const { return names_; }
  // The column index of a field, or -1.
  int Find(absl::string_view name) const;

 private:
  explicit AccessLogFields(std::vector<std::string> names);
  std::vector<std::string> names_;
  // Per column, the known field it fills (index into the table of access_log.cc), or -1.
  std::vector<int> known_;
  friend absl::StatusOr<AccessLogRecord> ParseAccessLogLine(absl::string_view line,
                                                            const AccessLogFields& fields);
};

// Reads one record line (no trailing newline). Fields the file lacks keep their defaults.
// InvalidArgument naming the field when the line has the wrong number of columns or a value
// does not parse (a date, a number).
absl::StatusOr<AccessLogRecord> ParseAccessLogLine(absl::string_view line,
                                                   const AccessLogFields& fields);

// SPEC 8.1's encoding: bytes 0-32 and >= 127 and <>"#%{}|\^~[]`' as %XX; "" -> "-".
std::string EncodeLogValue(absl::string_view value);
// The reverse: "-" -> "", %XX decoded (malformed escapes are kept as written).
std::string DecodeLogValue(absl::string_view value);

}  // namespace edgesim::policy
