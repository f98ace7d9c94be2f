// distribution_registry.h — the distributions `edgesim serve` runs, and how a viewer's Host picks
// one (DESIGN 5).
//
// A `LiveDistribution` is one deployed distribution: its request pipeline (core/request_pipeline.h:
// one cache per POP, regional edge caches and an Origin Shield when asked) and the OriginFetcher
// behind them.
// The `DistributionRegistry` holds them and can change at runtime (the CloudFront control-plane
// API creates, updates and deletes distributions while viewers are served): writers publish a new
// immutable `RegistrySnapshot`; readers take a shared_ptr to the current one and route without
// locks. A request keeps its distribution alive through the snapshot it started with.
//
// Routing by Host (case-insensitive, port ignored): the distribution's domain name
// (`d111111abcdef8.cloudfront.net`), `<id>.cloudfront.localhost`, its Aliases; and any Host at all
// while exactly one distribution runs. Otherwise nothing (the edge answers CloudFront's 403).
//
//   DistributionRegistry registry;
//   registry.Add(*LiveDistribution::Create(distribution, {.pops = {"IAD89-C1"}}, std::move(origin)));
//   std::shared_ptr<const RegistrySnapshot> s = registry.Snapshot();
//   const LiveDistribution* d = s->Route("e1edgesimdemo1.cloudfront.localhost:8080");
//   d->PopIndex("FRA56-P1");   // the POP's index in d->pipeline() (-1 for an unknown name)
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "core/edge_cache.h"
#include "core/origin_fetcher.h"
#include "core/request_pipeline.h"
#include "core/tiers.h"
#include "policy/distribution.h"
#include "policy/invalidation.h"

namespace edgesim::emulator {

// How each distribution's caches are laid out (`--pops`, `--regional`, `--origin-shield`,
// `--cache-size`).
struct EdgeTopology {
  std::vector<std::string> pops = {"IAD89-C1"};
  // One regional edge cache per AWS region of the POPs (SPEC 7.1).
  bool regional = false;
  // The region acting as Origin Shield (implies `regional`); empty for none.
  std::string origin_shield{};
  // Per cache (StoreOptions.capacity_bytes).
  uint64_t cache_size_bytes = uint64_t{1} << 30;
  // ModelOptions::viewer_country of every cache (SPEC 13.3).
  std::string viewer_country = "US";
  // ModelOptions::answer_cors_preflight_at_edge of every cache (SPEC 11.3).
  bool answer_cors_preflight_at_edge = false;
  // CacheTopology::functions: how CloudFront Functions run at the edge (SPEC 15.5, 15.8).
  core::FunctionRuntimeLimits functions{};
};

// The core topology for `topology` (core/topology.h, as every driver builds it). InvalidArgument
// for no POPs, duplicate ones, or a shield outside the Origin Shield regions.
absl::StatusOr<core::CacheTopology> MakeCacheTopology(const EdgeTopology& topology);

class LiveDistribution {
 public:
  static absl::StatusOr<std::shared_ptr<LiveDistribution>> Create(
      policy::Distribution distribution, const EdgeTopology& topology,
      std::unique_ptr<core::OriginFetcher> origin);

  const policy::Distribution& distribution() const { return distribution_; }
  const std::string& id() const { return distribution_.id; }
  core::RequestPipeline& pipeline() const { return *pipeline_; }
  core::EdgeNetwork& network() const { return pipeline_->network(); }
  core::OriginFetcher& origin() const { return *origin_; }
  const std::vector<std::string>& pops() const { return pipeline_->network().pops(); }
  // The index of the POP named `name` (ASCII case-insensitive); 0, the first POP's, for an empty
  // name; -1 for a name of no POP.
  int PopIndex(absl::string_view name) const;
  // Every cache: POPs, then regional edge caches.
  std::vector<core::EdgeCache*> Caches() const;

  // Takes over the objects, invalidations and counters of `previous`'s caches (the configuration
  // this one replaces), as CloudFront keeps cached objects across an update (SPEC 6.8): requests
  // that still hold `previous` and those routed here share them. REQUIRES: not yet serving.
  void KeepCachesOf(const LiveDistribution& previous) const;

  // Every POP and regional cache applies `path` from `created` plus `delay(cache name)` (its
  // propagation delay, SPEC 6.5); no `delay`: at once. Returns when the last cache applies it.
  absl::Time Invalidate(
      const policy::InvalidationPath& path, absl::Time created,
      const std::function<absl::Duration(absl::string_view cache)>& delay = nullptr) const;
  void Sweep(absl::Time now, uint64_t budget_per_cache) const;
  // Empties every cache and its counters.
  void Reset() const;

 private:
  LiveDistribution() = default;

  policy::Distribution distribution_;
  std::unique_ptr<core::OriginFetcher> origin_;
  std::unique_ptr<core::RequestPipeline> pipeline_;
};

// The Hosts that route to `d` (lowercase): its domain name, <Id>.cloudfront.localhost, its
// aliases.
std::vector<std::string> HostNames(const policy::Distribution& d);

// An immutable view of the registry: what one request routes against.
class RegistrySnapshot {
 public:
  // nullptr when no distribution answers `host` (a Host header value, port allowed).
  const LiveDistribution* Route(absl::string_view host) const;
  const LiveDistribution* Find(absl::string_view id) const;
  const std::vector<std::shared_ptr<LiveDistribution>>& distributions() const {
    return distributions_;
  }

 private:
  friend class DistributionRegistry;
  std::vector<std::shared_ptr<LiveDistribution>> distributions_;
  // Lowercase host names -> distribution.
  absl::flat_hash_map<std::string, const LiveDistribution*> by_host_;
};

// Thread-safe.
class DistributionRegistry {
 public:
  DistributionRegistry();

  // AlreadyExists for a taken id, or a domain name or alias another distribution answers.
  absl::Status Add(std::shared_ptr<LiveDistribution> distribution);
  // Replaces the distribution with the same id (its caches go with it). NotFound if none.
  absl::Status Replace(std::shared_ptr<LiveDistribution> distribution);
  absl::Status Remove(absl::string_view id);

  std::shared_ptr<const RegistrySnapshot> Snapshot() const;
  // Bumped by every change: a reader holding a snapshot of this version needs no new one.
  uint64_t version() const { return version_.load(std::memory_order_acquire); }

 private:
  absl::Status Publish(std::vector<std::shared_ptr<LiveDistribution>> distributions);

  mutable std::mutex mu_;  // serializes writers and guards `current_`
  std::shared_ptr<const RegistrySnapshot> current_;
  std::atomic<uint64_t> version_{0};
};

}  // namespace edgesim::emulator
