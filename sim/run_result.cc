#include "sim/run_result.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "policy/invalidation.h"
#include "policy/status_macros.h"
#include "sim/json_fields.h"

namespace edgesim::sim {
namespace {

struct TallyField {
  const char* name;
  uint64_t Tally::*member;
};

constexpr TallyField kTallyFields[] = {
    {"requests", &Tally::requests},
    {"hits", &Tally::hits},
    {"refresh_hits", &Tally::refresh_hits},
    {"misses", &Tally::misses},
    {"errors", &Tally::errors},
    {"bytes", &Tally::bytes},
    {"bytes_from_cache", &Tally::bytes_from_cache},
    {"origin_requests", &Tally::origin_requests},
    {"origin_bytes", &Tally::origin_bytes},
    {"stale", &Tally::stale},
};

double Ratio(uint64_t part, uint64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

nlohmann::json TallyJson(const Tally& t, bool derived) {
  nlohmann::json j = nlohmann::json::object();
  for (const TallyField& f : kTallyFields) j[f.name] = t.*f.member;
  if (derived) {
    j["hit_ratio"] = HitRatio(t);
    j["byte_hit_ratio"] = ByteHitRatio(t);
    j["stale_rate"] = StaleRate(t);
  }
  return j;
}

absl::StatusOr<Tally> TallyFromJson(const nlohmann::json& j, absl::string_view where) {
  if (!j.is_object()) return FieldError(where, "expected an object");
  Tally t;
  for (const TallyField& f : kTallyFields) {
    const nlohmann::json* v = FindField(j, f.name);
    if (v == nullptr) return FieldError(FieldPath(where, f.name), "required");
    EDGESIM_ASSIGN_OR_RETURN(int64_t n, AsInt(*v, FieldPath(where, f.name)));
    t.*f.member = static_cast<uint64_t>(n);
  }
  return t;
}

nlohmann::json TallyMapJson(const std::map<std::string, Tally>& m) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, t] : m) j[name] = TallyJson(t, true);
  return j;
}

absl::StatusOr<std::map<std::string, Tally>> TallyMapFromJson(const nlohmann::json& j,
                                                              absl::string_view where) {
  if (!j.is_object()) return FieldError(where, "expected an object");
  std::map<std::string, Tally> m;
  for (const auto& [name, v] : j.items()) {
    EDGESIM_ASSIGN_OR_RETURN(m[name], TallyFromJson(v, FieldPath(where, name)));
  }
  return m;
}

template <typename Int>
absl::StatusOr<std::map<std::string, Int>> CountMapFromJson(const nlohmann::json& j,
                                                            absl::string_view where) {
  if (!j.is_object()) return FieldError(where, "expected an object");
  std::map<std::string, Int> m;
  for (const auto& [name, v] : j.items()) {
    EDGESIM_ASSIGN_OR_RETURN(int64_t n, AsInt(v, FieldPath(where, name)));
    m[name] = static_cast<Int>(n);
  }
  return m;
}

absl::StatusOr<absl::CivilMonth> ParseMonth(absl::string_view text) {
  absl::CivilMonth month;
  if (!absl::ParseCivilTime(text, &month)) {
    return absl::InvalidArgumentError(absl::StrCat("\"", text, "\" is not a month (YYYY-MM)"));
  }
  return month;
}

std::vector<policy::InvalidationMonthBill> Bills(const VariantResult& v,
                                                 const policy::ModelOptions& options) {
  policy::InvalidationLedger ledger(options);
  for (const auto& [month, paths] : v.invalidation_paths) {
    const absl::StatusOr<absl::CivilMonth> m = ParseMonth(month);
    EDGESIM_CHECK(m.ok());  // written by the replay as a CivilMonth
    ledger.Record(absl::FromCivil(*m, absl::UTCTimeZone()), static_cast<int>(paths));
  }
  return ledger.Bills();
}

nlohmann::json VariantJson(const VariantResult& v) {
  nlohmann::json j;
  j["name"] = v.name;
  j["settings"] = v.settings;
  j["mode"] = v.mode;
  j["total"] = TallyJson(v.total, true);
  j["max_staleness_seconds"] = v.max_staleness_seconds;
  j["behaviors"] = TallyMapJson(v.behaviors);
  j["pops"] = TallyMapJson(v.pops);
  j["miss_reasons"] = v.miss_reasons;
  j["cache"] = v.cache;
  nlohmann::json months = nlohmann::json::array();
  for (const policy::InvalidationMonthBill& b : Bills(v, {})) {
    months.push_back({{"month", absl::FormatCivilTime(b.month)},
                      {"paths", b.paths},
                      {"free_paths", b.free_paths},
                      {"billed_paths", b.billed_paths},
                      {"cost_usd", b.cost_usd}});
  }
  j["invalidation"] = {{"paths", InvalidationPaths(v)},
                       {"cost_usd", InvalidationCostUsd(v)},
                       {"paths_by_month", v.invalidation_paths},
                       {"bills", months}};
  nlohmann::json series = nlohmann::json::array();
  for (const Tally& t : v.series) series.push_back(TallyJson(t, false));
  j["series"] = std::move(series);
  return j;
}

absl::StatusOr<VariantResult> VariantFromJson(const nlohmann::json& j, absl::string_view where) {
  if (!j.is_object()) return FieldError(where, "expected an object");
  auto field = [&](absl::string_view name) -> absl::StatusOr<const nlohmann::json*> {
    const nlohmann::json* v = FindField(j, name);
    if (v == nullptr) return FieldError(FieldPath(where, name), "required");
    return v;
  };
  VariantResult v;
  EDGESIM_ASSIGN_OR_RETURN(const nlohmann::json* name, field("name"));
  EDGESIM_ASSIGN_OR_RETURN(v.name, AsString(*name, FieldPath(where, "name")));
  if (const nlohmann::json* s = FindField(j, "settings")) v.settings = *s;
  EDGESIM_ASSIGN_OR_RETURN(const nlohmann::json* mode, field("mode"));
  EDGESIM_ASSIGN_OR_RETURN(v.mode, AsString(*mode, FieldPath(where, "mode")));
  EDGESIM_ASSIGN_OR_RETURN(const nlohmann::json* total, field("total"));
  EDGESIM_ASSIGN_OR_RETURN(v.total, TallyFromJson(*total, FieldPath(where, "total")));
  EDGESIM_ASSIGN_OR_RETURN(const nlohmann::json* staleness, field("max_staleness_seconds"));
  EDGESIM_ASSIGN_OR_RETURN(v.max_staleness_seconds,
                           AsNumber(*staleness, FieldPath(where, "max_staleness_seconds")));
  EDGESIM_ASSIGN_OR_RETURN(const nlohmann::json* behaviors, field("behaviors"));
  EDGESIM_ASSIGN_OR_RETURN(v.behaviors,
                           TallyMapFromJson(*behaviors, FieldPath(where, "behaviors")));
  EDGESIM_ASSIGN_OR_RETURN(const nlohmann::json* pops, field("pops"));
  EDGESIM_ASSIGN_OR_RETURN(v.pops, TallyMapFromJson(*pops, FieldPath(where, "pops")));
  EDGESIM_ASSIGN_OR_RETURN(const nlohmann::json* reasons, field("miss_reasons"));
  EDGESIM_ASSIGN_OR_RETURN(v.miss_reasons,
                           CountMapFromJson<uint64_t>(*reasons, FieldPath(where, "miss_reasons")));
  EDGESIM_ASSIGN_OR_RETURN(const nlohmann::json* cache, field("cache"));
  EDGESIM_ASSIGN_OR_RETURN(v.cache, CountMapFromJson<uint64_t>(*cache, FieldPath(where, "cache")));
  EDGESIM_ASSIGN_OR_RETURN(const nlohmann::json* invalidation, field("invalidation"));
  const std::string months_at = FieldPath(where, "invalidation.paths_by_month");
  if (!invalidation->is_object() || FindField(*invalidation, "paths_by_month") == nullptr) {
    return FieldError(months_at, "required");
  }
  EDGESIM_ASSIGN_OR_RETURN(
      v.invalidation_paths,
      CountMapFromJson<int64_t>(*FindField(*invalidation, "paths_by_month"), months_at));
  for (const auto& [month, paths] : v.invalidation_paths) {
    if (absl::Status s = ParseMonth(month).status(); !s.ok()) {
      return FieldError(months_at, s.message());
    }
  }
  EDGESIM_ASSIGN_OR_RETURN(const nlohmann::json* series, field("series"));
  if (!series->is_array()) return FieldError(FieldPath(where, "series"), "expected a list");
  for (size_t i = 0; i < series->size(); ++i) {
    EDGESIM_ASSIGN_OR_RETURN(Tally t,
                             TallyFromJson((*series)[i], IndexPath(FieldPath(where, "series"), i)));
    v.series.push_back(t);
  }
  return v;
}

template <typename Map>
void AddMap(Map& into, const Map& from) {
  for (const auto& [key, value] : from) into[key] += value;
}

absl::Status SameShape(const SimulationResult& a, const SimulationResult& b) {
  if (a.scenario != b.scenario) {
    return absl::InvalidArgumentError(
        absl::StrCat("scenario \"", b.scenario, "\" differs from \"", a.scenario, "\""));
  }
  if (a.shard_count != b.shard_count) {
    return absl::InvalidArgumentError("the parts come from runs with different shard counts");
  }
  if (a.series_start != b.series_start || a.series_bucket != b.series_bucket ||
      a.series_buckets != b.series_buckets) {
    return absl::InvalidArgumentError("the parts have different time series buckets");
  }
  if (a.variants.size() != b.variants.size()) {
    return absl::InvalidArgumentError("the parts have different variants");
  }
  for (size_t i = 0; i < a.variants.size(); ++i) {
    if (a.variants[i].name != b.variants[i].name || a.variants[i].mode != b.variants[i].mode) {
      return absl::InvalidArgumentError(absl::StrCat("variant ", i, " is \"",
                                                     a.variants[i].name, "\" in one part and \"",
                                                     b.variants[i].name, "\" in another"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

Tally& Tally::operator+=(const Tally& other) {
  for (const TallyField& f : kTallyFields) this->*f.member += other.*f.member;
  return *this;
}

double HitRatio(const Tally& t) { return Ratio(t.hits + t.refresh_hits, t.requests); }
double ByteHitRatio(const Tally& t) { return Ratio(t.bytes_from_cache, t.bytes); }
double StaleRate(const Tally& t) { return Ratio(t.stale, t.requests); }

int64_t InvalidationPaths(const VariantResult& v) {
  int64_t n = 0;
  for (const auto& [month, paths] : v.invalidation_paths) n += paths;
  return n;
}

double InvalidationCostUsd(const VariantResult& v, const policy::ModelOptions& options) {
  double cost = 0;
  for (const policy::InvalidationMonthBill& b : Bills(v, options)) cost += b.cost_usd;
  return cost;
}

nlohmann::json ToJson(const SimulationResult& r) {
  nlohmann::json j;
  j["scenario"] = r.scenario;
  j["description"] = r.description;
  j["series"] = {{"start_unix_seconds", absl::ToUnixSeconds(r.series_start)},
                 {"bucket_seconds", absl::ToDoubleSeconds(r.series_bucket)},
                 {"buckets", r.series_buckets}};
  j["deploys"] = r.deploys;
  j["input"] = {{"records", r.records},
                {"bad_records", r.bad_records},
                {"bad_examples", r.bad_examples}};
  j["shards"] = {{"covered", r.shards}, {"count", r.shard_count}};
  nlohmann::json variants = nlohmann::json::array();
  for (const VariantResult& v : r.variants) variants.push_back(VariantJson(v));
  j["variants"] = std::move(variants);
  return j;
}

absl::StatusOr<SimulationResult> FromJson(const nlohmann::json& j) {
  if (!j.is_object()) return FieldError("report", "expected a JSON object");
  try {
    SimulationResult r;
    r.scenario = j.at("scenario").get<std::string>();
    r.description = j.value("description", "");
    const nlohmann::json& series = j.at("series");
    r.series_start = absl::FromUnixSeconds(series.at("start_unix_seconds").get<int64_t>());
    r.series_bucket = absl::Seconds(series.at("bucket_seconds").get<double>());
    r.series_buckets = series.at("buckets").get<int>();
    r.deploys = j.at("deploys").get<std::vector<double>>();
    const nlohmann::json& input = j.at("input");
    r.records = input.at("records").get<uint64_t>();
    r.bad_records = input.at("bad_records").get<uint64_t>();
    r.bad_examples = input.at("bad_examples").get<std::vector<std::string>>();
    r.shards = j.at("shards").at("covered").get<std::vector<int>>();
    r.shard_count = j.at("shards").at("count").get<int>();
    const nlohmann::json& variants = j.at("variants");
    if (!variants.is_array()) return FieldError("variants", "expected a list");
    for (size_t i = 0; i < variants.size(); ++i) {
      EDGESIM_ASSIGN_OR_RETURN(VariantResult v, VariantFromJson(variants[i],
                                                                IndexPath("variants", i)));
      if (static_cast<int>(v.series.size()) != r.series_buckets) {
        return FieldError(IndexPath("variants", i), "series length differs from series.buckets");
      }
      r.variants.push_back(std::move(v));
    }
    return r;
  } catch (const nlohmann::json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("report: ", e.what()));
  }
}

absl::StatusOr<SimulationResult> MergeResults(const std::vector<SimulationResult>& parts) {
  if (parts.empty()) return absl::InvalidArgumentError("nothing to merge");
  SimulationResult merged = parts[0];
  for (size_t p = 1; p < parts.size(); ++p) {
    const SimulationResult& part = parts[p];
    EDGESIM_RETURN_IF_ERROR(SameShape(merged, part));
    for (int shard : part.shards) {
      if (std::find(merged.shards.begin(), merged.shards.end(), shard) != merged.shards.end()) {
        return absl::InvalidArgumentError(absl::StrCat("shard ", shard, " appears twice"));
      }
      merged.shards.push_back(shard);
    }
    for (size_t i = 0; i < merged.variants.size(); ++i) {
      VariantResult& into = merged.variants[i];
      const VariantResult& from = part.variants[i];
      into.total += from.total;
      into.max_staleness_seconds = std::max(into.max_staleness_seconds, from.max_staleness_seconds);
      AddMap(into.behaviors, from.behaviors);
      AddMap(into.pops, from.pops);
      AddMap(into.miss_reasons, from.miss_reasons);
      AddMap(into.cache, from.cache);
      AddMap(into.invalidation_paths, from.invalidation_paths);
      for (size_t b = 0; b < into.series.size(); ++b) into.series[b] += from.series[b];
    }
  }
  std::sort(merged.shards.begin(), merged.shards.end());
  return merged;
}

}  // namespace edgesim::sim
