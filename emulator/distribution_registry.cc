#include "emulator/distribution_registry.h"

#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "policy/status_macros.h"

namespace edgesim::emulator {
namespace {

// Host names a distribution answers, lowercase.
std::vector<std::string> HostNames(const policy::Distribution& d) {
  std::vector<std::string> names = {
      absl::AsciiStrToLower(d.domain_name),
      absl::AsciiStrToLower(absl::StrCat(d.id, ".cloudfront.localhost"))};
  for (const std::string& alias : d.config.aliases) names.push_back(absl::AsciiStrToLower(alias));
  return names;
}

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

std::string RegionOfPop(absl::string_view pop) {
  static const auto* const kRegions = new absl::flat_hash_map<std::string, std::string>{
      {"IAD", "us-east-1"},      {"JFK", "us-east-1"},      {"EWR", "us-east-1"},
      {"ATL", "us-east-1"},      {"MIA", "us-east-1"},      {"BOS", "us-east-1"},
      {"ORD", "us-east-2"},      {"DFW", "us-east-2"},      {"IAH", "us-east-2"},
      {"SFO", "us-west-1"},      {"LAX", "us-west-1"},      {"SEA", "us-west-2"},
      {"FRA", "eu-central-1"},   {"MUC", "eu-central-1"},   {"AMS", "eu-central-1"},
      {"LHR", "eu-west-2"},      {"DUB", "eu-west-1"},      {"CDG", "eu-west-3"},
      {"NRT", "ap-northeast-1"}, {"ICN", "ap-northeast-2"}, {"SIN", "ap-southeast-1"},
      {"SYD", "ap-southeast-2"}, {"BOM", "ap-south-1"},     {"GRU", "sa-east-1"},
  };
  const auto it = kRegions->find(absl::AsciiStrToUpper(pop.substr(0, 3)));
  return it != kRegions->end() ? it->second : "us-east-1";
}

absl::StatusOr<core::CacheTopology> MakeCacheTopology(const EdgeTopology& topology) {
  if (topology.pops.empty()) return absl::InvalidArgumentError("--pops: no POP given");
  core::CacheTopology t;
  t.pops = topology.pops;
  t.pop_options.viewer_headers = false;
  t.pop_options.store.capacity_bytes = topology.cache_size_bytes;
  t.regional_options.store.capacity_bytes = topology.cache_size_bytes;
  if (!topology.regional && topology.origin_shield.empty()) return t;
  for (const std::string& pop : topology.pops) {
    const std::string region = RegionOfPop(pop);
    auto it = std::find_if(t.regionals.begin(), t.regionals.end(),
                           [&](const auto& r) { return r.name == region; });
    if (it == t.regionals.end()) it = t.regionals.insert(t.regionals.end(), {region, {}});
    it->pops.push_back(pop);
  }
  t.origin_shield = topology.origin_shield;
  if (!t.origin_shield.empty() &&
      std::none_of(t.regionals.begin(), t.regionals.end(),
                   [&](const auto& r) { return r.name == t.origin_shield; })) {
    t.regionals.push_back({t.origin_shield, {}});  // a shield region with no POP of ours
  }
  return t;
}

absl::StatusOr<std::shared_ptr<LiveDistribution>> LiveDistribution::Create(
    policy::Distribution distribution, const EdgeTopology& topology,
    std::unique_ptr<core::OriginFetcher> origin) {
  EDGESIM_ASSIGN_OR_RETURN(core::CacheTopology t, MakeCacheTopology(topology));
  std::shared_ptr<LiveDistribution> live(new LiveDistribution());
  EDGESIM_ASSIGN_OR_RETURN(live->network_, core::EdgeNetwork::Create(distribution, t));
  live->distribution_ = std::move(distribution);
  live->origin_ = std::move(origin);
  live->pops_ = topology.pops;
  return live;
}

const std::string& LiveDistribution::PopName(absl::string_view name) const {
  for (const std::string& pop : pops_) {
    if (absl::EqualsIgnoreCase(pop, name)) return pop;
  }
  return pops_.front();
}

core::EdgeCache& LiveDistribution::Pop(absl::string_view name) const {
  return *network_->FindCache(PopName(name));
}

std::vector<core::EdgeCache*> LiveDistribution::Caches() const {
  std::vector<core::EdgeCache*> caches;
  for (const core::TierCounters& tier : network_->Counters()) {
    caches.push_back(network_->FindCache(tier.name));
  }
  return caches;
}

void LiveDistribution::Invalidate(
    const policy::InvalidationPath& path, absl::Time created,
    const std::function<absl::Duration(absl::string_view cache)>& delay) const {
  network_->Invalidate(path, created, delay);
}

void LiveDistribution::Sweep(absl::Time now, uint64_t budget_per_cache) const {
  network_->Sweep(now, budget_per_cache);
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
  const auto it =
      std::find_if(next.begin(), next.end(), [&](const auto& d) { return d->id() == id; });
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
