#include "sim/oracle_general_reader.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "sim/input_file.h"

namespace edgesim::sim {
namespace {

// Records per batch: a quarter of TraceBatch::kRecords. A TraceRecord is ~100 bytes, so a full
// batch (400 KB) spills from L2 and writing it cost a fifth of a cache-only replay (perf); 1024
// records stay in L2 and still amortize the virtual Next().
constexpr size_t kOracleBatchRecords = TraceBatch::kRecords / 4;

class OracleGeneralSource : public TraceSource, public KeyTraceSource {
 public:
  OracleGeneralSource(InputFile file, bool strict)
      : file_(std::move(file)),
        strict_(strict),
        buffer_(kOracleBatchRecords * kOracleGeneralRecordBytes),
        pops_{kDefaultPop} {}

  uint64_t expected_records() const override {
    return file_.plain_size() / kOracleGeneralRecordBytes;
  }
  KeyTraceSource* key_source() override { return this; }

  bool Next(TraceBatch& batch) override {
    batch.Clear();
    const size_t whole = ReadRecords();
    // Copies of a blank record: value-initializing each one (resize) compiled to a `rep stos`
    // per record, a tenth of a cache-only replay.
    static const TraceRecord kBlank;
    batch.records.assign(whole, kBlank);
    const char* p = buffer_.data();
    for (size_t i = 0; i < whole; ++i, p += kOracleGeneralRecordBytes) {
      const OracleGeneralRecord r = UnpackOracleGeneral(p);
      last_time_ = std::max(last_time_, r.clock_time);
      TraceRecord& out = batch.records[i];
      out.time = absl::FromUnixSeconds(last_time_);
      out.object_id = r.obj_id;
      out.size = r.obj_size;
    }
    return whole != 0;
  }

  bool NextKeys(std::vector<KeyRecord>& keys, std::vector<KeySecond>& seconds) override {
    const size_t whole = ReadRecords();
    const char* p = buffer_.data();
    for (size_t i = 0; i < whole; ++i, p += kOracleGeneralRecordBytes) {
      const OracleGeneralRecord r = UnpackOracleGeneral(p);
      last_time_ = std::max(last_time_, r.clock_time);
      if (seconds.empty() || seconds.back().unix_seconds != last_time_) {
        seconds.push_back({.first = keys.size(), .unix_seconds = last_time_});
      }
      keys.push_back({.id = r.obj_id, .size = r.obj_size, .pop = 0});
    }
    return whole != 0;
  }

  absl::Status status() const override { return status_; }
  const TraceStats& stats() const override { return stats_; }
  const std::vector<std::string>& pops() const override { return pops_; }

 private:
  // Reads the next batch into buffer_: how many whole records it holds, 0 at the end or on an
  // error (a truncated final record with `strict` drops the batch it ends).
  size_t ReadRecords() {
    if (done_) return 0;
    absl::StatusOr<size_t> got = file_.Read(buffer_.data(), buffer_.size());
    if (!got.ok()) {
      status_ = got.status();
      done_ = true;
      return 0;
    }
    const size_t whole = *got / kOracleGeneralRecordBytes;
    records_read_ += whole;
    stats_.records += whole;
    if (*got < buffer_.size()) {
      done_ = true;
      const size_t tail = *got - whole * kOracleGeneralRecordBytes;
      if (tail != 0 && !ReportBadRecord(absl::StrCat(file_.path(), ":", records_read_ + 1,
                                                     ": truncated final record (", tail, " of ",
                                                     kOracleGeneralRecordBytes, " bytes)"),
                                        strict_, stats_, status_)) {
        return 0;
      }
    }
    return whole;
  }

  InputFile file_;
  const bool strict_;
  std::vector<char> buffer_;
  std::vector<std::string> pops_;
  uint32_t last_time_ = 0;
  uint64_t records_read_ = 0;
  bool done_ = false;
  TraceStats stats_;
  absl::Status status_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<TraceSource>> OpenOracleGeneralTrace(const std::string& path,
                                                                    bool strict) {
  absl::StatusOr<InputFile> file = InputFile::Open(path);
  if (!file.ok()) return file.status();
  return std::make_unique<OracleGeneralSource>(*std::move(file), strict);
}

}  // namespace edgesim::sim
