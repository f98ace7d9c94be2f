// tiers.h — CloudFront's cache hierarchy for one distribution: POP -> regional edge cache ->
// Origin Shield -> origin (SPEC 7.1, DESIGN 4).
//
// Each tier is an EdgeCache. A tier's misses go to the next tier up through a `TierFetcher`, an
// OriginFetcher whose "origin" is another EdgeCache: the upstream cache handles the viewer's own
// request (the tiers share cache keys), and its answer comes back as an OriginResponse carrying
// the upstream Age, so a POP's Age is its own residence plus the upstream's (SPEC 3.7,
// SPEC B7). A downstream revalidation becomes a viewer conditional upstream, answered 304 from
// the upstream's cache when it still holds the object.
//
// `EdgeNetwork` wires the tiers: several POPs share one regional edge cache (REC); one REC may be
// the Origin Shield, through which every other REC goes, while the shield's own POPs reach it
// directly, with no extra layer. Non-cacheable methods and caching-disabled behaviors go from the
// POP straight to the origin (SPEC 7.1 bypass (a), (b)). Whatever reaches the origin goes
// through failover_fetcher.h, so an origin group fails over below every cache (SPEC 12.2). An
// invalidation reaches every tier, each after its own propagation delay (SPEC 6.5).
//
//   CacheTopology topology{.pops = {"IAD89-C1", "IAD12-C2", "FRA6-C1"},
//                          .regionals = {{"us-east-1", {"IAD89-C1", "IAD12-C2"}},
//                                        {"eu-central-1", {"FRA6-C1"}}},
//                          .origin_shield = "us-east-1"};
//   std::unique_ptr<EdgeNetwork> net = *EdgeNetwork::Create(distribution, topology);
//   absl::StatusOr<EdgeResult> r = net->Handle("FRA6-C1", request, now, origin);
//   // FRA6-C1 -> eu-central-1 -> us-east-1 (shield) -> origin
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "core/edge_cache.h"
#include "core/function_runtime.h"
#include "core/origin_fetcher.h"
#include "policy/distribution.h"
#include "policy/invalidation.h"

namespace edgesim::core {

// Sends a cache's misses to the next cache up. Built per request (it refers to that request's
// origin): cheap, two references and a flag.
class TierFetcher final : public OriginFetcher {
 public:
  // `next` is what `upstream` uses for its own misses; `bypass` the origin, for requests that skip
  // the tiers. `shield_layer`: `upstream` stands as the Origin Shield for the caller's tier, so
  // its hits are OriginShieldHits (not when it is merely the caller's own REC, SPEC 7.1).
  TierFetcher(EdgeCache& upstream, OriginFetcher& next, OriginFetcher& bypass, bool shield_layer)
      : upstream_(upstream), next_(next), bypass_(bypass), shield_layer_(shield_layer) {}

  absl::StatusOr<OriginResponse> Fetch(const OriginRequest& request, absl::Time now) override;

 private:
  EdgeCache& upstream_;
  OriginFetcher& next_;
  OriginFetcher& bypass_;
  bool shield_layer_;
};

// The shape of the hierarchy, by cache name.
struct CacheTopology {
  struct Regional {
    std::string name;               // e.g. "us-east-1"; the REC's X-Amz-Cf-Pop
    std::vector<std::string> pops;  // the POPs it serves
  };

  std::vector<std::string> pops;
  // Empty: every POP goes straight to the origin. Otherwise each POP belongs to exactly one.
  std::vector<Regional> regionals;
  // The name of the REC acting as Origin Shield; empty for none.
  std::string origin_shield;
  // Templates: `pop` and `tier` are set per cache.
  EdgeCacheOptions pop_options;
  EdgeCacheOptions regional_options;
  // How the behaviors' CloudFront Functions run: the compute budget, and the key value stores
  // cloudfront.kvs() reads (SPEC 15.5, 15.8).
  FunctionRuntimeLimits functions;
};

// One cache of the network, for reports.
struct TierCounters {
  std::string name;
  TierKind tier = TierKind::kEdge;
  CounterSnapshot counters;
  StoreCounters store;
};

class EdgeNetwork {
 public:
  // InvalidArgument for duplicate names, a POP in no REC (or in two) when RECs exist, an unknown
  // POP in a REC, an unknown shield, or what EdgeCache::Create rejects.
  static absl::StatusOr<std::unique_ptr<EdgeNetwork>> Create(
      const policy::Distribution& distribution, const CacheTopology& topology);

  // The index of the POP named `name` (exactly), or -1.
  int PopIndex(absl::string_view name) const;
  const std::vector<std::string>& pops() const { return pop_names_; }

  // A POP's two phases (EdgeCache::Lookup, EdgeCache::Complete), the second through the tiers
  // above it. REQUIRES: 0 <= pop < pops().size(). Thread-safe.
  CacheLookup Lookup(int pop, const policy::Request& request, absl::Time now,
                     RequestRole role = RequestRole::kViewer, policy::RequestId id = {});
  EdgeResult Complete(int pop, PendingFetch pending, absl::Time now, OriginFetcher& origin);
  // Complete split at the origin fetch (EdgeCache::StartFetch, FinishFetch), for a POP that goes
  // straight to the origin: nothing starts for a POP under regional edge caches, whose fetches go
  // through them. The flight's request is the origin's, before any failover (SPEC 12.2).
  FetchStart StartFetch(int pop, PendingFetch& pending, absl::Time now);
  EdgeResult FinishFetch(int pop, OriginFlight flight, absl::StatusOr<OriginResponse> response,
                         absl::Time now);
  // Both at once.
  EdgeResult Handle(int pop, const policy::Request& request, absl::Time now, OriginFetcher& origin,
                    RequestRole role = RequestRole::kViewer, policy::RequestId id = {});
  // By name: NotFound for an unknown POP.
  absl::StatusOr<EdgeResult> Handle(absl::string_view pop, const policy::Request& request,
                                    absl::Time now, OriginFetcher& origin);

  // Runs a stale-while-revalidate refresh a POP handed out.
  void Revalidate(int pop, const BackgroundRefresh& refresh, absl::Time now,
                  OriginFetcher& origin);

  // Every POP and REC applies `path` from `created + delay(cache name)`; no `delay`: at once.
  // Returns when the last of them applies it (EdgeCache::Invalidate's times).
  absl::Time Invalidate(const policy::InvalidationPath& path, absl::Time created,
                  const std::function<absl::Duration(absl::string_view cache)>& delay = nullptr);

  // Each cache takes over the contents of `previous`'s cache of the same name, tier and store
  // options (EdgeCache::KeepContentsOf): a redeployed distribution keeps what its caches hold
  // (SPEC 6.8). REQUIRES: this network has served nothing yet.
  void KeepContentsOf(const EdgeNetwork& previous);

  // Sweeps every cache with `budget` each.
  void Sweep(absl::Time now, uint64_t budget);

  // POPs in topology order, then RECs.
  std::vector<TierCounters> Counters() const;
  // nullptr for an unknown name.
  EdgeCache* FindCache(absl::string_view name) const;
  // REQUIRES: 0 <= pop < pops().size().
  EdgeCache& PopCache(int pop) const { return *pops_[static_cast<size_t>(pop)].cache; }

 private:
  struct Regional {
    std::unique_ptr<EdgeCache> cache;
    // The shield, for RECs other than the shield itself; null otherwise.
    EdgeCache* shield = nullptr;
  };
  struct Pop {
    std::unique_ptr<EdgeCache> cache;
    Regional* regional = nullptr;  // null: straight to the origin
  };

  EdgeNetwork() = default;

  // `fn(name, cache)` for every POP in order, then every REC.
  template <typename Fn>
  void ForEachCache(Fn&& fn) const;

  // The chain of fetchers above `pop`, built on the stack for one request, then `fn(fetcher)`.
  template <typename Fn>
  auto WithUpstream(Pop& pop, OriginFetcher& driver_origin, Fn&& fn);

  std::vector<std::string> pop_names_;
  std::vector<std::string> regional_names_;
  std::vector<Pop> pops_;
  std::vector<Regional> regionals_;
  absl::flat_hash_map<std::string, Pop*> pops_by_name_;
};

}  // namespace edgesim::core
