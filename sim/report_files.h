// report_files.h — the report files of a run: report.json, report.csv, report.html.
//
// `edgesim simulate --out DIR` writes all three; `edgesim merge a.json b.json -o DIR` reads
// partial report.json files back, merges them (run_result.h) and writes all three again.
//
//   EDGESIM_RETURN_IF_ERROR(WriteReports(result, "out"));
//   absl::StatusOr<SimulationResult> part = ReadReport("shard-0/report.json");
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sim/run_result.h"

namespace edgesim::sim {

// Creates `dir` when missing.
absl::Status WriteReports(const SimulationResult& result, const std::string& dir);

// A report.json; errors start with the file name.
absl::StatusOr<SimulationResult> ReadReport(const std::string& path);

}  // namespace edgesim::sim
