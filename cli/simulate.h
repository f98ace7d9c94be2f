// simulate.h — `edgesim simulate` and `edgesim merge`: the simulator's command line.
//
// DESIGN 1 and 6:
//   edgesim simulate SCENARIO.json [--out DIR] [--threads N] [--strict] [--shard K/N]
//                                  [--variant NAME]
// replays the scenario's workload (or its steps) for every variant, prints the comparison table
// and writes DIR/report.{json,csv,html}. `--shard K/N` runs one partition so a large input can
// run as an array job (Kubernetes indexed Jobs, Slurm arrays); then
//   edgesim merge shard-*/report.json -o DIR
// combines the partial reports into the report a single run would have written.
#pragma once

#include <ostream>

#include "CLI/CLI.hpp"

namespace edgesim::cli {

// Registers both subcommands on `app`; their callbacks write to `out`/`err` and set `exit_code`.
// A progress bar is drawn on stderr when `err` is std::cerr and a terminal.
void AddSimulateCommands(CLI::App& app, std::ostream& out, std::ostream& err, int& exit_code);

}  // namespace edgesim::cli
