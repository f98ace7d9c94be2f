// simulation.h — a scenario's what-if run: decode the input once, replay every variant.
//
// DESIGN 6. The input is the scenario's workload (read through trace_source.h's
// sources) or, without one, its timed steps. The trace is decoded once into a TraceBuffer; the
// variants then run on a pool of threads, each variant single-threaded and deterministic, so the
// result does not depend on the thread count. Progress goes to `progress` (the CLI passes stderr):
// a bar with an ETA on a terminal, a line every tenth or so otherwise (progress_line.h).
//
//   SimulationOptions options{.threads = 8};
//   absl::StatusOr<SimulationResult> r = RunSimulation(scenario, options);
//   WriteReports(*r, "out/");   // report_writers.h
#pragma once

#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "sim/replay.h"
#include "sim/run_result.h"
#include "sim/scenario.h"
#include "sim/trace.h"

namespace edgesim::sim {

struct SimulationOptions {
  // 0: one per hardware thread.
  int threads = 0;
  // Play one partition of the requests (replay.h): shard `shard` of `shard_count`.
  int shard = 0;
  int shard_count = 1;
  // Run only the variant of this name; empty: all.
  std::string variant;
  // A bad input record is an error (with its line) instead of skipped and counted.
  bool strict = false;
  // Where to draw a progress bar; null: none.
  std::ostream* progress = nullptr;
  // Shown every request the full model replays (replay.h); called from the variants' threads.
  RequestObserver on_request;
  // `progress` is not a terminal: a line now and then (progress_line.h), not a redrawn bar.
  bool progress_lines = false;
};

// The scenario's time 0 when it replays its steps (a fixed instant, so reports are reproducible).
inline const absl::Time kStepsEpoch = absl::FromUnixSeconds(1'735'689'600);  // 2025-01-01

// Runs the scenario's own input.
absl::StatusOr<SimulationResult> RunSimulation(const Scenario& scenario,
                                               const SimulationOptions& options);

// Runs `source` instead (tests; workloads opened by the caller). `epoch` is the scenario's time 0;
// absent: the first record's time.
absl::StatusOr<SimulationResult> RunSimulation(const Scenario& scenario, TraceSource& source,
                                               const SimulationOptions& options,
                                               absl::optional<absl::Time> epoch = absl::nullopt);

}  // namespace edgesim::sim
