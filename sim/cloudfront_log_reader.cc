#include "sim/cloudfront_log_reader.h"

#include <glob.h>
#include <xxhash.h>

#include <algorithm>
#include <numeric>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/types/optional.h"
#include "policy/access_log.h"
#include "policy/status_macros.h"
#include "sim/line_reader.h"

namespace edgesim::sim {
namespace {

// `files`' patterns expanded (each sorted), in the order given.
absl::StatusOr<std::vector<std::string>> ExpandFiles(const std::vector<std::string>& files) {
  std::vector<std::string> out;
  for (const std::string& pattern : files) {
    if (pattern.find_first_of("*?[") == std::string::npos) {
      out.push_back(pattern);
      continue;
    }
    glob_t matches;
    const int rc = glob(pattern.c_str(), 0, nullptr, &matches);
    if (rc == 0) {
      for (size_t i = 0; i < matches.gl_pathc; ++i) out.emplace_back(matches.gl_pathv[i]);
    }
    globfree(&matches);
    if (rc == GLOB_NOMATCH) return absl::NotFoundError(absl::StrCat(pattern, ": no file matches"));
    if (rc != 0) return absl::InvalidArgumentError(absl::StrCat(pattern, ": cannot expand"));
  }
  return out;
}

// A request, its strings as offsets into the source's string pool.
struct Entry {
  absl::Time time;
  uint64_t object_id;
  uint64_t size;
  uint64_t strings;  // offset of method, then target, then headers
  uint32_t method_length;
  uint32_t target_length;
  uint32_t headers_length;
  uint32_t pop;
  uint16_t status;
  bool https;
};

class CloudFrontLogSource : public TraceSource {
 public:
  CloudFrontLogSource(const std::vector<std::pair<std::string, std::string>>& pop_map, bool strict)
      : pop_map_(pop_map.begin(), pop_map.end()), strict_(strict) {}

  // Reads one file; an error (I/O, or a bad record under strict) stops the load.
  absl::Status Load(const std::string& path) {
    EDGESIM_ASSIGN_OR_RETURN(LineReader lines, LineReader::Open(path));
    absl::optional<policy::AccessLogFields> fields;
    absl::string_view line;
    while (lines.Next(line)) {
      if (line.empty()) continue;
      if (line[0] == '#') {
        if (!absl::StartsWith(line, "#Fields:")) continue;  // #Version and comments
        absl::StatusOr<policy::AccessLogFields> parsed = policy::AccessLogFields::Parse(line);
        if (!parsed.ok()) {
          return absl::InvalidArgumentError(
              absl::StrCat(path, ":", lines.line_number(), ": ", parsed.status().message()));
        }
        fields = *std::move(parsed);
        continue;
      }
      absl::Status bad = fields.has_value()
                             ? Add(line, *fields)
                             : absl::InvalidArgumentError("record before any #Fields: line");
      if (bad.ok() && strict_ && !lines.line_terminated()) {
        bad = absl::InvalidArgumentError("the last line has no newline: the file may be cut short");
      }
      if (bad.ok()) continue;
      const std::string where = absl::StrCat(path, ":", lines.line_number());
      if (absl::IsResourceExhausted(bad)) return TooManyPopsError(where, bad.message());
      if (!ReportBadRecord(absl::StrCat(where, ": ", bad.message()), strict_, stats_, status_)) {
        return status_;
      }
    }
    return lines.status();
  }

  // Sorts the loaded records by time and the POPs by name.
  void Finish() {
    std::stable_sort(entries_.begin(), entries_.end(),
                     [](const Entry& a, const Entry& b) { return a.time < b.time; });
    std::vector<uint32_t> order(pops_.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](uint32_t a, uint32_t b) { return pops_[a] < pops_[b]; });
    std::vector<uint32_t> new_index(pops_.size());
    std::vector<std::string> sorted;
    for (uint32_t i = 0; i < order.size(); ++i) {
      new_index[order[i]] = i;
      sorted.push_back(std::move(pops_[order[i]]));
    }
    pops_ = std::move(sorted);
    for (Entry& e : entries_) e.pop = new_index[e.pop];
    if (pops_.empty()) pops_.push_back(default_pop_);
    pop_index_.clear();
  }

  bool Next(TraceBatch& batch) override {
    batch.Clear();
    const size_t end = std::min(entries_.size(), next_ + TraceBatch::kRecords);
    for (; next_ < end; ++next_) {
      const Entry& e = entries_[next_];
      TraceRecord& r = batch.records.emplace_back();
      r.time = e.time;
      r.object_id = e.object_id;
      r.size = e.size;
      r.pop = e.pop;
      r.status = e.status;
      r.https = e.https;
      // Views into the pool, which outlives every batch.
      const char* s = strings_.data() + e.strings;
      r.method = absl::string_view(s, e.method_length);
      r.target = absl::string_view(s + e.method_length, e.target_length);
      r.headers = absl::string_view(s + e.method_length + e.target_length, e.headers_length);
    }
    return !batch.records.empty();
  }

  absl::Status status() const override { return status_; }
  const TraceStats& stats() const override { return stats_; }
  const std::vector<std::string>& pops() const override { return pops_; }

 private:
  // ResourceExhausted, its message the POP's name, for the POP past kMaxPops: an error even when
  // not strict.
  absl::Status Add(absl::string_view line, const policy::AccessLogFields& fields) {
    EDGESIM_ASSIGN_OR_RETURN(policy::AccessLogRecord log, policy::ParseAccessLogLine(line, fields));
    if (log.uri_stem.empty()) return absl::InvalidArgumentError("no cs-uri-stem");
    if (log.time > core::kLatestTime) {
      return absl::InvalidArgumentError(
          "time past 2106-02-07T06:28:15Z, the latest time edgesim models");
    }
    Entry e;
    e.time = log.time;
    e.size = log.content_len.value_or(log.sc_bytes);
    if (e.size > kMaxRecordSize) {
      return absl::InvalidArgumentError("size over 2^63-1 bytes (sc-content-len or sc-bytes)");
    }
    e.status = static_cast<uint16_t>(std::clamp(log.sc_status, 0, 999));
    e.https = log.protocol == "https" || log.protocol == "wss";
    absl::optional<uint32_t> pop = PopIndex(log.edge_location);
    if (!pop.has_value()) return absl::ResourceExhaustedError(PopName(log.edge_location));
    e.pop = *pop;
    e.strings = strings_.size();
    const absl::string_view method =
        log.method.empty() ? absl::string_view("GET") : absl::string_view(log.method);
    strings_.append(method.data(), method.size());
    const size_t target_start = strings_.size();
    strings_ += log.uri_stem;
    if (!log.uri_query.empty()) absl::StrAppend(&strings_, "?", log.uri_query);
    const size_t headers_start = strings_.size();
    if (!log.cookie.empty()) absl::StrAppend(&strings_, "Cookie: ", log.cookie);
    e.method_length = static_cast<uint32_t>(method.size());
    e.target_length = static_cast<uint32_t>(headers_start - target_start);
    e.headers_length = static_cast<uint32_t>(strings_.size() - headers_start);
    e.object_id = XXH3_64bits(strings_.data() + target_start, e.target_length);
    entries_.push_back(e);
    ++stats_.records;
    return absl::OkStatus();
  }

  const std::string& PopName(const std::string& location) const {
    auto mapped = pop_map_.find(location);
    return mapped != pop_map_.end() ? mapped->second : location.empty() ? default_pop_ : location;
  }

  // nullopt when the location would be POP number kMaxPops + 1.
  absl::optional<uint32_t> PopIndex(const std::string& location) {
    const std::string& pop = PopName(location);
    if (auto it = pop_index_.find(pop); it != pop_index_.end()) return it->second;
    if (pops_.size() >= kMaxPops) return absl::nullopt;
    pop_index_.emplace(pop, static_cast<uint32_t>(pops_.size()));
    pops_.push_back(pop);
    return static_cast<uint32_t>(pops_.size() - 1);
  }

  const absl::flat_hash_map<std::string, std::string> pop_map_;
  const bool strict_;
  const std::string default_pop_ = kDefaultPop;  // for files without x-edge-location
  std::vector<Entry> entries_;
  std::string strings_;
  std::vector<std::string> pops_;
  absl::flat_hash_map<std::string, uint32_t> pop_index_;
  size_t next_ = 0;
  TraceStats stats_;
  absl::Status status_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<TraceSource>> OpenCloudFrontLogs(
    const std::vector<std::string>& files,
    const std::vector<std::pair<std::string, std::string>>& pop_map, bool strict) {
  EDGESIM_ASSIGN_OR_RETURN(std::vector<std::string> paths, ExpandFiles(files));
  auto source = std::make_unique<CloudFrontLogSource>(pop_map, strict);
  for (const std::string& path : paths) EDGESIM_RETURN_IF_ERROR(source->Load(path));
  source->Finish();
  return source;
}

}  // namespace edgesim::sim
