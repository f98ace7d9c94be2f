#include "sim/workload_spec.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <initializer_list>
#include <iterator>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "policy/status_macros.h"
#include "sim/json_fields.h"

namespace edgesim::sim {
namespace {

using nlohmann::json;

// Rejects keys other than `allowed`, so a misspelt option is an error instead of a default.
absl::Status CheckKeys(const json& j, const std::string& where,
                       std::initializer_list<absl::string_view> allowed) {
  if (!j.is_object()) return FieldError(where, "expected an object");
  for (const auto& [key, value] : j.items()) {
    bool known = false;
    for (absl::string_view a : allowed) known = known || key == a;
    if (!known) {
      return FieldError(
          absl::StrCat(where, ".", key),
          absl::StrCat("unknown field (expected one of ", absl::StrJoin(allowed, ", "), ")"));
    }
  }
  return absl::OkStatus();
}

// Reads an optional number in [min, max] into `out` (left unchanged when absent).
absl::Status ReadNumber(const json& j, const char* key, const std::string& where, double min,
                        double max, double& out) {
  if (!j.contains(key)) return absl::OkStatus();
  const json& v = j[key];
  const std::string field = absl::StrCat(where, ".", key);
  if (!v.is_number()) return FieldError(field, "expected a number");
  const double d = v.get<double>();
  if (!(d >= min && d <= max)) {
    return FieldError(field, absl::StrCat("must be between ", min, " and ", max));
  }
  out = d;
  return absl::OkStatus();
}

absl::Status ReadUint(const json& j, const char* key, const std::string& where, uint64_t min,
                      uint64_t& out) {
  if (!j.contains(key)) return absl::OkStatus();
  const json& v = j[key];
  const std::string field = absl::StrCat(where, ".", key);
  const bool non_negative =
      v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0);
  if (!non_negative) {
    return FieldError(field, "expected a non-negative integer");
  }
  const uint64_t u = v.get<uint64_t>();
  if (u < min) return FieldError(field, absl::StrCat("must be at least ", min));
  out = u;
  return absl::OkStatus();
}

absl::Status ReadSeconds(const json& j, const char* key, const std::string& where,
                         absl::Duration& out) {
  if (!j.contains(key)) return absl::OkStatus();
  double seconds = 0;
  EDGESIM_RETURN_IF_ERROR(ReadNumber(j, key, where, 0, 1e10, seconds));
  out = absl::Seconds(seconds);
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadString(const json& j, const char* key, const std::string& where) {
  const std::string field = absl::StrCat(where, ".", key);
  if (!j.contains(key)) return FieldError(field, "missing");
  if (!j[key].is_string() || j[key].get_ref<const std::string&>().empty()) {
    return FieldError(field, "expected a non-empty string");
  }
  return j[key].get<std::string>();
}

std::string ResolvePath(const std::string& base_dir, const std::string& path) {
  if (base_dir.empty() || path.front() == '/') return path;
  return absl::StrCat(base_dir, base_dir.back() == '/' ? "" : "/", path);
}

absl::StatusOr<TimeUnit> ParseTimeUnit(absl::string_view unit, const std::string& field) {
  if (unit == "s") return TimeUnit::kSeconds;
  if (unit == "ms") return TimeUnit::kMilliseconds;
  if (unit == "us") return TimeUnit::kMicroseconds;
  return FieldError(field, absl::StrCat("\"", unit, "\" is not a time unit (s, ms, us)"));
}

absl::StatusOr<int> ParseColumnNumber(absl::string_view text, const std::string& field) {
  int value = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1 || value > 1000) {
    return FieldError(field, absl::StrCat("\"", text, "\" is not a column number (1-1000)"));
  }
  return value - 1;
}

absl::Status CheckCsvFormat(const CsvFormat& format, const std::string& where) {
  if (format.time_column < 0) return FieldError(absl::StrCat(where, ".time"), "missing");
  if (format.key_column < 0) return FieldError(absl::StrCat(where, ".key"), "missing");
  return absl::OkStatus();
}

absl::StatusOr<CsvFormat> ParseCsvOptionStringAt(absl::string_view options,
                                                 const std::string& where) {
  CsvFormat format;
  for (absl::string_view item : absl::StrSplit(options, ',', absl::SkipWhitespace())) {
    item = absl::StripAsciiWhitespace(item);
    const size_t eq = item.find('=');
    if (eq == absl::string_view::npos) {
      return FieldError(where, absl::StrCat("\"", item, "\" is not name=value"));
    }
    const absl::string_view name = item.substr(0, eq);
    const absl::string_view value = item.substr(eq + 1);
    const std::string field = absl::StrCat(where, ": ", name);
    if (name == "time-col") {
      EDGESIM_ASSIGN_OR_RETURN(format.time_column, ParseColumnNumber(value, field));
    } else if (name == "obj-id-col") {
      EDGESIM_ASSIGN_OR_RETURN(format.key_column, ParseColumnNumber(value, field));
    } else if (name == "obj-size-col") {
      EDGESIM_ASSIGN_OR_RETURN(format.size_column, ParseColumnNumber(value, field));
    } else if (name == "status-col") {
      EDGESIM_ASSIGN_OR_RETURN(format.status_column, ParseColumnNumber(value, field));
    } else if (name == "pop-col") {
      EDGESIM_ASSIGN_OR_RETURN(format.pop_column, ParseColumnNumber(value, field));
    } else if (name == "time-unit") {
      EDGESIM_ASSIGN_OR_RETURN(format.time_unit, ParseTimeUnit(value, field));
    } else if (name == "has-header" || name == "header") {
      if (value != "true" && value != "false" && value != "1" && value != "0") {
        return FieldError(field, "expected true or false");
      }
      format.header = value == "true" || value == "1";
    } else if (name == "delimiter") {
      // An empty value is the comma the split consumed ("delimiter=,,").
      if (value == "\\t") {
        format.delimiter = '\t';
      } else if (value.size() <= 1) {
        format.delimiter = value.empty() ? ',' : value[0];
      } else {
        return FieldError(field, "expected one character (or \\t)");
      }
    } else if (name != "obj-id-is-num") {
      return FieldError(field, "unknown option");
    }
  }
  EDGESIM_RETURN_IF_ERROR(CheckCsvFormat(format, where));
  return format;
}

absl::Status ParseCsvColumns(const json& j, const std::string& where, CsvFormat& format) {
  EDGESIM_RETURN_IF_ERROR(CheckKeys(j, where, {"time", "key", "size", "status", "pop"}));
  const std::pair<const char*, int*> columns[] = {{"time", &format.time_column},
                                                  {"key", &format.key_column},
                                                  {"size", &format.size_column},
                                                  {"status", &format.status_column},
                                                  {"pop", &format.pop_column}};
  for (const auto& [name, column] : columns) {
    if (!j.contains(name)) continue;
    uint64_t index = 0;
    EDGESIM_RETURN_IF_ERROR(ReadUint(j, name, where, 0, index));
    if (index > 999) return FieldError(absl::StrCat(where, ".", name), "at most 999");
    *column = static_cast<int>(index);
  }
  return CheckCsvFormat(format, where);
}

absl::Status ParseCsv(const json& j, const std::string& base_dir, WorkloadSpec& spec) {
  EDGESIM_RETURN_IF_ERROR(
      CheckKeys(j, "workload", {"kind", "file", "columns", "time_unit", "header", "delimiter"}));
  EDGESIM_ASSIGN_OR_RETURN(std::string file, ReadString(j, "file", "workload"));
  spec.files = {ResolvePath(base_dir, file)};
  if (!j.contains("columns")) return FieldError("workload.columns", "missing");
  if (j["columns"].is_string()) {
    EDGESIM_ASSIGN_OR_RETURN(
        spec.csv, ParseCsvOptionStringAt(j["columns"].get<std::string>(), "workload.columns"));
  } else {
    EDGESIM_RETURN_IF_ERROR(ParseCsvColumns(j["columns"], "workload.columns", spec.csv));
  }
  if (j.contains("time_unit")) {
    EDGESIM_ASSIGN_OR_RETURN(std::string unit, ReadString(j, "time_unit", "workload"));
    EDGESIM_ASSIGN_OR_RETURN(spec.csv.time_unit, ParseTimeUnit(unit, "workload.time_unit"));
  }
  if (j.contains("header")) {
    if (!j["header"].is_boolean()) return FieldError("workload.header", "expected true or false");
    spec.csv.header = j["header"].get<bool>();
  }
  if (j.contains("delimiter")) {
    EDGESIM_ASSIGN_OR_RETURN(std::string delimiter, ReadString(j, "delimiter", "workload"));
    if (delimiter.size() != 1) return FieldError("workload.delimiter", "expected one character");
    spec.csv.delimiter = delimiter[0];
  }
  return absl::OkStatus();
}

absl::Status ParseCloudFrontLog(const json& j, const std::string& base_dir, WorkloadSpec& spec) {
  EDGESIM_RETURN_IF_ERROR(CheckKeys(j, "workload", {"kind", "files", "pop_map"}));
  if (!j.contains("files")) return FieldError("workload.files", "missing");
  const json& files = j["files"];
  if (!files.is_array() || files.empty()) {
    return FieldError("workload.files", "expected a non-empty array of paths or globs");
  }
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string field = absl::StrCat("workload.files[", i, "]");
    if (!files[i].is_string() || files[i].get_ref<const std::string&>().empty()) {
      return FieldError(field, "expected a non-empty string");
    }
    spec.files.push_back(ResolvePath(base_dir, files[i].get<std::string>()));
  }
  if (j.contains("pop_map")) {
    const json& map = j["pop_map"];
    if (!map.is_object()) return FieldError("workload.pop_map", "expected an object");
    for (const auto& [location, pop] : map.items()) {
      if (!pop.is_string() || pop.get_ref<const std::string&>().empty()) {
        return FieldError(absl::StrCat("workload.pop_map.", location),
                          "expected a non-empty string");
      }
      spec.pop_map.emplace_back(location, pop.get<std::string>());
    }
  }
  return absl::OkStatus();
}

absl::Status ParseOracleGeneral(const json& j, const std::string& base_dir, WorkloadSpec& spec) {
  EDGESIM_RETURN_IF_ERROR(CheckKeys(j, "workload", {"kind", "file"}));
  EDGESIM_ASSIGN_OR_RETURN(std::string file, ReadString(j, "file", "workload"));
  spec.files = {ResolvePath(base_dir, file)};
  return absl::OkStatus();
}

absl::Status ParseSizeDistribution(const json& j, const std::string& where, SizeDistribution& out) {
  EDGESIM_RETURN_IF_ERROR(CheckKeys(j, where, {"kind", "bytes", "median", "sigma"}));
  EDGESIM_ASSIGN_OR_RETURN(std::string kind, ReadString(j, "kind", where));
  constexpr uint64_t kMaxBytes = uint64_t{1} << 40;
  if (kind == "fixed") {
    if (!j.contains("bytes")) return FieldError(absl::StrCat(where, ".bytes"), "missing");
    out.kind = SizeDistribution::Kind::kFixed;
    EDGESIM_RETURN_IF_ERROR(ReadUint(j, "bytes", where, 0, out.bytes));
  } else if (kind == "lognormal") {
    if (!j.contains("median")) return FieldError(absl::StrCat(where, ".median"), "missing");
    out.kind = SizeDistribution::Kind::kLognormal;
    EDGESIM_RETURN_IF_ERROR(ReadUint(j, "median", where, 1, out.bytes));
    EDGESIM_RETURN_IF_ERROR(ReadNumber(j, "sigma", where, 0, 10, out.sigma));
  } else {
    return FieldError(absl::StrCat(where, ".kind"),
                      absl::StrCat("\"", kind, "\" is not a size distribution (fixed, lognormal)"));
  }
  if (out.bytes > kMaxBytes) return FieldError(where, "size above 1 TiB");
  return absl::OkStatus();
}

constexpr const char* kClassNames[kPathClasses] = {"html", "assets", "api"};

absl::Status ParseSizes(const json& j, GeneratorSpec& g) {
  const std::string where = "workload.sizes";
  if (!j.is_object()) return FieldError(where, "expected an object");
  if (j.contains("kind")) {
    EDGESIM_RETURN_IF_ERROR(ParseSizeDistribution(j, where, g.sizes[0]));
    for (SizeDistribution& s : g.sizes) s = g.sizes[0];
    return absl::OkStatus();
  }
  EDGESIM_RETURN_IF_ERROR(CheckKeys(j, where, {"html", "assets", "api"}));
  for (int c = 0; c < kPathClasses; ++c) {
    if (!j.contains(kClassNames[c])) continue;
    EDGESIM_RETURN_IF_ERROR(ParseSizeDistribution(
        j[kClassNames[c]], absl::StrCat(where, ".", kClassNames[c]), g.sizes[c]));
  }
  return absl::OkStatus();
}

absl::Status ParsePaths(const json& j, GeneratorSpec& g) {
  const std::string where = "workload.paths";
  if (j.is_string() && j.get_ref<const std::string&>() == "keys") {
    g.key_only = true;
    return absl::OkStatus();
  }
  EDGESIM_RETURN_IF_ERROR(CheckKeys(j, where, {"html", "assets", "api", "api_pages"}));
  // Listing any class means the unlisted ones get no objects.
  bool listed = false;
  for (const char* name : kClassNames) listed = listed || j.contains(name);
  if (listed) std::fill(std::begin(g.class_weights), std::end(g.class_weights), 0.0);
  double total = 0;
  for (int c = 0; c < kPathClasses; ++c) {
    EDGESIM_RETURN_IF_ERROR(ReadNumber(j, kClassNames[c], where, 0, 1e9, g.class_weights[c]));
    total += g.class_weights[c];
  }
  if (total <= 0) return FieldError(where, "the class shares add up to 0");
  uint64_t pages = g.api_pages;
  EDGESIM_RETURN_IF_ERROR(ReadUint(j, "api_pages", where, 1, pages));
  if (pages > 1000000) return FieldError(absl::StrCat(where, ".api_pages"), "at most 1000000");
  g.api_pages = static_cast<uint32_t>(pages);
  return absl::OkStatus();
}

absl::Status ParseDeploys(const json& j, GeneratorSpec& g) {
  const std::string where = "workload.deploys";
  EDGESIM_RETURN_IF_ERROR(CheckKeys(j, where, {"at", "every", "changed_fraction"}));
  if (j.contains("at")) {
    if (!j["at"].is_array()) return FieldError(absl::StrCat(where, ".at"), "expected an array");
    for (size_t i = 0; i < j["at"].size(); ++i) {
      const json& t = j["at"][i];
      if (!t.is_number() || t.get<double>() < 0) {
        return FieldError(absl::StrCat(where, ".at[", i, "]"), "expected seconds (>= 0)");
      }
      g.deploy_at.push_back(absl::Seconds(t.get<double>()));
    }
  }
  EDGESIM_RETURN_IF_ERROR(ReadSeconds(j, "every", where, g.deploy_every));
  if (j.contains("every") && g.deploy_every <= absl::ZeroDuration()) {
    return FieldError(absl::StrCat(where, ".every"), "must be positive");
  }
  return ReadNumber(j, "changed_fraction", where, 0, 1, g.deploy_changed_fraction);
}

absl::Status ParseInvalidations(const json& j, GeneratorSpec& g) {
  if (!j.is_array()) return FieldError("workload.invalidations", "expected an array");
  for (size_t i = 0; i < j.size(); ++i) {
    const std::string where = absl::StrCat("workload.invalidations[", i, "]");
    EDGESIM_RETURN_IF_ERROR(CheckKeys(j[i], where, {"at", "paths"}));
    GeneratorSpec::Invalidation inv;
    if (!j[i].contains("at")) return FieldError(absl::StrCat(where, ".at"), "missing");
    EDGESIM_RETURN_IF_ERROR(ReadSeconds(j[i], "at", where, inv.at));
    const json& paths = j[i].contains("paths") ? j[i]["paths"] : json();
    if (!paths.is_array() || paths.empty()) {
      return FieldError(absl::StrCat(where, ".paths"), "expected a non-empty array of paths");
    }
    for (size_t p = 0; p < paths.size(); ++p) {
      if (!paths[p].is_string() || paths[p].get_ref<const std::string&>().empty() ||
          paths[p].get_ref<const std::string&>()[0] != '/') {
        return FieldError(absl::StrCat(where, ".paths[", p, "]"),
                          "expected a path starting with /");
      }
      inv.paths.push_back(paths[p].get<std::string>());
    }
    g.invalidations.push_back(std::move(inv));
  }
  return absl::OkStatus();
}

absl::Status ParseSynthetic(const json& j, GeneratorSpec& g) {
  const std::string where = "workload";
  EDGESIM_RETURN_IF_ERROR(
      CheckKeys(j, where,
                {"kind", "seed", "objects", "zipf_alpha", "duration", "requests", "rate",
                 "daily_cycle", "pops", "paths", "sizes", "deploys", "invalidations"}));
  EDGESIM_RETURN_IF_ERROR(ReadUint(j, "seed", where, 0, g.seed));
  EDGESIM_RETURN_IF_ERROR(ReadUint(j, "objects", where, 1, g.objects));
  if (g.objects > kMaxGeneratedObjects) {
    return FieldError("workload.objects", absl::StrCat("at most ", kMaxGeneratedObjects));
  }
  EDGESIM_RETURN_IF_ERROR(ReadNumber(j, "zipf_alpha", where, 0, 10, g.zipf_alpha));
  // A request count alone bounds the trace: no default day.
  if (j.contains("requests") && !j.contains("duration")) g.duration = absl::InfiniteDuration();
  EDGESIM_RETURN_IF_ERROR(ReadSeconds(j, "duration", where, g.duration));
  EDGESIM_RETURN_IF_ERROR(ReadUint(j, "requests", where, 1, g.max_requests));
  EDGESIM_RETURN_IF_ERROR(ReadNumber(j, "rate", where, 1e-6, 1e9, g.rate));
  if (j.contains("daily_cycle")) {
    const json& cycle = j["daily_cycle"];
    const std::string cw = "workload.daily_cycle";
    EDGESIM_RETURN_IF_ERROR(CheckKeys(cycle, cw, {"amplitude", "peak_hour", "start_hour"}));
    EDGESIM_RETURN_IF_ERROR(ReadNumber(cycle, "amplitude", cw, 0, 1, g.daily_amplitude));
    EDGESIM_RETURN_IF_ERROR(ReadNumber(cycle, "peak_hour", cw, 0, 24, g.peak_hour));
    EDGESIM_RETURN_IF_ERROR(ReadNumber(cycle, "start_hour", cw, 0, 24, g.start_hour));
  }
  if (j.contains("pops")) {
    const json& pops = j["pops"];
    if (!pops.is_object() || pops.empty()) {
      return FieldError("workload.pops", "expected an object of POP code -> weight");
    }
    double total = 0;
    for (const auto& [pop, weight] : pops.items()) {
      double w = 0;
      EDGESIM_RETURN_IF_ERROR(ReadNumber(pops, pop.c_str(), "workload.pops", 0, 1e9, w));
      g.pop_weights.emplace_back(pop, w);
      total += w;
    }
    if (total <= 0) return FieldError("workload.pops", "the weights add up to 0");
  }
  if (j.contains("paths")) EDGESIM_RETURN_IF_ERROR(ParsePaths(j["paths"], g));
  if (j.contains("sizes")) EDGESIM_RETURN_IF_ERROR(ParseSizes(j["sizes"], g));
  if (j.contains("deploys")) EDGESIM_RETURN_IF_ERROR(ParseDeploys(j["deploys"], g));
  if (j.contains("invalidations")) {
    EDGESIM_RETURN_IF_ERROR(ParseInvalidations(j["invalidations"], g));
  }
  if (g.max_requests == 0 && g.duration <= absl::ZeroDuration()) {
    return FieldError("workload.duration", "must be positive when \"requests\" is not given");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<CsvFormat> ParseCsvOptionString(absl::string_view options) {
  return ParseCsvOptionStringAt(options, "csv options");
}

absl::StatusOr<WorkloadSpec> ParseWorkloadSpec(const nlohmann::json& j,
                                               const std::string& base_dir) {
  if (!j.is_object()) return FieldError("workload", "expected an object");
  EDGESIM_ASSIGN_OR_RETURN(std::string kind, ReadString(j, "kind", "workload"));
  WorkloadSpec spec;
  absl::Status status;
  if (kind == "cloudfront-log") {
    spec.kind = WorkloadSpec::Kind::kCloudFrontLog;
    status = ParseCloudFrontLog(j, base_dir, spec);
  } else if (kind == "csv") {
    spec.kind = WorkloadSpec::Kind::kCsv;
    status = ParseCsv(j, base_dir, spec);
  } else if (kind == "oracle-general") {
    spec.kind = WorkloadSpec::Kind::kOracleGeneral;
    status = ParseOracleGeneral(j, base_dir, spec);
  } else if (kind == "synthetic") {
    spec.kind = WorkloadSpec::Kind::kSynthetic;
    status = ParseSynthetic(j, spec.synthetic);
  } else {
    return FieldError("workload.kind",
                      absl::StrCat("\"", kind,
                                   "\" is not a workload kind (cloudfront-log, csv, "
                                   "oracle-general, synthetic)"));
  }
  if (!status.ok()) return status;
  return spec;
}

}  // namespace edgesim::sim
