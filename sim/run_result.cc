#include "sim/run_result.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "policy/invalidation.h"
#include "policy/json_reader.h"
#include "policy/status_macros.h"

namespace edgesim::sim {
namespace {

using policy::JsonReader;

struct TallyField {
  const char* name;
  uint64_t Tally::*member;
  // false for counts newer than some report.json files: absent reads as 0.
  bool required = true;
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
    {"function_responses", &Tally::function_responses, false},
};

double Ratio(uint64_t part, uint64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

nlohmann::json TallyJson(const Tally& t, bool derived) {
  nlohmann::json j = nlohmann::json::object();
  for (const TallyField& f : kTallyFields) {
    // Newer counts appear only when they counted something: older reports stay as they were.
    if (f.required || t.*f.member != 0) j[f.name] = t.*f.member;
  }
  if (derived) {
    j["hit_ratio"] = HitRatio(t);
    j["hit_ratio_without_refresh_hits"] = HitRatioWithoutRefreshHits(t);
    j["request_offload"] = RequestOffload(t);
    j["byte_offload"] = ByteOffload(t);
    j["byte_hit_ratio"] = ByteHitRatio(t);
    j["stale_rate"] = StaleRate(t);
  }
  return j;
}

absl::StatusOr<Tally> TallyFromJson(const JsonReader& j) {
  EDGESIM_RETURN_IF_ERROR(j.ExpectObject());
  Tally t;
  for (const TallyField& f : kTallyFields) {
    if (!f.required && !j.Field(f.name).present()) continue;
    EDGESIM_ASSIGN_OR_RETURN(const JsonReader v, j.Required(f.name));
    EDGESIM_ASSIGN_OR_RETURN(int64_t n, v.Int());
    if (n < 0) return v.Error("expected a count >= 0");
    t.*f.member = static_cast<uint64_t>(n);
  }
  return t;
}

nlohmann::json TallyMapJson(const std::map<std::string, Tally>& m) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, t] : m) j[name] = TallyJson(t, true);
  return j;
}

absl::StatusOr<std::map<std::string, Tally>> TallyMapFromJson(const JsonReader& j) {
  EDGESIM_ASSIGN_OR_RETURN(const auto members, j.Members());
  std::map<std::string, Tally> m;
  for (const auto& [name, v] : members) {
    EDGESIM_ASSIGN_OR_RETURN(m[name], TallyFromJson(v));
  }
  return m;
}

template <typename Int>
absl::StatusOr<std::map<std::string, Int>> CountMapFromJson(const JsonReader& j) {
  EDGESIM_ASSIGN_OR_RETURN(const auto members, j.Members());
  std::map<std::string, Int> m;
  for (const auto& [name, v] : members) {
    EDGESIM_ASSIGN_OR_RETURN(int64_t n, v.Int());
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

absl::StatusOr<VariantResult> VariantFromJson(const JsonReader& j) {
  EDGESIM_RETURN_IF_ERROR(j.ExpectObject());
  VariantResult v;
  EDGESIM_ASSIGN_OR_RETURN(const JsonReader name, j.Required("name"));
  EDGESIM_ASSIGN_OR_RETURN(v.name, name.String());
  if (const JsonReader s = j.Field("settings"); s.present()) v.settings = s.value();
  EDGESIM_ASSIGN_OR_RETURN(const JsonReader mode, j.Required("mode"));
  EDGESIM_ASSIGN_OR_RETURN(v.mode, mode.String());
  EDGESIM_ASSIGN_OR_RETURN(const JsonReader total, j.Required("total"));
  EDGESIM_ASSIGN_OR_RETURN(v.total, TallyFromJson(total));
  EDGESIM_ASSIGN_OR_RETURN(const JsonReader staleness, j.Required("max_staleness_seconds"));
  EDGESIM_ASSIGN_OR_RETURN(v.max_staleness_seconds, staleness.Number());
  EDGESIM_ASSIGN_OR_RETURN(const JsonReader behaviors, j.Required("behaviors"));
  EDGESIM_ASSIGN_OR_RETURN(v.behaviors, TallyMapFromJson(behaviors));
  EDGESIM_ASSIGN_OR_RETURN(const JsonReader pops, j.Required("pops"));
  EDGESIM_ASSIGN_OR_RETURN(v.pops, TallyMapFromJson(pops));
  EDGESIM_ASSIGN_OR_RETURN(const JsonReader reasons, j.Required("miss_reasons"));
  EDGESIM_ASSIGN_OR_RETURN(v.miss_reasons, CountMapFromJson<uint64_t>(reasons));
  EDGESIM_ASSIGN_OR_RETURN(const JsonReader cache, j.Required("cache"));
  EDGESIM_ASSIGN_OR_RETURN(v.cache, CountMapFromJson<uint64_t>(cache));
  EDGESIM_ASSIGN_OR_RETURN(const JsonReader invalidation, j.Required("invalidation"));
  EDGESIM_ASSIGN_OR_RETURN(const JsonReader months, invalidation.Required("paths_by_month"));
  EDGESIM_ASSIGN_OR_RETURN(v.invalidation_paths, CountMapFromJson<int64_t>(months));
  for (const auto& [month, paths] : v.invalidation_paths) {
    if (absl::Status s = ParseMonth(month).status(); !s.ok()) return months.Error(s.message());
  }
  EDGESIM_ASSIGN_OR_RETURN(const JsonReader series, j.Required("series"));
  EDGESIM_ASSIGN_OR_RETURN(const std::vector<JsonReader> buckets, series.Items());
  for (const JsonReader& bucket : buckets) {
    EDGESIM_ASSIGN_OR_RETURN(Tally t, TallyFromJson(bucket));
    v.series.push_back(t);
  }
  return v;
}

// A list of `T`s, each read by `read`.
template <typename T, typename Read>
absl::StatusOr<std::vector<T>> ListFromJson(const JsonReader& j, Read read) {
  EDGESIM_ASSIGN_OR_RETURN(const std::vector<JsonReader> items, j.Items());
  std::vector<T> out;
  for (const JsonReader& item : items) {
    EDGESIM_ASSIGN_OR_RETURN(T value, (item.*read)());
    out.push_back(std::move(value));
  }
  return out;
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
      return absl::InvalidArgumentError(absl::StrCat("variant ", i, " is \"", a.variants[i].name,
                                                     "\" in one part and \"", b.variants[i].name,
                                                     "\" in another"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

Tally& Tally::operator+=(const Tally& other) {
  for (const TallyField& f : kTallyFields) {
    this->*f.member = SaturatingAdd(this->*f.member, other.*f.member);
  }
  return *this;
}

double HitRatio(const Tally& t) { return Ratio(t.hits + t.refresh_hits, t.requests); }
double HitRatioWithoutRefreshHits(const Tally& t) { return Ratio(t.hits, t.requests); }
// Origin failover can send one viewer request to two origins: the share stops at 0.
double RequestOffload(const Tally& t) {
  return t.requests == 0 ? 0.0 : std::max(0.0, 1.0 - Ratio(t.origin_requests, t.requests));
}
double ByteOffload(const Tally& t) {
  return t.bytes == 0 ? 0.0 : std::max(0.0, 1.0 - Ratio(t.origin_bytes, t.bytes));
}
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
  j["input"] = {
      {"records", r.records}, {"bad_records", r.bad_records}, {"bad_examples", r.bad_examples}};
  j["shards"] = {{"covered", r.shards}, {"count", r.shard_count}};
  nlohmann::json variants = nlohmann::json::array();
  for (const VariantResult& v : r.variants) variants.push_back(VariantJson(v));
  j["variants"] = std::move(variants);
  return j;
}

absl::StatusOr<SimulationResult> FromJson(const nlohmann::json& json) {
  const JsonReader j(json, "");
  if (!json.is_object()) return JsonReader(json, "report").ExpectObject();
  SimulationResult r;
  EDGESIM_ASSIGN_OR_RETURN(const JsonReader scenario, j.Required("scenario"));
  EDGESIM_ASSIGN_OR_RETURN(r.scenario, scenario.String());
  if (const JsonReader d = j.Field("description"); d.present()) {
    EDGESIM_ASSIGN_OR_RETURN(r.description, d.String());
  }
  EDGESIM_ASSIGN_OR_RETURN(const JsonReader series, j.Required("series"));
  EDGESIM_ASSIGN_OR_RETURN(const JsonReader start, series.Required("start_unix_seconds"));
  EDGESIM_ASSIGN_OR_RETURN(const int64_t start_seconds, start.Int());
  r.series_start = absl::FromUnixSeconds(start_seconds);
  EDGESIM_ASSIGN_OR_RETURN(const JsonReader bucket, series.Required("bucket_seconds"));
  EDGESIM_ASSIGN_OR_RETURN(r.series_bucket, bucket.Seconds());
  EDGESIM_ASSIGN_OR_RETURN(const JsonReader buckets, series.Required("buckets"));
  EDGESIM_ASSIGN_OR_RETURN(const int64_t bucket_count, buckets.Int());
  r.series_buckets = static_cast<int>(bucket_count);
  EDGESIM_ASSIGN_OR_RETURN(const JsonReader deploys, j.Required("deploys"));
  EDGESIM_ASSIGN_OR_RETURN(r.deploys, ListFromJson<double>(deploys, &JsonReader::Number));
  EDGESIM_ASSIGN_OR_RETURN(const JsonReader input, j.Required("input"));
  EDGESIM_ASSIGN_OR_RETURN(const JsonReader records, input.Required("records"));
  EDGESIM_ASSIGN_OR_RETURN(r.records, records.Int());
  EDGESIM_ASSIGN_OR_RETURN(const JsonReader bad, input.Required("bad_records"));
  EDGESIM_ASSIGN_OR_RETURN(r.bad_records, bad.Int());
  EDGESIM_ASSIGN_OR_RETURN(const JsonReader examples, input.Required("bad_examples"));
  EDGESIM_ASSIGN_OR_RETURN(r.bad_examples,
                           ListFromJson<std::string>(examples, &JsonReader::String));
  EDGESIM_ASSIGN_OR_RETURN(const JsonReader shards, j.Required("shards"));
  EDGESIM_ASSIGN_OR_RETURN(const JsonReader covered, shards.Required("covered"));
  EDGESIM_ASSIGN_OR_RETURN(const std::vector<int64_t> covered_shards,
                           ListFromJson<int64_t>(covered, &JsonReader::Int));
  r.shards.assign(covered_shards.begin(), covered_shards.end());
  EDGESIM_ASSIGN_OR_RETURN(const JsonReader count, shards.Required("count"));
  EDGESIM_ASSIGN_OR_RETURN(const int64_t shard_count, count.Int());
  r.shard_count = static_cast<int>(shard_count);
  EDGESIM_ASSIGN_OR_RETURN(const JsonReader variants, j.Required("variants"));
  EDGESIM_ASSIGN_OR_RETURN(const std::vector<JsonReader> items, variants.Items());
  for (const JsonReader& item : items) {
    EDGESIM_ASSIGN_OR_RETURN(VariantResult v, VariantFromJson(item));
    if (static_cast<int>(v.series.size()) != r.series_buckets) {
      return item.Error("series length differs from series.buckets");
    }
    r.variants.push_back(std::move(v));
  }
  return r;
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
