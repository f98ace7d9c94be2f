#include "core/request_pipeline.h"

#include <utility>
#include <variant>

#include "absl/algorithm/container.h"
#include "core/error_page.h"
#include "core/failover_fetcher.h"
#include "core/ranged_answer.h"
#include "core/response_headers.h"
#include "policy/status_macros.h"

namespace edgesim::core {

absl::StatusOr<std::unique_ptr<RequestPipeline>> RequestPipeline::Create(
    const policy::Distribution& distribution, const CacheTopology& topology) {
  EDGESIM_ASSIGN_OR_RETURN(std::unique_ptr<EdgeNetwork> network,
                           EdgeNetwork::Create(distribution, topology));
  EDGESIM_ASSIGN_OR_RETURN(EdgeFunctions functions,
                           EdgeFunctions::Create(distribution, topology.pop_options.model,
                                                 topology.functions));
  return std::unique_ptr<RequestPipeline>(
      new RequestPipeline(distribution, std::move(network), std::move(functions)));
}

RequestPipeline::RequestPipeline(const policy::Distribution& distribution,
                                 std::unique_ptr<EdgeNetwork> network, EdgeFunctions functions)
    : distribution_(distribution),
      network_(std::move(network)),
      functions_(std::move(functions)),
      viewer_request_functions_(functions_.Any(policy::FunctionEventType::kViewerRequest)),
      viewer_response_functions_(functions_.Any(policy::FunctionEventType::kViewerResponse)),
      error_pages_(absl::c_any_of(distribution.config.custom_error_responses,
                                  [](const policy::CustomErrorResponse& custom) {
                                    return !custom.response_page_path.empty();
                                  })) {}

RequestPipeline::Begun RequestPipeline::Begin(int pop, const policy::Request& viewer_request,
                                              absl::Time now, policy::RequestId id) {
  Begun begun;
  begun.answer = RunViewerRequest(pop, viewer_request, id, begun.pending.rewritten);
  if (begun.answer) return begun;
  const policy::Request& viewer =
      begun.pending.rewritten != nullptr ? *begun.pending.rewritten : viewer_request;
  CacheLookup looked = network_->Lookup(pop, viewer, now, RequestRole::kViewer, id);
  if (!looked.served) {
    begun.pending.pop = pop;
    begun.pending.fetch = std::move(looked.pending);
    return begun;
  }
  const policy::CustomErrorResponse* custom = ErrorPageFor(distribution_.config, *looked.served);
  if (custom == nullptr) {
    FinishAnswer(viewer, *looked.served);
    begun.answer = std::move(looked.served);
    return begun;
  }
  // The page too, as far as the POP's cache goes.
  auto page_request =
      std::make_unique<policy::Request>(ErrorPageRequest(viewer, custom->response_page_path));
  CacheLookup page = network_->Lookup(pop, *page_request, now, RequestRole::kOnBehalf,
                                      looked.served->request_id);
  if (page.served) {
    SubstituteErrorPage(*looked.served, *std::move(page.served), *custom);
    FinishAnswer(viewer, *looked.served);
    begun.answer = std::move(looked.served);
    return begun;
  }
  begun.pending.pop = pop;
  begun.pending.fetch = std::move(page.pending);
  begun.pending.error = std::move(looked.served);
  begun.pending.custom = custom;
  begun.pending.page_request = std::move(page_request);
  return begun;
}

EdgeResult RequestPipeline::Complete(Pending pending, absl::Time now, OriginFetcher& origin) {
  const policy::Request& viewer = *pending.fetch.viewer;
  EdgeResult answer = network_->Complete(pending.pop, std::move(pending.fetch), now, origin);
  if (!pending.error) {
    AddErrorPage(pending.pop, viewer, answer, now, origin);
    FinishAnswer(viewer, answer);
    return answer;
  }
  SubstituteErrorPage(*pending.error, std::move(answer), *pending.custom);
  FinishAnswer(viewer, *pending.error);
  return *std::move(pending.error);
}

FetchStart RequestPipeline::StartFetch(Pending& pending, absl::Time now) {
  if (pending.error || error_pages_) return {};
  const policy::Request& viewer = *pending.fetch.viewer;
  FetchStart start = network_->StartFetch(pending.pop, pending.fetch, now);
  if (start.answer) FinishAnswer(viewer, *start.answer);
  return start;
}

EdgeResult RequestPipeline::FinishFetch(int pop, OriginFlight flight,
                                        absl::StatusOr<OriginResponse> response, absl::Time now) {
  const policy::Request& viewer = *flight.request().viewer;
  EdgeResult answer = network_->FinishFetch(pop, std::move(flight), std::move(response), now);
  FinishAnswer(viewer, answer);
  return answer;
}

EdgeResult RequestPipeline::FetchAndFinish(int pop, OriginFlight flight, absl::Time now,
                                           OriginFetcher& origin) {
  FailoverFetcher to_origin(origin);
  absl::StatusOr<OriginResponse> response = to_origin.Fetch(flight.request(), now);
  return FinishFetch(pop, std::move(flight), std::move(response), now);
}

EdgeResult RequestPipeline::Handle(int pop, const policy::Request& viewer_request, absl::Time now,
                                   OriginFetcher& origin) {
  std::unique_ptr<policy::Request> rewritten;
  if (absl::optional<EdgeResult> answered = RunViewerRequest(pop, viewer_request, {}, rewritten)) {
    return *std::move(answered);
  }
  const policy::Request& viewer = rewritten != nullptr ? *rewritten : viewer_request;
  EdgeResult answer = network_->Handle(pop, viewer, now, origin);
  AddErrorPage(pop, viewer, answer, now, origin);
  FinishAnswer(viewer, answer);
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

void RequestPipeline::AddErrorPage(int pop, const policy::Request& viewer, EdgeResult& answer,
                                   absl::Time now, OriginFetcher& origin) {
  const policy::CustomErrorResponse* custom = ErrorPageFor(distribution_.config, answer);
  if (custom == nullptr) return;
  const policy::Request page_request = ErrorPageRequest(viewer, custom->response_page_path);
  SubstituteErrorPage(answer,
                      network_->Handle(pop, page_request, now, origin, RequestRole::kOnBehalf,
                                       answer.request_id),
                      *custom);
}

absl::optional<EdgeResult> RequestPipeline::RunViewerRequest(
    int pop, const policy::Request& viewer, policy::RequestId id,
    std::unique_ptr<policy::Request>& rewritten) {
  if (!viewer_request_functions_) return absl::nullopt;
  const int behavior = functions_.BehaviorFor(viewer.target);
  absl::optional<ViewerRequestStep> step =
      functions_.RunViewerRequest(behavior, viewer, id.view());
  if (!step) return absl::nullopt;
  EdgeCache& cache = network_->PopCache(pop);
  if (auto* request = std::get_if<policy::Request>(&*step)) {
    rewritten = std::make_unique<policy::Request>(std::move(*request));
    return absl::nullopt;
  }
  // The viewer's own request: what the cache's answer refers to (a HEAD's bodiless answer).
  if (auto* response = std::get_if<policy::FunctionResponse>(&*step)) {
    return cache.ServeFunctionResponse(viewer, behavior, std::move(*response), id);
  }
  return cache.ServeFunctionFailure(viewer, behavior, std::get<policy::FunctionFailure>(*step), id);
}

void RequestPipeline::FinishAnswer(const policy::Request& viewer, EdgeResult& answer) const {
  CutToRange(viewer, answer);
  AddPolicyHeaders(distribution_.config, viewer, answer);
  if (viewer_response_functions_) functions_.RunViewerResponse(viewer, answer);
}

}  // namespace edgesim::core
