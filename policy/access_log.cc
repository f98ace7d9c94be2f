#include "policy/access_log.h"

#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "policy/percent_escape.h"

namespace edgesim::policy {
namespace {

using Record = AccessLogRecord;

// How one field is written and read. Values arrive decoded; "" means the file said "-".
struct FieldSpec {
  const char* name;
  void (*format)(const Record& r, std::string& out);
  bool (*parse)(absl::string_view value, Record& r);
};

template <std::string Record::*kMember>
FieldSpec Text(const char* name) {
  return {name, [](const Record& r, std::string& out) { out += EncodeLogValue(r.*kMember); },
          [](absl::string_view value, Record& r) {
            r.*kMember = DecodeLogValue(value);
            return true;
          }};
}

template <typename Int>
bool ParseCount(absl::string_view value, Int& out) {
  if (value == "-") {
    out = 0;
    return true;
  }
  return absl::SimpleAtoi(value, &out);
}

template <typename Int, Int Record::*kMember>
FieldSpec Count(const char* name) {
  return {name, [](const Record& r, std::string& out) { absl::StrAppend(&out, r.*kMember); },
          [](absl::string_view value, Record& r) { return ParseCount(value, r.*kMember); }};
}

template <absl::optional<uint64_t> Record::*kMember>
FieldSpec OptionalCount(const char* name) {
  return {name,
          [](const Record& r, std::string& out) {
            const absl::optional<uint64_t>& v = r.*kMember;
            if (v) {
              absl::StrAppend(&out, *v);
            } else {
              out += '-';
            }
          },
          [](absl::string_view value, Record& r) {
            if (value == "-") {
              r.*kMember = absl::nullopt;
              return true;
            }
            uint64_t v = 0;
            if (!absl::SimpleAtoi(value, &v)) return false;
            r.*kMember = v;
            return true;
          }};
}

// Seconds with millisecond precision, as CloudFront writes time-taken.
template <absl::Duration Record::*kMember>
FieldSpec Seconds(const char* name) {
  return {name,
          [](const Record& r, std::string& out) {
            absl::StrAppendFormat(&out, "%.3f", absl::ToDoubleSeconds(r.*kMember));
          },
          [](absl::string_view value, Record& r) {
            double seconds = 0;
            if (value != "-" && (!absl::SimpleAtod(value, &seconds) || seconds < 0)) return false;
            r.*kMember = absl::Milliseconds(std::llround(seconds * 1000));
            return true;
          }};
}

absl::CivilSecond Civil(absl::Time t) { return absl::ToCivilSecond(t, absl::UTCTimeZone()); }

absl::Time FromCivil(absl::CivilSecond s) { return absl::FromCivil(s, absl::UTCTimeZone()); }

// `date` and `time` each replace their half of the record's time, in whichever order they come.
bool ParseDate(absl::string_view value, Record& r) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(value, &day)) return false;
  const absl::CivilSecond old = Civil(r.time);
  r.time = FromCivil(absl::CivilSecond(day.year(), day.month(), day.day(), old.hour(), old.minute(),
                                       old.second()));
  return true;
}

bool ParseTimeOfDay(absl::string_view value, Record& r) {
  const std::vector<absl::string_view> parts = absl::StrSplit(value, ':');
  int hms[3];
  if (parts.size() != 3) return false;
  for (int i = 0; i < 3; ++i) {
    if (!absl::SimpleAtoi(parts[i], &hms[i]) || hms[i] < 0 || hms[i] > (i == 0 ? 23 : 59)) {
      return false;
    }
  }
  const absl::CivilDay day = absl::CivilDay(Civil(r.time));
  r.time = FromCivil(absl::CivilSecond(day.year(), day.month(), day.day(), hms[0], hms[1], hms[2]));
  return true;
}

// v2 logs' `timestamp`: Unix seconds, milliseconds after the point.
bool ParseTimestamp(absl::string_view value, Record& r) {
  double seconds = 0;
  if (!absl::SimpleAtod(value, &seconds) || !std::isfinite(seconds)) return false;
  r.time = absl::FromUnixMillis(std::llround(seconds * 1000));
  return true;
}

const std::vector<FieldSpec>& Fields() {
  static const std::vector<FieldSpec> fields = {
      {"date",
       [](const Record& r, std::string& out) {
         out += absl::FormatCivilTime(absl::CivilDay(Civil(r.time)));
       },
       ParseDate},
      {"time",
       [](const Record& r, std::string& out) {
         const absl::CivilSecond s = Civil(r.time);
         absl::StrAppendFormat(&out, "%02d:%02d:%02d", s.hour(), s.minute(), s.second());
       },
       ParseTimeOfDay},
      Text<&Record::edge_location>("x-edge-location"),
      Count<uint64_t, &Record::sc_bytes>("sc-bytes"),
      Text<&Record::c_ip>("c-ip"),
      Text<&Record::method>("cs-method"),
      Text<&Record::host>("cs(Host)"),
      Text<&Record::uri_stem>("cs-uri-stem"),
      {"sc-status",
       [](const Record& r, std::string& out) { absl::StrAppendFormat(&out, "%03d", r.sc_status); },
       [](absl::string_view value, Record& r) { return ParseCount(value, r.sc_status); }},
      Text<&Record::referer>("cs(Referer)"),
      Text<&Record::user_agent>("cs(User-Agent)"),
      Text<&Record::uri_query>("cs-uri-query"),
      Text<&Record::cookie>("cs(Cookie)"),
      Text<&Record::result_type>("x-edge-result-type"),
      Text<&Record::request_id>("x-edge-request-id"),
      Text<&Record::host_header>("x-host-header"),
      Text<&Record::protocol>("cs-protocol"),
      Count<uint64_t, &Record::cs_bytes>("cs-bytes"),
      Seconds<&Record::time_taken>("time-taken"),
      Text<&Record::forwarded_for>("x-forwarded-for"),
      Text<&Record::ssl_protocol>("ssl-protocol"),
      Text<&Record::ssl_cipher>("ssl-cipher"),
      Text<&Record::response_result_type>("x-edge-response-result-type"),
      Text<&Record::protocol_version>("cs-protocol-version"),
      Text<&Record::fle_status>("fle-status"),
      Text<&Record::fle_encrypted_fields>("fle-encrypted-fields"),
      Count<int, &Record::c_port>("c-port"),
      Seconds<&Record::time_to_first_byte>("time-to-first-byte"),
      Text<&Record::detailed_result_type>("x-edge-detailed-result-type"),
      Text<&Record::content_type>("sc-content-type"),
      OptionalCount<&Record::content_len>("sc-content-len"),
      OptionalCount<&Record::range_start>("sc-range-start"),
      OptionalCount<&Record::range_end>("sc-range-end"),
      // Not a legacy field (never written), read from v2 logs.
      {"timestamp", nullptr, ParseTimestamp},
  };
  return fields;
}

constexpr size_t kLegacyFieldCount = 33;

int FindSpec(absl::string_view name) {
  const std::vector<FieldSpec>& fields = Fields();
  for (size_t i = 0; i < fields.size(); ++i) {
    if (name == fields[i].name) return static_cast<int>(i);
  }
  return -1;
}

bool MustEncode(unsigned char c) {
  if (c <= 32 || c >= 127) return true;
  constexpr absl::string_view kReserved = "<>\"#%{}|\\^~[]`'";
  return kReserved.find(static_cast<char>(c)) != absl::string_view::npos;
}

}  // namespace

const std::vector<std::string>& LegacyLogFields() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (size_t i = 0; i < kLegacyFieldCount; ++i) out.push_back(Fields()[i].name);
    return out;
  }();
  return names;
}

std::string AccessLogHeader() {
  return absl::StrCat("#Version: 1.0\n#Fields: ", absl::StrJoin(LegacyLogFields(), " "), "\n");
}

std::string FormatAccessLogLine(const AccessLogRecord& record) {
  std::string line;
  line.reserve(512);
  for (size_t i = 0; i < kLegacyFieldCount; ++i) {
    if (i > 0) line += '\t';
    Fields()[i].format(record, line);
  }
  line += '\n';
  return line;
}

AccessLogFields::AccessLogFields(std::vector<std::string> names) : names_(std::move(names)) {
  for (const std::string& name : names_) known_.push_back(FindSpec(name));
}

absl::StatusOr<AccessLogFields> AccessLogFields::Parse(absl::string_view fields_line) {
  absl::string_view rest = absl::StripAsciiWhitespace(fields_line);
  absl::ConsumePrefix(&rest, "#Fields:");
  std::vector<std::string> names = absl::StrSplit(rest, absl::ByAnyChar(" \t"), absl::SkipEmpty());
  if (names.empty()) return absl::InvalidArgumentError("#Fields: line names no field");
  for (size_t i = 0; i < names.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (names[i] == names[j]) {
        return absl::InvalidArgumentError(absl::StrCat("#Fields: names '", names[i], "' twice"));
      }
    }
  }
  return AccessLogFields(std::move(names));
}

AccessLogFields AccessLogFields::Legacy() { return AccessLogFields(LegacyLogFields()); }

int AccessLogFields::Find(absl::string_view name) const {
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return static_cast<int>(i);
  }
  return -1;
}

absl::StatusOr<AccessLogRecord> ParseAccessLogLine(absl::string_view line,
                                                   const AccessLogFields& fields) {
  absl::ConsumeSuffix(&line, "\r");
  const std::vector<absl::string_view> values = absl::StrSplit(line, '\t');
  if (values.size() != fields.names_.size()) {
    return absl::InvalidArgumentError(absl::StrCat("expected ", fields.names_.size(),
                                                   " tab-separated fields, found ", values.size()));
  }
  AccessLogRecord record;
  for (size_t i = 0; i < values.size(); ++i) {
    const int spec = fields.known_[i];
    if (spec < 0) continue;
    if (!Fields()[spec].parse(values[i], record)) {
      return absl::InvalidArgumentError(
          absl::StrCat("field ", fields.names_[i], ": cannot read '", values[i], "'"));
    }
  }
  return record;
}

std::string EncodeLogValue(absl::string_view value) {
  if (value.empty()) return "-";
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (MustEncode(static_cast<unsigned char>(c))) {
      absl::StrAppendFormat(&out, "%%%02X", static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  return out;
}

std::string DecodeLogValue(absl::string_view value) {
  if (value == "-") return "";
  std::string out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    if (const absl::optional<char> decoded = DecodePercentEscape(value, i)) {
      out += *decoded;
      i += 2;
    } else {
      out += value[i];
    }
  }
  return out;
}

}  // namespace edgesim::policy
