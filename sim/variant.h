// variant.h — one what-if configuration of a scenario, and the grid that expands into many.
//
// DESIGN 6 "Scenarios": each variant is one simulator run of the same workload against
// the scenario's distribution with some things changed: TTLs or the cache policy (of every
// behavior or of one path pattern), the cache's eviction policy and capacity, the invalidation
// strategy after deploys, regional edge caches and Origin Shield (SPEC 7.1), or a key-only
// replay ("model": "cache-only") that ignores HTTP altogether. A scenario lists variants, a
// grid, or both:
//
//   "variants": [{"name": "short-ttl", "default_ttl": 60, "max_ttl": 60}],
//   "grid": {"eviction": ["lru", "sieve"], "default_ttl": [60, {"/api/*": 5, "*": 300}]}
//
// A TTL or "cache_policy" value is either one value for every behavior or an object from a
// behavior's PathPattern ("*" is the default behavior) to its value.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "core/topology.h"
#include "nlohmann/json.hpp"
#include "policy/distribution.h"
#include "policy/json_reader.h"

namespace edgesim::sim {

// Changes to the cache policy of the behaviors it names.
struct PolicyOverride {
  // A behavior's PathPattern as configured ("*": the default behavior); empty: every behavior.
  std::string behavior;
  // A managed policy's name or ID, applied before the TTLs below.
  std::string cache_policy;
  absl::optional<absl::Duration> min_ttl, default_ttl, max_ttl;
};

enum class InvalidationStrategy {
  kTrace,    // replay the invalidations the workload carries (the default)
  kNone,     // never invalidate
  kAll,      // "/*" after every deploy
  kChanged,  // the deployed paths after every deploy
};

absl::string_view ToString(InvalidationStrategy strategy);

struct Variant {
  std::string name = "base";
  std::vector<PolicyOverride> overrides;
  // core/eviction.h's names plus "fifo" (key-only replays).
  std::string eviction = "lru";
  // Per cache (each POP and regional edge cache).
  uint64_t capacity_bytes = uint64_t{1} << 30;
  InvalidationStrategy invalidation = InvalidationStrategy::kTrace;
  // From an invalidation's creation to its effect in every cache; absent: the driver's default.
  absl::optional<absl::Duration> invalidation_delay;
  // Regional edge caches between POPs and the origin.
  bool regional = false;
  // The REC acting as Origin Shield (implies `regional`); empty: none.
  std::string origin_shield;
  // Key-only replay: object ids and sizes, no HTTP model.
  bool cache_only = false;
  // The variant's fields as written (grid values included), for reports.
  nlohmann::json settings = nlohmann::json::object();
};

// The tiers above the POPs the variant asks for (core/topology.h), as `edgesim serve` takes them
// from --regional and --origin-shield.
core::TierLayout TierLayoutOf(const Variant& variant);

// `variants` (an array, or absent) then the `grid` combinations (an object of lists, or absent),
// in order; one default variant when both are absent. Names must be unique (grid variants are
// named after their values, e.g. "eviction=sieve default_ttl=60"). Keys other than the fields
// above are errors: `variants[0]: unknown key "defualt_ttl"`.
absl::StatusOr<std::vector<Variant>> ParseVariants(const policy::JsonReader& variants,
                                                   const policy::JsonReader& grid);

// The distribution with the variant's policy overrides applied. InvalidArgument for a managed
// policy name that does not exist or an override naming no behavior.
absl::StatusOr<policy::Distribution> ApplyVariant(const policy::Distribution& distribution,
                                                  const Variant& variant);

}  // namespace edgesim::sim
