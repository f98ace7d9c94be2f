// report_html.h — a simulation's results as one self-contained HTML page.
//
// DESIGN 6 "Outputs": report.html opens from disk with no network: inline CSS and inline SVG, no
// scripts (the legend's show/hide toggles are CSS checkboxes). In order: the comparison table
// (one row per variant, figures right-aligned with units), the charts over time (hit ratio with
// and without RefreshHits, request offload, origin requests, origin bytes, stale responses; deploys
// as dashed vertical lines), the breakdowns per behavior, per POP, by miss reason and cache
// counters, then the definitions of every metric (DESIGN 6.1).
//
// Variants stay apart when their results are equal: each has its own color, dash pattern and
// marker shape, markers of different variants sit on different time buckets, and a chart names
// the variants whose lines coincide. Elements carry their variant's index as class `vN` and
// `data-variant` so a reader (or a test) finds a variant's line, rows and cells.
//
//   WriteFile("out/report.html", RenderHtml(result));
#pragma once

#include <string>

#include "sim/run_result.h"

namespace edgesim::sim {

std::string RenderHtml(const SimulationResult& result);

}  // namespace edgesim::sim
