// edge_cache.h — one CloudFront cache (a POP, a regional edge cache or an Origin Shield) for one
// distribution: the engine both the emulator and the simulator drive.
//
// `Handle(request, now, origin)` walks SPEC's rules in order: behavior (SPEC 1) -> method
// (SPEC 4.1) -> cache key (SPEC 2) -> lookup -> invalidation check (SPEC 6) -> freshness ->
// hit / stale-while-revalidate / conditional revalidation (SPEC 3.4, 304 -> RefreshHit) / fetch
// (collapsed with concurrent misses, SPEC 7.2) -> TTL decision and store (SPEC 3.2-3.6) -> the
// viewer's answer as data (policy/response_head.h's rules, SPEC 5). It is synchronous and does no
// I/O: the origin is an OriginFetcher, time is a parameter.
//
// Two explicit phases let a driver answer from cache where blocking is not allowed (Lookup) and
// finish elsewhere (Complete); Handle runs both. Custom error pages and the tiers above a POP are
// the request pipeline's (request_pipeline.h), which drives these caches.
//
//   std::unique_ptr<EdgeCache> edge = *EdgeCache::Create(distribution, {.pop = "IAD89-C1"});
//   EdgeResult r = edge->Handle(policy::Request::Get("/a.js"), clock.Now(), origin);
//   r.outcome;                        // kMiss, then kHit
//   CacheLookup l = edge->Lookup(policy::Request::Get("/b.js"), clock.Now());
//   if (!l.served) r = edge->Complete(std::move(l.pending), clock.Now(), origin);
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
#include "policy/cache_key.h"
#include "policy/cloudfront_function.h"
#include "policy/distribution.h"
#include "policy/model_options.h"
#include "policy/outcome.h"
#include "policy/response_head.h"

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
  // Give every answer an X-Amz-Cf-Id when the caller brings none. The simulator turns this off:
  // it reads outcomes, not headers (a request sent upstream still gets one, for the origin).
  bool assign_request_ids = true;
  // Seeds X-Amz-Cf-Id generation, so runs are reproducible.
  uint64_t request_id_seed = 1;
  // One thread drives this cache, one request at a time (the simulator): no two misses of a key
  // can overlap, so a miss goes upstream without joining a collapsing flight (SPEC 7.2), which
  // would cost a shared flight, its mutex and three lock round trips for nothing.
  bool single_caller = false;
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

// Whose request a cache handles: a viewer's, counted in the viewer counters; or one CloudFront
// makes on a viewer's behalf (a custom error page, SPEC 7.4), which counts only as upstream
// traffic, so one viewer request is counted once.
enum class RequestRole { kViewer, kOnBehalf };

// A stale-while-revalidate refresh the caller must run once, whenever it likes (another thread
// in the emulator, the same virtual instant in the simulator), with EdgeCache::Revalidate.
struct BackgroundRefresh {
  policy::Request viewer;
  std::string key;
  uint64_t hash = 0;
};

// A cache's answer as data: the drivers write it (the edge), compare it (play) or count it
// (simulate); core/viewer_head.h turns it into the viewer's headers.
struct EdgeResult {
  policy::CacheOutcome outcome = policy::CacheOutcome::kMiss;
  policy::ErrorDetail error_detail = policy::ErrorDetail::kNone;
  MissReason miss_reason = MissReason::kNone;
  // BehaviorTable index: -1 for the default behavior.
  int behavior_index = -1;
  // The status for the viewer, and the kept origin (or generated) headers when there is no
  // `stored` object to take them from, or when this viewer's differ from the stored ones (a
  // withheld Set-Cookie, SPEC 4.4). Never CloudFront's own viewer headers: those are data below.
  policy::Response viewer;
  // What to send as the body (empty for HEAD, 304 and bodiless responses); `body_size` is its
  // length (the only thing the simulator reads).
  BodyRef body;
  uint64_t body_size = 0;
  // The stored object behind the answer, when there is one (hits, refreshes, stored misses).
  ResponseRef stored;
  // Seconds since the object entered this cache, plus upstream Age (Age header; SPEC 3.7).
  absl::Duration age = absl::ZeroDuration();
  // The answering cache's name (X-Amz-Cf-Pop) and Via value; null for answers no cache made.
  const std::string* pop = nullptr;
  const std::string* via = nullptr;
  // X-Amz-Cf-Id: the one the origin saw too. Empty when the cache assigns none.
  policy::RequestId request_id;
  uint64_t key_hash = 0;
  // The key's object path (what invalidations match).
  std::string object_path;
  bool collapsed = false;          // answered by another request's fetch
  bool served_stale = false;       // stale-while-revalidate or stale-on-error
  bool origin_shield_hit = false;  // a tier above answered from the Origin Shield's cache
  bool contacted_origin = false;   // this request went upstream
  // The origin cut the body short (SPEC 4.3): `body` is what came, the head keeps the origin's
  // framing; the viewer gets that much under the promised framing, then the connection closes.
  bool truncated = false;
  absl::optional<BackgroundRefresh> background_refresh;
  // The viewer's Range went to the origin with the request (a behavior that does not cache,
  // SPEC 4.5): the origin's answer is relayed, never cut again (core/ranged_answer.h).
  bool range_forwarded = false;
  // Set when the answer is a cut of the object (206, 416): the length its head states, for a
  // HEAD as for a GET (otherwise the stored object's or the origin's).
  absl::optional<uint64_t> cut_length;
  // The error status a custom error page replaced (SPEC 7.4), 0 when none did: explain names
  // the page and the error it stands for.
  int error_page_replaced_status = 0;
};

// Replaces an answer on its way to the viewer by CloudFront's error for a viewer-response
// function that failed (SPEC 15.6); the answering cache's name, Via and request id stay.
void ReplaceWithFunctionFailure(policy::FunctionFailure failure, EdgeResult& answer);

// The state between a cache's two phases (EdgeCache::Lookup, then EdgeCache::Complete): what the
// lookup found and where the request goes next. Refers to the viewer's request, which must
// outlive it.
struct PendingFetch {
  const policy::Request* viewer = nullptr;
  RequestRole role = RequestRole::kViewer;
  int behavior_index = -1;
  // A method the behavior forwards without caching, or caching disabled: straight upstream.
  bool pass_through = false;
  // The answer may be stored: a cached method other than HEAD (Appendix B4), caching enabled.
  bool may_store = false;
  MissReason miss_reason = MissReason::kNone;
  policy::CacheKey key;
  // kFound: the expired copy to revalidate, or to serve if the origin fails.
  StoreLookup stale;
  policy::RequestId request_id;
};

// The first phase's answer: served from this cache, or pending an upstream fetch.
struct CacheLookup {
  absl::optional<EdgeResult> served;
  PendingFetch pending;  // meaningful when !served
};

// A fetch phase two began (EdgeCache::StartFetch) for its caller to make, then hand back with
// what came (EdgeCache::FinishFetch). Dropped unfinished (a driver shutting down), it ends its
// collapsed flight with kCancelled, so requests waiting on it never hang. Refers to the viewer's
// request and its cache, which must outlive it. Move-only.
class OriginFlight {
 public:
  OriginFlight();
  OriginFlight(OriginFlight&&) noexcept;
  OriginFlight& operator=(OriginFlight&&) noexcept;
  ~OriginFlight();

  explicit operator bool() const { return state_ != nullptr; }
  // What to send upstream. REQUIRES: *this.
  const OriginRequest& request() const;

 private:
  friend class EdgeCache;
  struct State;
  std::unique_ptr<State> state_;
};

// How phase two started (EdgeCache::StartFetch): answered at once, a flight to fetch, or neither.
struct FetchStart {
  absl::optional<EdgeResult> answer;
  OriginFlight flight;
};

class EdgeCache {
 public:
  // InvalidArgument when the store options are invalid.
  static absl::StatusOr<std::unique_ptr<EdgeCache>> Create(policy::Distribution distribution,
                                                           EdgeCacheOptions options);
  ~EdgeCache();
  EdgeCache(const EdgeCache&) = delete;
  EdgeCache& operator=(const EdgeCache&) = delete;

  // Both phases at once. Thread-safe.
  EdgeResult Handle(const policy::Request& request, absl::Time now, OriginFetcher& upstream,
                    RequestRole role = RequestRole::kViewer, policy::RequestId id = {});

  // Phase one: the answer when the cache can give it without going upstream (a fresh hit, a
  // cached error, stale-while-revalidate, a refused method), counted; otherwise what phase two
  // needs, nothing counted yet. The emulator's event loop answers the first kind itself and hands
  // the second to its origin workers. Thread-safe.
  CacheLookup Lookup(const policy::Request& request, absl::Time now,
                     RequestRole role = RequestRole::kViewer, policy::RequestId id = {});

  // Phase two: goes upstream for a pending request, joining a fetch of the same key in flight.
  // An object another request stored since the lookup is served instead, as a collapsed hit; the
  // miss reason stays the lookup's. Thread-safe.
  EdgeResult Complete(PendingFetch pending, absl::Time now, OriginFetcher& upstream);

  // Phase two split at its origin fetch, for a driver that makes the fetch itself without
  // blocking (the edge's event loop); Complete is StartFetch, the fetch, then FinishFetch. An
  // answer when another request stored the object since the lookup; else a flight when this
  // request goes upstream without waiting (the first of its key's collapsed misses, SPEC 7.2, or
  // one that does not collapse), `pending` moved into it; else neither, `pending` kept: it would
  // wait on another request's fetch, so Complete it where blocking is allowed. Thread-safe.
  FetchStart StartFetch(PendingFetch& pending, absl::Time now);
  // Ends `flight` with what upstream answered for flight.request(): stored, counted and answered
  // as Complete does, and the requests collapsed on it are woken. Thread-safe.
  EdgeResult FinishFetch(OriginFlight flight, absl::StatusOr<OriginResponse> response,
                         absl::Time now);

  // Runs a stale-while-revalidate refresh (at most one per key is handed out at a time).
  void Revalidate(const BackgroundRefresh& refresh, absl::Time now, OriginFetcher& origin);

  // What a viewer-request function decided before this cache's lookup (SPEC 15.1): its own
  // response (FunctionGeneratedResponse), or CloudFront's error for its failure (SPEC 15.6).
  // Never stored, never sent upstream; counted as one viewer request of the behavior at
  // `behavior_index` (BehaviorTable order, -1 for the default). Thread-safe.
  EdgeResult ServeFunctionResponse(const policy::Request& request, int behavior_index,
                                   policy::FunctionResponse response, policy::RequestId id = {});
  EdgeResult ServeFunctionFailure(const policy::Request& request, int behavior_index,
                                  policy::FunctionFailure failure, policy::RequestId id = {});

  // Takes over `previous`'s stored objects, invalidation log and counters (shared with it from now
  // on), as CloudFront keeps cached objects when a distribution's configuration changes: they stay
  // until they expire or are invalidated, and this cache's behaviors and policies decide keys and
  // TTLs from now on (SPEC 6.7). Only for the same tier and store options; false otherwise, and
  // this cache stays empty. Per-behavior counters follow the behavior's PathPattern;
  // TotalCounters covers every configuration's. REQUIRES: this cache has served nothing yet.
  bool KeepContentsOf(const EdgeCache& previous);

  // In effect from `effective_time` (a POP's propagation delay is the caller's choice). Returns
  // when it really takes effect: never before an earlier invalidation of this cache, in whole
  // seconds (InvalidationLog::Add).
  absl::Time Invalidate(const policy::InvalidationPath& path, absl::Time effective_time);

  // The lurker: see ShardedStore::Sweep.
  SweepResult Sweep(absl::Time now, uint64_t budget);

  // Empties the cache and the counters (those of earlier configurations too).
  void Reset();

  const policy::Distribution& distribution() const;
  const EdgeCacheOptions& options() const;
  // Per behavior, in BehaviorTable order with the default behavior last.
  std::vector<CounterSnapshot> BehaviorCounters() const;
  // Every behavior's, including those of the configurations this cache kept the contents of.
  CounterSnapshot TotalCounters() const;
  StoreCounters store_counters() const;
  InvalidationLogCounters invalidation_counters() const;
  CollapserCounters collapser_counters() const;
  const ShardedStore& store() const;

 private:
  struct Contents;
  struct Impl;
  explicit EdgeCache(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace edgesim::core
