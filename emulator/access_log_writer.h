// access_log_writer.h — the emulator's standard access logs (SPEC 8, DESIGN 5).
//
// The edge hands each finished request's record to `Log`, which never blocks: records go through a
// bounded queue to one background thread that formats them (policy/access_log.h) and appends them
// to the file. A full queue drops the record and counts it, as a busy CloudFront delays or drops
// log delivery rather than slow viewers. `--access-log FILE` puts every distribution in one file;
// `--access-log DIR/` (an existing directory) writes `DIR/<distribution id>.log` each. Every file
// opens with `#Version` and `#Fields` lines. `Close` (or the destructor) writes what is queued.
//
//   auto log = *AccessLogWriter::Open("/tmp/edge.log");
//   log->Log("E1EDGESIMDEMO1", std::move(record));
//   log->Close();
#pragma once

#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/batch_worker.h"
#include "policy/access_log.h"

namespace edgesim::emulator {

struct AccessLogCounters {
  uint64_t written = 0;
  uint64_t dropped = 0;  // the queue was full
};

// Thread-safe.
class AccessLogWriter {
 public:
  static constexpr size_t kDefaultQueueCapacity = 65536;

  // A directory (it must exist) -> one file per distribution; anything else is a file, created or
  // appended to. InvalidArgument when it cannot be opened.
  static absl::StatusOr<std::unique_ptr<AccessLogWriter>> Open(
      const std::string& path, size_t queue_capacity = kDefaultQueueCapacity);
  ~AccessLogWriter();  // Close()

  void Log(absl::string_view distribution_id, policy::AccessLogRecord record);
  // Writes every queued record, flushes and stops the thread. Idempotent; later records are
  // dropped.
  void Close();

  AccessLogCounters counters() const;
  // Zeroes the counters (POST /_edgesim/reset); the files keep their lines.
  void ResetCounters();
  // The file `distribution_id`'s lines go to.
  std::string PathFor(absl::string_view distribution_id) const;

 private:
  using Entry = std::pair<std::string, policy::AccessLogRecord>;  // distribution id, record

  AccessLogWriter(std::string path, bool directory, size_t queue_capacity);
  void Write(std::vector<Entry>& batch);
  std::ofstream& FileFor(const std::string& distribution_id);

  const std::string path_;
  const bool directory_;
  // Touched by the writer thread only.
  std::map<std::string, std::ofstream> files_;
  core::BatchWorker<Entry> worker_;  // last: its thread writes to files_
};

}  // namespace edgesim::emulator
