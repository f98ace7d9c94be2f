#include "core/request_pipeline.h"

#include <utility>

#include "core/error_page.h"
#include "policy/status_macros.h"

namespace edgesim::core {

absl::StatusOr<std::unique_ptr<RequestPipeline>> RequestPipeline::Create(
    const policy::Distribution& distribution, const CacheTopology& topology) {
  EDGESIM_ASSIGN_OR_RETURN(std::unique_ptr<EdgeNetwork> network,
                           EdgeNetwork::Create(distribution, topology));
  return std::unique_ptr<RequestPipeline>(new RequestPipeline(distribution, std::move(network)));
}

RequestPipeline::RequestPipeline(const policy::Distribution& distribution,
                                 std::unique_ptr<EdgeNetwork> network)
    : distribution_(distribution), network_(std::move(network)) {}

RequestPipeline::Begun RequestPipeline::Begin(int pop, const policy::Request& viewer,
                                              absl::Time now, policy::RequestId id) {
  CacheLookup looked = network_->Lookup(pop, viewer, now, RequestRole::kViewer, id);
  if (!looked.served) {
    Begun begun;
    begun.pending.pop = pop;
    begun.pending.fetch = std::move(looked.pending);
    return begun;
  }
  return WithErrorPage(pop, viewer, *std::move(looked.served), now, /*origin=*/nullptr);
}

EdgeResult RequestPipeline::Complete(Pending pending, absl::Time now, OriginFetcher& origin) {
  const policy::Request& viewer = *pending.fetch.viewer;
  EdgeResult answer = network_->Complete(pending.pop, std::move(pending.fetch), now, origin);
  if (!pending.error) {
    return *WithErrorPage(pending.pop, viewer, std::move(answer), now, &origin).answer;
  }
  SubstituteErrorPage(*pending.error, std::move(answer), *pending.custom);
  return *std::move(pending.error);
}

EdgeResult RequestPipeline::Handle(int pop, const policy::Request& viewer, absl::Time now,
                                   OriginFetcher& origin) {
  EdgeResult answer = network_->Handle(pop, viewer, now, origin);
  answer = *WithErrorPage(pop, viewer, std::move(answer), now, &origin).answer;
  if (answer.background_refresh) {
    Revalidate(pop, *answer.background_refresh, now, origin);
    answer.background_refresh.reset();
  }
  return answer;
}

void RequestPipeline::Revalidate(int pop, const BackgroundRefresh& refresh, absl::Time now,
                                 OriginFetcher& origin) {
  network_->Revalidate(pop, refresh, now, origin);
}

RequestPipeline::Begun RequestPipeline::WithErrorPage(int pop, const policy::Request& viewer,
                                                      EdgeResult answer, absl::Time now,
                                                      OriginFetcher* origin) {
  Begun begun;
  const policy::CustomErrorResponse* custom = ErrorPageFor(distribution_.config, answer);
  if (custom == nullptr) {
    begun.answer = std::move(answer);
    return begun;
  }
  auto page_request =
      std::make_unique<policy::Request>(ErrorPageRequest(viewer, custom->response_page_path));
  const policy::RequestId id = answer.request_id;
  if (origin != nullptr) {
    SubstituteErrorPage(answer, network_->Handle(pop, *page_request, now, *origin,
                                                 RequestRole::kOnBehalf, id),
                        *custom);
    begun.answer = std::move(answer);
    return begun;
  }
  CacheLookup page = network_->Lookup(pop, *page_request, now, RequestRole::kOnBehalf, id);
  if (page.served) {
    SubstituteErrorPage(answer, *std::move(page.served), *custom);
    begun.answer = std::move(answer);
    return begun;
  }
  begun.pending.pop = pop;
  begun.pending.fetch = std::move(page.pending);
  begun.pending.error = std::move(answer);
  begun.pending.custom = custom;
  begun.pending.page_request = std::move(page_request);
  return begun;
}

}  // namespace edgesim::core
