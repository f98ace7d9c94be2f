#include "core/tiers.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "core/failover_fetcher.h"
#include "policy/response_head.h"
#include "policy/status_macros.h"

namespace edgesim::core {
namespace {

absl::Status DuplicateName(absl::string_view name) {
  return absl::InvalidArgumentError(absl::StrCat("cache name \"", name, "\" is used twice"));
}

}  // namespace

absl::StatusOr<OriginResponse> TierFetcher::Fetch(const OriginRequest& request, absl::Time now) {
  EDGESIM_CHECK(request.viewer != nullptr);
  if (request.behavior != nullptr &&
      policy::BypassesCache(*request.behavior, request.forwarded.method)) {
    return bypass_.Fetch(request, now);
  }
  // The tiers share keys, so the upstream handles the viewer's own request. Its validators are the
  // downstream's business; the downstream's revalidation sends the stored ones instead.
  policy::Request viewer = *request.viewer;
  viewer.headers.Remove("If-None-Match");
  viewer.headers.Remove("If-Modified-Since");
  if (request.conditional) {
    for (absl::string_view name : {"If-None-Match", "If-Modified-Since"}) {
      if (const auto value = request.forwarded.headers.Get(name)) viewer.headers.Add(name, *value);
    }
  }
  EdgeResult r = upstream_.Handle(viewer, now, next_);
  // The upstream tier could not reach its own upstream: the downstream tier sees the same failure
  // (and so the same 502/504 and stale-on-error rules, SPEC 3.5, 7.3), not an origin's 5xx.
  if (absl::Status failure = policy::FailureOf(r.error_detail); !failure.ok()) return failure;

  OriginResponse out;
  const int status = r.viewer.status;
  if (r.stored != nullptr && r.stored->head.status() == status) {
    // The stored head is shared on, not copied (shared_head.h).
    out.head.status = status;
    out.shared_head.reset(&r.stored->head.headers.shared());
    out.numbers = r.stored->head.headers.numbers();
  } else {
    out.head = r.stored != nullptr ? r.stored->head.whole() : std::move(r.viewer);
    out.head.status = status;
  }
  out.body = std::move(r.body);
  out.body_size = r.body_size;
  out.age = r.age;
  out.complete = !r.truncated;  // cut short above: not stored below either (SPEC 4.3)
  out.upstream_hit =
      r.outcome == policy::CacheOutcome::kHit || r.outcome == policy::CacheOutcome::kRefreshHit;
  out.origin_shield_hit = r.origin_shield_hit || (shield_layer_ && out.upstream_hit);
  return out;
}

absl::StatusOr<std::unique_ptr<EdgeNetwork>> EdgeNetwork::Create(
    const policy::Distribution& distribution, const CacheTopology& topology) {
  std::unique_ptr<EdgeNetwork> net(new EdgeNetwork());
  absl::flat_hash_set<std::string> names;
  auto make_cache = [&](const std::string& name, EdgeCacheOptions options,
                        TierKind tier) -> absl::StatusOr<std::unique_ptr<EdgeCache>> {
    if (!names.insert(name).second) return DuplicateName(name);
    options.pop = name;
    options.tier = tier;
    return EdgeCache::Create(distribution, std::move(options));
  };

  net->regionals_.reserve(topology.regionals.size());
  absl::flat_hash_map<std::string, Regional*> regional_of_pop;
  for (const CacheTopology::Regional& spec : topology.regionals) {
    EdgeCacheOptions options = topology.regional_options;
    const TierKind tier =
        spec.name == topology.origin_shield ? TierKind::kOriginShield : TierKind::kRegional;
    EDGESIM_ASSIGN_OR_RETURN(std::unique_ptr<EdgeCache> cache,
                             make_cache(spec.name, std::move(options), tier));
    Regional& regional = net->regionals_.emplace_back();
    regional.cache = std::move(cache);
    net->regional_names_.push_back(spec.name);
    for (const std::string& pop : spec.pops) {
      if (!regional_of_pop.emplace(pop, &regional).second) {
        return absl::InvalidArgumentError(
            absl::StrCat("POP \"", pop, "\" is in more than one regional edge cache"));
      }
    }
  }
  if (!topology.origin_shield.empty()) {
    EdgeCache* shield = net->FindCache(topology.origin_shield);
    if (shield == nullptr || shield->options().tier != TierKind::kOriginShield) {
      return absl::InvalidArgumentError(absl::StrCat("origin shield \"", topology.origin_shield,
                                                     "\" is not a regional edge cache"));
    }
    // SPEC 7.1: every other REC's misses funnel through the shield.
    for (Regional& regional : net->regionals_) {
      if (regional.cache.get() != shield) regional.shield = shield;
    }
  }

  net->pops_.reserve(topology.pops.size());
  for (const std::string& name : topology.pops) {
    EDGESIM_ASSIGN_OR_RETURN(std::unique_ptr<EdgeCache> cache,
                             make_cache(name, topology.pop_options, TierKind::kEdge));
    Pop& pop = net->pops_.emplace_back();
    pop.cache = std::move(cache);
    if (const auto it = regional_of_pop.find(name); it != regional_of_pop.end()) {
      pop.regional = it->second;
      regional_of_pop.erase(it);
    } else if (!topology.regionals.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("POP \"", name, "\" belongs to no regional edge cache"));
    }
    net->pop_names_.push_back(name);
    net->pops_by_name_.emplace(name, &pop);
  }
  if (!regional_of_pop.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("regional edge cache lists unknown POP \"",
                                                   regional_of_pop.begin()->first, "\""));
  }
  return net;
}

template <typename Fn>
void EdgeNetwork::ForEachCache(Fn&& fn) const {
  for (size_t i = 0; i < pops_.size(); ++i) fn(pop_names_[i], *pops_[i].cache);
  for (size_t i = 0; i < regionals_.size(); ++i) fn(regional_names_[i], *regionals_[i].cache);
}

template <typename Fn>
auto EdgeNetwork::WithUpstream(Pop& pop, OriginFetcher& driver_origin, Fn&& fn) {
  // SPEC 12.2: whichever cache reaches the origin, an origin group fails over there, before any
  // cache stores the answer.
  FailoverFetcher origin(driver_origin);
  if (pop.regional == nullptr) return fn(origin);
  Regional& regional = *pop.regional;
  if (regional.shield == nullptr) {
    TierFetcher to_regional(*regional.cache, origin, origin, /*shield_layer=*/false);
    return fn(to_regional);
  }
  TierFetcher to_shield(*regional.shield, origin, origin, /*shield_layer=*/true);
  TierFetcher to_regional(*regional.cache, to_shield, origin, /*shield_layer=*/false);
  return fn(to_regional);
}

int EdgeNetwork::PopIndex(absl::string_view name) const {
  const auto it = pops_by_name_.find(name);
  return it == pops_by_name_.end() ? -1 : static_cast<int>(it->second - pops_.data());
}

CacheLookup EdgeNetwork::Lookup(int pop, const policy::Request& request, absl::Time now,
                                RequestRole role, policy::RequestId id) {
  return pops_[pop].cache->Lookup(request, now, role, id);
}

EdgeResult EdgeNetwork::Complete(int pop, PendingFetch pending, absl::Time now,
                                 OriginFetcher& origin) {
  Pop& p = pops_[pop];
  return WithUpstream(p, origin, [&](OriginFetcher& upstream) {
    return p.cache->Complete(std::move(pending), now, upstream);
  });
}

FetchStart EdgeNetwork::StartFetch(int pop, PendingFetch& pending, absl::Time now) {
  Pop& p = pops_[pop];
  if (p.regional != nullptr) return {};
  return p.cache->StartFetch(pending, now);
}

EdgeResult EdgeNetwork::FinishFetch(int pop, OriginFlight flight,
                                    absl::StatusOr<OriginResponse> response, absl::Time now) {
  return pops_[pop].cache->FinishFetch(std::move(flight), std::move(response), now);
}

EdgeResult EdgeNetwork::Handle(int pop, const policy::Request& request, absl::Time now,
                               OriginFetcher& origin, RequestRole role, policy::RequestId id) {
  Pop& p = pops_[pop];
  return WithUpstream(p, origin, [&](OriginFetcher& upstream) {
    return p.cache->Handle(request, now, upstream, role, id);
  });
}

absl::StatusOr<EdgeResult> EdgeNetwork::Handle(absl::string_view pop,
                                               const policy::Request& request, absl::Time now,
                                               OriginFetcher& origin) {
  const int index = PopIndex(pop);
  if (index < 0) return absl::NotFoundError(absl::StrCat("unknown POP ", pop));
  return Handle(index, request, now, origin);
}

void EdgeNetwork::Revalidate(int pop, const BackgroundRefresh& refresh, absl::Time now,
                             OriginFetcher& origin) {
  Pop& p = pops_[pop];
  WithUpstream(p, origin, [&](OriginFetcher& upstream) {
    p.cache->Revalidate(refresh, now, upstream);
    return 0;
  });
}

absl::Time EdgeNetwork::Invalidate(const policy::InvalidationPath& path, absl::Time created,
                                   const std::function<absl::Duration(absl::string_view)>& delay) {
  absl::Time last = created;
  ForEachCache([&](const std::string& name, EdgeCache& cache) {
    last = std::max(
        last, cache.Invalidate(path, created + (delay ? delay(name) : absl::ZeroDuration())));
  });
  return last;
}

void EdgeNetwork::KeepContentsOf(const EdgeNetwork& previous) {
  ForEachCache([&](const std::string& name, EdgeCache& cache) {
    if (const EdgeCache* before = previous.FindCache(name)) cache.KeepContentsOf(*before);
  });
}

void EdgeNetwork::Sweep(absl::Time now, uint64_t budget) {
  for (Pop& p : pops_) p.cache->Sweep(now, budget);
  for (Regional& r : regionals_) r.cache->Sweep(now, budget);
}

std::vector<TierCounters> EdgeNetwork::Counters() const {
  std::vector<TierCounters> out;
  ForEachCache([&](const std::string& name, const EdgeCache& cache) {
    out.push_back({name, cache.options().tier, cache.TotalCounters(), cache.store_counters()});
  });
  return out;
}

EdgeCache* EdgeNetwork::FindCache(absl::string_view name) const {
  if (const auto it = pops_by_name_.find(name); it != pops_by_name_.end()) {
    return it->second->cache.get();
  }
  for (size_t i = 0; i < regionals_.size(); ++i) {
    if (regional_names_[i] == name) return regionals_[i].cache.get();
  }
  return nullptr;
}

}  // namespace edgesim::core
