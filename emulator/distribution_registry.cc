#include "emulator/distribution_registry.h"

#include <utility>

#include "absl/container/flat_hash_set.h"
#include "core/topology.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "policy/status_macros.h"

namespace edgesim::emulator {
namespace {

// "Host:port" -> "host", lowercase, into a stack buffer (the hot path allocates nothing).
absl::string_view HostWithoutPort(absl::string_view host, char* buffer, size_t size) {
  if (!host.empty() && host.front() == '[') {  // [::1]:8080
    host = host.substr(0, host.find(']') + 1);
  } else if (size_t colon = host.rfind(':'); colon != absl::string_view::npos) {
    host = host.substr(0, colon);
  }
  if (host.size() > size) return {};
  for (size_t i = 0; i < host.size(); ++i) buffer[i] = absl::ascii_tolower(host[i]);
  return absl::string_view(buffer, host.size());
}

}  // namespace

std::vector<std::string> HostNames(const policy::Distribution& d) {
  std::vector<std::string> names = {
      absl::AsciiStrToLower(d.domain_name),
      absl::AsciiStrToLower(absl::StrCat(d.id, ".cloudfront.localhost"))};
  for (const std::string& alias : d.config.aliases) names.push_back(absl::AsciiStrToLower(alias));
  return names;
}

absl::StatusOr<core::CacheTopology> MakeCacheTopology(const EdgeTopology& topology) {
  core::EdgeCacheOptions options;
  options.store.capacity_bytes = topology.cache_size_bytes;
  options.model.viewer_country = topology.viewer_country;
  options.model.answer_cors_preflight_at_edge = topology.answer_cors_preflight_at_edge;
  EDGESIM_ASSIGN_OR_RETURN(
      core::CacheTopology t,
      core::MakeTopology(topology.pops,
                         {.regional = topology.regional, .origin_shield = topology.origin_shield},
                         options));
  t.functions = topology.functions;
  return t;
}

absl::StatusOr<std::shared_ptr<LiveDistribution>> LiveDistribution::Create(
    policy::Distribution distribution, const EdgeTopology& topology,
    std::unique_ptr<core::OriginFetcher> origin) {
  EDGESIM_ASSIGN_OR_RETURN(core::CacheTopology t, MakeCacheTopology(topology));
  std::shared_ptr<LiveDistribution> live(new LiveDistribution());
  EDGESIM_ASSIGN_OR_RETURN(live->pipeline_, core::RequestPipeline::Create(distribution, t));
  live->distribution_ = std::move(distribution);
  live->origin_ = std::move(origin);
  return live;
}

int LiveDistribution::PopIndex(absl::string_view name) const {
  if (name.empty()) return 0;
  const std::vector<std::string>& names = pops();
  for (size_t i = 0; i < names.size(); ++i) {
    if (absl::EqualsIgnoreCase(names[i], name)) return static_cast<int>(i);
  }
  return -1;
}

std::vector<core::EdgeCache*> LiveDistribution::Caches() const {
  std::vector<core::EdgeCache*> caches;
  for (const core::TierCounters& tier : network().Counters()) {
    caches.push_back(network().FindCache(tier.name));
  }
  return caches;
}

void LiveDistribution::KeepCachesOf(const LiveDistribution& previous) const {
  network().KeepContentsOf(previous.network());
}

absl::Time LiveDistribution::Invalidate(
    const policy::InvalidationPath& path, absl::Time created,
    const std::function<absl::Duration(absl::string_view cache)>& delay) const {
  return network().Invalidate(path, created, delay);
}

void LiveDistribution::Sweep(absl::Time now, uint64_t budget_per_cache) const {
  network().Sweep(now, budget_per_cache);
}

void LiveDistribution::Reset() const {
  for (core::EdgeCache* cache : Caches()) cache->Reset();
}

const LiveDistribution* RegistrySnapshot::Route(absl::string_view host) const {
  if (distributions_.size() == 1) return distributions_.front().get();
  char buffer[256];
  const absl::string_view name = HostWithoutPort(host, buffer, sizeof(buffer));
  const auto it = by_host_.find(name);
  return it != by_host_.end() ? it->second : nullptr;
}

const LiveDistribution* RegistrySnapshot::Find(absl::string_view id) const {
  for (const auto& d : distributions_) {
    if (d->id() == id) return d.get();
  }
  return nullptr;
}

DistributionRegistry::DistributionRegistry()
    : current_(std::make_shared<const RegistrySnapshot>()) {}

absl::Status DistributionRegistry::Add(std::shared_ptr<LiveDistribution> distribution) {
  std::lock_guard<std::mutex> lock(mu_);
  if (current_->Find(distribution->id()) != nullptr) {
    return absl::AlreadyExistsError(
        absl::StrCat("distribution ", distribution->id(), " already exists"));
  }
  std::vector<std::shared_ptr<LiveDistribution>> next = current_->distributions_;
  next.push_back(std::move(distribution));
  return Publish(std::move(next));
}

absl::Status DistributionRegistry::Replace(std::shared_ptr<LiveDistribution> distribution) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::shared_ptr<LiveDistribution>> next = current_->distributions_;
  for (auto& d : next) {
    if (d->id() == distribution->id()) {
      d = std::move(distribution);
      return Publish(std::move(next));
    }
  }
  return absl::NotFoundError(absl::StrCat("no distribution ", distribution->id()));
}

absl::Status DistributionRegistry::Remove(absl::string_view id) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::shared_ptr<LiveDistribution>> next = current_->distributions_;
  const auto it = std::find_if(next.begin(), next.end(), [&](const auto& d) { return d->id() == id; });
  if (it == next.end()) return absl::NotFoundError(absl::StrCat("no distribution ", id));
  next.erase(it);
  return Publish(std::move(next));
}

std::shared_ptr<const RegistrySnapshot> DistributionRegistry::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

absl::Status DistributionRegistry::Publish(
    std::vector<std::shared_ptr<LiveDistribution>> distributions) {
  auto next = std::make_shared<RegistrySnapshot>();
  for (const auto& d : distributions) {
    for (std::string& host : HostNames(d->distribution())) {
      if (!next->by_host_.emplace(std::move(host), d.get()).second) {
        return absl::AlreadyExistsError(absl::StrCat(
            "distribution ", d->id(), ": a host name it answers is taken by another distribution"));
      }
    }
  }
  next->distributions_ = std::move(distributions);
  current_ = std::move(next);
  version_.fetch_add(1, std::memory_order_acq_rel);
  return absl::OkStatus();
}

}  // namespace edgesim::emulator
