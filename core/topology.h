// topology.h — which regional edge cache serves a POP, and the cache hierarchy every driver
// builds from a list of POPs (SPEC 7.1).
//
// A POP's misses go to its regional edge cache (REC); an Origin Shield is one REC, named by its
// AWS Region, through which every other REC goes. CloudFront publishes no POP -> REC map, so
// edgesim takes the POP code's airport (its first three letters) and the nearest of the Origin
// Shield regions; unknown airports go to us-east-1. `edgesim serve`, `play` and `simulate` all
// build their tiers here, so the same POPs give the same tree.
//
//   RegionOfPop("FRA6-C1");   // "eu-central-1"
//   absl::StatusOr<CacheTopology> t =
//       MakeTopology({"IAD89-C1", "FRA6-C1"}, {.regional = true, .origin_shield = "us-east-1"}, {});
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/edge_cache.h"
#include "core/tiers.h"

namespace edgesim::core {

// What a driver asks of the tiers above its POPs.
struct TierLayout {
  // One regional edge cache per region of the POPs.
  bool regional = false;
  // The region acting as Origin Shield (implies `regional`); empty for none.
  std::string origin_shield;
};

std::string RegionOfPop(absl::string_view pop);

// True for the AWS Regions CloudFront offers Origin Shield in (SPEC 7.1).
bool IsOriginShieldRegion(absl::string_view region);

// POPs straight to the origin, or through RECs (the regions that serve a POP, in first-seen
// order, plus the shield's) when `layout` asks for tiers. `options` is every cache's template.
// InvalidArgument for no POPs, a POP named twice, or a shield outside the Origin Shield regions.
absl::StatusOr<CacheTopology> MakeTopology(const std::vector<std::string>& pops,
                                           const TierLayout& layout,
                                           const EdgeCacheOptions& options);

}  // namespace edgesim::core
