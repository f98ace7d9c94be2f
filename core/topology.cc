#include "core/topology.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace edgesim::core {
namespace {

// SPEC 7.1: the Regions CloudFront lists for Origin Shield.
constexpr absl::string_view kShieldRegions[] = {
    "us-east-1",      "us-east-2",      "us-west-2",      "ap-south-1",
    "ap-northeast-1", "ap-northeast-2", "ap-southeast-1", "ap-southeast-2",
    "eu-central-1",   "eu-west-1",      "eu-west-2",      "sa-east-1"};

}  // namespace

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

bool IsOriginShieldRegion(absl::string_view region) {
  return std::find(std::begin(kShieldRegions), std::end(kShieldRegions), region) !=
         std::end(kShieldRegions);
}

absl::StatusOr<CacheTopology> MakeTopology(const std::vector<std::string>& pops,
                                           const TierLayout& layout,
                                           const EdgeCacheOptions& options) {
  if (pops.empty()) return absl::InvalidArgumentError("no POP given");
  absl::flat_hash_set<std::string> seen;
  for (const std::string& pop : pops) {
    if (!seen.insert(pop).second) {
      return absl::InvalidArgumentError(absl::StrCat("POP \"", pop, "\" is named twice"));
    }
  }
  if (!layout.origin_shield.empty() && !IsOriginShieldRegion(layout.origin_shield)) {
    return absl::InvalidArgumentError(
        absl::StrCat("origin shield \"", layout.origin_shield,
                     "\" is not an Origin Shield region (", absl::StrJoin(kShieldRegions, ", "),
                     ")"));
  }
  CacheTopology t;
  t.pops = pops;
  t.pop_options = options;
  t.regional_options = options;
  if (!layout.regional && layout.origin_shield.empty()) return t;
  for (const std::string& pop : pops) {
    const std::string region = RegionOfPop(pop);
    auto it = std::find_if(t.regionals.begin(), t.regionals.end(),
                           [&](const auto& r) { return r.name == region; });
    if (it == t.regionals.end()) it = t.regionals.insert(t.regionals.end(), {region, {}});
    it->pops.push_back(pop);
  }
  t.origin_shield = layout.origin_shield;
  if (!t.origin_shield.empty() &&
      std::none_of(t.regionals.begin(), t.regionals.end(),
                   [&](const auto& r) { return r.name == t.origin_shield; })) {
    t.regionals.push_back({t.origin_shield, {}});  // a shield region with no POP of ours
  }
  return t;
}

}  // namespace edgesim::core
