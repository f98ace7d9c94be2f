#include "emulator/viewer_exchange.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

#include "core/stored_response.h"

namespace edgesim::emulator {

bool AnswerFromCache(ViewerExchange& x, const std::shared_ptr<const RegistrySnapshot>& snapshot,
                     absl::Time now) {
  if (x.snapshot != snapshot) x.snapshot = snapshot;  // a refcount change only when it moved on
  const policy::Headers& headers = x.request.headers;
  x.distribution = x.snapshot->Route(headers.Get("Host").value_or(""));
  if (x.distribution == nullptr) {
    x.answer = RefusalAnswer(403, policy::CacheOutcome::kError, policy::ErrorDetail::kInvalidRequest,
                             "Bad request. We can't connect to the server for this app or website "
                             "at this time.",
                             x.id);
    return true;
  }
  x.pop = x.distribution->PopIndex(headers.Get("x-edgesim-pop").value_or(""));
  if (x.pop < 0) {
    // A typo must not be served quietly by another POP's cache. The page does not echo the
    // header: it is HTML, and the value is the viewer's.
    x.answer = RefusalAnswer(400, policy::CacheOutcome::kError,
                             policy::ErrorDetail::kInvalidRequest,
                             absl::StrCat("The x-edgesim-pop header names no POP of this edge, "
                                          "which runs ",
                                          absl::StrJoin(x.distribution->pops(), ", "),
                                          " (edgesim serve --pops)."),
                             x.id);
    return true;
  }
  core::RequestPipeline::Begun begun = x.distribution->pipeline().Begin(x.pop, x.request, now, x.id);
  if (!begun.answer) {
    x.pending = std::move(begun.pending);
    return false;
  }
  x.answer = *std::move(begun.answer);
  return true;
}

bool StartUpstream(ViewerExchange& x, absl::Time now) {
  core::FetchStart start = x.distribution->pipeline().StartFetch(x.pending, now);
  x.flight = std::move(start.flight);
  if (!start.answer) return false;
  x.answer = *std::move(start.answer);
  return true;
}

void FinishUpstream(ViewerExchange& x, absl::StatusOr<core::OriginResponse> response,
                    absl::Time now) {
  x.answer =
      x.distribution->pipeline().FinishFetch(x.pop, std::move(x.flight), std::move(response), now);
}

void AnswerUpstream(ViewerExchange& x, absl::Time now) {
  core::RequestPipeline& pipeline = x.distribution->pipeline();
  x.answer =
      x.flight ? pipeline.FetchAndFinish(x.pop, std::move(x.flight), now, x.distribution->origin())
               : pipeline.Complete(std::move(x.pending), now, x.distribution->origin());
}

std::string OriginLane(const ViewerExchange& x, int behavior_index) {
  const policy::DistributionConfig& config = x.distribution->distribution().config;
  const policy::CacheBehavior& behavior =
      behavior_index < 0 ? config.default_behavior : config.behaviors[behavior_index];
  const policy::Origin* origin = config.FindTargetOrigin(behavior.target_origin_id);
  return origin == nullptr ? "" : absl::StrCat(origin->domain_name, ":", origin->http_port);
}

std::function<void()> TakeRefreshJob(ViewerExchange& x, core::Clock* clock) {
  if (!x.answer.background_refresh) return nullptr;
  core::BackgroundRefresh refresh = std::move(*x.answer.background_refresh);
  x.answer.background_refresh.reset();
  return [snapshot = x.snapshot, distribution = x.distribution, pop = x.pop,
          refresh = std::move(refresh), clock] {
    (void)snapshot;  // keeps `distribution` alive
    distribution->pipeline().Revalidate(pop, refresh, clock->Now(), distribution->origin());
  };
}

core::EdgeResult RefusalAnswer(int status, policy::CacheOutcome outcome,
                               policy::ErrorDetail detail, absl::string_view message,
                               const policy::RequestId& id) {
  core::EdgeResult r;
  r.outcome = outcome;
  r.error_detail = detail;
  r.body = core::MakeBody(policy::ErrorPageHtml(status, message));
  r.body_size = r.body->size();
  r.viewer = policy::GeneratedHead(status, r.body_size);
  r.request_id = id;
  return r;
}

}  // namespace edgesim::emulator
