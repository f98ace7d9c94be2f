// in_process_driver.h — plays a scenario's steps in this process: core's caches, the scenario's
// origin model, a virtual clock (scenario_player.h's ScenarioDriver).
//
// The request pipeline every driver shares (core/request_pipeline.h), one cache per POP the steps
// name without regional tiers, as `edgesim serve` runs by default; the viewer headers come from
// the answer's data (core/viewer_head.h), as the edge writes them; an OriginModel behind a
// ModelOriginFetcher; time is `epoch + step.at`. Deploys bump the model's versions,
// invalidations reach every POP at once, and a stale-while-revalidate refresh runs at the instant
// it is handed out.
//
//   std::unique_ptr<InProcessDriver> driver = *InProcessDriver::Create(scenario);
//   absl::StatusOr<PlayResult> r = PlayScenario(scenario, *driver);
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/request_pipeline.h"
#include "sim/origin_model.h"
#include "sim/scenario.h"
#include "sim/scenario_player.h"

namespace edgesim::sim {

// 2026-01-01T00:00:00Z: a fixed time 0, so in-process runs are reproducible.
inline const absl::Time kScenarioEpoch = absl::FromUnixSeconds(1767225600);

class InProcessDriver final : public ScenarioDriver {
 public:
  // InvalidArgument when the distribution cannot be served (core::RequestPipeline::Create).
  static absl::StatusOr<std::unique_ptr<InProcessDriver>> Create(const Scenario& scenario,
                                                                 absl::Time epoch = kScenarioEpoch);

  std::string CannotPlay(const Scenario&) const override { return ""; }
  absl::Status AdvanceTo(absl::Duration at) override;
  absl::StatusOr<Observation> Request(const policy::Request& request,
                                      const std::string& pop) override;
  absl::Status Deploy(const std::vector<std::string>& paths) override;
  absl::Status Invalidate(const std::vector<std::string>& paths) override;
  int64_t OriginRequests() const override { return static_cast<int64_t>(fetcher_.requests()); }

 private:
  InProcessDriver(const Scenario& scenario, absl::Time epoch);

  OriginModel model_;
  ModelOriginFetcher fetcher_;
  std::unique_ptr<core::RequestPipeline> pipeline_;
  absl::Time epoch_;
  absl::Time now_;
};

}  // namespace edgesim::sim
