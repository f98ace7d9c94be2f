// viewer_exchange.h — what the edge does with one viewer request between reading it and writing
// its answer, apart from the socket (edge_server.cc only moves bytes): route it by Host to a
// distribution (distribution_registry.h) and by `x-edgesim-pop` to one of its POPs (the first for
// none; a name it does not run is refused with 400 naming those it does), then run the request pipeline's two phases (core/request_pipeline.h),
// the first on the event loop, the second, which may block on the origin, on an origin worker.
// Also the answers the edge makes itself: CloudFront's 403 for a Host no distribution answers,
// 400/413 for what it cannot read (SPEC 4.3), 503 when the workers are saturated.
//
//   ViewerExchange x;
//   x.request = ...;  x.id = ...;   // as read
//   if (!AnswerFromCache(x, registry.Snapshot(), clock.Now())) {
//     AnswerUpstream(x, clock.Now());   // on a worker
//   }
//   x.answer;                          // what to write
#pragma once

#include <cstddef>
#include <functional>
#include <iterator>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "core/clock.h"
#include "core/edge_cache.h"
#include "core/request_pipeline.h"
#include "emulator/distribution_registry.h"
#include "policy/http_message.h"
#include "policy/outcome.h"
#include "policy/response_head.h"

namespace edgesim::emulator {

// SPEC 4.3: CloudFront's request limits, as the edge's HTTP parser enforces them (413 beyond).
inline constexpr size_t kMaxViewerHeaderBytes = 20480;
inline constexpr size_t kMaxViewerUrlBytes = 8192;

// Copies a parsed request (Boost.Beast's http::request; a template so Beast stays out of this
// header) into `out`: method and target as sent, HTTP minor version, every field in order; its
// body (a std::string, bounded by the parser's body limit) is moved into a shared buffer, none
// when empty (SPEC 13.4).
template <typename ParsedRequest>
void ReadViewerRequest(ParsedRequest& parsed, policy::Request& out) {
  const auto view = [](const auto& s) { return absl::string_view(s.data(), s.size()); };
  out.method.assign(parsed.method_string().data(), parsed.method_string().size());
  out.target.assign(parsed.target().data(), parsed.target().size());
  out.http_minor_version = parsed.version() % 10;
  out.headers = policy::Headers();
  out.headers.Reserve(std::distance(parsed.begin(), parsed.end()));
  for (const auto& field : parsed) out.headers.Add(view(field.name_string()), view(field.value()));
  out.body = parsed.body().empty()
                 ? nullptr
                 : std::make_shared<const std::string>(std::move(parsed.body()));
}

struct ViewerExchange {
  // As read from the viewer; `id` is its X-Amz-Cf-Id.
  policy::Request request;
  policy::RequestId id;
  // Routing: the snapshot keeps the distribution alive while the request is in flight.
  std::shared_ptr<const RegistrySnapshot> snapshot;
  const LiveDistribution* distribution = nullptr;  // null: no distribution answers the Host
  int pop = 0;  // -1: `x-edgesim-pop` names no POP (answered 400, nothing cached or logged)
  // Phase one's state for phase two; then the answer to write.
  core::RequestPipeline::Pending pending;
  // Phase two's origin fetch, once started (StartUpstream).
  core::OriginFlight flight;
  core::EdgeResult answer;
};

// Phase one, on the event loop: routes `x` and answers from its POP's cache when it can (true;
// also for a Host no distribution answers, and an unknown POP); false leaves `x.pending` for AnswerUpstream.
bool AnswerFromCache(ViewerExchange& x, const std::shared_ptr<const RegistrySnapshot>& snapshot,
                     absl::Time now);

// Phase two's start, on the event loop (core::RequestPipeline::StartFetch): true when it
// answered. Otherwise `x.flight`, when set, is the origin fetch to make, on the loop (then
// FinishUpstream) or by AnswerUpstream; unset, AnswerUpstream runs the whole phase.
bool StartUpstream(ViewerExchange& x, absl::Time now);
// Phase two's end, on the event loop, with what the origin answered for x.flight's request.
void FinishUpstream(ViewerExchange& x, absl::StatusOr<core::OriginResponse> response,
                    absl::Time now);
// Phase two, on an origin worker: blocks on the tiers and the origin (x.flight's fetch, when
// StartUpstream began one).
void AnswerUpstream(ViewerExchange& x, absl::Time now);

// The origin workers' lane (worker_pool.h) for upstream work of `x`'s behavior `behavior_index`
// (-1: the default one): its target origin's "domain:port", so each origin's fetches queue apart.
std::string OriginLane(const ViewerExchange& x, int behavior_index);

// The stale-while-revalidate refresh `x.answer` hands out (then no longer in the answer), as a
// job owning what it needs, to run on the pool whenever; empty when there is none.
std::function<void()> TakeRefreshJob(ViewerExchange& x, core::Clock* clock);

// CloudFront's own error answer for what the edge refuses before any cache sees it.
core::EdgeResult RefusalAnswer(int status, policy::CacheOutcome outcome,
                               policy::ErrorDetail detail, absl::string_view message,
                               const policy::RequestId& id);

}  // namespace edgesim::emulator
