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
#include "policy/json_reader.h"
#include "policy/status_macros.h"
#include "sim/trace.h"

namespace edgesim::sim {
namespace {

using policy::JsonError;
using policy::JsonReader;

// An optional number in [min, max] into `out` (left unchanged when absent).
absl::Status ReadNumber(const JsonReader& j, absl::string_view key, double min, double max,
                        double& out) {
  const JsonReader v = j.Field(key);
  if (!v.present()) return absl::OkStatus();
  EDGESIM_ASSIGN_OR_RETURN(const double d, v.Number());
  if (!(d >= min && d <= max)) return v.Error(absl::StrCat("must be between ", min, " and ", max));
  out = d;
  return absl::OkStatus();
}

// An optional integer >= min into `out` (left unchanged when absent).
absl::Status ReadUint(const JsonReader& j, absl::string_view key, uint64_t min, uint64_t& out) {
  const JsonReader v = j.Field(key);
  if (!v.present()) return absl::OkStatus();
  if (!v.value().is_number_unsigned() &&
      !(v.value().is_number_integer() && v.value().get<int64_t>() >= 0)) {
    return v.Error("expected a non-negative integer");
  }
  const uint64_t u = v.value().get<uint64_t>();
  if (u < min) return v.Error(absl::StrCat("must be at least ", min));
  out = u;
  return absl::OkStatus();
}

// An optional number of seconds into `out` (left unchanged when absent); generated traffic
// starts at the Unix epoch, so no span passes kMaxTraceOffset.
absl::Status ReadSeconds(const JsonReader& j, absl::string_view key, absl::Duration& out) {
  if (const JsonReader v = j.Field(key); v.present()) {
    EDGESIM_ASSIGN_OR_RETURN(out, v.Seconds(kMaxTraceOffset));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadNonEmptyString(const JsonReader& v) {
  absl::StatusOr<std::string> s = v.String();
  if (!s.ok() || s->empty()) return v.Error("expected a non-empty string");
  return s;
}

absl::StatusOr<std::string> ReadRequiredString(const JsonReader& j, absl::string_view key) {
  EDGESIM_ASSIGN_OR_RETURN(const JsonReader v, j.Required(key));
  return ReadNonEmptyString(v);
}

std::string ResolvePath(const std::string& base_dir, const std::string& path) {
  if (base_dir.empty() || path.front() == '/') return path;
  return absl::StrCat(base_dir, base_dir.back() == '/' ? "" : "/", path);
}

absl::StatusOr<TimeUnit> ParseTimeUnit(absl::string_view unit, absl::string_view field) {
  if (unit == "s") return TimeUnit::kSeconds;
  if (unit == "ms") return TimeUnit::kMilliseconds;
  if (unit == "us") return TimeUnit::kMicroseconds;
  return JsonError(field, absl::StrCat("\"", unit, "\" is not a time unit (s, ms, us)"));
}

absl::StatusOr<int> ParseColumnNumber(absl::string_view text, absl::string_view field) {
  int value = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1 || value > 1000) {
    return JsonError(field, absl::StrCat("\"", text, "\" is not a column number (1-1000)"));
  }
  return value - 1;
}

absl::Status CheckCsvFormat(const CsvFormat& format, absl::string_view where) {
  if (format.time_column < 0) {
    return JsonError(absl::StrCat(where, ".time"), "required field is missing");
  }
  if (format.key_column < 0) {
    return JsonError(absl::StrCat(where, ".key"), "required field is missing");
  }
  return absl::OkStatus();
}

absl::StatusOr<CsvFormat> ParseCsvOptionStringAt(absl::string_view options,
                                                 absl::string_view where) {
  CsvFormat format;
  for (absl::string_view item : absl::StrSplit(options, ',', absl::SkipWhitespace())) {
    item = absl::StripAsciiWhitespace(item);
    const size_t eq = item.find('=');
    if (eq == absl::string_view::npos) {
      return JsonError(where, absl::StrCat("\"", item, "\" is not name=value"));
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
        return JsonError(field, "expected true or false");
      }
      format.header = value == "true" || value == "1";
    } else if (name == "delimiter") {
      // An empty value is the comma the split consumed ("delimiter=,,").
      if (value == "\\t") {
        format.delimiter = '\t';
      } else if (value.size() <= 1) {
        format.delimiter = value.empty() ? ',' : value[0];
      } else {
        return JsonError(field, "expected one character (or \\t)");
      }
    } else if (name != "obj-id-is-num") {
      return JsonError(field, "unknown option");
    }
  }
  EDGESIM_RETURN_IF_ERROR(CheckCsvFormat(format, where));
  return format;
}

absl::Status ParseCsvColumns(const JsonReader& j, CsvFormat& format) {
  EDGESIM_RETURN_IF_ERROR(j.OnlyKeys({"time", "key", "size", "status", "pop"}));
  const std::pair<absl::string_view, int*> columns[] = {{"time", &format.time_column},
                                                        {"key", &format.key_column},
                                                        {"size", &format.size_column},
                                                        {"status", &format.status_column},
                                                        {"pop", &format.pop_column}};
  for (const auto& [name, column] : columns) {
    if (!j.Field(name).present()) continue;
    uint64_t index = 0;
    EDGESIM_RETURN_IF_ERROR(ReadUint(j, name, 0, index));
    if (index > 999) return j.Field(name).Error("at most 999");
    *column = static_cast<int>(index);
  }
  return CheckCsvFormat(format, j.location());
}

absl::Status ParseCsv(const JsonReader& j, const std::string& base_dir, WorkloadSpec& spec) {
  EDGESIM_RETURN_IF_ERROR(
      j.OnlyKeys({"kind", "file", "columns", "time_unit", "header", "delimiter"}));
  EDGESIM_ASSIGN_OR_RETURN(std::string file, ReadRequiredString(j, "file"));
  spec.files = {ResolvePath(base_dir, file)};
  EDGESIM_ASSIGN_OR_RETURN(const JsonReader columns, j.Required("columns"));
  if (columns.value().is_string()) {
    EDGESIM_ASSIGN_OR_RETURN(spec.csv,
                             ParseCsvOptionStringAt(*columns.String(), columns.location()));
  } else {
    EDGESIM_RETURN_IF_ERROR(ParseCsvColumns(columns, spec.csv));
  }
  if (const JsonReader v = j.Field("time_unit"); v.present()) {
    EDGESIM_ASSIGN_OR_RETURN(std::string unit, ReadNonEmptyString(v));
    EDGESIM_ASSIGN_OR_RETURN(spec.csv.time_unit, ParseTimeUnit(unit, v.location()));
  }
  if (const JsonReader v = j.Field("header"); v.present()) {
    EDGESIM_ASSIGN_OR_RETURN(spec.csv.header, v.Bool());
  }
  if (const JsonReader v = j.Field("delimiter"); v.present()) {
    EDGESIM_ASSIGN_OR_RETURN(std::string delimiter, ReadNonEmptyString(v));
    if (delimiter.size() != 1) return v.Error("expected one character");
    spec.csv.delimiter = delimiter[0];
  }
  return absl::OkStatus();
}

absl::Status ParseCloudFrontLog(const JsonReader& j, const std::string& base_dir,
                                WorkloadSpec& spec) {
  EDGESIM_RETURN_IF_ERROR(j.OnlyKeys({"kind", "files", "pop_map"}));
  EDGESIM_ASSIGN_OR_RETURN(const JsonReader files, j.Required("files"));
  absl::StatusOr<std::vector<JsonReader>> items = files.Items();
  if (!items.ok() || items->empty()) {
    return files.Error("expected a non-empty array of paths or globs");
  }
  for (const JsonReader& item : *items) {
    EDGESIM_ASSIGN_OR_RETURN(std::string file, ReadNonEmptyString(item));
    spec.files.push_back(ResolvePath(base_dir, file));
  }
  if (const JsonReader map = j.Field("pop_map"); map.present()) {
    EDGESIM_ASSIGN_OR_RETURN(const auto members, map.Members());
    for (const auto& [location, pop] : members) {
      EDGESIM_ASSIGN_OR_RETURN(std::string code, ReadNonEmptyString(pop));
      spec.pop_map.emplace_back(location, std::move(code));
    }
  }
  return absl::OkStatus();
}

absl::Status ParseOracleGeneral(const JsonReader& j, const std::string& base_dir,
                                WorkloadSpec& spec) {
  EDGESIM_RETURN_IF_ERROR(j.OnlyKeys({"kind", "file"}));
  EDGESIM_ASSIGN_OR_RETURN(std::string file, ReadRequiredString(j, "file"));
  spec.files = {ResolvePath(base_dir, file)};
  return absl::OkStatus();
}

absl::Status ParseSizeDistribution(const JsonReader& j, SizeDistribution& out) {
  EDGESIM_RETURN_IF_ERROR(j.OnlyKeys({"kind", "bytes", "median", "sigma"}));
  EDGESIM_ASSIGN_OR_RETURN(std::string kind, ReadRequiredString(j, "kind"));
  constexpr uint64_t kMaxBytes = uint64_t{1} << 40;
  if (kind == "fixed") {
    if (!j.Field("bytes").present()) return j.Field("bytes").Missing();
    out.kind = SizeDistribution::Kind::kFixed;
    EDGESIM_RETURN_IF_ERROR(ReadUint(j, "bytes", 0, out.bytes));
  } else if (kind == "lognormal") {
    if (!j.Field("median").present()) return j.Field("median").Missing();
    out.kind = SizeDistribution::Kind::kLognormal;
    EDGESIM_RETURN_IF_ERROR(ReadUint(j, "median", 1, out.bytes));
    EDGESIM_RETURN_IF_ERROR(ReadNumber(j, "sigma", 0, 10, out.sigma));
  } else {
    return j.Field("kind").Error(
        absl::StrCat("\"", kind, "\" is not a size distribution (fixed, lognormal)"));
  }
  if (out.bytes > kMaxBytes) return j.Error("size above 1 TiB");
  return absl::OkStatus();
}

constexpr absl::string_view kClassNames[kPathClasses] = {"html", "assets", "api"};

absl::Status ParseSizes(const JsonReader& j, GeneratorSpec& g) {
  EDGESIM_RETURN_IF_ERROR(j.ExpectObject());
  if (j.Field("kind").present()) {
    EDGESIM_RETURN_IF_ERROR(ParseSizeDistribution(j, g.sizes[0]));
    for (SizeDistribution& s : g.sizes) s = g.sizes[0];
    return absl::OkStatus();
  }
  EDGESIM_RETURN_IF_ERROR(j.OnlyKeys(kClassNames));
  for (int c = 0; c < kPathClasses; ++c) {
    if (const JsonReader v = j.Field(kClassNames[c]); v.present()) {
      EDGESIM_RETURN_IF_ERROR(ParseSizeDistribution(v, g.sizes[c]));
    }
  }
  return absl::OkStatus();
}

absl::Status ParsePaths(const JsonReader& j, GeneratorSpec& g) {
  if (j.value().is_string() && j.value().get_ref<const std::string&>() == "keys") {
    g.key_only = true;
    return absl::OkStatus();
  }
  EDGESIM_RETURN_IF_ERROR(j.OnlyKeys({"html", "assets", "api", "api_pages"}));
  // Listing any class means the unlisted ones get no objects.
  bool listed = false;
  for (absl::string_view name : kClassNames) listed = listed || j.Field(name).present();
  if (listed) std::fill(std::begin(g.class_weights), std::end(g.class_weights), 0.0);
  double total = 0;
  for (int c = 0; c < kPathClasses; ++c) {
    EDGESIM_RETURN_IF_ERROR(ReadNumber(j, kClassNames[c], 0, 1e9, g.class_weights[c]));
    total += g.class_weights[c];
  }
  if (total <= 0) return j.Error("the class shares add up to 0");
  uint64_t pages = g.api_pages;
  EDGESIM_RETURN_IF_ERROR(ReadUint(j, "api_pages", 1, pages));
  if (pages > 1000000) return j.Field("api_pages").Error("at most 1000000");
  g.api_pages = static_cast<uint32_t>(pages);
  return absl::OkStatus();
}

absl::Status ParseDeploys(const JsonReader& j, GeneratorSpec& g) {
  EDGESIM_RETURN_IF_ERROR(j.OnlyKeys({"at", "every", "changed_fraction"}));
  if (const JsonReader at = j.Field("at"); at.present()) {
    EDGESIM_ASSIGN_OR_RETURN(const std::vector<JsonReader> times, at.Items());
    for (const JsonReader& t : times) {
      absl::StatusOr<absl::Duration> when = t.Seconds(kMaxTraceOffset);
      if (!when.ok())
        return t.Error(absl::StrCat("expected seconds 0-", core::kLatestEpochSeconds));
      g.deploy_at.push_back(*when);
    }
  }
  EDGESIM_RETURN_IF_ERROR(ReadSeconds(j, "every", g.deploy_every));
  if (j.Field("every").present() && g.deploy_every <= absl::ZeroDuration()) {
    return j.Field("every").Error("must be positive");
  }
  return ReadNumber(j, "changed_fraction", 0, 1, g.deploy_changed_fraction);
}

absl::Status ParseInvalidations(const JsonReader& j, GeneratorSpec& g) {
  EDGESIM_ASSIGN_OR_RETURN(const std::vector<JsonReader> items, j.Items());
  for (const JsonReader& item : items) {
    EDGESIM_RETURN_IF_ERROR(item.OnlyKeys({"at", "paths"}));
    GeneratorSpec::Invalidation inv;
    EDGESIM_ASSIGN_OR_RETURN(const JsonReader at, item.Required("at"));
    EDGESIM_ASSIGN_OR_RETURN(inv.at, at.Seconds(kMaxTraceOffset));
    const JsonReader paths = item.Field("paths");
    absl::StatusOr<std::vector<JsonReader>> path_items = paths.Items();
    if (!path_items.ok() || path_items->empty()) {
      return paths.Error("expected a non-empty array of paths");
    }
    for (const JsonReader& p : *path_items) {
      absl::StatusOr<std::string> path = p.String();
      if (!path.ok() || path->empty() || (*path)[0] != '/') {
        return p.Error("expected a path starting with /");
      }
      inv.paths.push_back(*std::move(path));
    }
    g.invalidations.push_back(std::move(inv));
  }
  return absl::OkStatus();
}

absl::Status ParsePops(const JsonReader& pops, GeneratorSpec& g) {
  absl::StatusOr<std::vector<std::pair<std::string, JsonReader>>> members = pops.Members();
  if (!members.ok() || members->empty()) {
    return pops.Error("expected an object of POP code -> weight");
  }
  double total = 0;
  for (const auto& [pop, weight] : *members) {
    double w = 0;
    EDGESIM_RETURN_IF_ERROR(ReadNumber(pops, pop, 0, 1e9, w));
    g.pop_weights.emplace_back(pop, w);
    total += w;
  }
  if (total <= 0) return pops.Error("the weights add up to 0");
  return absl::OkStatus();
}

absl::Status ParseSynthetic(const JsonReader& j, GeneratorSpec& g) {
  EDGESIM_RETURN_IF_ERROR(
      j.OnlyKeys({"kind", "seed", "objects", "zipf_alpha", "duration", "requests", "rate",
                  "daily_cycle", "pops", "paths", "sizes", "deploys", "invalidations"}));
  EDGESIM_RETURN_IF_ERROR(ReadUint(j, "seed", 0, g.seed));
  EDGESIM_RETURN_IF_ERROR(ReadUint(j, "objects", 1, g.objects));
  if (g.objects > kMaxGeneratedObjects) {
    return j.Field("objects").Error(absl::StrCat("at most ", kMaxGeneratedObjects));
  }
  EDGESIM_RETURN_IF_ERROR(ReadNumber(j, "zipf_alpha", 0, 10, g.zipf_alpha));
  // A request count alone bounds the trace: no default day.
  if (j.Field("requests").present() && !j.Field("duration").present()) {
    g.duration = absl::InfiniteDuration();
  }
  EDGESIM_RETURN_IF_ERROR(ReadSeconds(j, "duration", g.duration));
  EDGESIM_RETURN_IF_ERROR(ReadUint(j, "requests", 1, g.max_requests));
  EDGESIM_RETURN_IF_ERROR(ReadNumber(j, "rate", 1e-6, 1e9, g.rate));
  if (const JsonReader cycle = j.Field("daily_cycle"); cycle.present()) {
    EDGESIM_RETURN_IF_ERROR(cycle.OnlyKeys({"amplitude", "peak_hour", "start_hour"}));
    EDGESIM_RETURN_IF_ERROR(ReadNumber(cycle, "amplitude", 0, 1, g.daily_amplitude));
    EDGESIM_RETURN_IF_ERROR(ReadNumber(cycle, "peak_hour", 0, 24, g.peak_hour));
    EDGESIM_RETURN_IF_ERROR(ReadNumber(cycle, "start_hour", 0, 24, g.start_hour));
  }
  if (const JsonReader v = j.Field("pops"); v.present()) {
    EDGESIM_RETURN_IF_ERROR(ParsePops(v, g));
  }
  if (const JsonReader v = j.Field("paths"); v.present()) {
    EDGESIM_RETURN_IF_ERROR(ParsePaths(v, g));
  }
  if (const JsonReader v = j.Field("sizes"); v.present()) {
    EDGESIM_RETURN_IF_ERROR(ParseSizes(v, g));
  }
  if (const JsonReader v = j.Field("deploys"); v.present()) {
    EDGESIM_RETURN_IF_ERROR(ParseDeploys(v, g));
  }
  if (const JsonReader v = j.Field("invalidations"); v.present()) {
    EDGESIM_RETURN_IF_ERROR(ParseInvalidations(v, g));
  }
  if (g.max_requests == 0 && g.duration <= absl::ZeroDuration()) {
    return j.Field("duration").Error("must be positive when \"requests\" is not given");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<CsvFormat> ParseCsvOptionString(absl::string_view options) {
  return ParseCsvOptionStringAt(options, "csv options");
}

absl::StatusOr<WorkloadSpec> ParseWorkloadSpec(const nlohmann::json& json,
                                               const std::string& base_dir) {
  const JsonReader j(json, "workload");
  EDGESIM_RETURN_IF_ERROR(j.ExpectObject());
  EDGESIM_ASSIGN_OR_RETURN(std::string kind, ReadRequiredString(j, "kind"));
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
    return j.Field("kind").Error(absl::StrCat(
        "\"", kind, "\" is not a workload kind (cloudfront-log, csv, oracle-general, synthetic)"));
  }
  if (!status.ok()) return status;
  return spec;
}

}  // namespace edgesim::sim
