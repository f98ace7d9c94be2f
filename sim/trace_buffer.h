// trace_buffer.h — a workload decoded once and held in memory for every variant of a run.
//
// A sweep of N variants must not decode its trace N times: the buffer reads the
// TraceSource to the end once, then each variant's replay walks it read-only, from any thread.
// Full records (with their strings) are kept only when a variant needs the CloudFront model;
// key-only replays walk a compact array of requests (16 bytes each) that streams through the CPU
// cache. Times are not kept per request: replays need only the second of each request (report
// buckets are whole seconds), and requests come in time order, so the buffer keeps one entry per
// run of requests in the same second.
//
//   absl::StatusOr<TraceBuffer> buffer = TraceBuffer::Read(*source, /*keep_records=*/true);
//   buffer->ForEachRecord([&](const TraceRecord& r) { replay.Play(r); });
//   for (const KeyRecord& k : buffer->keys()) cache.Access(k.id, k.size);
//   buffer->key_seconds()[0].unix_seconds;   // the second of keys()[0 .. key_seconds()[1].first)
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "sim/trace.h"

namespace edgesim::sim {

class TraceBuffer {
 public:
  // Reads `source` to its end. The source's error (an I/O error, or the first bad record with
  // strict reading) is returned as is. `keep_records`: keep full records for ForEachRecord.
  // `keys_without_targets_only`: keys() only for a trace whose requests name no target (the one
  // trace a full-model variant replays key-only); a run without cache-only variants then holds
  // nothing per request.
  // A source with a key_source() is read through it unless `keep_records`.
  static absl::StatusOr<TraceBuffer> Read(TraceSource& source, bool keep_records,
                                          bool keys_without_targets_only = false);

  // Every record, events included, in time order. REQUIRES: read with keep_records.
  template <typename Fn>
  void ForEachRecord(Fn&& fn) const {
    for (const auto& batch : batches_) {
      for (const TraceRecord& r : batch->records) fn(r);
    }
  }
  // Requests only; empty when read with keys_without_targets_only and has_targets().
  const std::vector<KeyRecord>& keys() const { return keys_; }
  // The seconds of keys(), one entry per run of requests in the same second, in order.
  const std::vector<KeySecond>& key_seconds() const { return key_seconds_; }
  // Deploy times, in order.
  const std::vector<absl::Time>& deploys() const { return deploys_; }

  const std::vector<std::string>& pops() const { return pops_; }
  const TraceStats& stats() const { return stats_; }
  // Some request names its target (path and query): the CloudFront model can run.
  bool has_targets() const { return has_targets_; }
  // First and last record times (the Unix epoch for an empty trace).
  absl::Time start() const { return start_; }
  absl::Time end() const { return end_; }
  uint64_t records() const { return records_; }

 private:
  static absl::StatusOr<TraceBuffer> ReadKeys(TraceSource& source, KeyTraceSource& keys);

  std::vector<std::unique_ptr<TraceBatch>> batches_;
  std::vector<KeyRecord> keys_;
  std::vector<KeySecond> key_seconds_;
  std::vector<absl::Time> deploys_;
  std::vector<std::string> pops_;
  TraceStats stats_;
  bool has_targets_ = false;
  absl::Time start_ = absl::UnixEpoch();
  absl::Time end_ = absl::UnixEpoch();
  uint64_t records_ = 0;
};

}  // namespace edgesim::sim
