#include "sim/scenario_player.h"

#include "absl/strings/str_cat.h"
#include "policy/status_macros.h"

namespace edgesim::sim {

std::vector<std::string> PlayResult::Mismatches() const {
  std::vector<std::string> out;
  for (const StepResult& s : steps) out.insert(out.end(), s.mismatches.begin(), s.mismatches.end());
  return out;
}

absl::StatusOr<PlayResult> PlayScenario(const Scenario& scenario, ScenarioDriver& driver,
                                        const std::function<void(const StepResult&)>& on_step) {
  PlayResult result;
  result.skipped = driver.CannotPlay(scenario);
  if (!result.skipped.empty()) return result;
  for (size_t i = 0; i < scenario.steps.size(); ++i) {
    const Step& step = scenario.steps[i];
    EDGESIM_RETURN_IF_ERROR(driver.AdvanceTo(step.at));
    StepResult r;
    r.index = i;
    r.step = &step;
    absl::Status status;
    switch (step.kind) {
      case Step::Kind::kRequest: {
        absl::StatusOr<Observation> seen = driver.Request(step.request, step.pop);
        status = seen.status();
        if (seen.ok()) r.observation = *std::move(seen);
        break;
      }
      case Step::Kind::kDeploy:
        status = driver.Deploy(step.paths);
        break;
      case Step::Kind::kInvalidate:
        status = driver.Invalidate(step.paths);
        break;
    }
    if (!status.ok()) {
      return absl::Status(status.code(), absl::StrCat(StepLabel(step, i), ": ", status.message()));
    }
    r.origin_requests = driver.OriginRequests();
    if (r.observation) r.mismatches = CheckStep(step, i, *r.observation, r.origin_requests);
    if (on_step) on_step(r);
    result.steps.push_back(std::move(r));
  }
  return result;
}

}  // namespace edgesim::sim
