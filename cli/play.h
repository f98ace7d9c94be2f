// play.h — `edgesim play`: a teaching scenario's steps, one line each as they happen
// (DESIGN 7).
//
//   edgesim play scenarios/hashed-assets-short-index.json          # in-process (core's caches)
//   edgesim play scenarios/hashed-assets-short-index.json --live   # a real `edgesim serve`
//
// Each line shows the scenario time, the step, and for requests the status, X-Cache result, Age
// and body version, then a check mark or the expectations it missed:
//      t=40s  GET /index.html                 200 Hit age 40 v1   ✓
// --live starts `edgesim serve` (this same executable, or --serve-binary) and a scripted origin
// itself. Exit status: 0 when every expectation holds (or the live driver cannot play the
// scenario: it says why), 1 on a mismatch or a failed run, 2 for a bad file or flags.
#pragma once

#include <ostream>

#include "CLI/CLI.hpp"

namespace edgesim::cli {

// Registers the subcommand on `app`; its callback writes to `out`/`err` and sets `exit_code`.
void AddPlayCommand(CLI::App& app, std::ostream& out, std::ostream& err, int& exit_code);

}  // namespace edgesim::cli
