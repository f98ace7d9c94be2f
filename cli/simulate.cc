#include "cli/simulate.h"

#include <unistd.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "cli/app.h"
#include "sim/report_files.h"
#include "sim/report_text.h"
#include "sim/scenario.h"
#include "sim/simulation.h"

namespace edgesim::cli {
namespace {

struct SimulateFlags {
  std::string scenario;
  std::string out = "edgesim-report";
  int threads = 0;
  bool strict = false;
  std::string shard;
  std::string variant;
  bool no_progress = false;
};

struct MergeFlags {
  std::vector<std::string> reports;
  std::string out = "edgesim-report";
};

// "K/N" with 0 <= K < N.
absl::Status ParseShard(const std::string& text, sim::SimulationOptions& options) {
  const size_t slash = text.find('/');
  int k, n;
  if (slash == std::string::npos || !absl::SimpleAtoi(text.substr(0, slash), &k) ||
      !absl::SimpleAtoi(text.substr(slash + 1), &n) || n < 1 || k < 0 || k >= n) {
    return absl::InvalidArgumentError(
        absl::StrCat("--shard \"", text, "\" is not K/N with 0 <= K < N"));
  }
  options.shard = k;
  options.shard_count = n;
  return absl::OkStatus();
}

int Finish(const sim::SimulationResult& result, const std::string& dir, std::ostream& out,
           std::ostream& err) {
  if (absl::Status s = sim::WriteReports(result, dir); !s.ok()) return Fail(err, s);
  out << sim::RenderTable(result) << "wrote " << dir << "/report.json, report.csv, report.html\n";
  return kExitOk;
}

int RunSimulate(const SimulateFlags& f, std::ostream& out, std::ostream& err) {
  absl::StatusOr<sim::Scenario> scenario = sim::LoadScenario(f.scenario);
  if (!scenario.ok()) return Fail(err, scenario.status());
  sim::SimulationOptions options;
  options.threads = f.threads;
  options.strict = f.strict;
  options.variant = f.variant;
  if (!f.shard.empty()) {
    if (absl::Status s = ParseShard(f.shard, options); !s.ok()) return Fail(err, s);
  }
  // Progress only on the real stderr: a bar on a terminal, lines when it is piped or a file.
  if (&err == &std::cerr && !f.no_progress) {
    options.progress = &err;
    options.progress_lines = !isatty(STDERR_FILENO);
  }
  absl::StatusOr<sim::SimulationResult> result = sim::RunSimulation(*scenario, options);
  if (!result.ok()) {
    return Fail(err, absl::Status(result.status().code(),
                                  absl::StrCat(f.scenario, ": ", result.status().message())));
  }
  return Finish(*result, f.out, out, err);
}

int RunMerge(const MergeFlags& f, std::ostream& out, std::ostream& err) {
  std::vector<sim::SimulationResult> parts;
  for (const std::string& path : f.reports) {
    absl::StatusOr<sim::SimulationResult> part = sim::ReadReport(path);
    if (!part.ok()) return Fail(err, part.status());
    parts.push_back(*std::move(part));
  }
  absl::StatusOr<sim::SimulationResult> merged = sim::MergeResults(parts);
  if (!merged.ok()) return Fail(err, merged.status());
  if (static_cast<int>(merged->shards.size()) != merged->shard_count) {
    err << "edgesim: warning: " << merged->shards.size() << " of " << merged->shard_count
        << " shards merged\n";
  }
  return Finish(*merged, f.out, out, err);
}

}  // namespace

void AddSimulateCommands(CLI::App& app, std::ostream& out, std::ostream& err, int& exit_code) {
  auto simulate = std::make_shared<SimulateFlags>();
  CLI::App* cmd = app.add_subcommand(
      "simulate",
      "Replay a scenario's workload against its variants; write report.{json,csv,html}");
  cmd->add_option("scenario", simulate->scenario, "Scenario JSON (scenarios/*.json)")->required();
  cmd->add_option("--out", simulate->out, "Directory for the reports")->capture_default_str();
  cmd->add_option("--threads", simulate->threads, "Variants run in parallel (0: one per core)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--strict", simulate->strict, "A bad input record is an error, not skipped");
  cmd->add_option("--shard", simulate->shard, "Run partition K of N (K/N); merge with `merge`");
  cmd->add_option("--variant", simulate->variant, "Run only this variant");
  cmd->add_flag("-q,--quiet,--no-progress", simulate->no_progress,
                "No progress on stderr (default: a bar with an ETA on a terminal, a line every "
                "10% or 30 s otherwise)");
  cmd->callback(
      [simulate, &out, &err, &exit_code] { exit_code = RunSimulate(*simulate, out, err); });

  auto merge = std::make_shared<MergeFlags>();
  CLI::App* m = app.add_subcommand("merge", "Combine the report.json files of --shard runs");
  m->add_option("reports", merge->reports, "Partial report.json files")->required();
  m->add_option("-o,--out", merge->out, "Directory for the merged reports")->capture_default_str();
  m->callback([merge, &out, &err, &exit_code] { exit_code = RunMerge(*merge, out, err); });
}

}  // namespace edgesim::cli
