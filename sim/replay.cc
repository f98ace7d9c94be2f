#include "sim/replay.h"

#include <algorithm>
#include <array>
#include <memory>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "core/edge_cache.h"
#include "core/request_pipeline.h"
#include "core/tiers.h"
#include "core/topology.h"
#include "core/viewer_head.h"
#include "policy/invalidation.h"
#include "policy/status_macros.h"
#include "sim/key_cache.h"
#include "sim/origin_model.h"

namespace edgesim::sim {
namespace {

constexpr absl::Duration kSweepEvery = absl::Seconds(60);
constexpr uint64_t kSweepBudget = 4096;
constexpr uint64_t kProgressEvery = 1 << 16;

uint64_t MixId(uint64_t id) {
  id ^= id >> 31;
  id *= 0x7fb5d329728ea185ULL;
  return id ^ (id >> 27);
}

// The partition unit of each POP: its own index, or its regional group's when tiers join POPs.
std::vector<uint32_t> PartitionUnits(const core::CacheTopology& topology) {
  std::vector<uint32_t> units(topology.pops.size());
  for (size_t p = 0; p < topology.pops.size(); ++p) {
    units[p] = static_cast<uint32_t>(p);
    for (size_t r = 0; r < topology.regionals.size(); ++r) {
      const auto& members = topology.regionals[r].pops;
      if (std::find(members.begin(), members.end(), topology.pops[p]) != members.end()) {
        units[p] = static_cast<uint32_t>(r);
      }
    }
  }
  return units;
}

uint64_t CapacityPerCache(const Variant& variant, const ReplayFrame& frame, size_t pops) {
  // One POP split by object hash: each shard holds its share of the cache.
  if (pops == 1 && frame.shard_count > 1) {
    return std::max<uint64_t>(1, variant.capacity_bytes / frame.shard_count);
  }
  return variant.capacity_bytes;
}

std::string MonthOf(absl::Time t) {
  return absl::FormatCivilTime(absl::ToCivilMonth(t, absl::UTCTimeZone()));
}

std::vector<std::string> SplitPaths(absl::string_view joined) {
  return absl::StrSplit(joined, '\n', absl::SkipWhitespace());
}

std::map<std::string, Tally> Named(const std::vector<std::string>& names,
                                   const std::vector<Tally>& tallies) {
  std::map<std::string, Tally> m;
  for (size_t i = 0; i < tallies.size(); ++i) {
    if (tallies[i].requests > 0) m[names[i]] += tallies[i];
  }
  return m;
}

// The full CloudFront model for one variant.
class ModelReplay {
 public:
  static absl::StatusOr<std::unique_ptr<ModelReplay>> Create(const Scenario& scenario,
                                                             const Variant& variant,
                                                             const TraceBuffer& buffer,
                                                             const ReplayFrame& frame,
                                                             const RequestObserver* observer) {
    EDGESIM_ASSIGN_OR_RETURN(policy::Distribution distribution,
                             ApplyVariant(scenario.distribution, variant));
    auto replay =
        std::unique_ptr<ModelReplay>(new ModelReplay(scenario, variant, frame, observer));
    core::EdgeCacheOptions options;
    options.assign_request_ids = false;
    options.single_caller = true;
    options.store = {.shards = 1,
                     .capacity_bytes = CapacityPerCache(variant, frame, buffer.pops().size()),
                     .eviction = variant.eviction};
    absl::StatusOr<std::unique_ptr<core::RequestPipeline>> pipeline;
    absl::StatusOr<core::CacheTopology> topology =
        core::MakeTopology(buffer.pops(), TierLayoutOf(variant), options);
    if (topology.ok()) pipeline = core::RequestPipeline::Create(distribution, *topology);
    if (!topology.ok() || !pipeline.ok()) {
      const absl::Status& failed = topology.ok() ? pipeline.status() : topology.status();
      return absl::InvalidArgumentError(
          absl::StrCat("variant \"", variant.name, "\": ", failed.message()));
    }
    replay->pipeline_ = *std::move(pipeline);
    replay->pop_names_ = buffer.pops();
    replay->units_ = PartitionUnits(*topology);
    for (const policy::CacheBehavior& b : distribution.config.behaviors) {
      replay->behavior_names_.push_back(b.path_pattern);
    }
    replay->behavior_names_.push_back("Default (*)");
    replay->behaviors_.resize(replay->behavior_names_.size());
    replay->pops_.resize(replay->pop_names_.size());
    replay->result_.series.resize(frame.series_buckets);
    replay->default_root_ = distribution.config.default_root_object;
    replay->next_sweep_ = frame.series_start + kSweepEvery;
    return replay;
  }

  void Play(const TraceRecord& r) {
    SweepUntil(r.time);
    switch (r.kind) {
      case TraceRecord::Kind::kDeploy:
        Deploy(SplitPaths(r.target), r.time);
        return;
      case TraceRecord::Kind::kInvalidation:
        if (variant_.invalidation == InvalidationStrategy::kTrace) {
          Invalidate(SplitPaths(r.target), r.time);
        }
        return;
      case TraceRecord::Kind::kRequest:
        if (InShard(frame_, Unit(r.pop), r.object_id, pop_names_.size() == 1)) Request(r);
        return;
    }
  }

  VariantResult Finish(const TraceBuffer& buffer) {
    SweepUntil(buffer.end());
    result_.name = variant_.name;
    result_.settings = variant_.settings;
    result_.mode = "full";
    // Every request is in one POP's tally (sums saturate, so the order of adding is free).
    for (const Tally& t : pops_) result_.total += t;
    result_.behaviors = Named(behavior_names_, behaviors_);
    result_.pops = Named(pop_names_, pops_);
    for (size_t i = 1; i < miss_reasons_.size(); ++i) {
      if (miss_reasons_[i] > 0) {
        result_.miss_reasons[std::string(core::ToString(static_cast<core::MissReason>(i)))] =
            miss_reasons_[i];
      }
    }
    for (const core::TierCounters& c : pipeline_->network().Counters()) {
      result_.cache["evictions"] += c.store.evictions;
      result_.cache["expirations"] += c.store.expirations;
      result_.cache["invalidation_kills"] +=
          c.store.invalidation_kills_on_lookup + c.store.invalidation_kills_by_sweep;
      result_.cache["rejected"] += c.store.rejected;
      result_.cache["stored_objects"] += c.store.entries;
    }
    return std::move(result_);
  }

 private:
  ModelReplay(const Scenario& scenario, const Variant& variant, const ReplayFrame& frame,
              const RequestObserver* observer)
      : variant_(variant),
        frame_(frame),
        origin_(scenario.origin, frame.epoch, {.bodies = false}, scenario.origins),
        fetcher_(origin_),
        delay_(variant.invalidation_delay.value_or(frame.invalidation_delay)),
        observer_(observer) {}

  uint32_t Unit(uint32_t pop) const { return pop < units_.size() ? units_[pop] : 0; }

  void SweepUntil(absl::Time now) {
    while (next_sweep_ <= now) {
      pipeline_->network().Sweep(next_sweep_, kSweepBudget);
      next_sweep_ += kSweepEvery;
    }
  }

  void Deploy(const std::vector<std::string>& paths, absl::Time now) {
    origin_.Deploy(paths, now);
    switch (variant_.invalidation) {
      case InvalidationStrategy::kAll:
        Invalidate({"/*"}, now);
        break;
      case InvalidationStrategy::kChanged:
        Invalidate(paths, now);
        break;
      case InvalidationStrategy::kTrace:
      case InvalidationStrategy::kNone:
        break;
    }
  }

  void Invalidate(const std::vector<std::string>& paths, absl::Time now) {
    int64_t submitted = 0;
    for (const std::string& text : paths) {
      absl::StatusOr<policy::InvalidationPath> path = policy::InvalidationPath::Parse(text);
      if (!path.ok()) {
        ++result_.cache["rejected_invalidation_paths"];
        continue;
      }
      ++submitted;
      pipeline_->network().Invalidate(*path, now, [this](absl::string_view) { return delay_; });
    }
    // Every shard invalidates its caches; one of them pays.
    if (frame_.shard == 0 && submitted > 0) result_.invalidation_paths[MonthOf(now)] += submitted;
  }

  void Request(const TraceRecord& r) {
    const uint32_t pop = r.pop < pop_names_.size() ? r.pop : 0;
    // assign() keeps the strings' capacity from request to request.
    request_.method.assign(r.method.data(), r.method.size());
    request_.https = r.https;
    if (r.target.empty()) {
      // A key-only record among full ones (a CSV key column that is no path) gets a path.
      request_.target = absl::StrCat("/objects/", r.object_id);
    } else {
      request_.target.assign(r.target.data(), r.target.size());
    }
    if (!request_.headers.empty()) request_.headers = policy::Headers();
    for (absl::string_view line : absl::StrSplit(r.headers, '\n', absl::SkipWhitespace())) {
      const size_t colon = line.find(':');
      if (colon == absl::string_view::npos) continue;
      request_.headers.Add(absl::StripAsciiWhitespace(line.substr(0, colon)),
                           absl::StripAsciiWhitespace(line.substr(colon + 1)));
    }
    const uint64_t origin_requests = fetcher_.requests();
    const uint64_t origin_bytes = fetcher_.bytes();
    fetcher_.set_size(r.size);
    const core::EdgeResult result =
        pipeline_->Handle(static_cast<int>(pop), request_, r.time, fetcher_);

    Tally t;
    t.requests = 1;
    switch (result.outcome) {
      case policy::CacheOutcome::kHit:
        t.hits = 1;
        t.bytes_from_cache = result.body_size;
        break;
      case policy::CacheOutcome::kRefreshHit:
        t.refresh_hits = 1;
        t.bytes_from_cache = result.body_size;
        break;
      case policy::CacheOutcome::kMiss:
        t.misses = 1;
        break;
      case policy::CacheOutcome::kFunctionGeneratedResponse:
        t.function_responses = 1;
        break;
      default:
        t.errors = 1;
        break;
    }
    t.bytes = result.body_size;
    t.origin_requests = fetcher_.requests() - origin_requests;
    t.origin_bytes = fetcher_.bytes() - origin_bytes;
    t.stale = Stale(result, r.time) ? 1 : 0;
    ++miss_reasons_[static_cast<size_t>(result.miss_reason)];
    const size_t behavior = result.behavior_index < 0 ? behaviors_.size() - 1
                                                      : static_cast<size_t>(result.behavior_index);
    behaviors_[behavior] += t;
    pops_[pop] += t;
    result_.series[BucketOf(frame_, r.time)] += t;
    if (observer_ != nullptr && *observer_) {
      (*observer_)({.variant = &variant_, .time = r.time, .result = result,
                    .origin_requests = fetcher_.requests()});
    }
  }

  // A served version older than the origin's current one; tracks the maximum staleness.
  bool Stale(const core::EdgeResult& result, absl::Time now) {
    absl::string_view path = request_.path();
    std::string root;
    if (path == "/" && !default_root_.empty()) {
      root = absl::StrCat("/", default_root_);
      path = root;
    }
    const int64_t current = origin_.Version(path);
    // A stored head (the origin model's, or one CloudFront made) carries a version of at least 1,
    // or none: with no deploy of the path it cannot be older, and its (cold, maybe shared and
    // unrendered) header list need not be read. Headers made for this viewer alone (a response
    // headers policy's, a function's) are. The stored head is the one core::HeadersOf reads.
    const bool stored_head = result.stored != nullptr && result.viewer.headers.empty();
    if (current == 1 && stored_head) return false;
    const policy::Headers& headers = core::HeadersOf(result);
    const absl::optional<absl::string_view> header = headers.Get(kVersionHeader);
    int64_t served;
    if (!header || !absl::SimpleAtoi(*header, &served)) return false;
    if (served >= current) return false;
    result_.max_staleness_seconds =
        std::max(result_.max_staleness_seconds,
                 absl::ToDoubleSeconds(now - origin_.VersionTime(path, served + 1)));
    return true;
  }

  const Variant& variant_;
  const ReplayFrame& frame_;
  OriginModel origin_;
  ModelOriginFetcher fetcher_;
  absl::Duration delay_;
  const RequestObserver* observer_;
  std::unique_ptr<core::RequestPipeline> pipeline_;
  std::vector<std::string> pop_names_;
  std::vector<uint32_t> units_;
  std::string default_root_;
  std::vector<std::string> behavior_names_;
  std::vector<Tally> behaviors_;
  std::vector<Tally> pops_;
  // By core::MissReason (kNone, a hit, first and not reported).
  std::array<uint64_t, static_cast<size_t>(core::MissReason::kCachingDisabled) + 1> miss_reasons_{};
  absl::Time next_sweep_;
  policy::Request request_;  // reused: its strings keep their capacity
  VariantResult result_;
};

absl::StatusOr<VariantResult> ReplayFull(const Scenario& scenario, const Variant& variant,
                                         const TraceBuffer& buffer, const ReplayFrame& frame,
                                         std::atomic<uint64_t>* progress,
                                         const TraceOpener* reopen,
                                         const RequestObserver* observer) {
  EDGESIM_ASSIGN_OR_RETURN(std::unique_ptr<ModelReplay> replay,
                           ModelReplay::Create(scenario, variant, buffer, frame, observer));
  uint64_t played = 0;
  auto play = [&](const TraceRecord& r) {
    replay->Play(r);
    if (progress != nullptr && ++played % kProgressEvery == 0) *progress += kProgressEvery;
  };
  if (reopen != nullptr) {
    EDGESIM_ASSIGN_OR_RETURN(std::unique_ptr<TraceSource> source, (*reopen)());
    TraceBatch batch;
    while (source->Next(batch) && !batch.records.empty()) {
      for (const TraceRecord& r : batch.records) play(r);
    }
    EDGESIM_RETURN_IF_ERROR(source->status());
  } else {
    buffer.ForEachRecord(play);
  }
  if (progress != nullptr) *progress += played % kProgressEvery;
  return replay->Finish(buffer);
}

// Object ids and sizes only: one KeyCache per POP.
absl::StatusOr<VariantResult> ReplayKeys(const Variant& variant, const TraceBuffer& buffer,
                                         const ReplayFrame& frame,
                                         std::atomic<uint64_t>* progress) {
  const std::vector<std::string>& pop_names = buffer.pops();
  const bool single_pop = pop_names.size() == 1;
  std::vector<std::unique_ptr<KeyCache>> caches;
  for (size_t p = 0; p < pop_names.size(); ++p) {
    absl::StatusOr<std::unique_ptr<KeyCache>> cache =
        KeyCache::Create(variant.eviction, CapacityPerCache(variant, frame, pop_names.size()));
    if (!cache.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("variant \"", variant.name, "\": ", cache.status().message()));
    }
    caches.push_back(*std::move(cache));
  }
  VariantResult result;
  result.name = variant.name;
  result.settings = variant.settings;
  result.mode = "cache-only";
  result.series.resize(frame.series_buckets);
  std::vector<Tally> pops(pop_names.size());

  const std::vector<KeyRecord>& keys = buffer.keys();
  const std::vector<KeySecond>& seconds = buffer.key_seconds();
  const size_t n = keys.size();
  const uint32_t last_pop = static_cast<uint32_t>(pop_names.size() - 1);
  // Requests are in time order: walk the bucket boundaries once per second, not per request.
  int bucket = 0;
  int64_t bucket_end =
      absl::ToUnixSeconds(frame.series_start + frame.series_bucket * (bucket + 1));
  const bool sharded = frame.shard_count > 1;
  constexpr size_t kAhead = 16;
  for (size_t run = 0; run < seconds.size(); ++run) {
    while (seconds[run].unix_seconds >= bucket_end && bucket + 1 < frame.series_buckets) {
      ++bucket;
      bucket_end = absl::ToUnixSeconds(frame.series_start + frame.series_bucket * (bucket + 1));
    }
    Tally& series = result.series[bucket];
    const size_t run_end = run + 1 < seconds.size() ? seconds[run + 1].first : n;
    for (size_t i = seconds[run].first; i < run_end; ++i) {
      if (i + kAhead < n) {
        const KeyRecord& later = keys[i + kAhead];
        caches[std::min(later.pop, last_pop)]->Prefetch(later.id);
      }
      if (i + kAhead / 2 < n) {
        const KeyRecord& sooner = keys[i + kAhead / 2];
        caches[std::min(sooner.pop, last_pop)]->PrefetchNode(sooner.id);
      }
      const KeyRecord& k = keys[i];
      const uint32_t pop = std::min(k.pop, last_pop);
      if (sharded && !InShard(frame, pop, k.id, single_pop)) continue;
      const bool hit = caches[pop]->Access(k.id, k.size);
      for (Tally* t : {&pops[pop], &series}) {
        ++t->requests;
        t->bytes = SaturatingAdd(t->bytes, k.size);
        if (hit) {
          ++t->hits;
          t->bytes_from_cache = SaturatingAdd(t->bytes_from_cache, k.size);
        } else {
          ++t->misses;
          ++t->origin_requests;
          t->origin_bytes = SaturatingAdd(t->origin_bytes, k.size);
        }
      }
      if (progress != nullptr && (i + 1) % kProgressEvery == 0) *progress += kProgressEvery;
    }
  }
  if (progress != nullptr) *progress += n % kProgressEvery;
  for (const Tally& t : pops) result.total += t;
  result.pops = Named(pop_names, pops);
  if (result.total.misses > 0) result.miss_reasons["not_cached"] = result.total.misses;
  for (const auto& cache : caches) {
    if (!cache->status().ok()) {
      return absl::Status(cache->status().code(), absl::StrCat("variant \"", variant.name,
                                                               "\": ", cache->status().message()));
    }
    result.cache["evictions"] += cache->evictions();
    result.cache["rejected"] += cache->rejected();
    result.cache["stored_objects"] += cache->objects();
  }
  return result;
}

}  // namespace

ReplayFrame MakeFrame(const TraceBuffer& buffer, absl::Time epoch, int shard, int shard_count) {
  ReplayFrame frame;
  frame.epoch = epoch;
  frame.series_start = absl::FromUnixSeconds(absl::ToUnixSeconds(buffer.start()));
  const int64_t span = absl::ToInt64Seconds(buffer.end() - frame.series_start) + 1;
  frame.series_bucket = absl::Seconds((span + kSeriesBuckets - 1) / kSeriesBuckets);
  frame.series_buckets = static_cast<int>(
      (span + absl::ToInt64Seconds(frame.series_bucket) - 1) /
      absl::ToInt64Seconds(frame.series_bucket));
  frame.shard = shard;
  frame.shard_count = shard_count;
  return frame;
}

int BucketOf(const ReplayFrame& frame, absl::Time time) {
  absl::Duration remainder;
  const int64_t b = absl::IDivDuration(time - frame.series_start, frame.series_bucket, &remainder);
  return static_cast<int>(std::clamp<int64_t>(b, 0, frame.series_buckets - 1));
}

bool InShard(const ReplayFrame& frame, uint32_t unit, uint64_t object_id, bool single_pop) {
  if (frame.shard_count <= 1) return true;
  const uint64_t key = single_pop ? MixId(object_id) : unit;
  return key % frame.shard_count == static_cast<uint64_t>(frame.shard);
}

absl::StatusOr<VariantResult> ReplayVariant(const Scenario& scenario, const Variant& variant,
                                            const TraceBuffer& buffer, const ReplayFrame& frame,
                                            std::atomic<uint64_t>* progress,
                                            const TraceOpener* reopen,
                                            const RequestObserver* observer) {
  if (variant.cache_only || !buffer.has_targets()) {
    return ReplayKeys(variant, buffer, frame, progress);
  }
  return ReplayFull(scenario, variant, buffer, frame, progress, reopen, observer);
}

}  // namespace edgesim::sim
