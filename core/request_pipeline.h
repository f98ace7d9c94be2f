// request_pipeline.h — one viewer request's life through one distribution's caches, the same for
// every driver: `edgesim serve` (emulator/), `play` and `simulate` (sim/).
//
// A request goes in two explicit phases. `Begin` looks in its POP's cache (SPEC 1-4: behavior,
// method, key, freshness): the answer when the POP can give it without going upstream, or a
// `Pending` state. `Complete` takes that state upstream through the tiers (SPEC 7.1: regional
// edge cache, Origin Shield, collapsing SPEC 7.2) to the origin. Either phase ends with the
// viewer's answer as data (core/edge_cache.h's EdgeResult, written to headers by viewer_head.h),
// after CloudFront's custom error response (SPEC 7.4): an error whose status has a
// ResponsePagePath becomes that page, fetched on the viewer's behalf through the behavior the
// page's own path matches (counted once, as the viewer's one request), and then cut to the
// viewer's Range (SPEC 4.5, ranged_answer.h), and last the behavior's response headers policy
// (SPEC 11, response_headers.h), on the viewer's copy of the headers only. The behavior's
// CloudFront Functions (SPEC 15, edge_functions.h) run around it all: viewer-request before the
// cache key is built (the key and the origin see the request it returns; a response it returns
// goes straight back, never cached), viewer-response last. A stale-while-revalidate
// refresh (SPEC 3.6) is handed back to run whenever the driver likes; `Handle` runs both phases
// and the refresh at once, for the drivers on a virtual clock.
//
//   std::unique_ptr<RequestPipeline> p = *RequestPipeline::Create(distribution, topology);
//   const int pop = p->network().PopIndex("IAD89-C1");
//   RequestPipeline::Begun b = p->Begin(pop, viewer, now);      // on an event loop
//   EdgeResult r = b.answer ? *std::move(b.answer)
//                           : p->Complete(std::move(b.pending), now, origin);   // on a worker
//   if (r.background_refresh) p->Revalidate(pop, *r.background_refresh, later, origin);
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "core/edge_cache.h"
#include "core/edge_functions.h"
#include "core/origin_fetcher.h"
#include "core/tiers.h"
#include "policy/distribution.h"
#include "policy/http_message.h"
#include "policy/response_head.h"

namespace edgesim::core {

class RequestPipeline {
 public:
  // What phase two needs: the POP's pending fetch, and when the error page is what is pending,
  // the error it replaces. Refers to the viewer's request, which must outlive it. Move-only.
  struct Pending {
    int pop = 0;
    PendingFetch fetch;
    // Set when `fetch` is the custom error page's request: the error waiting for its page.
    absl::optional<EdgeResult> error;
    const policy::CustomErrorResponse* custom = nullptr;
    std::unique_ptr<policy::Request> page_request;
    // The request a viewer-request function returned, when it ran: what `fetch` refers to.
    std::unique_ptr<policy::Request> rewritten;
  };

  // Phase one's answer, or its pending state.
  struct Begun {
    absl::optional<EdgeResult> answer;
    Pending pending;  // meaningful when !answer
  };

  // InvalidArgument when the topology or the distribution cannot be built (EdgeNetwork::Create).
  static absl::StatusOr<std::unique_ptr<RequestPipeline>> Create(
      const policy::Distribution& distribution, const CacheTopology& topology);

  // REQUIRES: 0 <= pop < network().pops().size(). `id` is the X-Amz-Cf-Id (empty: the POP
  // assigns one). Thread-safe.
  Begun Begin(int pop, const policy::Request& viewer, absl::Time now, policy::RequestId id = {});
  EdgeResult Complete(Pending pending, absl::Time now, OriginFetcher& origin);
  // Complete split at the origin fetch, for a driver that fetches without blocking (the edge's
  // event loop; EdgeNetwork::StartFetch). Starts only when no custom error page can follow the
  // answer (none is configured): an answer (done); or a flight: fetch flight.request() from the
  // origin (FetchAndFinish where blocking is allowed), then FinishFetch; or neither, `pending`
  // kept for Complete. `pending` (the request a viewer-request function returned) must outlive
  // the flight. Thread-safe.
  FetchStart StartFetch(Pending& pending, absl::Time now);
  EdgeResult FinishFetch(int pop, OriginFlight flight, absl::StatusOr<OriginResponse> response,
                         absl::Time now);
  // The flight's fetch from `origin` (an origin group fails over, SPEC 12.2), then FinishFetch.
  EdgeResult FetchAndFinish(int pop, OriginFlight flight, absl::Time now, OriginFetcher& origin);
  // Both phases, and a stale-while-revalidate refresh at the same instant.
  EdgeResult Handle(int pop, const policy::Request& viewer, absl::Time now,
                    OriginFetcher& origin);
  // Runs a refresh handed out with an answer.
  void Revalidate(int pop, const BackgroundRefresh& refresh, absl::Time now,
                  OriginFetcher& origin);

  const policy::Distribution& distribution() const { return distribution_; }
  EdgeNetwork& network() const { return *network_; }

 private:
  RequestPipeline(const policy::Distribution& distribution, std::unique_ptr<EdgeNetwork> network,
                  EdgeFunctions functions);

  // SPEC 15.1: the viewer-request function's answer when it ends the request at `pop`, else the
  // request to go on with (`viewer`, or the function's stored in `rewritten`).
  absl::optional<EdgeResult> RunViewerRequest(int pop, const policy::Request& viewer,
                                              policy::RequestId id,
                                              std::unique_ptr<policy::Request>& rewritten);
  // The last steps on every answer from the cache or the origin: the viewer's Range, the
  // response headers policy, the viewer-response function.
  void FinishAnswer(const policy::Request& viewer, EdgeResult& answer) const;

  // SPEC 7.4: replaces an error that has a custom error page by the page, fetched all the way.
  void AddErrorPage(int pop, const policy::Request& viewer, EdgeResult& answer, absl::Time now,
                    OriginFetcher& origin);

  const policy::Distribution distribution_;
  std::unique_ptr<EdgeNetwork> network_;
  const EdgeFunctions functions_;
  // Whether any behavior has a function on the event: the pipeline skips the step otherwise.
  const bool viewer_request_functions_;
  const bool viewer_response_functions_;
  // Whether any custom error response has a ResponsePagePath (SPEC 7.4).
  const bool error_pages_;
};

}  // namespace edgesim::core
