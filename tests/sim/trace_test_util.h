// trace_test_util.h — helpers for the sim/ input tests: drain a TraceSource into owned records,
// and build one from them.
#pragma once

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "sim/trace.h"
#include "sim/vector_trace_source.h"

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
  bool https = false;
  bool operator==(const OwnedRecord&) const = default;
};

inline std::ostream& operator<<(std::ostream& os, const OwnedRecord& r) {
  return os << "{" << absl::FormatTime(r.time, absl::UTCTimeZone()) << " id=" << r.object_id
            << " size=" << r.size << " pop=" << r.pop << " status=" << r.status << " " << r.method
            << " " << r.target << " kind=" << static_cast<int>(r.kind) << " https=" << r.https << "}";
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
                     std::string(r.method), std::string(r.target), std::string(r.headers), r.kind, r.https});
    }
  }
  return out;
}

// sim::VectorTraceSource over `records`, handed out `batch_size` at a time.
inline std::unique_ptr<VectorTraceSource> SourceOf(const std::vector<OwnedRecord>& records,
                                                   std::vector<std::string> pops,
                                                   size_t batch_size = 3) {
  auto source = std::make_unique<VectorTraceSource>(pops, batch_size);
  for (const OwnedRecord& o : records) {
    TraceRecord r;
    r.time = o.time;
    r.object_id = o.object_id;
    r.size = o.size;
    r.pop = static_cast<uint32_t>(std::find(pops.begin(), pops.end(), o.pop) - pops.begin());
    r.status = o.status;
    r.method = o.method;
    r.target = o.target;
    r.headers = o.headers;
    r.kind = o.kind;
    r.https = o.https;
    source->Add(r);
  }
  return source;
}

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
