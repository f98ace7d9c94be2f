// scripted_origin.h — a scenario's origin model (sim/origin_model.h) as a real HTTP server, for
// playing scenarios against a live `edgesim serve` (live_driver.h).
//
// An httplib server on 127.0.0.1 and a port from the OS, in its own thread, answering every
// method and path from the OriginModel at the time the driver last set: the rule's status and
// headers, x-edgesim-version, ETag / Last-Modified, the "<path> vN" body, 304 to a conditional
// request that names the current version, and an outage's status inside its window. Timeout and
// refused-connection outages cannot be answered this way (the driver refuses those scenarios).
// One server stands for every origin of the distribution: a request's `kOriginIdHeader` (a custom
// origin header the driver configures on each origin) says which origin's script answers.
//
//   ScriptedOrigin origin(scenario.origin, epoch, scenario.origins);
//   origin.Restart(server_epoch);
//   origin.SetTime(epoch + absl::Seconds(30));
//   origin.Deploy({"/index.html"});
//   origin.port(); origin.requests();
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "httplib.h"
#include "sim/origin_model.h"
#include "sim/scenario.h"

namespace edgesim::cli {

// The header naming the origin a request was sent to (an origin Id).
inline constexpr char kOriginIdHeader[] = "x-edgesim-origin";

class ScriptedOrigin {
 public:
  // Listens once constructed; the time starts at `epoch`.
  ScriptedOrigin(sim::OriginScript script, absl::Time epoch,
                 sim::OriginScriptsById per_origin = {});
  ~ScriptedOrigin();
  ScriptedOrigin(const ScriptedOrigin&) = delete;
  ScriptedOrigin& operator=(const ScriptedOrigin&) = delete;

  // 0 when no port could be bound.
  int port() const { return port_; }

  // Starts the scenario over at `epoch` (versions back to 1, no requests counted): the driver
  // learns its time 0 from the server it starts after the origin.
  void Restart(absl::Time epoch);
  void SetTime(absl::Time now);
  // Bumps the paths' versions as of the current time.
  void Deploy(const std::vector<std::string>& paths);
  // Requests received since the start.
  int64_t requests() const;

 private:
  void Answer(const httplib::Request& req, httplib::Response& res);

  const sim::OriginScript script_;
  const sim::OriginScriptsById per_origin_;
  mutable std::mutex mu_;  // guards model_, now_ and requests_
  sim::OriginModel model_;
  absl::Time now_;
  int64_t requests_ = 0;

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace edgesim::cli
