// topology.h — which regional edge cache serves a POP, and the cache hierarchy of a variant.
//
// SPEC 7.1: a POP's misses go to its nearest regional edge cache (REC); an Origin Shield is one
// REC, named by its AWS Region, through which every other REC goes. CloudFront publishes no POP
// to REC map, so the simulator uses the POP code's airport (its first three letters) and the
// nearest of the 12 Origin Shield regions; unknown airports go to us-east-1.
//
//   RegionOfPop("FRA6-C1");   // "eu-central-1"
//   core::CacheTopology t = MakeTopology({"IAD89-C1", "FRA6-C1"}, variant, options);
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "core/edge_cache.h"
#include "core/tiers.h"
#include "sim/variant.h"

namespace edgesim::sim {

std::string RegionOfPop(absl::string_view pop);

// POPs straight to the origin, or through RECs (only the regions that serve a POP, plus the
// shield's) when the variant is regional or has an Origin Shield. `options` is the cache template
// of every tier.
core::CacheTopology MakeTopology(const std::vector<std::string>& pops, const Variant& variant,
                                 const core::EdgeCacheOptions& options);

}  // namespace edgesim::sim
