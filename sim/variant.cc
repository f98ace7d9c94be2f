#include "sim/variant.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/eviction.h"
#include "policy/cache_policy.h"
#include "policy/distribution_validator.h"
#include "policy/json_reader.h"
#include "policy/status_macros.h"
#include "sim/trace.h"

namespace edgesim::sim {
namespace {

using policy::JsonReader;

PolicyOverride& OverrideFor(Variant& v, absl::string_view behavior) {
  for (PolicyOverride& o : v.overrides) {
    if (o.behavior == behavior) return o;
  }
  PolicyOverride o;
  o.behavior = std::string(behavior);
  v.overrides.push_back(std::move(o));
  return v.overrides.back();
}

// A per-behavior field: one value for all behaviors or {pattern: value}; `set` stores one.
template <typename Set>
absl::Status ForEachBehaviorValue(const JsonReader& value, Set set) {
  if (!value.present() || !value.value().is_object()) return set("", value);
  EDGESIM_ASSIGN_OR_RETURN(const auto members, value.Members());
  if (members.empty()) return value.Error("expected a value or {path pattern: value}");
  for (const auto& [pattern, v] : members) EDGESIM_RETURN_IF_ERROR(set(pattern, v));
  return absl::OkStatus();
}

absl::Status SetTtl(Variant& v, absl::string_view key, const JsonReader& value) {
  return ForEachBehaviorValue(
      value, [&](absl::string_view behavior, const JsonReader& seconds) -> absl::Status {
        EDGESIM_ASSIGN_OR_RETURN(absl::Duration ttl, seconds.Seconds());
        PolicyOverride& o = OverrideFor(v, behavior);
        (key == "min_ttl" ? o.min_ttl : key == "default_ttl" ? o.default_ttl : o.max_ttl) = ttl;
        return absl::OkStatus();
      });
}

absl::Status SetCachePolicy(Variant& v, const JsonReader& value) {
  return ForEachBehaviorValue(
      value, [&](absl::string_view behavior, const JsonReader& name) -> absl::Status {
        EDGESIM_ASSIGN_OR_RETURN(std::string policy, name.String());
        if (policy::FindManagedCachePolicy(policy) == nullptr) {
          return name.Error(absl::StrCat("no managed cache policy \"", policy, "\""));
        }
        OverrideFor(v, behavior).cache_policy = std::move(policy);
        return absl::OkStatus();
      });
}

absl::StatusOr<InvalidationStrategy> ParseStrategy(const JsonReader& value) {
  EDGESIM_ASSIGN_OR_RETURN(std::string name, value.String());
  for (InvalidationStrategy s : {InvalidationStrategy::kTrace, InvalidationStrategy::kNone,
                                 InvalidationStrategy::kAll, InvalidationStrategy::kChanged}) {
    if (name == ToString(s)) return s;
  }
  return value.Error(
      absl::StrCat("unknown invalidation strategy \"", name, "\" (trace, none, all, changed)"));
}

absl::Status SetEviction(Variant& v, const JsonReader& value) {
  EDGESIM_ASSIGN_OR_RETURN(v.eviction, value.String());
  for (absl::string_view name : core::EvictionPolicyNames()) {
    if (name == v.eviction) return absl::OkStatus();
  }
  return value.Error(absl::StrCat("unknown eviction policy \"", v.eviction, "\" (",
                                  absl::StrJoin(core::EvictionPolicyNames(), ", "), ")"));
}

// The keys a variant object (and a grid) may have. A misspelt one would silently run the wrong
// experiment.
constexpr absl::string_view kVariantKeys[] = {
    "name",           "min_ttl",      "default_ttl",        "max_ttl",  "cache_policy",  "eviction",
    "capacity_bytes", "invalidation", "invalidation_delay", "regional", "origin_shield", "model"};

// Field `key` of a variant object (or a grid combination), read from `value`; `parent` is the
// object that holds the key.
absl::Status SetField(Variant& v, const JsonReader& parent, const std::string& key,
                      const JsonReader& value) {
  if (std::find(std::begin(kVariantKeys), std::end(kVariantKeys), key) == std::end(kVariantKeys)) {
    return parent.UnknownKey(key, kVariantKeys);
  }
  if (key == "name") {
    EDGESIM_ASSIGN_OR_RETURN(v.name, value.String());
    return absl::OkStatus();
  }
  v.settings[key] = value.present() ? value.value() : nlohmann::json();
  if (key == "min_ttl" || key == "default_ttl" || key == "max_ttl") return SetTtl(v, key, value);
  if (key == "cache_policy") return SetCachePolicy(v, value);
  if (key == "eviction") return SetEviction(v, value);
  if (key == "capacity_bytes") {
    EDGESIM_ASSIGN_OR_RETURN(int64_t bytes, value.Int());
    if (bytes <= 0) return value.Error("expected a number of bytes > 0");
    v.capacity_bytes = static_cast<uint64_t>(bytes);
    return absl::OkStatus();
  }
  if (key == "invalidation") {
    EDGESIM_ASSIGN_OR_RETURN(v.invalidation, ParseStrategy(value));
    return absl::OkStatus();
  }
  if (key == "invalidation_delay") {
    EDGESIM_ASSIGN_OR_RETURN(v.invalidation_delay, value.Seconds(kMaxTraceOffset));
    return absl::OkStatus();
  }
  if (key == "regional") {
    EDGESIM_ASSIGN_OR_RETURN(v.regional, value.Bool());
    return absl::OkStatus();
  }
  if (key == "origin_shield") {
    v.origin_shield.clear();
    if (!value.present()) return absl::OkStatus();  // null: none
    EDGESIM_ASSIGN_OR_RETURN(v.origin_shield, value.String());
    return absl::OkStatus();
  }
  EDGESIM_ASSIGN_OR_RETURN(std::string model, value.String());  // "model", the last key
  if (model != "full" && model != "cache-only") {
    return value.Error("expected \"full\" or \"cache-only\"");
  }
  v.cache_only = model == "cache-only";
  return absl::OkStatus();
}

absl::StatusOr<Variant> ParseVariant(const JsonReader& object) {
  EDGESIM_ASSIGN_OR_RETURN(const auto members, object.Members());
  Variant v;
  v.name.clear();
  for (const auto& [key, value] : members) {
    EDGESIM_RETURN_IF_ERROR(SetField(v, object, key, value));
  }
  if (v.name.empty()) return object.Field("name").Missing();
  return v;
}

// "key=value" with strings unquoted.
std::string GridLabel(const std::string& key, const JsonReader& value) {
  if (!value.present()) return absl::StrCat(key, "=null");
  const nlohmann::json& j = value.value();
  return absl::StrCat(key, "=", j.is_string() ? j.get<std::string>() : j.dump());
}

absl::Status ExpandGrid(const JsonReader& grid, std::vector<Variant>& out) {
  absl::StatusOr<std::vector<std::pair<std::string, JsonReader>>> members = grid.Members();
  if (!members.ok() || members->empty()) return grid.Error("expected an object of lists");
  std::vector<std::pair<std::string, std::vector<JsonReader>>> axes;
  for (const auto& [key, values] : *members) {
    if (key == "name") return values.Error("a grid names its variants itself");
    absl::StatusOr<std::vector<JsonReader>> items = values.Items();
    if (!items.ok() || items->empty()) return values.Error("expected a non-empty list of values");
    axes.emplace_back(key, *std::move(items));
  }
  // Odometer over the axes; the last axis changes fastest.
  std::vector<size_t> at(axes.size(), 0);
  while (true) {
    Variant v;
    std::vector<std::string> labels;
    for (size_t a = 0; a < axes.size(); ++a) {
      const auto& [key, values] = axes[a];
      EDGESIM_RETURN_IF_ERROR(SetField(v, grid, key, values[at[a]]));
      labels.push_back(GridLabel(key, values[at[a]]));
    }
    v.name = absl::StrJoin(labels, " ");
    out.push_back(std::move(v));
    size_t a = axes.size();
    while (a > 0 && ++at[a - 1] == axes[a - 1].second.size()) at[--a] = 0;
    if (a == 0) return absl::OkStatus();
  }
}

}  // namespace

absl::string_view ToString(InvalidationStrategy strategy) {
  switch (strategy) {
    case InvalidationStrategy::kTrace:
      return "trace";
    case InvalidationStrategy::kNone:
      return "none";
    case InvalidationStrategy::kAll:
      return "all";
    case InvalidationStrategy::kChanged:
      return "changed";
  }
  return "?";
}

absl::StatusOr<std::vector<Variant>> ParseVariants(const policy::JsonReader& variants,
                                                   const policy::JsonReader& grid) {
  std::vector<Variant> out;
  if (variants.present()) {
    EDGESIM_ASSIGN_OR_RETURN(const std::vector<JsonReader> items, variants.Items());
    for (const JsonReader& item : items) {
      EDGESIM_ASSIGN_OR_RETURN(Variant v, ParseVariant(item));
      out.push_back(std::move(v));
    }
  }
  if (grid.present()) EDGESIM_RETURN_IF_ERROR(ExpandGrid(grid, out));
  if (out.empty()) out.emplace_back();
  absl::flat_hash_set<std::string> names;
  for (const Variant& v : out) {
    if (!names.insert(v.name).second) {
      return variants.Error(absl::StrCat("two variants are named \"", v.name, "\""));
    }
  }
  return out;
}

absl::StatusOr<policy::Distribution> ApplyVariant(const policy::Distribution& distribution,
                                                  const Variant& variant) {
  policy::Distribution d = distribution;
  std::vector<policy::CacheBehavior*> behaviors;
  for (policy::CacheBehavior& b : d.config.behaviors) behaviors.push_back(&b);
  behaviors.push_back(&d.config.default_behavior);
  // Cache policies first, then each behavior's TTLs at once: what one override leaves alone
  // fits what all of them set (policy::OverrideTtls), and a conflict between two is refused.
  for (const PolicyOverride& o : variant.overrides) {
    bool matched = false;
    for (policy::CacheBehavior* b : behaviors) {
      if (!o.behavior.empty() && o.behavior != b->path_pattern) continue;
      matched = true;
      if (!o.cache_policy.empty()) {
        b->cache_policy = *policy::FindManagedCachePolicy(o.cache_policy);
        b->cache_policy_id = b->cache_policy.id;
      }
    }
    if (!matched) {
      return absl::InvalidArgumentError(absl::StrCat("variant \"", variant.name,
                                                     "\": no cache behavior has PathPattern \"",
                                                     o.behavior, "\""));
    }
  }
  for (policy::CacheBehavior* b : behaviors) {
    absl::optional<absl::Duration> min_ttl, default_ttl, max_ttl;
    for (const PolicyOverride& o : variant.overrides) {
      if (!o.behavior.empty() && o.behavior != b->path_pattern) continue;
      if (o.min_ttl) min_ttl = o.min_ttl;
      if (o.default_ttl) default_ttl = o.default_ttl;
      if (o.max_ttl) max_ttl = o.max_ttl;
    }
    policy::OverrideTtls(min_ttl, default_ttl, max_ttl, &b->cache_policy);
  }
  if (absl::Status s = policy::ConfigProblemsStatus(policy::ValidateDistributionConfig(d.config));
      !s.ok()) {
    const bool order = absl::StrContains(s.message(), "InvalidTTLOrder");
    return absl::InvalidArgumentError(absl::StrCat(
        "variant \"", variant.name, "\": ", s.message(),
        order ? " (the TTLs a variant sets must keep min_ttl <= default_ttl <= max_ttl; those it "
                "leaves out follow them)"
              : ""));
  }
  return d;
}

core::TierLayout TierLayoutOf(const Variant& variant) {
  return {.regional = variant.regional, .origin_shield = variant.origin_shield};
}

}  // namespace edgesim::sim
