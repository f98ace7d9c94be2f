#include "sim/in_process_driver.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "core/topology.h"
#include "core/viewer_head.h"
#include "policy/invalidation.h"
#include "policy/status_macros.h"

namespace edgesim::sim {

InProcessDriver::InProcessDriver(const Scenario& scenario, absl::Time epoch)
    : model_(scenario.origin, epoch, {}, scenario.origins),
      fetcher_(model_),
      epoch_(epoch),
      now_(epoch) {}

absl::StatusOr<std::unique_ptr<InProcessDriver>> InProcessDriver::Create(const Scenario& scenario,
                                                                         absl::Time epoch) {
  std::unique_ptr<InProcessDriver> driver(new InProcessDriver(scenario, epoch));
  EDGESIM_ASSIGN_OR_RETURN(const core::CacheTopology topology,
                           core::MakeTopology(StepPops(scenario), {}, {}));
  EDGESIM_ASSIGN_OR_RETURN(driver->pipeline_,
                           core::RequestPipeline::Create(scenario.distribution, topology));
  return driver;
}

absl::Status InProcessDriver::AdvanceTo(absl::Duration at) {
  now_ = epoch_ + at;
  return absl::OkStatus();
}

absl::StatusOr<Observation> InProcessDriver::Request(const policy::Request& request,
                                                     const std::string& pop) {
  const int index = pop.empty() ? 0 : pipeline_->network().PopIndex(pop);
  if (index < 0) return absl::NotFoundError(absl::StrCat("unknown POP ", pop));
  const core::EdgeResult r = pipeline_->Handle(index, request, now_, fetcher_);
  return ObservationFrom(r.viewer.status, core::ViewerHeaders(r),
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
  for (const policy::InvalidationPath& path : parsed) pipeline_->network().Invalidate(path, now_);
  return absl::OkStatus();
}

}  // namespace edgesim::sim
