#include "sim/csv_trace_reader.h"

#include <xxhash.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "policy/status_macros.h"
#include "sim/line_reader.h"

namespace edgesim::sim {
namespace {

constexpr int64_t kMaxTraceNanos = core::kLatestEpochSeconds * 1'000'000'000;
constexpr char kTimeTooLate[] =
    "time past 4294967295 s (2106-02-07T06:28:15Z), the latest time edgesim models";

absl::string_view StripSpaces(absl::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Splits `line` into its first fields.size() fields; false when it has fewer. Spaces around an
// unquoted field are dropped.
bool SplitFields(absl::string_view line, char delimiter, std::vector<absl::string_view>& fields) {
  size_t pos = 0;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (pos > line.size()) return false;
    while (pos < line.size() && line[pos] == ' ') ++pos;
    size_t field_end;
    if (pos < line.size() && line[pos] == '"') {
      const size_t quote = line.find('"', pos + 1);
      if (quote == absl::string_view::npos) return false;
      fields[i] = line.substr(pos + 1, quote - pos - 1);
      field_end = quote + 1;
      while (field_end < line.size() && line[field_end] == ' ') ++field_end;
      if (field_end < line.size() && line[field_end] != delimiter) return false;
    } else {
      // Fields are short: a plain loop beats a memchr call per field.
      field_end = pos;
      while (field_end < line.size() && line[field_end] != delimiter) ++field_end;
      fields[i] = StripSpaces(line.substr(pos, field_end - pos));
    }
    pos = field_end + 1;  // past the delimiter, or past the end when this was the last field
  }
  return true;
}

template <typename T>
bool ParseWhole(absl::string_view s, T& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

int64_t NanosPerUnit(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kSeconds:
      return 1'000'000'000;
    case TimeUnit::kMilliseconds:
      return 1'000'000;
    case TimeUnit::kMicroseconds:
      return 1'000;
  }
  return 1;
}

// "123" or "123.456" in units of `unit_nanos` -> nanoseconds; false if malformed or beyond
// int64 nanoseconds (292 years). Digits below a nanosecond are checked and dropped.
bool ParseTime(absl::string_view s, int64_t unit_nanos, int64_t& nanos) {
  static constexpr int64_t kPow10[] = {1,      10,      100,      1000,      10000,
                                       100000, 1000000, 10000000, 100000000, 1000000000};
  const char* const end = s.data() + s.size();
  uint64_t whole = 0;
  const auto [p, ec] = std::from_chars(s.data(), end, whole);
  if (ec != std::errc() || whole > static_cast<uint64_t>(INT64_MAX / unit_nanos)) return false;
  nanos = static_cast<int64_t>(whole) * unit_nanos;
  if (p == end) return true;
  if (*p != '.' || p + 1 == end) return false;
  int64_t fraction = 0;
  int digits = 0;
  for (const char* q = p + 1; q < end; ++q) {
    if (*q < '0' || *q > '9') return false;
    if (digits < 9) {
      fraction = fraction * 10 + (*q - '0');
      ++digits;
    }
  }
  nanos += fraction * unit_nanos / kPow10[digits];
  return true;
}

class CsvTraceSource : public TraceSource {
 public:
  CsvTraceSource(LineReader lines, const CsvFormat& format, bool strict)
      : lines_(std::move(lines)),
        format_(format),
        strict_(strict),
        unit_nanos_(NanosPerUnit(format.time_unit)) {
    const int last_column = std::max({format.time_column, format.key_column, format.size_column,
                                      format.status_column, format.pop_column});
    fields_.resize(last_column + 1);
    if (format_.pop_column < 0) pops_.push_back(kDefaultPop);
  }

  uint64_t expected_records() const override { return lines_.EstimatedLines(); }

  bool Next(TraceBatch& batch) override {
    batch.Clear();
    if (!status_.ok()) return false;
    if (batch.records.capacity() < TraceBatch::kRecords)
      batch.records.reserve(TraceBatch::kRecords);
    absl::string_view line;
    while (batch.records.size() < TraceBatch::kRecords && lines_.Next(line)) {
      if (line.empty() || line[0] == '#' || (format_.header && lines_.line_number() == 1)) {
        continue;
      }
      TraceRecord& record = batch.records.emplace_back();
      const char* why = Parse(line, batch.arena, record);
      if (why == nullptr && (lines_.line_terminated() || !strict_)) continue;
      batch.records.pop_back();
      const std::string where = absl::StrCat(lines_.path(), ":", lines_.line_number());
      if (why == kTooManyPops) {
        status_ = TooManyPopsError(where, fields_[format_.pop_column]);
        batch.Clear();
        return false;
      }
      if (why == nullptr) why = "the last line has no newline: the file may be cut short";
      if (!ReportBadRecord(absl::StrCat(where, ": ", why), strict_, stats_, status_)) {
        batch.Clear();
        return false;
      }
    }
    if (!lines_.status().ok()) {
      status_ = lines_.status();
      batch.Clear();
      return false;
    }
    stats_.records += batch.records.size();
    return !batch.records.empty();
  }

  absl::Status status() const override { return status_; }
  const TraceStats& stats() const override { return stats_; }
  const std::vector<std::string>& pops() const override { return pops_; }

 private:
  // Fills `record` from `line`; nullptr on success, else why the line is bad.
  const char* Parse(absl::string_view line, TraceArena& arena, TraceRecord& record) {
    if (!SplitFields(line, format_.delimiter, fields_)) {
      return "too few fields (or an unclosed quote)";
    }
    int64_t nanos = 0;
    if (!ParseTime(fields_[format_.time_column], unit_nanos_, nanos)) return "bad time";
    if (nanos > kMaxTraceNanos) return kTimeTooLate;
    last_nanos_ = std::max(last_nanos_, nanos);
    record.time = absl::UnixEpoch() + absl::Nanoseconds(last_nanos_);
    const absl::string_view key = fields_[format_.key_column];
    if (key.empty()) return "empty key";
    if (key[0] == '/') {
      record.target = arena.Store(key);
      record.object_id = XXH3_64bits(key.data(), key.size());
    } else if (!ParseWhole(key, record.object_id)) {
      record.object_id = XXH3_64bits(key.data(), key.size());
    }
    if (format_.size_column >= 0) {
      if (!ParseOptional(fields_[format_.size_column], record.size)) return "bad size";
      if (record.size > kMaxRecordSize) return "size over 2^63-1 bytes";
    }
    if (format_.status_column >= 0) {
      if (!ParseOptional(fields_[format_.status_column], record.status) || record.status > 999) {
        return "bad status";
      }
    }
    if (format_.pop_column >= 0) {
      const absl::string_view pop = fields_[format_.pop_column];
      if (pop.empty()) return "empty POP";
      if (!PopIndex(pop, record.pop)) return kTooManyPops;
    }
    return nullptr;
  }

  // Parse's answer for the POP past kMaxPops: an error whatever `strict_`.
  static constexpr char kTooManyPops[] = "too many POPs";

  // An empty or "-" field is 0 (unknown).
  template <typename T>
  static bool ParseOptional(absl::string_view s, T& out) {
    if (s.empty() || s == "-") {
      out = 0;
      return true;
    }
    return ParseWhole(s, out);
  }

  // False when `pop` would be POP number kMaxPops + 1.
  bool PopIndex(absl::string_view pop, uint32_t& index) {
    // Consecutive lines mostly share a POP: skip the hash lookup then.
    if (pops_.empty() || pops_[last_pop_] != pop) {
      auto it = pop_index_.find(pop);
      if (it != pop_index_.end()) {
        last_pop_ = it->second;
      } else {
        if (pops_.size() >= kMaxPops) return false;
        last_pop_ = static_cast<uint32_t>(pops_.size());
        pops_.emplace_back(pop);
        pop_index_.emplace(std::string(pop), last_pop_);
      }
    }
    index = last_pop_;
    return true;
  }

  LineReader lines_;
  const CsvFormat format_;
  const bool strict_;
  const int64_t unit_nanos_;
  std::vector<absl::string_view> fields_;
  int64_t last_nanos_ = 0;
  std::vector<std::string> pops_;
  absl::flat_hash_map<std::string, uint32_t> pop_index_;
  uint32_t last_pop_ = 0;
  TraceStats stats_;
  absl::Status status_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<TraceSource>> OpenCsvTrace(const std::string& path,
                                                          const CsvFormat& format, bool strict) {
  EDGESIM_CHECK(format.time_column >= 0 && format.key_column >= 0);
  absl::StatusOr<LineReader> lines = LineReader::Open(path);
  if (!lines.ok()) return lines.status();
  return std::make_unique<CsvTraceSource>(*std::move(lines), format, strict);
}

}  // namespace edgesim::sim
