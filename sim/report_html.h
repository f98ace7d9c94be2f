// report_html.h — a simulation's results as one self-contained HTML page.
//
// DESIGN 6 "Outputs": report.html opens from disk with no network: inline CSS and
// inline SVG charts, no scripts. It shows the comparison table, then per variant over time the
// hit ratio, the origin requests and the stale responses, with the deploys marked (dashed lines).
//
//   WriteFile("out/report.html", RenderHtml(result));
#pragma once

#include <string>

#include "sim/run_result.h"

namespace edgesim::sim {

std::string RenderHtml(const SimulationResult& result);

}  // namespace edgesim::sim
