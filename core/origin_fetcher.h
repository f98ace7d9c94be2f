// origin_fetcher.h — the one seam between the cache and the network.
//
// EdgeCache is synchronous and does no I/O (STYLE 6.1): when it needs upstream it calls an
// OriginFetcher. The emulator's is a Beast client (HTTP origins), an S3 or a directory origin;
// the simulator's answers from its origin model; tests use a fake that counts fetches; a tier's
// is the next cache up (tiers.h).
#pragma once

#include <cstdint>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/shared_head.h"
#include "core/stored_response.h"
#include "policy/distribution.h"
#include "policy/http_message.h"

namespace edgesim::core {

struct OriginRequest {
  // The request as the viewer sent it (a tier re-keys from it, as CloudFront's tiers share keys).
  const policy::Request* viewer = nullptr;
  // What CloudFront sends upstream: the origin path (DefaultRootObject applied), the headers the
  // policy forwards, If-None-Match / If-Modified-Since when revalidating, and the viewer's body
  // (shared with the viewer's request, never copied) for methods other than GET and HEAD.
  policy::Request forwarded;
  const policy::CacheBehavior* behavior = nullptr;
  // null when the behavior's origin is not configured; an origin group's primary.
  const policy::Origin* origin = nullptr;
  // Revalidating a stored copy: a 304 answer is expected.
  bool conditional = false;
  // Set when the behavior targets an origin group and the method may fail over (SPEC 12.2): the
  // group, its secondary and what the secondary is sent (its own OriginPath, Host and custom
  // headers). failover_fetcher.h acts on them.
  const policy::OriginGroup* group = nullptr;
  const policy::Origin* secondary = nullptr;
  policy::Request secondary_forwarded;
};

struct OriginResponse {
  // The status, and the headers unless `shared_head` is set.
  policy::Response head;
  // Set by an origin whose objects share their heads (the simulator's model, shared_head.h):
  // the headers are this head's (of the same status) rendered with `numbers`; `head.headers` is
  // empty.
  SharedHeadRef shared_head;
  ObjectNumbers numbers;
  BodyRef body;  // null when only the size is modelled
  uint64_t body_size = 0;
  // Seconds the response already spent in an upstream cache (its Age header), 0 from an origin.
  absl::Duration age = absl::ZeroDuration();
  // Set by a tier when its cache answered (Hit or RefreshHit), for OriginShieldHit logging.
  bool upstream_hit = false;
  // Set by a tier when the answer came from the Origin Shield's cache, however many tiers up
  // (SPEC 7.1, 8.3: the POP then logs OriginShieldHit).
  bool origin_shield_hit = false;
  // False when the body came short of its Content-Length or its last chunk (SPEC 4.3): never
  // stored, never in place of a stored copy; the head keeps the origin's framing headers (the
  // promised Content-Length, or chunked), so the viewer can tell it was cut short. A body
  // delimited by the connection's close is complete by definition.
  bool complete = true;
  // Set when an origin group's secondary gave this answer (SPEC 12.2), for the failover counter.
  bool failed_over = false;

  // The answer's head as a whole, shared headers rendered into it: for what changes it.
  policy::Response& WholeHead() {
    if (shared_head != nullptr) {
      head = StoredHeaders(std::move(shared_head), numbers).whole();
      shared_head.reset();
    }
    return head;
  }
  // What reads names and the values of fields that are never slots (the TTL decision).
  const policy::Response& HeadForNames() const {
    return shared_head != nullptr ? shared_head->head : head;
  }
};

class OriginFetcher {
 public:
  virtual ~OriginFetcher() = default;
  // An HTTP answer (any status) or why none came: kUnavailable when no connection could be made
  // (CloudFront's 502, OriginConnectError), kDeadlineExceeded when the origin did not answer in
  // time (504, OriginReadError); any other error counts as a 502.
  virtual absl::StatusOr<OriginResponse> Fetch(const OriginRequest& request, absl::Time now) = 0;
  // True when Fetch reads of `forwarded` (and `secondary_forwarded`) only the request line and
  // the validators: the cache then sends policy::BuildBareOriginRequest's request, sparing a
  // miss the headers nobody reads (Host, User-Agent, Via, X-Amz-Cf-Id, ...).
  virtual bool WantsBareRequests() const { return false; }
};

}  // namespace edgesim::core
