// vector_trace_source.h — a TraceSource over records held in memory, and a scenario's steps as one.
//
// A scenario without a "workload" replays its timed steps (DESIGN 7): requests,
// deploys and invalidations become TraceRecords at `epoch + at`, so the simulator runs a teaching
// scenario exactly as it runs a generated workload. Tests build small traces the same way.
//
//   VectorTraceSource trace({"IAD89-C1", "FRA6-C1"});
//   trace.AddRequest(epoch, "/a.js", /*pop=*/1);
//   trace.AddEvent(epoch + absl::Seconds(30), TraceRecord::Kind::kDeploy, {"/a.js"});
//   std::unique_ptr<VectorTraceSource> steps = TraceFromSteps(scenario, epoch);
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "sim/scenario.h"
#include "sim/trace.h"

namespace edgesim::sim {

class VectorTraceSource final : public TraceSource {
 public:
  // `pops`: the POP codes TraceRecord::pop indexes.
  explicit VectorTraceSource(std::vector<std::string> pops = {"IAD89-C1"},
                             size_t batch_size = 1024);

  // Appends a record (in time order: REQUIRES time >= the last record's); its strings are copied.
  void Add(const TraceRecord& record);
  // A GET of `target` (object_id: the hash of the target).
  void AddRequest(absl::Time time, absl::string_view target, uint32_t pop = 0, uint64_t size = 0);
  // A key-only request (no target), as oracleGeneral traces have.
  void AddKey(absl::Time time, uint64_t object_id, uint64_t size, uint32_t pop = 0);
  // A deploy or an invalidation of `paths`.
  void AddEvent(absl::Time time, TraceRecord::Kind kind, const std::vector<std::string>& paths);

  bool Next(TraceBatch& batch) override;
  absl::Status status() const override { return absl::OkStatus(); }
  const TraceStats& stats() const override { return stats_; }
  const std::vector<std::string>& pops() const override { return pops_; }

 private:
  struct Owned {
    TraceRecord record;
    std::string method, target, headers;
  };

  std::vector<std::string> pops_;
  size_t batch_size_;
  std::vector<Owned> records_;
  size_t next_ = 0;
  TraceStats stats_;
};

// The scenario's steps as a trace starting at `epoch`. POPs are the steps' POP codes in order of
// appearance ("IAD89-C1" when no step names one); a step without one goes to the first.
std::unique_ptr<VectorTraceSource> TraceFromSteps(const Scenario& scenario, absl::Time epoch);

}  // namespace edgesim::sim
