// edge_cache.h — one CloudFront cache (a POP, a regional edge cache or an Origin Shield) for one
// distribution: the engine both the emulator and the simulator drive.
//
// `Handle(request, now, origin)` walks SPEC's rules in order: behavior (SPEC 1) -> method
// (SPEC 4.1) -> cache key (SPEC 2) -> lookup -> invalidation check (SPEC 6) -> freshness ->
// hit / stale-while-revalidate / conditional revalidation (SPEC 3.4, 304 -> RefreshHit) / fetch
// (collapsed with concurrent misses, SPEC 7.2) -> TTL decision and store (SPEC 3.2-3.6) -> the
// viewer response with CloudFront's headers (SPEC 5). It is synchronous and does no I/O: the
// origin is an OriginFetcher, time is a parameter.
//
//   std::unique_ptr<EdgeCache> edge = *EdgeCache::Create(distribution, {.pop = "IAD89-C1"});
//   EdgeResult r = edge->Handle(policy::Request::Get("/a.js"), clock.Now(), origin);
//   r.outcome;                        // kMiss, then kHit
//   r.viewer.headers.Get("X-Cache");  // "Miss from cloudfront"
//   if (r.background_refresh) edge->Revalidate(*r.background_refresh, later, origin);
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "core/invalidation_log.h"
#include "core/origin_fetcher.h"
#include "core/request_collapser.h"
#include "core/sharded_store.h"
#include "core/stats.h"
#include "core/stored_response.h"
#include "policy/behavior_table.h"
#include "policy/distribution.h"
#include "policy/model_options.h"
#include "policy/outcome.h"

namespace edgesim::core {

enum class TierKind {
  kEdge,          // a POP
  kRegional,      // a regional edge cache (SPEC 7.1)
  kOriginShield,  // the regional cache designated as Origin Shield
};

absl::string_view ToString(TierKind kind);

struct EdgeCacheOptions {
  // X-Amz-Cf-Pop and the log's x-edge-location, e.g. "IAD89-C1".
  std::string pop = "IAD89-C1";
  TierKind tier = TierKind::kEdge;
  StoreOptions store;
  policy::ModelOptions model;
  // Add SPEC 5's viewer headers (X-Cache, Via, Age, X-Amz-Cf-Pop, X-Amz-Cf-Id). The simulator
  // turns this off: it reads the outcome, not headers. Off, a result with a `stored` object leaves
  // `viewer.headers` empty (the headers are `stored->head`'s), so a hit copies no header.
  bool viewer_headers = true;
  // Seeds X-Amz-Cf-Id generation, so runs are reproducible.
  uint64_t request_id_seed = 1;
};

// Why a request was not a plain hit: the simulator's miss-reason histogram and explain's story.
// Hits served stale or by another request's fetch keep what their lookup found (kExpired,
// kNotCached, ...).
enum class MissReason {
  kNone,                 // a hit
  kNotCached,            // no stored copy (never stored, evicted or reclaimed)
  kExpired,              // a stored copy past its TTL: revalidated or refetched
  kInvalidated,          // a stored copy killed by an invalidation in effect
  kForwardEveryRequest,  // stored with TTL 0 (or Vary: *): the origin decides every time
  kNotCacheableMethod,   // POST, PUT, ... (SPEC 4.1)
  kCachingDisabled,      // the behavior's MaxTTL is 0 (CachingDisabled), or legacy all-headers
};

absl::string_view ToString(MissReason reason);
std::ostream& operator<<(std::ostream& os, MissReason reason);

// A stale-while-revalidate refresh the caller must run once, whenever it likes (another thread
// in the emulator, the same virtual instant in the simulator), with EdgeCache::Revalidate.
struct BackgroundRefresh {
  policy::Request viewer;
  std::string key;
  uint64_t hash = 0;
};

struct EdgeResult {
  policy::CacheOutcome outcome = policy::CacheOutcome::kMiss;
  policy::ErrorDetail error_detail = policy::ErrorDetail::kNone;
  MissReason miss_reason = MissReason::kNone;
  // BehaviorTable index: -1 for the default behavior.
  int behavior_index = -1;
  // Status and headers for the viewer, CloudFront's added; no body.
  policy::Response viewer;
  // What to send as the body (empty for HEAD, 304 and bodiless responses); `body_size` is its
  // length (the only thing the simulator reads).
  BodyRef body;
  uint64_t body_size = 0;
  // The stored object behind the answer, when there is one (hits, refreshes, stored misses).
  ResponseRef stored;
  // Seconds since the object entered this cache, plus upstream Age (Age header; 0 is omitted).
  absl::Duration age = absl::ZeroDuration();
  uint64_t key_hash = 0;
  // The key's object path (what invalidations match).
  std::string object_path;
  bool collapsed = false;          // answered by another request's fetch
  bool served_stale = false;       // stale-while-revalidate or stale-on-error
  bool origin_shield_hit = false;  // a tier above answered from the Origin Shield's cache
  bool contacted_origin = false;   // this request went upstream
  absl::optional<BackgroundRefresh> background_refresh;
};

// True when CloudFront forwards the request without looking in the cache or storing the answer:
// a method outside the behavior's CachedMethods (SPEC 4.1), or caching disabled (MaxTTL 0, legacy
// forward-all-headers). Such requests also skip the regional tiers (SPEC 7.1 bypass (a), (b)).
bool BypassesCache(const policy::CacheBehavior& behavior, absl::string_view method);

// Removes the headers a cache adds for its viewer (X-Cache, Via, Age, X-Amz-Cf-Pop, X-Amz-Cf-Id):
// an upstream tier's answer must not carry them into a downstream cache, and an origin's Via is
// replaced (SPEC 5).
void RemoveViewerHeaders(policy::Headers& headers);

class EdgeCache {
 public:
  // InvalidArgument when the store options are invalid.
  static absl::StatusOr<std::unique_ptr<EdgeCache>> Create(policy::Distribution distribution,
                                                           EdgeCacheOptions options);
  ~EdgeCache();
  EdgeCache(const EdgeCache&) = delete;
  EdgeCache& operator=(const EdgeCache&) = delete;

  // Thread-safe.
  EdgeResult Handle(const policy::Request& request, absl::Time now, OriginFetcher& origin);

  // The answer when the cache can give it without going upstream (a fresh hit, a cached error,
  // stale-while-revalidate, a refused method); otherwise nullopt and nothing counted or changed, so
  // the caller can run Handle where blocking on the origin is fine (the emulator's event loop
  // answers hits itself and hands the rest to its origin workers). Thread-safe.
  absl::optional<EdgeResult> TryHandleFromCache(const policy::Request& request, absl::Time now);

  // Runs a stale-while-revalidate refresh (at most one per key is handed out at a time).
  void Revalidate(const BackgroundRefresh& refresh, absl::Time now, OriginFetcher& origin);

  // In effect from `effective_time` (a POP's propagation delay is the caller's choice).
  void Invalidate(const policy::InvalidationPath& path, absl::Time effective_time);

  // The lurker: see ShardedStore::Sweep.
  SweepResult Sweep(absl::Time now, uint64_t budget);

  // Empties the cache, the invalidation log's effect and the counters.
  void Reset();

  const policy::Distribution& distribution() const;
  const EdgeCacheOptions& options() const;
  // Per behavior, in BehaviorTable order with the default behavior last.
  std::vector<CounterSnapshot> BehaviorCounters() const;
  CounterSnapshot TotalCounters() const;
  StoreCounters store_counters() const;
  InvalidationLogCounters invalidation_counters() const;
  CollapserCounters collapser_counters() const;
  const ShardedStore& store() const;

 private:
  struct Impl;
  explicit EdgeCache(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace edgesim::core
