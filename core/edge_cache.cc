#include "core/edge_cache.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "policy/ascii_case.h"
#include "policy/cache_control.h"
#include "policy/cache_key.h"
#include "policy/conditional_request.h"
#include "policy/http_date.h"
#include "policy/origin_request.h"
#include "policy/status_macros.h"
#include "policy/ttl.h"

namespace edgesim::core {
namespace {

using policy::CacheOutcome;
using policy::ErrorDetail;

constexpr absl::Duration kZero = absl::ZeroDuration();

// ---- Methods (SPEC 4.1) ------------------------------------------------------------------------

enum MethodBit : uint32_t {
  kGet = 1,
  kHead = 2,
  kOptions = 4,
  kPut = 8,
  kPost = 16,
  kPatch = 32,
  kDelete = 64,
};

// 0 for a method CloudFront has no setting for: never allowed.
uint32_t ToMethodBit(absl::string_view method) {
  static constexpr std::pair<absl::string_view, MethodBit> kMethods[] = {
      {"GET", kGet},   {"HEAD", kHead},   {"OPTIONS", kOptions}, {"PUT", kPut},
      {"POST", kPost}, {"PATCH", kPatch}, {"DELETE", kDelete}};
  for (const auto& [name, bit] : kMethods) {
    if (method == name) return bit;
  }
  return 0;
}

uint32_t ToMethodMask(const std::vector<std::string>& methods) {
  uint32_t mask = 0;
  for (const std::string& m : methods) mask |= ToMethodBit(m);
  return mask;
}

// GET and HEAD are always cached; OPTIONS when listed (SPEC 4.1).
uint32_t CachedMethodMask(const policy::CacheBehavior& behavior) {
  return kGet | kHead | (ToMethodMask(behavior.cached_methods) & kOptions);
}

bool CachingDisabled(const policy::CachePolicy& policy) {
  return policy.max_ttl <= kZero || policy.legacy_forward_all_headers;
}

// ---- Conditional requests (SPEC 3.4) ------------------------------------------------------------

bool HasValidators(const policy::Headers& headers) {
  return headers.Has("ETag") || headers.Has("Last-Modified");
}

// ---- Responses CloudFront makes itself ----------------------------------------------------------

BodyRef ErrorPage(int status) {
  auto page = [](int code) {
    return MakeBody(absl::StrCat(
        "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\" "
        "\"http://www.w3.org/TR/html4/loose.dtd\">\n<HTML><HEAD><META HTTP-EQUIV=\"Content-Type\" "
        "CONTENT=\"text/html; charset=iso-8859-1\">\n<TITLE>ERROR: The request could not be "
        "satisfied</TITLE>\n</HEAD><BODY>\n<H1>",
        code, " ERROR</H1>\n<H2>The request could not be satisfied.</H2>\n</BODY></HTML>"));
  };
  static const BodyRef* const kPages = new BodyRef[3]{page(403), page(502), page(504)};
  switch (status) {
    case 403:
      return kPages[0];
    case 504:
      return kPages[2];
    default:
      return kPages[1];
  }
}

// SPEC 5: CloudFront's own responses say `Server: CloudFront`.
OriginResponse GeneratedResponse(int status) {
  OriginResponse r;
  r.head.status = status;
  r.body = ErrorPage(status);
  r.body_size = r.body->size();
  r.head.headers.Add("Server", "CloudFront");
  r.head.headers.Add("Content-Type", "text/html");
  r.head.headers.Add("Content-Length", absl::StrCat(r.body_size));
  return r;
}

// SPEC 7.3: no connection is a 502 (OriginConnectError), no answer in time a 504
// (OriginReadError); anything else a 502.
int FailureStatus(const absl::Status& status) {
  return status.code() == absl::StatusCode::kDeadlineExceeded ? 504 : 502;
}

ErrorDetail FailureDetail(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
      return ErrorDetail::kOriginConnectError;
    case absl::StatusCode::kDeadlineExceeded:
      return ErrorDetail::kOriginReadError;
    default:
      return ErrorDetail::kOriginCommError;
  }
}

// ---- Viewer headers (SPEC 5) --------------------------------------------------------------------

uint64_t Mix(uint64_t x) {  // splitmix64's finalizer: a bijection, so distinct inputs stay distinct
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::string ViaValue(absl::string_view pop) {
  const uint64_t h = HashKey(pop);
  return absl::StrFormat("1.1 %016x%016x.cloudfront.net (CloudFront)", h, Mix(h));
}

// X-Amz-Cf-Id: 40 bytes in base64url are 54 characters, padded with "==" to CloudFront's 56.
// The first 8 bytes are a bijection of the request's sequence number, so ids never repeat within
// one cache; the seed and the POP make runs reproducible and POPs distinct.
class RequestIds {
 public:
  RequestIds(uint64_t seed, absl::string_view pop) : base_(Mix(seed) ^ HashKey(pop)) {}

  std::string Next() {
    const uint64_t n = next_.fetch_add(1, std::memory_order_relaxed);
    char bytes[40];
    uint64_t word = Mix(base_ + n);
    for (int i = 0; i < 5; ++i) {
      for (int b = 0; b < 8; ++b) bytes[i * 8 + b] = static_cast<char>(word >> (8 * b));
      word = Mix(word);
    }
    std::string id = absl::WebSafeBase64Escape(absl::string_view(bytes, sizeof(bytes)));
    id.append("==");
    return id;
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

bool BypassesCache(const policy::CacheBehavior& behavior, absl::string_view method) {
  return (CachedMethodMask(behavior) & ToMethodBit(method)) == 0 ||
         CachingDisabled(behavior.cache_policy);
}

void RemoveViewerHeaders(policy::Headers& headers) {
  for (absl::string_view name : {"X-Cache", "Via", "Age", "X-Amz-Cf-Pop", "X-Amz-Cf-Id"}) {
    headers.Remove(name);
  }
}

// ---- The cache ----------------------------------------------------------------------------------

namespace {

// What Handle needs of a behavior, worked out once in Create.
struct BehaviorInfo {
  explicit BehaviorInfo(const policy::DistributionConfig& config, const policy::CacheBehavior& b)
      : behavior(&b),
        origin(config.FindOrigin(b.target_origin_id)),
        allowed_methods(ToMethodMask(b.allowed_methods)),
        cached_methods(CachedMethodMask(b)),
        caching_disabled(CachingDisabled(b.cache_policy)),
        // SPEC 7.2: cookies in the key or in the origin request policy.
        cookies_forwarded(
            b.cache_policy.cookies.behavior != policy::KeyListBehavior::kNone ||
            (b.origin_request_policy.has_value() &&
             b.origin_request_policy->cookies.behavior != policy::KeyListBehavior::kNone)),
        normalizes_accept_encoding(b.cache_policy.enable_accept_encoding_gzip ||
                                   b.cache_policy.enable_accept_encoding_brotli) {
    // SPEC 7.2: no collapsing when caching is disabled or cookies are forwarded.
    collapses = !caching_disabled && !cookies_forwarded;
    s3_origin = origin != nullptr && origin->kind == policy::OriginKind::kS3;
    for (const std::string& name : b.cache_policy.headers.names) {
      device_headers_in_key |= absl::StartsWithIgnoreCase(name, "CloudFront-Is-");
    }
  }

  const policy::CacheBehavior* behavior;
  const policy::Origin* origin;  // null when the behavior's origin is not configured
  uint32_t allowed_methods;
  uint32_t cached_methods;
  bool caching_disabled;
  bool cookies_forwarded;
  bool normalizes_accept_encoding;
  bool collapses = false;
  bool s3_origin = false;
  bool device_headers_in_key = false;
  StripedCounters counters;

  const policy::CachePolicy& policy() const { return behavior->cache_policy; }
};

// One request's walk through Handle (or a background refresh's, which has no viewer to count).
struct Exchange {
  const policy::Request& viewer;
  absl::Time now;
  OriginFetcher& origin;
  BehaviorInfo& info;
  bool counts_viewer;
  // TryHandleFromCache: stop, untouched, where the request would go upstream.
  bool cache_only = false;
  bool needs_upstream = false;
  // The answer may be stored: a cached method other than HEAD (SPEC B4: a HEAD miss stores
  // no body), caching enabled.
  bool may_store = false;
  policy::CacheKey key = {};
  EdgeResult result = {};
  // X-Amz-Cf-Id: one per request, sent to the origin and to the viewer.
  std::string request_id = {};

  // Viewer-side counters; a background refresh serves no viewer.
  void Note(Counter c) {
    if (counts_viewer) info.counters.Add(c);
  }
  bool head_request() const { return viewer.method == "HEAD"; }
};

}  // namespace

struct EdgeCache::Impl {
  Impl(policy::Distribution d, EdgeCacheOptions o, policy::BehaviorTable t)
      : distribution(std::move(d)),
        options(std::move(o)),
        table(std::move(t)),
        via(ViaValue(options.pop)),
        request_ids(options.request_id_seed, options.pop) {
    const policy::DistributionConfig& config = distribution.config;
    behaviors.reserve(config.behaviors.size() + 1);
    for (const policy::CacheBehavior& b : config.behaviors) behaviors.emplace_back(config, b);
    behaviors.emplace_back(config, config.default_behavior);
    const std::string& root = config.default_root_object;
    if (!root.empty()) root_path = absl::StartsWith(root, "/") ? root : absl::StrCat("/", root);
  }

  absl::optional<EdgeResult> Handle(const policy::Request& request, absl::Time now,
                                    OriginFetcher& origin, bool cache_only);
  void Revalidate(const BackgroundRefresh& refresh, absl::Time now, OriginFetcher& origin);

  BehaviorInfo& InfoFor(int index) { return behaviors[index < 0 ? behaviors.size() - 1 : index]; }
  void LookUp(Exchange& x);
  void PassThrough(Exchange& x, MissReason reason);
  void ServeWhileRevalidating(Exchange& x, const StoreLookup& found);
  void Upstream(Exchange& x, const StoreLookup* stale);
  CollapsedResult FetchUpstream(Exchange& x, const StoreLookup* stale);
  absl::StatusOr<OriginResponse> Fetch(Exchange& x, const StoredResponse* revalidating);
  policy::Request Forwarded(Exchange& x, const StoredResponse* revalidating);
  CollapsedResult RefreshStored(Exchange& x, const StoreLookup& stale,
                                const OriginResponse& not_modified);
  absl::optional<CollapsedResult> ServeStaleOnError(Exchange& x, const StoreLookup& stale,
                                                    int origin_status, int viewer_status);
  CollapsedResult Answer(Exchange& x, OriginResponse fetched);
  CollapsedResult AnswerFailure(Exchange& x, const absl::Status& failure);
  void ServeStored(Exchange& x, ResponseRef stored, absl::Time origin_time, CacheOutcome outcome,
                   const policy::Response* head_override = nullptr);
  void ServeUnstored(Exchange& x, policy::Response head, const BodyRef& body, uint64_t body_size,
                     absl::Duration age, CacheOutcome outcome);
  void SetStatusAndBody(Exchange& x, const policy::Response& head, const BodyRef& body,
                        uint64_t body_size);
  policy::Response ViewerHead(const BehaviorInfo& info, policy::Response head) const;
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
  // Declared before the store, which points at it.
  InvalidationLog log;
  std::unique_ptr<ShardedStore> store;
  RequestCollapser collapser;
  // Keys with a stale-while-revalidate refresh handed out and not yet run.
  std::mutex refresh_mu;
  absl::flat_hash_set<std::string> refreshing ABSL_GUARDED_BY(refresh_mu);
};

absl::optional<EdgeResult> EdgeCache::Impl::Handle(const policy::Request& request, absl::Time now,
                                                   OriginFetcher& origin, bool cache_only) {
  const policy::BehaviorMatch match = table.Match(request.target);
  BehaviorInfo& info = InfoFor(match.index);
  Exchange x{request, now, origin, info, /*counts_viewer=*/true, cache_only};
  x.result.behavior_index = match.index;
  x.key = policy::BuildCacheKey(request, distribution.domain_name, info.policy(), options.model);
  x.result.key_hash = x.key.hash;

  const uint32_t method = ToMethodBit(request.method);
  if ((info.allowed_methods & method) == 0) {
    // SPEC 4.1: a method outside AllowedMethods is refused (403 is UNCONFIRMED).
    OriginResponse refusal = GeneratedResponse(403);
    ServeUnstored(x, std::move(refusal.head), refusal.body, refusal.body_size, kZero,
                  CacheOutcome::kError);
    x.result.error_detail = ErrorDetail::kInvalidRequestMethod;
  } else if ((info.cached_methods & method) == 0) {
    PassThrough(x, MissReason::kNotCacheableMethod);
  } else if (info.caching_disabled) {
    PassThrough(x, MissReason::kCachingDisabled);
  } else {
    x.may_store = method != kHead;
    LookUp(x);
  }
  if (x.needs_upstream) return absl::nullopt;
  return Finish(x);
}

void EdgeCache::Impl::LookUp(Exchange& x) {
  StoreLookup found = store->Lookup(x.key.bytes, x.key.hash, x.now);
  if (found.status != LookupStatus::kFound) {
    x.result.miss_reason = found.status == LookupStatus::kInvalidated ? MissReason::kInvalidated
                                                                      : MissReason::kNotCached;
    return Upstream(x, nullptr);
  }
  const StorageTerms& terms = found.response->terms;
  if (!terms.forward_every_request && x.now < found.fresh_until) {
    // SPEC 8.3: a cached error served again is logged Error, not Hit.
    const CacheOutcome outcome = terms.is_error ? CacheOutcome::kError : CacheOutcome::kHit;
    return ServeStored(x, std::move(found.response), found.origin_time, outcome);
  }
  if (terms.is_error) {
    // A cached error is never revalidated: after its TTL the origin is asked again (SPEC 3.5).
    x.result.miss_reason = MissReason::kExpired;
    return Upstream(x, nullptr);
  }
  if (terms.forward_every_request) {
    x.result.miss_reason = MissReason::kForwardEveryRequest;
    return Upstream(x, &found);
  }
  x.result.miss_reason = MissReason::kExpired;
  if (x.now - found.fresh_until < terms.stale_while_revalidate) {
    return ServeWhileRevalidating(x, found);
  }
  Upstream(x, &found);
}

void EdgeCache::Impl::PassThrough(Exchange& x, MissReason reason) {
  if (x.cache_only) {
    x.needs_upstream = true;
    return;
  }
  x.result.miss_reason = reason;
  absl::StatusOr<OriginResponse> fetched = Fetch(x, nullptr);
  if (fetched.ok()) {
    Answer(x, *std::move(fetched));
  } else {
    AnswerFailure(x, fetched.status());
  }
}

// SPEC 3.6: the stale copy now, one refresh in the background.
void EdgeCache::Impl::ServeWhileRevalidating(Exchange& x, const StoreLookup& found) {
  x.result.served_stale = true;
  x.Note(Counter::kStaleWhileRevalidate);
  if (ClaimRefresh(x.key.bytes)) {
    x.result.background_refresh = BackgroundRefresh{x.viewer, x.key.bytes, x.key.hash};
  }
  ServeStored(x, found.response, found.origin_time, CacheOutcome::kHit);
}

// SPEC 7.2: concurrent misses of one key wait for the first one's answer.
void EdgeCache::Impl::Upstream(Exchange& x, const StoreLookup* stale) {
  if (x.cache_only) {
    x.needs_upstream = true;
    return;
  }
  // TTL-0 objects never collapse (SPEC 7.2), and a HEAD miss stores nothing to share.
  const bool collapse = x.info.collapses && x.may_store &&
                        (stale == nullptr || !stale->response->terms.forward_every_request);
  if (!collapse) {
    FetchUpstream(x, stale);
    return;
  }
  const RequestCollapser::Ticket ticket = collapser.Join(x.key.bytes, x.key.hash);
  if (ticket.leader()) {
    collapser.Complete(ticket, FetchUpstream(x, stale));
    return;
  }
  const CollapsedResult shared = collapser.Wait(ticket);
  if (!shared.status.ok()) {
    // The leader's fetch failed and nothing was stored: the same error, without another try.
    OriginResponse error = GeneratedResponse(FailureStatus(shared.status));
    ServeUnstored(x, std::move(error.head), error.body, error.body_size, kZero,
                  CacheOutcome::kError);
    x.result.error_detail = FailureDetail(shared.status);
    return;
  }
  if (!shared.shareable || shared.response == nullptr) {
    FetchUpstream(x, stale);  // released to the origin (SPEC 7.2)
    return;
  }
  x.result.collapsed = true;
  x.Note(Counter::kCollapsed);
  // The entry's times give the right Age (an upstream tier's age included).
  const StoreLookup again = store->Lookup(x.key.bytes, x.key.hash, x.now);
  const absl::Time origin_time =
      again.response.get() == shared.response.get() ? again.origin_time : x.now;
  ServeStored(x, shared.response, origin_time,
              shared.response->terms.is_error ? CacheOutcome::kError : CacheOutcome::kHit);
}

// Goes upstream for the request: a plain fetch, or the revalidation of the expired copy `stale`.
CollapsedResult EdgeCache::Impl::FetchUpstream(Exchange& x, const StoreLookup* stale) {
  const StoredResponse* old = stale != nullptr ? stale->response.get() : nullptr;
  // SPEC 3.4: conditional with the stored validators, unless Vary: * (or none to send).
  const bool conditional =
      old != nullptr && !old->terms.unconditional_revalidation && HasValidators(old->head.headers);
  absl::StatusOr<OriginResponse> fetched = Fetch(x, conditional ? old : nullptr);
  if (fetched.ok() && conditional && fetched->head.status == 304) {
    return RefreshStored(x, *stale, *fetched);
  }
  const int origin_status = fetched.ok() ? fetched->head.status : 0;
  if (old != nullptr && (origin_status == 0 || origin_status >= 500)) {
    const int viewer_status = fetched.ok() ? origin_status : FailureStatus(fetched.status());
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
  OriginRequest request;
  request.viewer = &x.viewer;
  request.forwarded = Forwarded(x, revalidating);
  request.behavior = x.info.behavior;
  request.origin = x.info.origin;
  request.conditional = revalidating != nullptr;
  x.result.contacted_origin = true;
  x.info.counters.Add(Counter::kOriginFetches);
  absl::StatusOr<OriginResponse> response = x.origin.Fetch(request, x.now);
  if (!response.ok()) {
    x.info.counters.Add(Counter::kOriginFailures);
    return response;
  }
  x.info.counters.Add(Counter::kBytesFromOrigin, response->body_size);
  x.result.origin_shield_hit |= response->origin_shield_hit;
  return response;
}

// What CloudFront sends upstream (policy/origin_request.h), plus the stored validators when
// revalidating (SPEC 3.4).
policy::Request EdgeCache::Impl::Forwarded(Exchange& x, const StoredResponse* revalidating) {
  if (x.request_id.empty()) x.request_id = request_ids.Next();
  const policy::OriginRequestContext context{.behavior = x.info.behavior,
                                             .origin = x.info.origin,
                                             .distribution_domain = distribution.domain_name,
                                             .root_path = root_path,
                                             .via = via,
                                             .request_id = x.request_id};
  policy::Request f = policy::BuildOriginRequest(x.viewer, context);
  if (revalidating != nullptr) {
    const policy::Headers& stored = revalidating->head.headers;
    if (const auto etag = stored.Get("ETag")) f.headers.Set("If-None-Match", *etag);
    if (const auto modified = stored.Get("Last-Modified")) {
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
  const policy::TtlDecision d = policy::DecideTtl(
      old.head, x.info.policy(), x.now, TtlContextFor(x.info, old.head.status), options.model);
  const absl::Time origin_time = x.now - not_modified.age;
  store->Refresh(x.key.bytes, x.key.hash, &old, origin_time, x.now + d.fresh_for);
  ServeStored(x, stale.response, origin_time, CacheOutcome::kRefreshHit);
  return {absl::OkStatus(), stale.response, d.collapsible};
}

// SPEC 3.5, 3.6, 3.9 row 38: the origin failed (or answered 5xx) while an expired copy is stored.
absl::optional<CollapsedResult> EdgeCache::Impl::ServeStaleOnError(Exchange& x,
                                                                   const StoreLookup& stale,
                                                                   int origin_status,
                                                                   int viewer_status) {
  const StorageTerms& terms = stale.response->terms;
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
    store->Refresh(x.key.bytes, x.key.hash, stale.response.get(), stale.origin_time,
                   x.now + d.serve_for);
  }
  x.result.served_stale = true;
  x.Note(Counter::kStaleOnError);
  ServeStored(x, stale.response, stale.origin_time, CacheOutcome::kHit);
  return CollapsedResult{absl::OkStatus(), stale.response, !d.retry_origin_each_request};
}

// An upstream answer: decide its TTL (SPEC 3.2-3.6), store it when the decision and the request
// allow, and serve it. 4xx/5xx are Errors (SPEC 8.3).
CollapsedResult EdgeCache::Impl::Answer(Exchange& x, OriginResponse fetched) {
  const int status = fetched.head.status;
  const CacheOutcome outcome = status >= 400 ? CacheOutcome::kError : CacheOutcome::kMiss;
  if (status >= 400) x.result.error_detail = ErrorDetail::kError;
  policy::TtlDecision d;
  if (x.may_store && fetched.cacheable) {
    d = policy::DecideTtl(fetched.head, x.info.policy(), x.now, TtlContextFor(x.info, status),
                          options.model);
  }
  policy::Response head = ViewerHead(x.info, std::move(fetched.head));
  if (!d.store) {
    ServeUnstored(x, std::move(head), fetched.body, fetched.body_size, fetched.age, outcome);
    return {absl::OkStatus(), nullptr, false};
  }
  // SPEC 4.4: with cookies forwarded, `no-cache="Set-Cookie"` keeps Set-Cookie out of the cache
  // while this viewer still gets it.
  policy::Response stored_head = head;
  bool withheld_set_cookie = false;
  if (x.info.cookies_forwarded && head.headers.Has("Set-Cookie")) {
    const policy::ResponseCacheControl cc =
        policy::ParseResponseCacheControl(head.headers.GetCombined("Cache-Control").value_or(""));
    withheld_set_cookie = std::any_of(
        cc.no_cache_fields.begin(), cc.no_cache_fields.end(),
        [](const std::string& f) { return policy::AsciiEqualsIgnoreCase(f, "set-cookie"); });
    if (withheld_set_cookie) stored_head.headers.Remove("Set-Cookie");
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
  const bool inserted = store->Insert(x.key.bytes, x.key.hash, x.key.object_path, stored,
                                      origin_time, x.now + d.fresh_for, x.now);
  ServeStored(x, stored, origin_time, outcome, withheld_set_cookie ? &head : nullptr);
  if (!inserted) return {absl::OkStatus(), nullptr, false};
  return {absl::OkStatus(), std::move(stored), d.collapsible};
}

// No answer from upstream: CloudFront's own 502/504 (SPEC 7.3). Cached like an origin's 502/504
// for ErrorCachingMinTTL (SPEC 3.5); UNCONFIRMED that CloudFront caches the errors it generates.
CollapsedResult EdgeCache::Impl::AnswerFailure(Exchange& x, const absl::Status& failure) {
  CollapsedResult answered = Answer(x, GeneratedResponse(FailureStatus(failure)));
  x.result.error_detail = FailureDetail(failure);
  // Followers get the failure itself when no stored error stands for it.
  if (answered.response == nullptr) answered.status = failure;
  return answered;
}

void EdgeCache::Impl::ServeStored(Exchange& x, ResponseRef stored, absl::Time origin_time,
                                  CacheOutcome outcome, const policy::Response* head_override) {
  EdgeResult& r = x.result;
  r.outcome = outcome;
  if (outcome == CacheOutcome::kError && r.error_detail == ErrorDetail::kNone) {
    r.error_detail = ErrorDetail::kError;
  }
  r.age = WholeSeconds(x.now - origin_time);
  const policy::Response& head = head_override != nullptr ? *head_override : stored->head;
  SetStatusAndBody(x, head, stored->body, stored->body_size);
  // The hit path copies no header unless the viewer gets CloudFront's headers.
  if (options.viewer_headers || head_override != nullptr) r.viewer.headers = head.headers;
  r.stored = std::move(stored);
}

void EdgeCache::Impl::ServeUnstored(Exchange& x, policy::Response head, const BodyRef& body,
                                    uint64_t body_size, absl::Duration age, CacheOutcome outcome) {
  x.result.outcome = outcome;
  x.result.age = WholeSeconds(age);
  SetStatusAndBody(x, head, body, body_size);
  x.result.viewer.headers = std::move(head.headers);
}

void EdgeCache::Impl::SetStatusAndBody(Exchange& x, const policy::Response& head,
                                       const BodyRef& body, uint64_t body_size) {
  EdgeResult& r = x.result;
  r.viewer.status = head.status;
  if (head.status == 200 && policy::NotModified(x.viewer, head.headers)) {
    r.viewer.status = 304;
    x.Note(Counter::kViewerNotModified);
  }
  const bool bodiless = x.head_request() || r.viewer.status == 304 || r.viewer.status == 204;
  r.body = bodiless ? nullptr : body;
  r.body_size = bodiless ? 0 : body_size;
}

// The origin's head as CloudFront keeps and serves it: its own headers replaced (SPEC 5),
// Set-Cookie only when cookies are forwarded (SPEC 4.4), Vary filtered (SPEC 3.8).
policy::Response EdgeCache::Impl::ViewerHead(const BehaviorInfo& info,
                                             policy::Response head) const {
  RemoveViewerHeaders(head.headers);
  if (!info.cookies_forwarded) head.headers.Remove("Set-Cookie");
  if (!head.headers.Has("Vary") || info.policy().legacy_forward_all_headers) return head;
  std::vector<std::string> kept;
  for (absl::string_view field : head.headers.GetAll("Vary")) {
    for (absl::string_view name : absl::StrSplit(field, ',')) {
      name = absl::StripAsciiWhitespace(name);
      const bool keep =
          name == "*" || policy::AsciiEqualsIgnoreCase(name, "accept-encoding") ||
          policy::AsciiEqualsIgnoreCase(name, "cookie") ||
          (info.device_headers_in_key && policy::AsciiEqualsIgnoreCase(name, "user-agent")) ||
          policy::KeyListIncludes(info.policy().headers, name, policy::NameMatch::kIgnoreCase);
      if (keep && !name.empty()) kept.emplace_back(name);
    }
  }
  head.headers.Remove("Vary");
  if (!kept.empty()) head.headers.Add("Vary", absl::StrJoin(kept, ", "));
  return head;
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
  StripedCounters& counters = x.info.counters;
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
    default:
      counters.Add(Counter::kErrors);
      break;
  }
  const bool from_cache = r.outcome == CacheOutcome::kHit ||
                          r.outcome == CacheOutcome::kRefreshHit ||
                          (r.stored != nullptr && !r.contacted_origin);
  if (from_cache) counters.Add(Counter::kBytesFromCache, r.body_size);
  r.object_path = std::move(x.key.object_path);
  if (options.viewer_headers) {
    policy::Headers& h = r.viewer.headers;
    h.Add("X-Cache", policy::XCacheValue(r.outcome));
    h.Add("Via", via);
    h.Add("X-Amz-Cf-Pop", options.pop);
    h.Add("X-Amz-Cf-Id", x.request_id.empty() ? request_ids.Next() : std::move(x.request_id));
    // SPEC 3.7: omitted when 0.
    if (r.age > kZero) h.Add("Age", absl::StrCat(absl::ToInt64Seconds(r.age)));
  }
  return std::move(r);
}

void EdgeCache::Impl::Revalidate(const BackgroundRefresh& refresh, absl::Time now,
                                 OriginFetcher& origin) {
  const policy::BehaviorMatch match = table.Match(refresh.viewer.target);
  Exchange x{refresh.viewer, now, origin, InfoFor(match.index), /*counts_viewer=*/false};
  x.may_store = refresh.viewer.method != "HEAD";
  x.key = policy::BuildCacheKey(refresh.viewer, distribution.domain_name, x.info.policy(),
                                options.model);
  const StoreLookup found = store->Lookup(x.key.bytes, x.key.hash, now);
  // Another request may have refreshed or replaced it meanwhile.
  if (found.status == LookupStatus::kFound && !found.response->terms.is_error &&
      now >= found.fresh_until) {
    FetchUpstream(x, &found);
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
  EDGESIM_ASSIGN_OR_RETURN(impl->store, ShardedStore::Create(impl->options.store, &impl->log));
  return std::unique_ptr<EdgeCache>(new EdgeCache(std::move(impl)));
}

EdgeCache::EdgeCache(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EdgeCache::~EdgeCache() = default;

EdgeResult EdgeCache::Handle(const policy::Request& request, absl::Time now,
                             OriginFetcher& origin) {
  return *impl_->Handle(request, now, origin, /*cache_only=*/false);
}

absl::optional<EdgeResult> EdgeCache::TryHandleFromCache(const policy::Request& request,
                                                         absl::Time now) {
  // Never called: the walk stops before any fetch.
  struct Unreachable final : OriginFetcher {
    absl::StatusOr<OriginResponse> Fetch(const OriginRequest&, absl::Time) override {
      return absl::InternalError("TryHandleFromCache fetched");
    }
  } unreachable;
  return impl_->Handle(request, now, unreachable, /*cache_only=*/true);
}

void EdgeCache::Revalidate(const BackgroundRefresh& refresh, absl::Time now,
                           OriginFetcher& origin) {
  impl_->Revalidate(refresh, now, origin);
}

void EdgeCache::Invalidate(const policy::InvalidationPath& path, absl::Time effective_time) {
  impl_->log.Add(path, effective_time);
}

SweepResult EdgeCache::Sweep(absl::Time now, uint64_t budget) {
  return impl_->store->Sweep(now, budget);
}

void EdgeCache::Reset() {
  impl_->store->Clear();
  for (BehaviorInfo& info : impl_->behaviors) info.counters.Reset();
}

const policy::Distribution& EdgeCache::distribution() const { return impl_->distribution; }
const EdgeCacheOptions& EdgeCache::options() const { return impl_->options; }

std::vector<CounterSnapshot> EdgeCache::BehaviorCounters() const {
  std::vector<CounterSnapshot> out;
  out.reserve(impl_->behaviors.size());
  for (const BehaviorInfo& info : impl_->behaviors) out.push_back(info.counters.Snapshot());
  return out;
}

CounterSnapshot EdgeCache::TotalCounters() const {
  CounterSnapshot total;
  for (const BehaviorInfo& info : impl_->behaviors) total += info.counters.Snapshot();
  return total;
}

StoreCounters EdgeCache::store_counters() const { return impl_->store->counters(); }
InvalidationLogCounters EdgeCache::invalidation_counters() const { return impl_->log.counters(); }
CollapserCounters EdgeCache::collapser_counters() const { return impl_->collapser.counters(); }
const ShardedStore& EdgeCache::store() const { return *impl_->store; }

}  // namespace edgesim::core
