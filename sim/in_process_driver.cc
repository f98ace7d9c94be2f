#include "sim/in_process_driver.h"

#include <utility>

#include "core/error_page.h"
#include "policy/invalidation.h"
#include "policy/status_macros.h"

namespace edgesim::sim {

InProcessDriver::InProcessDriver(const Scenario& scenario, absl::Time epoch)
    : config_(scenario.distribution.config),
      model_(scenario.origin, epoch),
      fetcher_(model_),
      pops_(StepPops(scenario)),
      epoch_(epoch),
      now_(epoch) {}

absl::StatusOr<std::unique_ptr<InProcessDriver>> InProcessDriver::Create(const Scenario& scenario,
                                                                         absl::Time epoch) {
  std::unique_ptr<InProcessDriver> driver(new InProcessDriver(scenario, epoch));
  core::CacheTopology topology;
  topology.pops = driver->pops_;
  topology.pop_options.viewer_headers = true;
  EDGESIM_ASSIGN_OR_RETURN(driver->network_,
                           core::EdgeNetwork::Create(scenario.distribution, topology));
  return driver;
}

absl::Status InProcessDriver::AdvanceTo(absl::Duration at) {
  now_ = epoch_ + at;
  return absl::OkStatus();
}

absl::StatusOr<core::EdgeResult> InProcessDriver::Handle(const std::string& pop,
                                                         const policy::Request& request) {
  EDGESIM_ASSIGN_OR_RETURN(core::EdgeResult r, network_->Handle(pop, request, now_, fetcher_));
  if (r.background_refresh) {
    EDGESIM_RETURN_IF_ERROR(network_->Revalidate(pop, *r.background_refresh, now_, fetcher_));
    r.background_refresh.reset();
  }
  return r;
}

absl::StatusOr<Observation> InProcessDriver::Request(const policy::Request& request,
                                                     const std::string& pop) {
  const std::string& name = pop.empty() ? pops_.front() : pop;
  EDGESIM_ASSIGN_OR_RETURN(core::EdgeResult r, Handle(name, request));
  if (const policy::CustomErrorResponse* custom = core::ErrorPageFor(config_, r)) {
    EDGESIM_ASSIGN_OR_RETURN(
        core::EdgeResult page,
        Handle(name, core::ErrorPageRequest(request, custom->response_page_path)));
    core::SubstituteErrorPage(r, std::move(page), *custom);
  }
  return ObservationFrom(r.viewer.status, std::move(r.viewer.headers),
                         r.body ? absl::string_view(*r.body) : absl::string_view());
}

absl::Status InProcessDriver::Deploy(const std::vector<std::string>& paths) {
  model_.Deploy(paths, now_);
  return absl::OkStatus();
}

absl::Status InProcessDriver::Invalidate(const std::vector<std::string>& paths) {
  // All or nothing, as CloudFront rejects a batch with one bad path.
  std::vector<policy::InvalidationPath> parsed;
  for (const std::string& p : paths) {
    EDGESIM_ASSIGN_OR_RETURN(policy::InvalidationPath path, policy::InvalidationPath::Parse(p));
    parsed.push_back(std::move(path));
  }
  for (const policy::InvalidationPath& path : parsed) network_->Invalidate(path, now_);
  return absl::OkStatus();
}

}  // namespace edgesim::sim
