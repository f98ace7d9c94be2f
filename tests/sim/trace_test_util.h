// trace_test_util.h — helpers for the sim/ input tests: drain a TraceSource into owned records,
// and a TraceSource over records held in memory.
#pragma once

#include <cstdint>
#include <fstream>
#include <iterator>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "sim/trace.h"

namespace edgesim::sim::testing {

// A TraceRecord whose strings it owns (a TraceRecord dies with its batch).
struct OwnedRecord {
  absl::Time time;
  uint64_t object_id = 0;
  uint64_t size = 0;
  std::string pop;
  uint16_t status = 0;
  std::string method = "GET";
  std::string target;
  std::string headers;
  TraceRecord::Kind kind = TraceRecord::Kind::kRequest;
  bool operator==(const OwnedRecord&) const = default;
};

inline std::ostream& operator<<(std::ostream& os, const OwnedRecord& r) {
  return os << "{" << absl::FormatTime(r.time, absl::UTCTimeZone()) << " id=" << r.object_id
            << " size=" << r.size << " pop=" << r.pop << " status=" << r.status << " " << r.method
            << " " << r.target << " kind=" << static_cast<int>(r.kind) << "}";
}

inline std::string Path(const std::string& name) {
  return std::string(EDGESIM_SOURCE_DIR) + "/tests/testdata/sim/" + name;
}

// Every record of `source` until it stops (check source.status() after).
inline std::vector<OwnedRecord> ReadAll(TraceSource& source) {
  std::vector<OwnedRecord> out;
  TraceBatch batch;
  while (source.Next(batch)) {
    for (const TraceRecord& r : batch.records) {
      out.push_back({r.time, r.object_id, r.size, source.pops()[r.pop], r.status,
                     std::string(r.method), std::string(r.target), std::string(r.headers), r.kind});
    }
  }
  return out;
}

// Hands out `records` in batches of `batch_size`.
class VectorTraceSource : public TraceSource {
 public:
  VectorTraceSource(std::vector<OwnedRecord> records, std::vector<std::string> pops,
                    size_t batch_size = 3)
      : records_(std::move(records)), pops_(std::move(pops)), batch_size_(batch_size) {}

  bool Next(TraceBatch& batch) override {
    batch.Clear();
    for (; next_ < records_.size() && batch.records.size() < batch_size_; ++next_) {
      const OwnedRecord& o = records_[next_];
      TraceRecord r;
      r.time = o.time;
      r.object_id = o.object_id;
      r.size = o.size;
      for (size_t i = 0; i < pops_.size(); ++i) {
        if (pops_[i] == o.pop) r.pop = static_cast<uint32_t>(i);
      }
      r.status = o.status;
      r.method = batch.arena.Store(o.method);
      r.target = batch.arena.Store(o.target);
      r.headers = batch.arena.Store(o.headers);
      r.kind = o.kind;
      batch.records.push_back(r);
    }
    return !batch.records.empty();
  }
  absl::Status status() const override { return absl::OkStatus(); }
  const TraceStats& stats() const override { return stats_; }
  const std::vector<std::string>& pops() const override { return pops_; }

 private:
  std::vector<OwnedRecord> records_;
  std::vector<std::string> pops_;
  size_t batch_size_;
  size_t next_ = 0;
  TraceStats stats_;
};

// Writes `contents` to a fresh file under the test temp dir and returns its path.
inline std::string WriteTempFile(const std::string& name, const std::string& contents) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << contents;
  return path;
}

inline std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace edgesim::sim::testing
