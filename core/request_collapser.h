// request_collapser.h — concurrent misses of one cache key make one origin fetch (SPEC 7.2).
//
// CloudFront pauses requests that arrive for a key while its first miss is outstanding and
// answers them with the first response; they are logged as Hits. When that response turns out
// not to be shareable (TTL 0: MinTTL 0 with private/no-store/no-cache/max-age=0/s-maxage=0), the
// paused requests are released to the origin one by one. Behaviors that forward cookies, and
// CachingDisabled, never collapse: the edge does not call Join for them.
//
//   RequestCollapser collapser;
//   RequestCollapser::Ticket t = collapser.Join(key.bytes, key.hash);
//   if (t.leader()) {
//     CollapsedResult r = ...fetch...;
//     collapser.Complete(t, r);          // wakes every follower
//   } else {
//     CollapsedResult r = collapser.Wait(t);
//     if (r.status.ok() && !r.shareable) ...fetch yourself...;
//   }
//
// A leader must Complete its ticket exactly once (an error too: followers get it). Thread-safe.
#pragma once

#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "core/stored_response.h"

namespace edgesim::core {

// What the leader got: the error that ended its fetch, or the response it stored.
struct CollapsedResult {
  absl::Status status;
  ResponseRef response;
  // False when the response must not be handed to the followers (TTL 0): each fetches its own.
  bool shareable = false;
};

struct CollapserCounters {
  uint64_t leaders = 0;
  uint64_t followers = 0;  // requests that waited for a leader
  uint64_t served_by_leader = 0;  // followers answered with the leader's shareable result
  uint64_t released = 0;  // followers released to the origin (not shareable)
  uint64_t in_flight = 0;  // keys with a leader right now

  bool operator==(const CollapserCounters&) const = default;
};

class RequestCollapser {
 public:
  struct Flight;

  class Ticket {
   public:
    bool leader() const { return leader_; }

   private:
    friend class RequestCollapser;
    std::shared_ptr<Flight> flight_;
    bool leader_ = false;
  };

  RequestCollapser();
  ~RequestCollapser();
  RequestCollapser(const RequestCollapser&) = delete;
  RequestCollapser& operator=(const RequestCollapser&) = delete;

  // The first caller for a key becomes its leader; later callers, until the leader completes,
  // follow it.
  Ticket Join(absl::string_view key, uint64_t hash);
  // The leader's ticket when no flight for the key is in flight; otherwise an empty ticket
  // (not a leader, nothing joined or counted): for a caller that must not wait, and leaves the
  // request to Join elsewhere.
  Ticket Lead(absl::string_view key, uint64_t hash);
  // REQUIRES: t.leader(), not completed yet. Later Joins for the key start a new flight.
  void Complete(const Ticket& t, CollapsedResult result);
  // REQUIRES: !t.leader(). Blocks until the leader completes.
  CollapsedResult Wait(const Ticket& t);

  CollapserCounters counters() const;

 private:
  struct Impl;
  Ticket Enter(absl::string_view key, uint64_t hash, bool follow);
  std::unique_ptr<Impl> impl_;
};

}  // namespace edgesim::core
