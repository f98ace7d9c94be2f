#include "core/edge_cache.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/node_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/edge_compression.h"
#include "policy/cache_key.h"
#include "policy/conditional_request.h"
#include "policy/http_date.h"
#include "policy/origin_failover.h"
#include "policy/origin_request.h"
#include "policy/response_head.h"
#include "policy/response_headers_policy.h"
#include "policy/status_macros.h"
#include "policy/ttl.h"
#include "policy/viewer_protocol.h"

namespace edgesim::core {
namespace {

using policy::CacheOutcome;
using policy::ErrorDetail;

constexpr absl::Duration kZero = absl::ZeroDuration();

// ---- Range requests (SPEC 4.5) ------------------------------------------------------------------

// Range is forwarded by default (SPEC 4.5). A request the cache will not store carries it to the
// origin, whose answer (206, or the whole object) the viewer gets as it is. A cacheable one does
// not: it fetches the whole object, the widest range, which is stored and cut for the viewer
// (core/ranged_answer.h; UNCONFIRMED which range CloudFront asks for).
void ForwardRange(const policy::Request& viewer, policy::Request& forwarded, EdgeResult& result) {
  const absl::optional<absl::string_view> range = viewer.headers.Get("Range");
  if (!range) return;
  forwarded.headers.Set("Range", *range);
  if (const auto if_range = viewer.headers.Get("If-Range")) {
    forwarded.headers.Set("If-Range", *if_range);
  }
  result.range_forwarded = true;
}

// ---- Responses CloudFront makes itself (policy/response_head.h) --------------------------------

// One page per status, built once: a cached 502 shares its body with every other.
const BodyRef& ErrorPage(int status) {
  static const auto* const kPages = [] {
    auto* pages = new absl::flat_hash_map<int, BodyRef>();
    for (int code : {policy::kMethodRefusedStatus, 502, 503, 504}) {
      pages->emplace(code, MakeBody(policy::ErrorPageHtml(code, policy::ErrorPageMessage(code))));
    }
    return pages;
  }();
  const auto it = kPages->find(status);
  return it != kPages->end() ? it->second : kPages->at(502);
}

OriginResponse GeneratedResponse(int status, const BodyRef& body) {
  OriginResponse r;
  r.body = body;
  r.body_size = r.body->size();
  r.head = policy::GeneratedHead(status, r.body_size);
  return r;
}

OriginResponse GeneratedResponse(int status) { return GeneratedResponse(status, ErrorPage(status)); }

// SPEC 4.7: the redirects' pages and the 403 for HTTP where HTTPS is required, built once.
OriginResponse ViewerProtocolResponse(int status) {
  static const auto* const kPages = [] {
    auto* pages = new absl::flat_hash_map<int, BodyRef>();
    for (int code : {301, 307, 403}) {
      pages->emplace(code, MakeBody(policy::ViewerProtocolPageHtml(code)));
    }
    return pages;
  }();
  return GeneratedResponse(status, kPages->at(status));
}

// X-Amz-Cf-Ids of one cache: a shared counter into policy's sequence.
class RequestIds {
 public:
  RequestIds(uint64_t seed, absl::string_view pop) : base_(policy::RequestIdBase(seed, pop)) {}

  policy::RequestId Next() {
    return policy::MakeRequestId(base_, next_.fetch_add(1, std::memory_order_relaxed));
  }

 private:
  const uint64_t base_;
  std::atomic<uint64_t> next_{0};
};

absl::Duration WholeSeconds(absl::Duration d) {
  return d <= kZero ? kZero : absl::Floor(d, absl::Seconds(1));
}

}  // namespace

// ---- Free functions ---------------------------------------------------------------------------

absl::string_view ToString(TierKind kind) {
  switch (kind) {
    case TierKind::kEdge:
      return "edge";
    case TierKind::kRegional:
      return "regional";
    case TierKind::kOriginShield:
      return "origin_shield";
  }
  return "edge";
}

absl::string_view ToString(MissReason reason) {
  switch (reason) {
    case MissReason::kNone:
      return "none";
    case MissReason::kNotCached:
      return "not_cached";
    case MissReason::kExpired:
      return "expired";
    case MissReason::kInvalidated:
      return "invalidated";
    case MissReason::kForwardEveryRequest:
      return "forward_every_request";
    case MissReason::kNotCacheableMethod:
      return "not_cacheable_method";
    case MissReason::kCachingDisabled:
      return "caching_disabled";
  }
  return "none";
}

std::ostream& operator<<(std::ostream& os, MissReason reason) { return os << ToString(reason); }

// ---- The cache ----------------------------------------------------------------------------------

namespace {

// What a request needs of its behavior, worked out once in Create.
struct BehaviorInfo {
  explicit BehaviorInfo(const policy::DistributionConfig& config, const policy::CacheBehavior& b)
      : behavior(&b),
        group(config.FindOriginGroup(b.target_origin_id)),
        origin(config.FindTargetOrigin(b.target_origin_id)),
        secondary(group != nullptr && group->member_origin_ids.size() == 2
                      ? config.FindOrigin(group->member_origin_ids[1])
                      : nullptr),
        head_rules(policy::HeadRules::For(b)),
        allowed_methods(policy::MethodMask(b.allowed_methods)),
        cached_methods(policy::CachedMethodMask(b)),
        caching_disabled(policy::CachingDisabled(b.cache_policy)),
        // SPEC 7.2: no collapsing when caching is disabled or cookies are forwarded.
        collapses(!caching_disabled && !head_rules.cookies_forwarded),
        s3_origin(origin != nullptr && origin->kind == policy::OriginKind::kS3) {}

  const policy::CacheBehavior* behavior;
  // SPEC 12.2: a behavior targeting an origin group goes to its primary (`origin`) first.
  const policy::OriginGroup* group;
  const policy::Origin* origin;  // null when the behavior's origin is not configured
  const policy::Origin* secondary;  // the group's; null without one
  policy::HeadRules head_rules;
  uint32_t allowed_methods;
  uint32_t cached_methods;
  bool caching_disabled;
  bool collapses;
  bool s3_origin;
  // In the cache's Contents, under the behavior's path pattern (EdgeCache::Impl::Use).
  StripedCounters* counters = nullptr;

  const policy::CachePolicy& policy() const { return behavior->cache_policy; }
};

// One request's walk through the cache: phase one fills `p` and either serves (`result`) or
// leaves it `pending`; phase two goes upstream through `origin`.
struct Exchange {
  PendingFetch p;
  absl::Time now;
  BehaviorInfo* info = nullptr;
  OriginFetcher* origin = nullptr;
  bool pending = false;
  EdgeResult result = {};

  const policy::Request& viewer() const { return *p.viewer; }
  bool head_request() const { return p.viewer->method == "HEAD"; }
  const StoreLookup* stale() const {
    return p.stale.status == LookupStatus::kFound ? &p.stale : nullptr;
  }
  // Viewer-side counters: a request made on a viewer's behalf serves no viewer of its own.
  void Note(Counter c) {
    if (p.role == RequestRole::kViewer) info->counters->Add(c);
  }
  void GoUpstream(MissReason reason) {
    p.miss_reason = reason;
    pending = true;
  }
};

}  // namespace

// A started fetch: the exchange it belongs to, what it sends, and the collapsed flight it leads
// (none for requests that do not collapse).
struct OriginFlight::State {
  State(Exchange x, RequestCollapser* collapser, RequestCollapser::Ticket ticket)
      : x(std::move(x)), collapser(collapser), ticket(std::move(ticket)) {}
  ~State() {
    Land({absl::CancelledError("the fetch this request waited for was abandoned"), nullptr, false});
  }

  // Wakes the requests collapsed on this one, once.
  void Land(CollapsedResult result) {
    if (!ticket.leader()) return;
    collapser->Complete(ticket, std::move(result));
    ticket = RequestCollapser::Ticket();
  }

  Exchange x;
  OriginRequest request;
  RequestCollapser* collapser;
  RequestCollapser::Ticket ticket;
};

OriginFlight::OriginFlight() = default;
OriginFlight::OriginFlight(OriginFlight&&) noexcept = default;
OriginFlight& OriginFlight::operator=(OriginFlight&&) noexcept = default;
OriginFlight::~OriginFlight() = default;

const OriginRequest& OriginFlight::request() const { return state_->request; }

// What a cache keeps across configurations of its distribution (EdgeCache::KeepContentsOf).
struct EdgeCache::Contents {
  // The key of the default behavior's counters: no configured PathPattern is empty.
  static constexpr absl::string_view kDefaultBehavior = "";

  StripedCounters* CountersFor(absl::string_view path_pattern) {
    std::lock_guard<std::mutex> lock(counters_mu);
    return &counters[path_pattern];
  }

  // Declared before the store, which points at it.
  InvalidationLog log;
  std::unique_ptr<ShardedStore> store;
  std::mutex counters_mu;
  // Per behavior PathPattern, of every configuration so far (node_hash_map: stable addresses,
  // which BehaviorInfo keeps).
  absl::node_hash_map<std::string, StripedCounters> counters ABSL_GUARDED_BY(counters_mu);
};

struct EdgeCache::Impl {
  Impl(policy::Distribution d, EdgeCacheOptions o, policy::BehaviorTable t)
      : distribution(std::move(d)),
        options(std::move(o)),
        table(std::move(t)),
        via(policy::ViaValue(options.pop)),
        request_ids(options.request_id_seed, options.pop) {
    const policy::DistributionConfig& config = distribution.config;
    behaviors.reserve(config.behaviors.size() + 1);
    for (const policy::CacheBehavior& b : config.behaviors) behaviors.emplace_back(config, b);
    behaviors.emplace_back(config, config.default_behavior);
    const std::string& root = config.default_root_object;
    if (!root.empty()) root_path = absl::StartsWith(root, "/") ? root : absl::StrCat("/", root);
  }

  // Serves from `c`: its store, log and counters. REQUIRES: no request in flight.
  void Use(std::shared_ptr<Contents> c) {
    contents = std::move(c);
    log = &contents->log;
    store = contents->store.get();
    const policy::DistributionConfig& config = distribution.config;
    for (size_t i = 0; i < behaviors.size(); ++i) {
      behaviors[i].counters = contents->CountersFor(
          i < config.behaviors.size() ? absl::string_view(config.behaviors[i].path_pattern)
                                      : Contents::kDefaultBehavior);
    }
  }

  Exchange StartBeforeLookup(const policy::Request& request, int behavior_index,
                             policy::RequestId id);
  Exchange Start(const policy::Request& request, absl::Time now, RequestRole role,
                 policy::RequestId id);
  Exchange Resume(PendingFetch pending, absl::Time now);
  void Continue(Exchange& x, OriginFetcher& origin);
  bool ServedSinceLookup(Exchange& x);
  void Revalidate(const BackgroundRefresh& refresh, absl::Time now, OriginFetcher& origin);

  BehaviorInfo& InfoFor(int index) { return behaviors[index < 0 ? behaviors.size() - 1 : index]; }
  void LookUp(Exchange& x);
  void ServeWhileRevalidating(Exchange& x, const StoreLookup& found);
  void Upstream(Exchange& x);
  bool Collapses(const Exchange& x) const;
  CollapsedResult FetchUpstream(Exchange& x);
  OriginRequest BeginFetch(Exchange& x);
  CollapsedResult EndFetch(Exchange& x, absl::StatusOr<OriginResponse> fetched);
  absl::StatusOr<OriginResponse> Fetch(Exchange& x, const StoredResponse* revalidating);
  OriginRequest Request(Exchange& x, const StoredResponse* revalidating);
  absl::StatusOr<OriginResponse> Fetched(Exchange& x, absl::StatusOr<OriginResponse> response);
  policy::Request Forwarded(Exchange& x, const StoredResponse* revalidating,
                            const policy::Origin* origin);
  CollapsedResult RefreshStored(Exchange& x, const StoreLookup& stale,
                                const OriginResponse& not_modified);
  absl::optional<CollapsedResult> ServeStaleOnError(Exchange& x, const StoreLookup& stale,
                                                    int origin_status, int viewer_status);
  CollapsedResult Answer(Exchange& x, OriginResponse fetched);
  CollapsedResult AnswerFailure(Exchange& x, const absl::Status& failure);
  void ServeGenerated(Exchange& x, int status, policy::ErrorDetail detail);
  bool AnswersPreflight(const Exchange& x, const policy::Request& request) const;
  void ServePreflight(Exchange& x);
  policy::ViewerProtocolAnswer CheckViewerProtocol(const Exchange& x,
                                                   const policy::Request& request) const;
  void ServeViewerProtocol(Exchange& x, policy::ViewerProtocolAnswer answer);
  void ServeStored(Exchange& x, ResponseRef stored, absl::Time origin_time, CacheOutcome outcome,
                   const policy::Response* head_override = nullptr);
  void ServeUnstored(Exchange& x, policy::Response head, const BodyRef& body, uint64_t body_size,
                     absl::Duration age, CacheOutcome outcome);
  // The headers are asked for only when the viewer's request is conditional.
  void SetStatusAndBody(Exchange& x, int status,
                        absl::FunctionRef<const policy::Headers&()> headers, const BodyRef& body,
                        uint64_t body_size);
  StoredHead Kept(const BehaviorInfo& info, OriginResponse& fetched);
  policy::TtlDecision TtlOf(const Exchange& x, const policy::Response& head,
                            const SharedHead* shared);
  policy::TtlContext TtlContextFor(const BehaviorInfo& info, int status) const;
  absl::optional<absl::Duration> ErrorCachingMinTtl(int status) const;
  EdgeResult Finish(Exchange& x);

  bool ClaimRefresh(const std::string& key);
  void ReleaseRefresh(const std::string& key);

  const policy::Distribution distribution;
  const EdgeCacheOptions options;
  const policy::BehaviorTable table;
  std::string root_path;  // "/" + DefaultRootObject, or empty
  const std::string via;
  RequestIds request_ids;
  // The ordered behaviors, then the default one.
  std::vector<BehaviorInfo> behaviors;
  // Shared with the caches built for later configurations; `log` and `store` are in it.
  std::shared_ptr<Contents> contents;
  InvalidationLog* log = nullptr;
  ShardedStore* store = nullptr;
  RequestCollapser collapser;
  // Keys with a stale-while-revalidate refresh handed out and not yet run.
  std::mutex refresh_mu;
  absl::flat_hash_set<std::string> refreshing ABSL_GUARDED_BY(refresh_mu);
  // What is the same for every object of a shared head under one behavior, found once: its
  // kept head (Kept) and its TTL decision (TtlOf). `head` holds the shared head, so that its
  // address names no other head.
  struct SharedHeadFacts {
    SharedHeadRef head;
    SharedHeadRef kept;
    absl::optional<policy::TtlDecision> ttl;
  };
  SharedHeadFacts& FactsOf(const BehaviorInfo& info, const SharedHead& head)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(facts_mu);
  std::mutex facts_mu;
  absl::flat_hash_map<std::pair<const BehaviorInfo*, const SharedHead*>, SharedHeadFacts>
      shared_head_facts ABSL_GUARDED_BY(facts_mu);
};

// An exchange a viewer-request function ended before the lookup: no key, nothing upstream.
Exchange EdgeCache::Impl::StartBeforeLookup(const policy::Request& request, int behavior_index,
                                            policy::RequestId id) {
  Exchange x;
  x.info = &InfoFor(behavior_index);
  x.p.viewer = &request;
  x.p.behavior_index = behavior_index;
  x.p.request_id = id;
  x.result.behavior_index = behavior_index;
  return x;
}

// Phase one: behavior (SPEC 1), method and body (SPEC 4.1), key (SPEC 2), then the store.
Exchange EdgeCache::Impl::Start(const policy::Request& request, absl::Time now, RequestRole role,
                                policy::RequestId id) {
  const policy::BehaviorMatch match = table.Match(request.target);
  Exchange x;
  x.now = now;
  x.info = &InfoFor(match.index);
  x.p.viewer = &request;
  x.p.role = role;
  x.p.behavior_index = match.index;
  x.p.request_id = id;
  x.p.key = policy::BuildCacheKey(request, distribution.domain_name, x.info->policy(),
                                  options.model);
  x.result.behavior_index = match.index;
  x.result.key_hash = x.p.key.hash;

  const uint32_t method = policy::MethodBitOf(request.method);
  if (const policy::ViewerProtocolAnswer protocol = CheckViewerProtocol(x, request);
      protocol.status != 0) {
    ServeViewerProtocol(x, protocol);
  } else if (policy::RefusedForBody(request)) {
    ServeGenerated(x, policy::kMethodRefusedStatus, ErrorDetail::kInvalidRequest);
  } else if ((x.info->allowed_methods & method) == 0) {
    ServeGenerated(x, policy::kMethodRefusedStatus, ErrorDetail::kInvalidRequestMethod);
  } else if (AnswersPreflight(x, request)) {
    ServePreflight(x);
  } else if ((x.info->cached_methods & method) == 0) {
    x.p.pass_through = true;
    x.GoUpstream(MissReason::kNotCacheableMethod);
  } else if (x.info->caching_disabled) {
    x.p.pass_through = true;
    x.GoUpstream(MissReason::kCachingDisabled);
  } else {
    x.p.may_store = method != policy::kMethodHead;
    LookUp(x);
  }
  return x;
}

void EdgeCache::Impl::LookUp(Exchange& x) {
  StoreLookup found = store->Lookup(x.p.key.bytes, x.p.key.hash, x.now);
  if (found.status != LookupStatus::kFound) {
    return x.GoUpstream(found.status == LookupStatus::kInvalidated ? MissReason::kInvalidated
                                                                   : MissReason::kNotCached);
  }
  const StorageTerms& terms = found.response->terms();
  if (!terms.forward_every_request && x.now < found.fresh_until) {
    // SPEC 8.3: a cached error served again is logged Error, not Hit.
    const CacheOutcome outcome = terms.is_error ? CacheOutcome::kError : CacheOutcome::kHit;
    return ServeStored(x, std::move(found.response), found.origin_time, outcome);
  }
  if (terms.is_error) {
    // A cached error is never revalidated: after its TTL the origin is asked again (SPEC 3.5).
    return x.GoUpstream(MissReason::kExpired);
  }
  if (terms.forward_every_request) {
    x.p.stale = std::move(found);
    return x.GoUpstream(MissReason::kForwardEveryRequest);
  }
  if (x.now - found.fresh_until < terms.stale_while_revalidate) {
    x.result.miss_reason = MissReason::kExpired;
    return ServeWhileRevalidating(x, found);
  }
  x.p.stale = std::move(found);
  x.GoUpstream(MissReason::kExpired);
}

Exchange EdgeCache::Impl::Resume(PendingFetch pending, absl::Time now) {
  Exchange x;
  x.now = now;
  x.info = &InfoFor(pending.behavior_index);
  x.result.behavior_index = pending.behavior_index;
  x.result.key_hash = pending.key.hash;
  x.p = std::move(pending);
  x.pending = true;
  return x;
}

// Phase two.
void EdgeCache::Impl::Continue(Exchange& x, OriginFetcher& origin) {
  x.origin = &origin;
  x.result.miss_reason = x.p.miss_reason;
  if (!x.p.pass_through) return Upstream(x);
  absl::StatusOr<OriginResponse> fetched = Fetch(x, nullptr);
  if (fetched.ok()) {
    Answer(x, *std::move(fetched));
  } else {
    AnswerFailure(x, fetched.status());
  }
}

// Between the phases another request may have stored the object: it serves this one too, as
// collapsing would have (SPEC 7.2).
bool EdgeCache::Impl::ServedSinceLookup(Exchange& x) {
  if (x.p.pass_through || !x.p.may_store) return false;
  StoreLookup again = store->Lookup(x.p.key.bytes, x.p.key.hash, x.now);
  if (again.status != LookupStatus::kFound || again.response.get() == x.p.stale.response.get() ||
      again.response->terms().forward_every_request || x.now >= again.fresh_until) {
    return false;
  }
  x.result.miss_reason = x.p.miss_reason;
  x.result.collapsed = true;
  x.Note(Counter::kCollapsed);
  const bool is_error = again.response->terms().is_error;
  ServeStored(x, std::move(again.response), again.origin_time,
              is_error ? CacheOutcome::kError : CacheOutcome::kHit);
  return true;
}

// SPEC 3.6: the stale copy now, one refresh in the background.
void EdgeCache::Impl::ServeWhileRevalidating(Exchange& x, const StoreLookup& found) {
  x.result.served_stale = true;
  x.Note(Counter::kStaleWhileRevalidate);
  if (ClaimRefresh(x.p.key.bytes)) {
    x.result.background_refresh = BackgroundRefresh{x.viewer(), x.p.key.bytes, x.p.key.hash};
  }
  ServeStored(x, found.response, found.origin_time, CacheOutcome::kHit);
}

// SPEC 7.2: concurrent misses of one key wait for the first one's answer.
void EdgeCache::Impl::Upstream(Exchange& x) {
  if (!Collapses(x)) {
    FetchUpstream(x);
    return;
  }
  const RequestCollapser::Ticket ticket = collapser.Join(x.p.key.bytes, x.p.key.hash);
  if (ticket.leader()) {
    collapser.Complete(ticket, FetchUpstream(x));
    return;
  }
  const CollapsedResult shared = collapser.Wait(ticket);
  if (!shared.status.ok()) {
    // The leader's fetch failed and nothing was stored: the same error, without another try.
    ServeGenerated(x, policy::FailureStatus(shared.status.code()),
                   policy::FailureDetail(shared.status.code()));
    return;
  }
  if (!shared.shareable || shared.response == nullptr) {
    FetchUpstream(x);  // released to the origin (SPEC 7.2)
    return;
  }
  x.result.collapsed = true;
  x.Note(Counter::kCollapsed);
  // The entry's times give the right Age (an upstream tier's age included).
  const StoreLookup again = store->Lookup(x.p.key.bytes, x.p.key.hash, x.now);
  const absl::Time origin_time =
      again.response.get() == shared.response.get() ? again.origin_time : x.now;
  ServeStored(x, shared.response, origin_time,
              shared.response->terms().is_error ? CacheOutcome::kError : CacheOutcome::kHit);
}

bool EdgeCache::Impl::Collapses(const Exchange& x) const {
  // TTL-0 objects never collapse (SPEC 7.2), a HEAD miss stores nothing to share, and a single
  // caller has no one to share with.
  const StoreLookup* stale = x.stale();
  return !options.single_caller && x.info->collapses && x.p.may_store &&
         (stale == nullptr || !stale->response->terms().forward_every_request);
}

// Goes upstream for the request: a plain fetch, or the revalidation of the expired copy.
CollapsedResult EdgeCache::Impl::FetchUpstream(Exchange& x) {
  return EndFetch(x, x.origin->Fetch(BeginFetch(x), x.now));
}

namespace {

// SPEC 3.4: conditional with the stored validators, unless Vary: * (or none to send).
const StoredResponse* Revalidating(const Exchange& x) {
  const StoreLookup* stale = x.stale();
  const StoredResponse* old = stale != nullptr ? stale->response.get() : nullptr;
  return old != nullptr && !old->terms().unconditional_revalidation &&
                 policy::HasValidators(old->head.headers.shared().head.headers)
             ? old
             : nullptr;
}

}  // namespace

// FetchUpstream in two halves, for a caller that makes the fetch itself (OriginFlight): the
// request to send, then what came back, stored and answered.
OriginRequest EdgeCache::Impl::BeginFetch(Exchange& x) { return Request(x, Revalidating(x)); }

CollapsedResult EdgeCache::Impl::EndFetch(Exchange& x, absl::StatusOr<OriginResponse> response) {
  absl::StatusOr<OriginResponse> fetched = Fetched(x, std::move(response));
  const StoreLookup* stale = x.stale();
  const StoredResponse* old = stale != nullptr ? stale->response.get() : nullptr;
  const bool conditional = Revalidating(x) != nullptr;
  if (fetched.ok() && conditional && fetched->head.status == 304) {
    return RefreshStored(x, *stale, *fetched);
  }
  // A body cut short counts as no answer: the stored copy may stand in for it (SPEC 4.3, 3.6).
  const bool answered = fetched.ok() && fetched->complete;
  const int origin_status = answered ? fetched->head.status : 0;
  if (old != nullptr && (origin_status == 0 || origin_status >= 500)) {
    // A cut body would be a 502, as an invalid answer is.
    const absl::StatusCode failure =
        fetched.ok() ? absl::StatusCode::kDataLoss : fetched.status().code();
    const int viewer_status = answered ? origin_status : policy::FailureStatus(failure);
    if (absl::optional<CollapsedResult> served =
            ServeStaleOnError(x, *stale, origin_status, viewer_status)) {
      return *std::move(served);
    }
  }
  if (!fetched.ok()) return AnswerFailure(x, fetched.status());
  return Answer(x, *std::move(fetched));
}

absl::StatusOr<OriginResponse> EdgeCache::Impl::Fetch(Exchange& x,
                                                      const StoredResponse* revalidating) {
  return Fetched(x, x.origin->Fetch(Request(x, revalidating), x.now));
}

// What goes upstream, counted as one origin fetch.
OriginRequest EdgeCache::Impl::Request(Exchange& x, const StoredResponse* revalidating) {
  OriginRequest request;
  request.viewer = x.p.viewer;
  request.forwarded = Forwarded(x, revalidating, x.info->origin);
  request.behavior = x.info->behavior;
  request.origin = x.info->origin;
  request.conditional = revalidating != nullptr;
  if (x.info->secondary != nullptr && policy::MethodFailsOver(request.forwarded.method)) {
    request.group = x.info->group;
    request.secondary = x.info->secondary;
    request.secondary_forwarded = Forwarded(x, revalidating, x.info->secondary);
  }
  x.result.contacted_origin = true;
  x.info->counters->Add(Counter::kOriginFetches);
  return request;
}

// What came back, counted.
absl::StatusOr<OriginResponse> EdgeCache::Impl::Fetched(Exchange& x,
                                                        absl::StatusOr<OriginResponse> response) {
  if (!response.ok()) {
    x.info->counters->Add(Counter::kOriginFailures);
    return response;
  }
  if (response->failed_over) x.info->counters->Add(Counter::kOriginFailovers);
  x.info->counters->Add(Counter::kBytesFromOrigin, response->body_size);
  x.result.origin_shield_hit |= response->origin_shield_hit;
  return response;
}

// What CloudFront sends upstream (policy/origin_request.h), with the stored validators in place
// of the viewer's when revalidating (SPEC 3.4, 13.2).
policy::Request EdgeCache::Impl::Forwarded(Exchange& x, const StoredResponse* revalidating,
                                           const policy::Origin* origin) {
  if (x.p.request_id.empty()) x.p.request_id = request_ids.Next();
  const policy::OriginRequestContext context{.behavior = x.info->behavior,
                                             .origin = origin,
                                             .distribution_domain = distribution.domain_name,
                                             .root_path = root_path,
                                             .via = via,
                                             .request_id = x.p.request_id.view(),
                                             .model = &options.model};
  // StartFetch's callers fetch on their own (x.origin unset): they get the whole request.
  policy::Request f = x.origin != nullptr && x.origin->WantsBareRequests()
                          ? policy::BuildBareOriginRequest(x.viewer(), context)
                          : policy::BuildOriginRequest(x.viewer(), context);
  if (x.p.pass_through) ForwardRange(x.viewer(), f, x.result);
  if (revalidating != nullptr) {
    // The viewer's validators (SPEC 13.2) would make the origin's 304 speak of the viewer's copy,
    // not the stored one: only the stored copy's go.
    f.headers.Remove("If-None-Match");
    f.headers.Remove("If-Modified-Since");
    const StoredHeaders& stored = revalidating->head.headers;
    if (const auto etag = stored.CopyOf("ETag")) f.headers.Set("If-None-Match", *etag);
    if (const auto modified = stored.CopyOf("Last-Modified")) {
      f.headers.Set("If-Modified-Since", *modified);
    }
  }
  return f;
}

// SPEC 3.4, SPEC B8: a 304 keeps the stored headers and body; the TTL is decided again from
// the stored headers.
CollapsedResult EdgeCache::Impl::RefreshStored(Exchange& x, const StoreLookup& stale,
                                               const OriginResponse& not_modified) {
  const StoredResponse& old = *stale.response;
  const SharedHead& stored = old.head.headers.shared();
  const policy::TtlDecision d = TtlOf(x, stored.head, &stored);
  const absl::Time origin_time = x.now - not_modified.age;
  store->Refresh(x.p.key.bytes, x.p.key.hash, &old, origin_time, x.now + d.fresh_for);
  ServeStored(x, stale.response, origin_time, CacheOutcome::kRefreshHit);
  return {absl::OkStatus(), stale.response, d.collapsible};
}

// SPEC 3.5, 3.6, 3.9 row 38: the origin failed (or answered 5xx) while an expired copy is stored.
absl::optional<CollapsedResult> EdgeCache::Impl::ServeStaleOnError(Exchange& x,
                                                                   const StoreLookup& stale,
                                                                   int origin_status,
                                                                   int viewer_status) {
  const StorageTerms& terms = stale.response->terms();
  const policy::TtlDecision stored_under{.store = true,
                                         .stale_while_revalidate = terms.stale_while_revalidate,
                                         .stale_if_error = terms.stale_if_error,
                                         .forward_every_request = terms.unconditional_revalidation};
  const policy::StaleOnErrorDecision d =
      policy::DecideStaleOnError(stored_under, origin_status, x.now - stale.fresh_until,
                                 ErrorCachingMinTtl(viewer_status), options.model);
  if (!d.serve_stale) return absl::nullopt;
  if (!d.retry_origin_each_request) {
    // The stale copy stands in for the origin until serve_for ends: no origin contact till then.
    store->Refresh(x.p.key.bytes, x.p.key.hash, stale.response.get(), stale.origin_time,
                   x.now + d.serve_for);
  }
  x.result.served_stale = true;
  x.Note(Counter::kStaleOnError);
  ServeStored(x, stale.response, stale.origin_time, CacheOutcome::kHit);
  return CollapsedResult{absl::OkStatus(), stale.response, !d.retry_origin_each_request};
}

// An upstream answer: compress it at the POP (SPEC 4.6), decide its TTL (SPEC 3.2-3.6), store
// it when the decision and the request allow, and serve it. 4xx/5xx are Errors (SPEC 8.3).
CollapsedResult EdgeCache::Impl::Answer(Exchange& x, OriginResponse fetched) {
  // The stored copy is the compressed one, under the key's normalized Accept-Encoding (SPEC 2.4);
  // a HEAD, a bypassed request or a cut body is never compressed.
  if (options.tier == TierKind::kEdge && x.p.may_store && fetched.complete) {
    CompressForViewer(*x.info->behavior, x.viewer(), fetched);
  }
  const int status = fetched.head.status;
  const CacheOutcome outcome = status >= 400 ? CacheOutcome::kError : CacheOutcome::kMiss;
  if (status >= 400) x.result.error_detail = ErrorDetail::kError;
  policy::TtlDecision d;
  x.result.truncated = !fetched.complete;
  // A 304 here answered the viewer's own validators (SPEC 13.2): relayed, never stored.
  if (x.p.may_store && fetched.complete && status != 304) {
    d = TtlOf(x, fetched.HeadForNames(), fetched.shared_head.get());
  }
  if (!d.store) {
    ServeUnstored(x, policy::KeptHead(x.info->head_rules, std::move(fetched.WholeHead())),
                  fetched.body, fetched.body_size, fetched.age, outcome);
    return {absl::OkStatus(), nullptr, false};
  }
  const policy::Response* viewer_head = nullptr;
  StoredHead stored_head = Kept(*x.info, fetched);
  // The viewer's head differs from the stored one only when Set-Cookie is withheld; otherwise
  // the stored head (moved or shared, never copied) is the viewer's.
  policy::Response withheld;
  if (policy::WithholdsSetCookie(x.info->head_rules, stored_head.headers.shared().head.headers)) {
    withheld = stored_head.whole();
    policy::Response stored_whole = withheld;
    stored_whole.headers.Remove("Set-Cookie");
    stored_head = StoredHead{StoredHeaders(std::move(stored_whole))};
    viewer_head = &withheld;
  }
  StorageTerms terms;
  terms.stale_while_revalidate = d.stale_while_revalidate;
  terms.stale_if_error = d.stale_if_error;
  // SPEC 3.3: a TTL-0 object is kept only to be revalidated; Vary: * not even that (SPEC 3.4).
  terms.forward_every_request = d.forward_every_request || d.fresh_for <= kZero;
  terms.unconditional_revalidation = d.forward_every_request;
  terms.is_error = status >= 400;
  terms.retain_after_expiry = std::max(
      {terms.retain_after_expiry, d.stale_while_revalidate, d.stale_if_error.value_or(kZero)});
  ResponseRef stored =
      MakeStoredResponse(std::move(stored_head), std::move(fetched.body), terms, fetched.body_size);
  const absl::Time origin_time = x.now - fetched.age;
  const bool inserted = store->Insert(x.p.key.bytes, x.p.key.hash, x.p.key.object_path, stored,
                                      origin_time, x.now + d.fresh_for, x.now);
  ServeStored(x, stored, origin_time, outcome, viewer_head);
  if (!inserted) return {absl::OkStatus(), nullptr, false};
  return {absl::OkStatus(), std::move(stored), d.collapsible};
}

// KeptHead (policy/response_head.h) of an answer to be stored: a whole head goes through it as
// it is; a shared one's is made once per behavior and shared in turn, so an object stores only
// its numbers.
StoredHead EdgeCache::Impl::Kept(const BehaviorInfo& info, OriginResponse& fetched) {
  if (fetched.shared_head == nullptr || fetched.shared_head->renderer == nullptr) {
    return {StoredHeaders(policy::KeptHead(info.head_rules, std::move(fetched.WholeHead())))};
  }
  std::lock_guard<std::mutex> lock(facts_mu);
  SharedHeadFacts& facts = FactsOf(info, *fetched.shared_head);
  if (facts.kept == nullptr) {
    facts.kept = MakeSharedHead(policy::KeptHead(info.head_rules, fetched.shared_head->head),
                                fetched.shared_head->renderer);
  }
  return {StoredHeaders(facts.kept, fetched.numbers)};
}

EdgeCache::Impl::SharedHeadFacts& EdgeCache::Impl::FactsOf(const BehaviorInfo& info,
                                                           const SharedHead& head) {
  SharedHeadFacts& facts = shared_head_facts[{&info, &head}];
  if (facts.head == nullptr) facts.head.reset(&head);
  return facts;
}

// SPEC 3.2-3.6's decision for `head` (its names and unslotted values: a shared head's slots are
// never read by it). It reads the clock only for Expires: without Expires a shared head's
// decision is its every object's, made once.
policy::TtlDecision EdgeCache::Impl::TtlOf(const Exchange& x, const policy::Response& head,
                                           const SharedHead* shared) {
  auto decide = [&] {
    return policy::DecideTtl(head, x.info->policy(), x.now, TtlContextFor(*x.info, head.status),
                             options.model);
  };
  if (shared == nullptr || shared->renderer == nullptr || shared->head.headers.Has("Expires")) {
    return decide();
  }
  std::lock_guard<std::mutex> lock(facts_mu);
  SharedHeadFacts& facts = FactsOf(*x.info, *shared);
  if (!facts.ttl) facts.ttl = decide();
  return *facts.ttl;
}

// No answer from upstream: CloudFront's own 502/504 (SPEC 7.3). Cached like an origin's 502/504
// for ErrorCachingMinTTL (SPEC 3.5); UNCONFIRMED that CloudFront caches the errors it generates.
CollapsedResult EdgeCache::Impl::AnswerFailure(Exchange& x, const absl::Status& failure) {
  CollapsedResult answered = Answer(x, GeneratedResponse(policy::FailureStatus(failure.code())));
  x.result.error_detail = policy::FailureDetail(failure.code());
  // Followers get the failure itself when no stored error stands for it.
  if (answered.response == nullptr) answered.status = failure;
  return answered;
}

// SPEC 11.3's switch: a viewer's CORS preflight on a behavior whose response headers policy has
// CORS settings, at the edge the viewer reached.
bool EdgeCache::Impl::AnswersPreflight(const Exchange& x, const policy::Request& request) const {
  if (!options.model.answer_cors_preflight_at_edge || options.tier != TierKind::kEdge ||
      x.p.role != RequestRole::kViewer || !policy::IsCorsPreflight(request)) {
    return false;
  }
  const auto& rhp = x.info->behavior->response_headers_policy;
  return rhp.has_value() && rhp->cors.has_value();
}

// A 204 (no Content-Length: RFC 9110 15.3.5), never stored, never sent upstream; the pipeline
// adds the policy's CORS headers.
void EdgeCache::Impl::ServePreflight(Exchange& x) {
  policy::Response head;
  head.status = 204;
  head.headers.Add("Server", "CloudFront");
  ServeUnstored(x, std::move(head), nullptr, 0, kZero, CacheOutcome::kHit);
}

// An answer the cache makes itself, never stored: a refused method, a failure shared by a
// collapsed fetch.
void EdgeCache::Impl::ServeGenerated(Exchange& x, int status, ErrorDetail detail) {
  OriginResponse generated = GeneratedResponse(status);
  ServeUnstored(x, std::move(generated.head), generated.body, generated.body_size, kZero,
                CacheOutcome::kError);
  x.result.error_detail = detail;
}

// SPEC 4.7: the edge a viewer reaches checks the protocol; upstream tiers and requests made on a
// viewer's behalf are past it.
policy::ViewerProtocolAnswer EdgeCache::Impl::CheckViewerProtocol(
    const Exchange& x, const policy::Request& request) const {
  if (options.tier != TierKind::kEdge || x.p.role != RequestRole::kViewer) return {};
  return policy::CheckViewerProtocol(x.info->behavior->viewer_protocol_policy, request);
}

// Never cached, never sent upstream. A redirect points at the Host the viewer asked for (the
// distribution's domain name when it sent none).
void EdgeCache::Impl::ServeViewerProtocol(Exchange& x, policy::ViewerProtocolAnswer answer) {
  OriginResponse page = ViewerProtocolResponse(answer.status);
  if (!answer.redirect()) {
    ServeUnstored(x, std::move(page.head), page.body, page.body_size, kZero, CacheOutcome::kError);
    x.result.error_detail = ErrorDetail::kError;
    return;
  }
  const absl::optional<absl::string_view> host = x.viewer().headers.Get("Host");
  page.head.headers.Add("Location", policy::HttpsLocation(host.value_or(distribution.domain_name),
                                                          x.viewer().target));
  ServeUnstored(x, std::move(page.head), page.body, page.body_size, kZero,
                CacheOutcome::kRedirect);
}

void EdgeCache::Impl::ServeStored(Exchange& x, ResponseRef stored, absl::Time origin_time,
                                  CacheOutcome outcome, const policy::Response* head_override) {
  EdgeResult& r = x.result;
  r.outcome = outcome;
  if (outcome == CacheOutcome::kError && r.error_detail == ErrorDetail::kNone) {
    r.error_detail = ErrorDetail::kError;
  }
  r.age = WholeSeconds(x.now - origin_time);
  // A hit copies no header, nor renders a shared head's: the stored head is the viewer's unless
  // this viewer's differs.
  const int status = head_override != nullptr ? head_override->status : stored->head.status();
  SetStatusAndBody(x, status, [&]() -> const policy::Headers& {
    if (head_override != nullptr) return head_override->headers;
    return stored->head.headers;
  }, stored->body, stored->body_size);
  if (head_override != nullptr) r.viewer.headers = head_override->headers;
  r.stored = std::move(stored);
}

void EdgeCache::Impl::ServeUnstored(Exchange& x, policy::Response head, const BodyRef& body,
                                    uint64_t body_size, absl::Duration age, CacheOutcome outcome) {
  x.result.outcome = outcome;
  x.result.age = WholeSeconds(age);
  SetStatusAndBody(x, head.status, [&]() -> const policy::Headers& { return head.headers; },
                   body, body_size);
  x.result.viewer.headers = std::move(head.headers);
}

void EdgeCache::Impl::SetStatusAndBody(Exchange& x, int status,
                                       absl::FunctionRef<const policy::Headers&()> headers,
                                       const BodyRef& body, uint64_t body_size) {
  EdgeResult& r = x.result;
  r.viewer.status = status;
  if (status == 200 && policy::NotModified(x.viewer(), headers)) {
    r.viewer.status = 304;
    x.Note(Counter::kViewerNotModified);
  }
  const bool bodiless = x.head_request() || r.viewer.status == 304 || r.viewer.status == 204;
  r.body = bodiless ? nullptr : body;
  r.body_size = bodiless ? 0 : body_size;
}

policy::TtlContext EdgeCache::Impl::TtlContextFor(const BehaviorInfo& info, int status) const {
  return policy::TtlContext{.error_caching_min_ttl = ErrorCachingMinTtl(status),
                            .s3_origin = info.s3_origin};
}

absl::optional<absl::Duration> EdgeCache::Impl::ErrorCachingMinTtl(int status) const {
  const policy::CustomErrorResponse* custom = distribution.config.FindCustomErrorResponse(status);
  return custom != nullptr ? custom->error_caching_min_ttl : absl::nullopt;
}

EdgeResult EdgeCache::Impl::Finish(Exchange& x) {
  EdgeResult& r = x.result;
  if (x.p.role == RequestRole::kViewer) {
    StripedCounters& counters = *x.info->counters;
    counters.Add(Counter::kRequests);
    switch (r.outcome) {
      case CacheOutcome::kHit:
        counters.Add(Counter::kHits);
        break;
      case CacheOutcome::kRefreshHit:
        counters.Add(Counter::kRefreshHits);
        break;
      case CacheOutcome::kMiss:
        counters.Add(Counter::kMisses);
        break;
      case CacheOutcome::kFunctionGeneratedResponse:
        counters.Add(Counter::kFunctionResponses);
        break;
      default:
        counters.Add(Counter::kErrors);
        break;
    }
    const bool from_cache = r.outcome == CacheOutcome::kHit ||
                            r.outcome == CacheOutcome::kRefreshHit ||
                            (r.stored != nullptr && !r.contacted_origin);
    if (from_cache) counters.Add(Counter::kBytesFromCache, r.body_size);
  }
  r.object_path = std::move(x.p.key.object_path);
  r.pop = &options.pop;
  r.via = &via;
  if (x.p.request_id.empty() && options.assign_request_ids) x.p.request_id = request_ids.Next();
  r.request_id = x.p.request_id;
  return std::move(r);
}

void EdgeCache::Impl::Revalidate(const BackgroundRefresh& refresh, absl::Time now,
                                 OriginFetcher& origin) {
  const policy::BehaviorMatch match = table.Match(refresh.viewer.target);
  Exchange x;
  x.now = now;
  x.info = &InfoFor(match.index);
  x.origin = &origin;
  x.p.viewer = &refresh.viewer;
  x.p.role = RequestRole::kOnBehalf;  // the viewer was served and counted already
  x.p.may_store = refresh.viewer.method != "HEAD";
  x.p.key = policy::BuildCacheKey(refresh.viewer, distribution.domain_name, x.info->policy(),
                                  options.model);
  StoreLookup found = store->Lookup(x.p.key.bytes, x.p.key.hash, now);
  // Another request may have refreshed or replaced it meanwhile.
  if (found.status == LookupStatus::kFound && !found.response->terms().is_error &&
      now >= found.fresh_until) {
    x.p.stale = std::move(found);
    FetchUpstream(x);
  }
  ReleaseRefresh(refresh.key);
}

bool EdgeCache::Impl::ClaimRefresh(const std::string& key) {
  std::lock_guard<std::mutex> lock(refresh_mu);
  return refreshing.insert(key).second;
}

void EdgeCache::Impl::ReleaseRefresh(const std::string& key) {
  std::lock_guard<std::mutex> lock(refresh_mu);
  refreshing.erase(key);
}

// ---- EdgeCache ----------------------------------------------------------------------------------

absl::StatusOr<std::unique_ptr<EdgeCache>> EdgeCache::Create(policy::Distribution distribution,
                                                             EdgeCacheOptions options) {
  EDGESIM_ASSIGN_OR_RETURN(policy::BehaviorTable table,
                           policy::BehaviorTable::Build(distribution.config, options.model));
  auto impl = std::make_unique<Impl>(std::move(distribution), std::move(options), std::move(table));
  auto contents = std::make_shared<Contents>();
  // Every key starts with the distribution's domain: the store keeps it once.
  std::string key_prefix = policy::CacheKeyPrefix(impl->distribution.domain_name);
  EDGESIM_ASSIGN_OR_RETURN(
      contents->store,
      ShardedStore::Create(impl->options.store, &contents->log, std::move(key_prefix)));
  impl->Use(std::move(contents));
  return std::unique_ptr<EdgeCache>(new EdgeCache(std::move(impl)));
}

EdgeCache::EdgeCache(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EdgeCache::~EdgeCache() = default;

EdgeResult EdgeCache::Handle(const policy::Request& request, absl::Time now,
                             OriginFetcher& upstream, RequestRole role, policy::RequestId id) {
  Exchange x = impl_->Start(request, now, role, id);
  if (x.pending) impl_->Continue(x, upstream);
  return impl_->Finish(x);
}

CacheLookup EdgeCache::Lookup(const policy::Request& request, absl::Time now, RequestRole role,
                              policy::RequestId id) {
  Exchange x = impl_->Start(request, now, role, id);
  if (x.pending) return CacheLookup{absl::nullopt, std::move(x.p)};
  return CacheLookup{impl_->Finish(x), {}};
}

EdgeResult EdgeCache::Complete(PendingFetch pending, absl::Time now, OriginFetcher& upstream) {
  FetchStart start = StartFetch(pending, now);
  if (start.answer) return *std::move(start.answer);
  if (start.flight) {
    absl::StatusOr<OriginResponse> fetched = upstream.Fetch(start.flight.request(), now);
    return FinishFetch(std::move(start.flight), std::move(fetched), now);
  }
  // Another request's fetch of the key is in flight: wait for its answer (SPEC 7.2).
  Exchange x = impl_->Resume(std::move(pending), now);
  impl_->Continue(x, upstream);
  return impl_->Finish(x);
}

FetchStart EdgeCache::StartFetch(PendingFetch& pending, absl::Time now) {
  FetchStart start;
  Exchange x = impl_->Resume(std::move(pending), now);
  if (impl_->ServedSinceLookup(x)) {
    start.answer = impl_->Finish(x);
    return start;
  }
  RequestCollapser::Ticket ticket;
  if (impl_->Collapses(x)) {
    ticket = impl_->collapser.Lead(x.p.key.bytes, x.p.key.hash);
    if (!ticket.leader()) {
      pending = std::move(x.p);
      return start;
    }
  }
  x.result.miss_reason = x.p.miss_reason;
  start.flight.state_ =
      std::make_unique<OriginFlight::State>(std::move(x), &impl_->collapser, std::move(ticket));
  OriginFlight::State& state = *start.flight.state_;
  state.request = impl_->BeginFetch(state.x);
  return start;
}

EdgeResult EdgeCache::FinishFetch(OriginFlight flight, absl::StatusOr<OriginResponse> response,
                                  absl::Time now) {
  OriginFlight::State& state = *flight.state_;
  state.x.now = now;
  CollapsedResult result = impl_->EndFetch(state.x, std::move(response));
  state.Land(std::move(result));
  return impl_->Finish(state.x);
}

void EdgeCache::Revalidate(const BackgroundRefresh& refresh, absl::Time now,
                           OriginFetcher& origin) {
  impl_->Revalidate(refresh, now, origin);
}

EdgeResult EdgeCache::ServeFunctionResponse(const policy::Request& request, int behavior_index,
                                            policy::FunctionResponse response,
                                            policy::RequestId id) {
  Exchange x = impl_->StartBeforeLookup(request, behavior_index, id);
  BodyRef body = response.body ? MakeBody(*std::move(response.body)) : nullptr;
  const uint64_t body_size = body != nullptr ? body->size() : 0;
  impl_->ServeUnstored(x, std::move(response.head), body, body_size, kZero,
                       CacheOutcome::kFunctionGeneratedResponse);
  return impl_->Finish(x);
}

EdgeResult EdgeCache::ServeFunctionFailure(const policy::Request& request, int behavior_index,
                                           policy::FunctionFailure failure, policy::RequestId id) {
  Exchange x = impl_->StartBeforeLookup(request, behavior_index, id);
  const policy::FunctionFailureAnswer answer = policy::AnswerForFunctionFailure(failure);
  impl_->ServeGenerated(x, answer.status, answer.detail);
  return impl_->Finish(x);
}

void ReplaceWithFunctionFailure(policy::FunctionFailure failure, EdgeResult& answer) {
  const policy::FunctionFailureAnswer failed = policy::AnswerForFunctionFailure(failure);
  OriginResponse page = GeneratedResponse(failed.status);
  answer.outcome = CacheOutcome::kError;
  answer.error_detail = failed.detail;
  answer.viewer = std::move(page.head);
  answer.body = std::move(page.body);
  answer.body_size = page.body_size;
  answer.stored = nullptr;
  answer.age = kZero;
  answer.cut_length.reset();
  answer.truncated = false;
}

bool EdgeCache::KeepContentsOf(const EdgeCache& previous) {
  const StoreOptions& mine = impl_->options.store;
  const StoreOptions& theirs = previous.impl_->options.store;
  if (impl_->options.tier != previous.impl_->options.tier || mine.shards != theirs.shards ||
      mine.capacity_bytes != theirs.capacity_bytes || mine.eviction != theirs.eviction) {
    return false;
  }
  impl_->Use(previous.impl_->contents);
  return true;
}

absl::Time EdgeCache::Invalidate(const policy::InvalidationPath& path,
                                 absl::Time effective_time) {
  impl_->log->Add(path, effective_time);
  return impl_->log->NewestEffectiveTime();
}

SweepResult EdgeCache::Sweep(absl::Time now, uint64_t budget) {
  return impl_->store->Sweep(now, budget);
}

void EdgeCache::Reset() {
  impl_->store->Clear();
  Contents& contents = *impl_->contents;
  std::lock_guard<std::mutex> lock(contents.counters_mu);
  for (auto& [pattern, counters] : contents.counters) counters.Reset();
}

const policy::Distribution& EdgeCache::distribution() const { return impl_->distribution; }
const EdgeCacheOptions& EdgeCache::options() const { return impl_->options; }

std::vector<CounterSnapshot> EdgeCache::BehaviorCounters() const {
  std::vector<CounterSnapshot> out;
  out.reserve(impl_->behaviors.size());
  for (const BehaviorInfo& info : impl_->behaviors) out.push_back(info.counters->Snapshot());
  return out;
}

CounterSnapshot EdgeCache::TotalCounters() const {
  CounterSnapshot total;
  // Behaviors of earlier configurations too: the cache's whole history.
  Contents& contents = *impl_->contents;
  std::lock_guard<std::mutex> lock(contents.counters_mu);
  for (const auto& [pattern, counters] : contents.counters) total += counters.Snapshot();
  return total;
}

StoreCounters EdgeCache::store_counters() const { return impl_->store->counters(); }
InvalidationLogCounters EdgeCache::invalidation_counters() const { return impl_->log->counters(); }
CollapserCounters EdgeCache::collapser_counters() const { return impl_->collapser.counters(); }
const ShardedStore& EdgeCache::store() const { return *impl_->store; }

}  // namespace edgesim::core
