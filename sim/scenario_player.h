// scenario_player.h — plays a teaching scenario's timed steps through a driver and checks every
// "expect" block (DESIGN 7).
//
// The loop over steps and the checks (step_check.h) are written once; a `ScenarioDriver` is what
// differs: in_process_driver.h runs core's caches on a virtual clock, cli/live_driver.h a real
// `edgesim serve` with a scripted HTTP origin. A driver that cannot script something a scenario
// needs says so through CannotPlay, and the scenario is reported skipped, not failed.
//
//   std::unique_ptr<InProcessDriver> driver = *InProcessDriver::Create(scenario);
//   absl::StatusOr<PlayResult> r = PlayScenario(scenario, *driver, [](const StepResult& s) {
//     std::cout << StepLabel(*s.step, s.index) << "\n";
//   });
//   r->Mismatches();   // every failed expectation, one line each
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "policy/http_message.h"
#include "sim/scenario.h"
#include "sim/step_check.h"

namespace edgesim::sim {

// One way of playing a scenario. Times are scenario times (seconds from its start); the player
// calls AdvanceTo before each step with non-decreasing values.
class ScenarioDriver {
 public:
  virtual ~ScenarioDriver() = default;

  // Why this driver cannot play `scenario` ("live driver cannot script a timeout"); empty if it
  // can.
  virtual std::string CannotPlay(const Scenario& scenario) const = 0;
  virtual absl::Status AdvanceTo(absl::Duration at) = 0;
  // `pop` empty: the driver's default POP (the first).
  virtual absl::StatusOr<Observation> Request(const policy::Request& request,
                                              const std::string& pop) = 0;
  virtual absl::Status Deploy(const std::vector<std::string>& paths) = 0;
  virtual absl::Status Invalidate(const std::vector<std::string>& paths) = 0;
  // Requests the scripted origin has received since the start.
  virtual int64_t OriginRequests() const = 0;
};

struct StepResult {
  size_t index = 0;
  const Step* step = nullptr;
  // Requests only.
  absl::optional<Observation> observation;
  int64_t origin_requests = 0;
  std::vector<std::string> mismatches;
};

struct PlayResult {
  // Non-empty: the scenario was not played, and why.
  std::string skipped;
  std::vector<StepResult> steps;

  std::vector<std::string> Mismatches() const;
};

// Plays every step in order; `on_step` sees each result as soon as it exists. An error is a
// driver failure (no answer, bad invalidation path), not a mismatch.
absl::StatusOr<PlayResult> PlayScenario(
    const Scenario& scenario, ScenarioDriver& driver,
    const std::function<void(const StepResult&)>& on_step = nullptr);

}  // namespace edgesim::sim
