#include "sim/trace_buffer.h"

#include <algorithm>
#include <limits>
#include <utility>

namespace edgesim::sim {

absl::StatusOr<TraceBuffer> TraceBuffer::Read(TraceSource& source, bool keep_records) {
  TraceBuffer buffer;
  auto batch = std::make_unique<TraceBatch>();
  while (source.Next(*batch) && !batch->records.empty()) {
    for (const TraceRecord& r : batch->records) {
      if (buffer.records_ == 0) buffer.start_ = r.time;
      buffer.end_ = std::max(buffer.end_, r.time);
      ++buffer.records_;
      if (r.kind == TraceRecord::Kind::kDeploy) buffer.deploys_.push_back(r.time);
      if (r.kind != TraceRecord::Kind::kRequest) continue;
      buffer.has_targets_ = buffer.has_targets_ || !r.target.empty();
      buffer.keys_.push_back(KeyRecord{
          .time_ns = absl::ToUnixNanos(r.time),
          .id = r.object_id,
          .size = static_cast<uint32_t>(
              std::min<uint64_t>(r.size, std::numeric_limits<uint32_t>::max())),
          .pop = r.pop});
    }
    if (keep_records) {
      buffer.batches_.push_back(std::move(batch));
      batch = std::make_unique<TraceBatch>();
    }
  }
  if (!source.status().ok()) return source.status();
  buffer.pops_ = source.pops();
  buffer.stats_ = source.stats();
  return buffer;
}

}  // namespace edgesim::sim
