#include "sim/variant.h"

#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/eviction.h"
#include "policy/cache_policy.h"
#include "policy/distribution_json.h"
#include "policy/status_macros.h"
#include "sim/json_fields.h"

namespace edgesim::sim {
namespace {

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
absl::Status ForEachBehaviorValue(const nlohmann::json& value, absl::string_view where, Set set) {
  if (!value.is_object()) return set("", value, where);
  if (value.empty()) return FieldError(where, "expected a value or {path pattern: value}");
  for (const auto& [pattern, v] : value.items()) {
    EDGESIM_RETURN_IF_ERROR(set(pattern, v, FieldPath(where, pattern)));
  }
  return absl::OkStatus();
}

absl::Status SetTtl(Variant& v, absl::string_view key, const nlohmann::json& value,
                    absl::string_view where) {
  return ForEachBehaviorValue(
      value, where,
      [&](absl::string_view behavior, const nlohmann::json& seconds,
          absl::string_view at) -> absl::Status {
        EDGESIM_ASSIGN_OR_RETURN(absl::Duration ttl, AsSeconds(seconds, at));
        PolicyOverride& o = OverrideFor(v, behavior);
        (key == "min_ttl" ? o.min_ttl : key == "default_ttl" ? o.default_ttl : o.max_ttl) = ttl;
        return absl::OkStatus();
      });
}

absl::Status SetCachePolicy(Variant& v, const nlohmann::json& value, absl::string_view where) {
  return ForEachBehaviorValue(
      value, where,
      [&](absl::string_view behavior, const nlohmann::json& name,
          absl::string_view at) -> absl::Status {
        EDGESIM_ASSIGN_OR_RETURN(std::string policy, AsString(name, at));
        if (policy::FindManagedCachePolicy(policy) == nullptr) {
          return FieldError(at, absl::StrCat("no managed cache policy \"", policy, "\""));
        }
        OverrideFor(v, behavior).cache_policy = std::move(policy);
        return absl::OkStatus();
      });
}

absl::StatusOr<InvalidationStrategy> ParseStrategy(const nlohmann::json& value,
                                                   absl::string_view where) {
  EDGESIM_ASSIGN_OR_RETURN(std::string name, AsString(value, where));
  for (InvalidationStrategy s : {InvalidationStrategy::kTrace, InvalidationStrategy::kNone,
                                 InvalidationStrategy::kAll, InvalidationStrategy::kChanged}) {
    if (name == ToString(s)) return s;
  }
  return FieldError(where, absl::StrCat("unknown invalidation strategy \"", name,
                                        "\" (trace, none, all, changed)"));
}

absl::Status SetEviction(Variant& v, const nlohmann::json& value, absl::string_view where) {
  EDGESIM_ASSIGN_OR_RETURN(v.eviction, AsString(value, where));
  for (absl::string_view name : core::EvictionPolicyNames()) {
    if (name == v.eviction) return absl::OkStatus();
  }
  return FieldError(where, absl::StrCat("unknown eviction policy \"", v.eviction, "\" (",
                                        absl::StrJoin(core::EvictionPolicyNames(), ", "), ")"));
}

// One field of a variant object; grid combinations go through here too.
absl::Status SetField(Variant& v, const std::string& key, const nlohmann::json& value,
                      absl::string_view where) {
  if (key == "name") {
    EDGESIM_ASSIGN_OR_RETURN(v.name, AsString(value, where));
    return absl::OkStatus();
  }
  v.settings[key] = value;
  if (key == "min_ttl" || key == "default_ttl" || key == "max_ttl") {
    return SetTtl(v, key, value, where);
  }
  if (key == "cache_policy") return SetCachePolicy(v, value, where);
  if (key == "eviction") return SetEviction(v, value, where);
  if (key == "capacity_bytes") {
    EDGESIM_ASSIGN_OR_RETURN(int64_t bytes, AsInt(value, where));
    if (bytes <= 0) return FieldError(where, "expected a number of bytes > 0");
    v.capacity_bytes = static_cast<uint64_t>(bytes);
    return absl::OkStatus();
  }
  if (key == "invalidation") {
    EDGESIM_ASSIGN_OR_RETURN(v.invalidation, ParseStrategy(value, where));
    return absl::OkStatus();
  }
  if (key == "invalidation_delay") {
    EDGESIM_ASSIGN_OR_RETURN(v.invalidation_delay, AsSeconds(value, where));
    return absl::OkStatus();
  }
  if (key == "regional") {
    EDGESIM_ASSIGN_OR_RETURN(v.regional, AsBool(value, where));
    return absl::OkStatus();
  }
  if (key == "origin_shield") {
    if (value.is_null()) {
      v.origin_shield.clear();
      return absl::OkStatus();
    }
    EDGESIM_ASSIGN_OR_RETURN(v.origin_shield, AsString(value, where));
    return absl::OkStatus();
  }
  if (key == "model") {
    EDGESIM_ASSIGN_OR_RETURN(std::string model, AsString(value, where));
    if (model != "full" && model != "cache-only") {
      return FieldError(where, "expected \"full\" or \"cache-only\"");
    }
    v.cache_only = model == "cache-only";
    return absl::OkStatus();
  }
  // A misspelt field would silently run the wrong experiment.
  return FieldError(where, "unknown variant field");
}

absl::StatusOr<Variant> ParseVariant(const nlohmann::json& object, absl::string_view where) {
  if (!object.is_object()) return FieldError(where, "expected an object");
  Variant v;
  v.name.clear();
  for (const auto& [key, value] : object.items()) {
    EDGESIM_RETURN_IF_ERROR(SetField(v, key, value, FieldPath(where, key)));
  }
  if (v.name.empty()) return FieldError(FieldPath(where, "name"), "required");
  return v;
}

// "key=value" with strings unquoted.
std::string GridLabel(const std::string& key, const nlohmann::json& value) {
  return absl::StrCat(key, "=", value.is_string() ? value.get<std::string>() : value.dump());
}

absl::Status ExpandGrid(const nlohmann::json& grid, std::vector<Variant>& out) {
  if (!grid.is_object() || grid.empty()) return FieldError("grid", "expected an object of lists");
  std::vector<std::pair<std::string, std::vector<nlohmann::json>>> axes;
  for (const auto& [key, values] : grid.items()) {
    if (!values.is_array() || values.empty()) {
      return FieldError(FieldPath("grid", key), "expected a non-empty list of values");
    }
    axes.emplace_back(key, std::vector<nlohmann::json>(values.begin(), values.end()));
  }
  // Odometer over the axes; the last axis changes fastest.
  std::vector<size_t> at(axes.size(), 0);
  while (true) {
    Variant v;
    std::vector<std::string> labels;
    for (size_t a = 0; a < axes.size(); ++a) {
      const auto& [key, values] = axes[a];
      if (key == "name") return FieldError("grid.name", "a grid names its variants itself");
      EDGESIM_RETURN_IF_ERROR(
          SetField(v, key, values[at[a]], IndexPath(FieldPath("grid", key), at[a])));
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

absl::StatusOr<std::vector<Variant>> ParseVariants(const nlohmann::json& variants,
                                                   const nlohmann::json& grid) {
  std::vector<Variant> out;
  if (!variants.is_null()) {
    if (!variants.is_array()) return FieldError("variants", "expected a list");
    for (size_t i = 0; i < variants.size(); ++i) {
      EDGESIM_ASSIGN_OR_RETURN(Variant v, ParseVariant(variants[i], IndexPath("variants", i)));
      out.push_back(std::move(v));
    }
  }
  if (!grid.is_null()) EDGESIM_RETURN_IF_ERROR(ExpandGrid(grid, out));
  if (out.empty()) out.emplace_back();
  absl::flat_hash_set<std::string> names;
  for (const Variant& v : out) {
    if (!names.insert(v.name).second) {
      return FieldError("variants", absl::StrCat("two variants are named \"", v.name, "\""));
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
  for (const PolicyOverride& o : variant.overrides) {
    bool matched = false;
    for (policy::CacheBehavior* b : behaviors) {
      if (!o.behavior.empty() && o.behavior != b->path_pattern) continue;
      matched = true;
      if (!o.cache_policy.empty()) {
        b->cache_policy = *policy::FindManagedCachePolicy(o.cache_policy);
        b->cache_policy_id = b->cache_policy.id;
      }
      if (o.min_ttl) b->cache_policy.min_ttl = *o.min_ttl;
      if (o.default_ttl) b->cache_policy.default_ttl = *o.default_ttl;
      if (o.max_ttl) b->cache_policy.max_ttl = *o.max_ttl;
    }
    if (!matched) {
      return absl::InvalidArgumentError(absl::StrCat("variant \"", variant.name,
                                                     "\": no cache behavior has PathPattern \"",
                                                     o.behavior, "\""));
    }
  }
  std::vector<policy::ConfigProblem> problems = policy::ValidateDistributionConfig(d.config);
  if (!problems.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("variant \"", variant.name,
                                                   "\": ", problems[0].location, ": ",
                                                   problems[0].message));
  }
  return d;
}

}  // namespace edgesim::sim
