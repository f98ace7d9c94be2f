// replay.h — one variant's run over a decoded workload, on a virtual clock.
//
// DESIGN 6 "Model". The full model plays every record in time order against the
// CloudFront engine, through the request pipeline every driver shares (core/request_pipeline.h):
// one core::EdgeCache per POP, with regional edge caches and Origin Shield when the variant asks
// (SPEC 7.1), custom error pages (SPEC 7.4), each cache an exact single-shard store with the
// variant's eviction policy and capacity, in front of the scenario's OriginModel. A request is
// Handled at its trace time (stale-while-revalidate refreshes run at the same instant); a deploy
// bumps the origin's versions and, per the variant's strategy, submits invalidations that take
// effect in every cache after the propagation delay (SPEC 6.5); caches are swept every minute of
// virtual time. Each request is counted (outcome, bytes, origin traffic, staleness, miss reason)
// in the variant's total, its behavior, its POP and its time bucket. Traces without paths, and
// "cache-only" variants, take the key-only path (key_cache.h); a record without a path in a trace
// with paths is requested as "/objects/<id>".
//
// Sharding (`--shard K/N`): a run plays only the requests of its partition: the POPs (whole
// regional groups when the variant has regional tiers) with index % N == K, or with a single POP
// the object ids whose hash % N == K. Deploys and invalidations reach every shard, their cost is
// counted by shard 0. POP partitions merge to exactly a single run's results; object partitions
// split one cache in N (each with 1/N of the capacity), like a sharded store, so they match only
// when the cache does not evict. An Origin Shield joins every POP, so a sharded run with one
// differs from a single run in the shield's hits.
//
//   ReplayFrame frame = MakeFrame(buffer, epoch, /*shard=*/0, /*shard_count=*/1);
//   absl::StatusOr<VariantResult> r = ReplayVariant(scenario, scenario.variants[0], buffer, frame);
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/edge_cache.h"
#include "sim/run_result.h"
#include "sim/scenario.h"
#include "sim/trace.h"
#include "sim/trace_buffer.h"
#include "sim/variant.h"

namespace edgesim::sim {

// What every variant of one run shares.
struct ReplayFrame {
  // The scenario's time 0 (origin outages, version 1's Last-Modified).
  absl::Time epoch;
  absl::Time series_start;
  absl::Duration series_bucket = absl::Seconds(1);
  int series_buckets = 1;
  // Invalidation propagation delay for variants that set none (SPEC 6.5: undocumented;
  // third-party figures 60-300 s. UNCONFIRMED).
  absl::Duration invalidation_delay = absl::Seconds(60);
  int shard = 0;
  int shard_count = 1;
};

inline constexpr int kSeriesBuckets = 60;

// Buckets of whole seconds covering [buffer.start(), buffer.end()].
ReplayFrame MakeFrame(const TraceBuffer& buffer, absl::Time epoch, int shard, int shard_count);

// Opens the workload again: the same records in the same order.
using TraceOpener = std::function<absl::StatusOr<std::unique_ptr<TraceSource>>()>;

// One request the full model replayed, as it happened (tests compare it with `play`, step by
// step). `origin_requests` counts the origin's requests since the start.
struct ReplayedRequest {
  const Variant* variant = nullptr;
  absl::Time time;
  const core::EdgeResult& result;
  uint64_t origin_requests = 0;
};
using RequestObserver = std::function<void(const ReplayedRequest&)>;

// Runs `variant` over `buffer`; adds the records played to `progress` now and then, and shows
// `observer` every request the full model replays.
// InvalidArgument when the variant cannot run (a policy the store lacks, a bad topology). The
// full model reads its records from a pass of its own over `reopen` when given (the buffer then
// need not keep them: a run holds only the compact keys, and no variant pays for storing records),
// else from the buffer's kept records.
absl::StatusOr<VariantResult> ReplayVariant(const Scenario& scenario, const Variant& variant,
                                            const TraceBuffer& buffer, const ReplayFrame& frame,
                                            std::atomic<uint64_t>* progress = nullptr,
                                            const TraceOpener* reopen = nullptr,
                                            const RequestObserver* observer = nullptr);

// Which bucket `time` falls in, clamped to the series.
int BucketOf(const ReplayFrame& frame, absl::Time time);

// The partition a request belongs to (see the banner); `unit` is its POP's partition unit.
bool InShard(const ReplayFrame& frame, uint32_t unit, uint64_t object_id, bool single_pop);

}  // namespace edgesim::sim
