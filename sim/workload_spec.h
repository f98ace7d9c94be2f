// workload_spec.h — the "workload" section of a scenario file (DESIGN 6 and 7): which
// trace to replay, or which synthetic traffic to generate.
//
//   "workload": {"kind": "cloudfront-log", "files": ["logs/*.gz"], "pop_map": {"IAD89-C1": "IAD"}}
//   "workload": {"kind": "csv", "file": "trace.csv", "header": true, "time_unit": "ms",
//                "columns": {"time": 0, "key": 1, "size": 2, "status": 3, "pop": 4}}
//   "workload": {"kind": "csv", "file": "trace.csv", "columns":
//   "time-col=1,obj-id-col=2,obj-size-col=3"} "workload": {"kind": "oracle-general", "file":
//   "trace.oracleGeneral.bin"} "workload": {"kind": "synthetic", "seed": 7, "objects": 10000,
//   "zipf_alpha": 0.9,
//                "duration": 86400, "rate": 50, "daily_cycle": {"amplitude": 0.5, "peak_hour": 20},
//                "pops": {"IAD89-C1": 0.7, "LHR61-C2": 0.3},
//                "paths": {"html": 0.2, "assets": 0.6, "api": 0.2, "api_pages": 3},
//                "sizes": {"html": {"kind": "fixed", "bytes": 12000},
//                          "assets": {"kind": "lognormal", "median": 40000, "sigma": 1.0}},
//                "deploys": {"every": 21600, "changed_fraction": 0.1},
//                "invalidations": [{"at": 3700, "paths": ["/index.html"]}]}
//
//   EDGESIM_ASSIGN_OR_RETURN(WorkloadSpec spec, ParseWorkloadSpec(scenario["workload"], dir));
//   EDGESIM_ASSIGN_OR_RETURN(auto source, OpenTrace(spec, /*strict=*/false));   // trace_source.h
//
// Times and durations are seconds (numbers). Relative file names are resolved against the
// scenario's directory. Every error names the field ("workload.columns.time: ...").
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace edgesim::sim {

enum class TimeUnit { kSeconds, kMilliseconds, kMicroseconds };

// A CSV trace's layout. Column indexes are 0-based here; -1 = the trace has no such column.
struct CsvFormat {
  int time_column = -1;  // required
  // The object: a number is used as the object id as is; a string starting with '/' is a path
  // (it becomes the record's target, id = its hash); any other string is hashed.
  int key_column = -1;  // required
  int size_column = -1;
  int status_column = -1;
  int pop_column = -1;  // POP code per line ("IAD89-C1")
  TimeUnit time_unit = TimeUnit::kSeconds;
  bool header = false;  // skip the first line
  char delimiter = ',';
};

// libCacheSim's `-t` option string, whose columns count from 1:
// "time-col=1,obj-id-col=2,obj-size-col=3,delimiter=;,has-header=true" plus edgesim's
// "status-col=N", "pop-col=N" and "time-unit=ms". libCacheSim's "obj-id-is-num" is accepted and
// ignored (numbers are recognised per line).
absl::StatusOr<CsvFormat> ParseCsvOptionString(absl::string_view options);

// A size distribution of the synthetic generator.
struct SizeDistribution {
  enum class Kind { kFixed, kLognormal } kind = Kind::kFixed;
  uint64_t bytes = 1024;  // kFixed: the size; kLognormal: the median (e^mu)
  double sigma = 1.0;     // kLognormal: the standard deviation of ln(size)
};

// The generator's kinds of objects (sim/workload_generator.h gives their paths).
enum class PathClass : uint8_t { kHtml, kAsset, kApi };
inline constexpr int kPathClasses = 3;

// The generator keeps a few bytes per object in memory.
inline constexpr uint64_t kMaxGeneratedObjects = 50'000'000;

struct GeneratorSpec {
  uint64_t seed = 1;
  uint64_t objects = 10000;
  double zipf_alpha = 1.0;
  // The trace ends at `duration` or after `max_requests` requests ("requests"; 0 = no limit),
  // whichever comes first; "requests" without "duration" means no time limit.
  absl::Duration duration = absl::Hours(24);
  uint64_t max_requests = 0;
  double rate = 100;  // mean requests per second over a day
  // Daily cycle: rate(t) = rate * (1 + amplitude * cos(2 pi (hour(t) - peak_hour) / 24)), where
  // hour(t) = start_hour + t / 1 h (mod 24). amplitude 0 = constant rate.
  double daily_amplitude = 0;
  double peak_hour = 20;
  double start_hour = 0;
  // POP codes and their share of requests; empty = one POP (kDefaultPop).
  std::vector<std::pair<std::string, double>> pop_weights;
  // "paths": "keys" — key-only records (no target; object id = popularity rank + 1).
  bool key_only = false;
  // Share of objects per class, indexed by PathClass (normalised).
  double class_weights[kPathClasses] = {0.2, 0.6, 0.2};
  uint32_t api_pages = 3;  // API calls ask for ?page=1..api_pages
  SizeDistribution sizes[kPathClasses];
  // Deploys: at these offsets and/or every `deploy_every` (zero = never); each changes this share
  // of the objects (`/index.html`, which names the assets, changes at every deploy).
  std::vector<absl::Duration> deploy_at;
  absl::Duration deploy_every = absl::ZeroDuration();
  double deploy_changed_fraction = 0.1;
  struct Invalidation {
    absl::Duration at;
    std::vector<std::string> paths;
  };
  std::vector<Invalidation> invalidations;
};

struct WorkloadSpec {
  enum class Kind { kCloudFrontLog, kCsv, kOracleGeneral, kSynthetic };
  Kind kind = Kind::kSynthetic;
  // Trace files, resolved against the scenario's directory. cloudfront-log: paths or glob
  // patterns (expanded when opened); csv and oracle-general: exactly one path.
  std::vector<std::string> files;
  // cloudfront-log: x-edge-location -> POP name; unlisted locations keep their own name.
  std::vector<std::pair<std::string, std::string>> pop_map;
  CsvFormat csv;
  GeneratorSpec synthetic;
};

// `j` is the "workload" object; `base_dir` resolves relative file names ("" = as given).
absl::StatusOr<WorkloadSpec> ParseWorkloadSpec(const nlohmann::json& j,
                                               const std::string& base_dir);

}  // namespace edgesim::sim
