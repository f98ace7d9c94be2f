// trace.h — one request of a replayed workload, and the interface every workload source speaks.
//
// The simulator reads CloudFront access logs, CSV traces, libCacheSim's oracleGeneral binary
// traces and its own synthetic generator (DESIGN 6). Each source yields batches of
// `TraceRecord`s in time order (a source that is not sorted, like CloudFront's logs, sorts before
// handing out records). Records are plain values whose strings point into the batch's arena (or
// the source's own storage), so reading a batch allocates nothing per record; a record is valid
// until the next `Next` call.
//
//   std::unique_ptr<TraceSource> source = *OpenTrace(spec, strict);   // trace_source.h
//   TraceBatch batch;
//   while (source->Next(batch) && !batch.records.empty()) {
//     for (const TraceRecord& r : batch.records) replay.Play(r);
//   }
//   if (!source->status().ok()) ...;   // an I/O error or, with --strict, the first bad record
//   source->stats().bad_records;        // lines skipped (reported)
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "core/epoch_seconds.h"

namespace edgesim::sim {

// What a record knows. Binary traces know only an object id and a size; logs and the generator
// know the request (method, path, query) so the full CloudFront model can run on them.
struct TraceRecord {
  // Logs carry absolute times; relative traces (CSV, oracleGeneral, the generator) count from
  // absl::UnixEpoch(), so `time - absl::UnixEpoch()` is the offset into the trace.
  absl::Time time;
  // A stable id of the requested object: oracleGeneral's id, a CSV key column hashed, or the hash
  // of `target` (path + "?" + query). Key-only replays use it as the cache key.
  uint64_t object_id = 0;
  // Response body size in bytes (0 when the source does not know it; the origin model decides),
  // at most kMaxRecordSize.
  uint64_t size = 0;
  // Index into TraceSource::pops() (0 when the source has one POP).
  uint32_t pop = 0;
  // Status the log recorded (0 unknown): the origin model may replay it.
  uint16_t status = 0;
  // "GET" when the source does not say. Views into the batch arena.
  absl::string_view method = "GET";
  // Path and query as the viewer sent them ("/a.js?v=2"); empty for key-only sources.
  absl::string_view target;
  // Extra request headers a log recorded (e.g. a cs(Cookie) or cs-headers field), "Name: value"
  // lines joined by '\n'; usually empty.
  absl::string_view headers;
  // The viewer used HTTPS (a CloudFront log's cs-protocol https or wss); the viewer protocol
  // policy decides what HTTP gets (SPEC 4.7).
  bool https = false;
  // 0 for a plain request. The synthetic generator also emits events in the same stream so one
  // time-ordered pass drives everything: a deploy (the origin's object versions change) or an
  // invalidation request; `target` then holds the paths, '\n'-separated.
  enum class Kind : uint8_t { kRequest, kDeploy, kInvalidation } kind = Kind::kRequest;
};

// Backing store for a batch's string views: fixed-size blocks kept across `Clear`, so a source
// that refills the same batch stops allocating once the blocks cover its largest batch. Blocks
// never move, so views stay valid until `Clear`.
class TraceArena {
 public:
  // Copies `s` into the arena and returns a view of the copy.
  absl::string_view Store(absl::string_view s);
  // Forgets every stored string (views into it dangle); keeps the memory.
  void Clear() {
    block_ = 0;
    used_ = 0;
  }

 private:
  static constexpr size_t kBlockSize = 64 * 1024;
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::vector<size_t> block_sizes_;
  size_t block_ = 0;  // the block being filled
  size_t used_ = 0;   // bytes used in it
};

struct TraceBatch {
  // How many records a source puts in one batch: enough to amortize the virtual Next() call and
  // keep a batch's records and strings in L2.
  static constexpr size_t kRecords = 4096;

  std::vector<TraceRecord> records;
  // Backing store for the records' string views (cleared by the source at each Next).
  TraceArena arena;
  void Clear() {
    records.clear();
    arena.Clear();
  }
};

struct TraceStats {
  uint64_t records = 0;
  uint64_t bad_records = 0;
  // The first few bad records, "file:line: why", for the report.
  std::vector<std::string> bad_examples;
};

// How a source handles a bad record, `message` being "file:line: why": without `strict` it counts
// the record in `stats` (keeping the first few messages) and returns true (skip it, go on); with
// `strict` it sets `status` to InvalidArgument(message) and returns false (stop).
bool ReportBadRecord(std::string message, bool strict, TraceStats& stats, absl::Status& status);

// The latest time a trace or scenario may reach, as an offset from absl::UnixEpoch() (where
// relative traces and scenario times start): core::kLatestTime, 2106-02-07T06:28:15Z, since the
// caches keep entry times in 32-bit seconds. A later record time is a bad record; a later
// scenario time ("at", outages, invalidations, durations) an error naming the field.
inline constexpr absl::Duration kMaxTraceOffset = absl::Seconds(core::kLatestEpochSeconds);

// The largest record size the readers take, 2^63-1 bytes: a bigger one is a bad record. Sizes
// then add to the caches' uint64 charges without wrapping, and the byte totals that report.json
// holds as int64 saturate there (sim/run_result.h) rather than wrap.
inline constexpr uint64_t kMaxRecordSize = INT64_MAX;

// The most distinct POPs a trace may name. The simulator builds a cache per POP, so 50,000 POP
// names in a 1 MB CSV once took 1.3 GB; CloudFront has a few hundred (over 410 in AWS's "Fault
// Isolation Boundaries" whitepaper), so 1,024 leaves room. The POP beyond it is an error naming
// its line, with or without --strict (it is not a malformed line to skip).
inline constexpr size_t kMaxPops = 1024;

// InvalidArgument "where: POP \"X\" is one more than the 1024 distinct POPs ...", for the line
// (`where`, "file:line") naming POP number kMaxPops + 1.
absl::Status TooManyPopsError(absl::string_view where, absl::string_view pop);

// The one POP of a source that records none (TraceSource::pops() == {kDefaultPop}).
inline constexpr char kDefaultPop[] = "default";

// One request of a key-only replay (sim/trace_buffer.h): 16 bytes, so 10^7 of them stream
// through the CPU cache.
struct KeyRecord {
  uint64_t id;
  uint32_t size;  // bytes, capped at 4 GiB
  uint32_t pop;
};

// A run of requests in one second: keys[first] up to the next run's first.
struct KeySecond {
  uint64_t first;
  int64_t unix_seconds;  // rounded down
};

// The key-only entry point of a source whose records are all requests without targets, POPs or
// events (oracleGeneral): decoding straight into KeyRecords skips the 100-byte TraceRecord, which
// was a tenth of a cache-only replay (perf).
class KeyTraceSource {
 public:
  virtual ~KeyTraceSource() = default;
  // Appends the next requests, in time order, to `keys`, and to `seconds` a run for each second
  // that differs from seconds.back(); false at the end or on an error (TraceSource::status()).
  virtual bool NextKeys(std::vector<KeyRecord>& keys, std::vector<KeySecond>& seconds) = 0;
};

class TraceSource {
 public:
  virtual ~TraceSource() = default;
  // Fills `batch` (cleared first) with the next records in time order; false at the end or on an
  // error (see status()).
  virtual bool Next(TraceBatch& batch) = 0;
  virtual absl::Status status() const = 0;
  virtual const TraceStats& stats() const = 0;
  // POP codes, indexed by TraceRecord::pop ("IAD89-C1" ...); one entry when the source has none.
  virtual const std::vector<std::string>& pops() const = 0;
  // How many records the source expects to deliver in all, when it can tell cheaply (a plain
  // binary trace: its size; a plain CSV file: extrapolated from the first batch); 0 when unknown.
  // Readers reserve memory by it, so a 10^7-record trace is not copied as its buffer doubles.
  virtual uint64_t expected_records() const { return 0; }
  // This source's KeyTraceSource, when it has one (it then reads through either entry point,
  // not both); nullptr otherwise.
  virtual KeyTraceSource* key_source() { return nullptr; }
};

}  // namespace edgesim::sim
