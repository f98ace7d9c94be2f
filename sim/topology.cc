#include "sim/topology.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/ascii.h"

namespace edgesim::sim {

std::string RegionOfPop(absl::string_view pop) {
  static const auto* const kRegions = new std::map<std::string, std::string, std::less<>>{
      {"IAD", "us-east-1"},      {"JFK", "us-east-1"},      {"EWR", "us-east-1"},
      {"BOS", "us-east-1"},      {"ATL", "us-east-1"},      {"MIA", "us-east-1"},
      {"YUL", "us-east-1"},      {"YTO", "us-east-1"},      {"PHL", "us-east-1"},
      {"ORD", "us-east-2"},      {"DFW", "us-east-2"},      {"IAH", "us-east-2"},
      {"DEN", "us-east-2"},      {"MSP", "us-east-2"},      {"CMH", "us-east-2"},
      {"SEA", "us-west-2"},      {"SFO", "us-west-2"},      {"LAX", "us-west-2"},
      {"PDX", "us-west-2"},      {"SJC", "us-west-2"},      {"PHX", "us-west-2"},
      {"FRA", "eu-central-1"},   {"MUC", "eu-central-1"},   {"AMS", "eu-central-1"},
      {"ZRH", "eu-central-1"},   {"VIE", "eu-central-1"},   {"WAW", "eu-central-1"},
      {"PRG", "eu-central-1"},   {"MXP", "eu-central-1"},   {"DUB", "eu-west-1"},
      {"MAD", "eu-west-1"},      {"MRS", "eu-west-1"},      {"CDG", "eu-west-1"},
      {"LIS", "eu-west-1"},      {"LHR", "eu-west-2"},      {"MAN", "eu-west-2"},
      {"NRT", "ap-northeast-1"}, {"KIX", "ap-northeast-1"}, {"ICN", "ap-northeast-2"},
      {"SIN", "ap-southeast-1"}, {"KUL", "ap-southeast-1"}, {"BKK", "ap-southeast-1"},
      {"CGK", "ap-southeast-1"}, {"HKG", "ap-southeast-1"}, {"SYD", "ap-southeast-2"},
      {"MEL", "ap-southeast-2"}, {"AKL", "ap-southeast-2"}, {"BOM", "ap-south-1"},
      {"DEL", "ap-south-1"},     {"MAA", "ap-south-1"},     {"BLR", "ap-south-1"},
      {"HYD", "ap-south-1"},     {"GRU", "sa-east-1"},      {"GIG", "sa-east-1"},
      {"EZE", "sa-east-1"},      {"SCL", "sa-east-1"},      {"BOG", "sa-east-1"},
  };
  const auto it = kRegions->find(absl::AsciiStrToUpper(pop.substr(0, 3)));
  return it == kRegions->end() ? "us-east-1" : it->second;
}

core::CacheTopology MakeTopology(const std::vector<std::string>& pops, const Variant& variant,
                                 const core::EdgeCacheOptions& options) {
  core::CacheTopology t;
  t.pops = pops;
  t.pop_options = options;
  t.regional_options = options;
  t.regional_options.viewer_headers = false;
  if (!variant.regional && variant.origin_shield.empty()) return t;
  // Regions in first-seen order, so the topology does not depend on map iteration.
  for (const std::string& pop : pops) {
    const std::string region = RegionOfPop(pop);
    auto it = std::find_if(t.regionals.begin(), t.regionals.end(),
                           [&](const auto& r) { return r.name == region; });
    if (it == t.regionals.end()) {
      t.regionals.push_back({region, {}});
      it = t.regionals.end() - 1;
    }
    it->pops.push_back(pop);
  }
  if (!variant.origin_shield.empty()) {
    const auto it = std::find_if(t.regionals.begin(), t.regionals.end(),
                                 [&](const auto& r) { return r.name == variant.origin_shield; });
    if (it == t.regionals.end()) t.regionals.push_back({variant.origin_shield, {}});
    t.origin_shield = variant.origin_shield;
  }
  return t;
}

}  // namespace edgesim::sim
