#include "sim/trace_buffer.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>

namespace edgesim::sim {
namespace {

// Asks for transparent huge pages under a large reserved array: filling 10^7 keys (160 MB) in
// 4 KiB pages costs 40,000 page faults, a third of replaying a binary trace end to end. Only a
// hint; without THP (or with it off) nothing changes.
template <typename T>
void PreferHugePages(const std::vector<T>& v) {
  constexpr uintptr_t kHugePage = 2 << 20;
  const uintptr_t begin =
      (reinterpret_cast<uintptr_t>(v.data()) + kHugePage - 1) & ~(kHugePage - 1);
  const uintptr_t end = reinterpret_cast<uintptr_t>(v.data() + v.capacity()) & ~(kHugePage - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

}  // namespace

absl::StatusOr<TraceBuffer> TraceBuffer::Read(TraceSource& source, bool keep_records,
                                              bool keys_without_targets_only) {
  if (KeyTraceSource* keys = source.key_source(); keys != nullptr && !keep_records) {
    return ReadKeys(source, *keys);
  }
  TraceBuffer buffer;
  auto batch = std::make_unique<TraceBatch>();
  while (source.Next(*batch) && !batch->records.empty()) {
    if (buffer.records_ == 0) {  // a text source can estimate its length from its first batch
      buffer.keys_.reserve(source.expected_records());
      PreferHugePages(buffer.keys_);
    }
    for (const TraceRecord& r : batch->records) {
      if (buffer.records_ == 0) buffer.start_ = r.time;
      buffer.end_ = std::max(buffer.end_, r.time);
      ++buffer.records_;
      if (r.kind == TraceRecord::Kind::kDeploy) buffer.deploys_.push_back(r.time);
      if (r.kind != TraceRecord::Kind::kRequest) continue;
      if (!buffer.has_targets_ && !r.target.empty()) {
        buffer.has_targets_ = true;
        if (keys_without_targets_only) {
          buffer.keys_ = {};
          buffer.key_seconds_ = {};
        }
      }
      if (buffer.has_targets_ && keys_without_targets_only) continue;
      const int64_t second = absl::ToUnixSeconds(r.time);
      if (buffer.key_seconds_.empty() || buffer.key_seconds_.back().unix_seconds != second) {
        buffer.key_seconds_.push_back({.first = buffer.keys_.size(), .unix_seconds = second});
      }
      buffer.keys_.push_back(KeyRecord{.id = r.object_id,
                                       .size = static_cast<uint32_t>(std::min<uint64_t>(
                                           r.size, std::numeric_limits<uint32_t>::max())),
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

absl::StatusOr<TraceBuffer> TraceBuffer::ReadKeys(TraceSource& source, KeyTraceSource& keys) {
  TraceBuffer buffer;
  buffer.keys_.reserve(source.expected_records());
  PreferHugePages(buffer.keys_);
  while (keys.NextKeys(buffer.keys_, buffer.key_seconds_)) {
  }
  if (!source.status().ok()) return source.status();
  buffer.records_ = buffer.keys_.size();
  // Requests only, in time order: the first and last runs are the trace's first and last times.
  if (!buffer.key_seconds_.empty()) {
    buffer.start_ = absl::FromUnixSeconds(buffer.key_seconds_.front().unix_seconds);
    buffer.end_ = absl::FromUnixSeconds(buffer.key_seconds_.back().unix_seconds);
  }
  buffer.pops_ = source.pops();
  buffer.stats_ = source.stats();
  return buffer;
}

}  // namespace edgesim::sim
