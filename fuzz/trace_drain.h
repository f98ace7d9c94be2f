// trace_drain.h — what the trace-reader fuzzers check: a source read to its end keeps what every
// TraceSource promises (sim/trace.h).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "sim/trace.h"

namespace edgesim::fuzz {

// Reads `source` to its end: records come in time order, name a POP the source lists, and, unless
// the source stopped on an error, add up to what its stats count. A source that failed to open is
// fine (its error is a Status).
inline void DrainTrace(const absl::StatusOr<std::unique_ptr<sim::TraceSource>>& source) {
  if (!source.ok()) return;
  sim::TraceSource& s = **source;
  sim::TraceBatch batch;
  uint64_t records = 0;
  absl::Time last = absl::InfinitePast();
  while (s.Next(batch) && !batch.records.empty()) {
    for (const sim::TraceRecord& r : batch.records) {
      if (r.time < last || r.pop >= s.pops().size()) abort();
      last = r.time;
    }
    records += batch.records.size();
  }
  // A strict source that stopped may have counted records of the batch it then withheld.
  if (s.status().ok() && records != s.stats().records) abort();
}

}  // namespace edgesim::fuzz
