// report_text.h — a simulation's results as a terminal table and as CSV.
//
// DESIGN 6 "Outputs": the table puts the variants side by side (one column each) with the
// figures people compare (hit ratios, offloads, origin traffic, stale answers, invalidation cost;
// DESIGN 6.1 defines them); report.csv has one row per variant for spreadsheets. Both derive
// ratios and costs from the counts (run_result.h).
//
//   std::cout << RenderTable(result);
//   WriteFile("out/report.csv", RenderCsv(result));
#pragma once

#include <string>

#include "sim/run_result.h"

namespace edgesim::sim {

std::string RenderTable(const SimulationResult& result);

// "$6.95", or "$12.00 / 2 months" when the paths span months (each month billed on its own).
std::string InvalidationCostText(const VariantResult& v);

// A header line, then one line per variant (RFC 4180 quoting).
std::string RenderCsv(const SimulationResult& result);

}  // namespace edgesim::sim
