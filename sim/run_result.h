// run_result.h — what a simulation measured, per variant: the data behind every report format.
//
// DESIGN 6 "Outputs" and STYLE 6.11. Results hold counts only; ratios, costs and
// rates are derived when rendered, so partial results of a sharded run (`--shard K/N`) merge
// exactly: counters add, the maximum staleness is the maximum, time series add bucket by bucket,
// invalidation paths add per month and the monthly bill is recomputed (SPEC 6.6). report.json is
// this structure (ToJson / FromJson round-trip it), plus the derived figures for readers.
//
//   SimulationResult merged = *MergeResults({shard0, shard1});
//   nlohmann::json j = ToJson(merged);   // report.json
//   HitRatio(merged.variants[0].total);
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "policy/model_options.h"

namespace edgesim::sim {

// The largest count report.json holds: counts are int64 there, so every JSON reader (and
// FromJson) reads them back; adding past it stays at it instead of wrapping (object sizes near
// 2^64 once wrapped the byte totals).
inline constexpr uint64_t kMaxCount = INT64_MAX;

// `total` + `n`, at most kMaxCount.
inline uint64_t SaturatingAdd(uint64_t total, uint64_t n) {
  return n > kMaxCount || total > kMaxCount - n ? kMaxCount : total + n;
}

// Counts over some set of viewer requests (a variant, a behavior, a POP, a time bucket); each
// saturates at kMaxCount.
struct Tally {
  uint64_t requests = 0;
  uint64_t hits = 0;          // X-Cache Hit (stale-served and collapsed included)
  uint64_t refresh_hits = 0;  // revalidated with a 304 (SPEC 3.4)
  uint64_t misses = 0;
  uint64_t errors = 0;             // X-Cache Error
  uint64_t bytes = 0;              // body bytes served to viewers
  uint64_t bytes_from_cache = 0;   // of which from a hit or refresh hit
  uint64_t origin_requests = 0;    // requests that reached the origin (tiers absorb some)
  uint64_t origin_bytes = 0;       // body bytes the origin sent
  uint64_t stale = 0;              // served a version older than the origin's current one
  // Answered by a viewer-request CloudFront Function itself (SPEC 15.7): neither hit, miss nor
  // error.
  uint64_t function_responses = 0;

  Tally& operator+=(const Tally& other);
  bool operator==(const Tally&) const = default;
};

// The metrics are defined in DESIGN 6.1. Each is 0 without requests (or bytes).
// (hits + refresh hits) / requests: CloudFront's hit ratio with RefreshHits counted as hits.
double HitRatio(const Tally& t);
// hits / requests: a RefreshHit still asked the origin (a conditional request answered 304).
double HitRatioWithoutRefreshHits(const Tally& t);
// 1 - origin_requests / requests, at least 0: the viewer requests the origin did not see. Unlike
// the hit ratio it falls with every revalidation and rises with every tier that absorbs a miss.
double RequestOffload(const Tally& t);
// 1 - origin_bytes / bytes, at least 0: the body bytes the origin did not have to send.
double ByteOffload(const Tally& t);
// bytes_from_cache / bytes; 0 without bytes.
double ByteHitRatio(const Tally& t);
double StaleRate(const Tally& t);

struct VariantResult {
  std::string name;
  nlohmann::json settings = nlohmann::json::object();
  // "full" (the CloudFront model) or "cache-only" (object ids and sizes).
  std::string mode = "full";
  Tally total;
  // Seconds between the deploy of the version after the one served and the stale answer.
  double max_staleness_seconds = 0;
  std::map<std::string, Tally> behaviors;
  std::map<std::string, Tally> pops;
  // core::MissReason names -> requests.
  std::map<std::string, uint64_t> miss_reasons;
  // Store counters summed over every cache: evictions, expirations, invalidation kills.
  std::map<std::string, uint64_t> cache;
  // "2026-11" -> invalidation paths submitted that UTC month (a wildcard counts as one).
  std::map<std::string, int64_t> invalidation_paths;
  // One Tally per time bucket (SimulationResult::series_*).
  std::vector<Tally> series;

  bool operator==(const VariantResult&) const = default;
};

struct SimulationResult {
  std::string scenario;
  std::string description;
  // The time series: `series_buckets` buckets of `series_bucket` from `series_start`.
  absl::Time series_start = absl::UnixEpoch();
  absl::Duration series_bucket = absl::Seconds(1);
  int series_buckets = 0;
  // Seconds from series_start of each deploy, for the charts.
  std::vector<double> deploys;
  // The input: records read and bad records skipped (every shard reads the whole input).
  uint64_t records = 0;
  uint64_t bad_records = 0;
  std::vector<std::string> bad_examples;
  // The shards this result covers, of `shard_count`; {0} of 1 for a whole run.
  std::vector<int> shards = {0};
  int shard_count = 1;
  std::vector<VariantResult> variants;

  bool operator==(const SimulationResult&) const = default;
};

// Total invalidation cost over the months, each month billed as SPEC 6.6 says.
double InvalidationCostUsd(const VariantResult& v, const policy::ModelOptions& options = {});
int64_t InvalidationPaths(const VariantResult& v);

// report.json: the result plus derived figures (ratios, rates, cost per month).
nlohmann::json ToJson(const SimulationResult& result);
// Reads ToJson's output back (derived figures are ignored); errors name the field.
absl::StatusOr<SimulationResult> FromJson(const nlohmann::json& json);

// Combines the partial results of one scenario's shards. InvalidArgument when they differ in
// scenario, variants, time buckets or shard count, or cover a shard twice.
absl::StatusOr<SimulationResult> MergeResults(const std::vector<SimulationResult>& parts);

}  // namespace edgesim::sim
