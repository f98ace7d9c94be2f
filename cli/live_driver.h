// live_driver.h — plays a scenario against a real `edgesim serve` (sim/scenario_player.h's
// ScenarioDriver; DESIGN 7).
//
// Create() starts a ScriptedOrigin (scripted_origin.h) in this process, writes the scenario's
// distribution to a temporary config with every origin pointed at it (a custom origin,
// http-only, on its port; origin ids kept, each sent in kOriginIdHeader), and starts
// `BINARY serve --manual-clock --config FILE --pops P1,P2,... --listen-tls 127.0.0.1:0` (the POPs
// the steps name); an `"https": true` step goes to the TLS listener (its self-signed certificate
// not verified). Scenario time 0 is the server's clock at start; time moves with POST
// /_edgesim/clock/advance, a step's POP goes in `x-edgesim-pop`, deploys bump the scripted
// origin's model and invalidations go through POST /_edgesim/invalidate. A request without
// Accept-Encoding is sent with "Accept-Encoding: identity" (the HTTP client would add gzip
// otherwise); CloudFront's key normalization treats both the same (SPEC 2.4).
//
//   absl::StatusOr<std::unique_ptr<LiveDriver>> driver =
//       LiveDriver::Create(scenario, {.binary = EDGESIM_BINARY});
//   absl::StatusOr<sim::PlayResult> r = sim::PlayScenario(scenario, **driver);
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cli/scripted_origin.h"
#include "emulator/serve_child.h"
#include "sim/scenario.h"
#include "sim/scenario_player.h"

namespace edgesim::cli {

struct LiveDriverOptions {
  // The edgesim executable to run as the server.
  std::string binary;
};

class LiveDriver final : public sim::ScenarioDriver {
 public:
  // Why `scenario` cannot be played live (an origin outage that is a timeout or a refused
  // connection, a custom cache policy); empty when it can. Create() refuses these too.
  static std::string Unsupported(const sim::Scenario& scenario);

  // FailedPrecondition for Unsupported scenarios; errors of starting the origin or the server.
  static absl::StatusOr<std::unique_ptr<LiveDriver>> Create(const sim::Scenario& scenario,
                                                            const LiveDriverOptions& options);
  ~LiveDriver() override;

  std::string CannotPlay(const sim::Scenario& scenario) const override {
    return Unsupported(scenario);
  }
  absl::Status AdvanceTo(absl::Duration at) override;
  absl::StatusOr<sim::Observation> Request(const policy::Request& request,
                                           const std::string& pop) override;
  absl::Status Deploy(const std::vector<std::string>& paths) override;
  absl::Status Invalidate(const std::vector<std::string>& paths) override;
  int64_t OriginRequests() const override { return origin_->requests(); }

 private:
  LiveDriver() = default;

  // POSTs `body` to the admin API; an error unless it answers 200.
  absl::StatusOr<std::string> AdminPost(const std::string& path, const std::string& body);

  std::string temp_dir_;
  std::unique_ptr<ScriptedOrigin> origin_;
  std::unique_ptr<emulator::ServeChild> serve_;
  absl::Time epoch_;
  absl::Duration at_ = absl::ZeroDuration();
};

}  // namespace edgesim::cli
