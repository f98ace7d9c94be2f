#include "cli/play.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/app.h"
#include "cli/live_driver.h"
#include "sim/in_process_driver.h"
#include "sim/scenario.h"
#include "sim/scenario_player.h"

namespace edgesim::cli {
namespace {

struct PlayFlags {
  std::string scenario;
  bool live = false;
  // The running executable: `edgesim play --live` serves with itself.
  std::string serve_binary = "/proc/self/exe";
};

absl::StatusOr<std::unique_ptr<sim::ScenarioDriver>> MakeDriver(const sim::Scenario& scenario,
                                                                const PlayFlags& f) {
  if (!f.live) {
    absl::StatusOr<std::unique_ptr<sim::InProcessDriver>> d =
        sim::InProcessDriver::Create(scenario);
    if (!d.ok()) return d.status();
    return std::unique_ptr<sim::ScenarioDriver>(*std::move(d));
  }
  absl::StatusOr<std::unique_ptr<LiveDriver>> d =
      LiveDriver::Create(scenario, {.binary = f.serve_binary});
  if (!d.ok()) return d.status();
  return std::unique_ptr<sim::ScenarioDriver>(*std::move(d));
}

// `origin_before` is the origin's request count before this step; the step's own requests are
// printed so a lesson in origin traffic (an uncached error costs one per deep link) is seen.
void PrintStep(const sim::StepResult& r, int64_t origin_before, std::ostream& out) {
  const sim::Step& step = *r.step;
  const std::string what =
      absl::StrCat(sim::StepText(step), step.pop.empty() ? "" : absl::StrCat(" @", step.pop));
  out << absl::StrFormat("  t=%-6s %-40s", absl::StrCat(absl::ToDoubleSeconds(step.at), "s"), what);
  if (r.observation) {
    out << absl::StrFormat(" %-22s %s", sim::Summarize(*r.observation),
                           r.mismatches.empty() ? "\u2713" : "\u2717");
  }
  if (r.origin_requests != origin_before) {
    out << absl::StrFormat("  origin +%d (%d)", r.origin_requests - origin_before,
                           r.origin_requests);
  }
  out << "\n";
  for (const std::string& m : r.mismatches) out << "      " << m << "\n";
}

int RunPlay(const PlayFlags& f, std::ostream& out, std::ostream& err) {
  absl::StatusOr<sim::Scenario> scenario = sim::LoadScenario(f.scenario);
  if (!scenario.ok()) return Fail(err, scenario.status());
  if (scenario->steps.empty()) {
    err << "edgesim: " << f.scenario << " has no steps (a what-if scenario: edgesim simulate)\n";
    return kExitInvalid;
  }
  if (f.live) {
    if (std::string why = LiveDriver::Unsupported(*scenario); !why.empty()) {
      out << scenario->name << ": skipped: " << why << "\n";
      return kExitOk;
    }
  }
  out << scenario->name << " (" << (f.live ? "live edgesim serve" : "in-process") << ")\n";
  if (!scenario->description.empty()) out << "  " << scenario->description << "\n";
  absl::StatusOr<std::unique_ptr<sim::ScenarioDriver>> driver = MakeDriver(*scenario, f);
  if (!driver.ok()) return Fail(err, driver.status(), kExitFailure);
  int64_t origin_requests = 0;
  absl::StatusOr<sim::PlayResult> result =
      sim::PlayScenario(*scenario, **driver, [&](const sim::StepResult& r) {
        PrintStep(r, origin_requests, out);
        origin_requests = r.origin_requests;
      });
  if (!result.ok()) return Fail(err, result.status(), kExitFailure);
  out << "origin requests: " << origin_requests << " in total\n";
  const size_t mismatches = result->Mismatches().size();
  out << (mismatches == 0 ? "every expectation holds\n"
                          : absl::StrCat(mismatches, " expectation(s) not met\n"));
  return mismatches == 0 ? kExitOk : kExitFailure;
}

}  // namespace

void AddPlayCommand(CLI::App& app, std::ostream& out, std::ostream& err, int& exit_code) {
  auto flags = std::make_shared<PlayFlags>();
  CLI::App* cmd = app.add_subcommand(
      "play", "Play a teaching scenario's steps and check what CloudFront would answer");
  cmd->add_option("scenario", flags->scenario, "Scenario JSON with steps (scenarios/*.json)")
      ->required();
  cmd->add_flag("--live", flags->live,
                "Against a real `edgesim serve` and a scripted HTTP origin, both started here");
  cmd->add_option("--serve-binary", flags->serve_binary,
                  "The edgesim executable --live runs as the server (default: this one)");
  cmd->callback([flags, &out, &err, &exit_code] { exit_code = RunPlay(*flags, out, err); });
}

}  // namespace edgesim::cli
