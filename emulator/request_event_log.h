// request_event_log.h — the live console's request stream (cli/console.h): the edge publishes
// each answered request (request_event.h) here; server-sent-event clients subscribe.
//
// Everything is bounded and nothing blocks the edge: the last `ring_capacity` events are kept, so
// a page opened after the traffic still shows it (a subscription starts with them); each
// subscriber has a queue of `queue_capacity` events, and a subscriber that lets it fill (a slow
// client) is dropped rather than waited for; at most `max_subscribers` subscribe at once (each
// holds one of the API port's threads, api_server.h). Publish holds one mutex for a few pointer
// moves; the events are shared, never copied per subscriber. An event that leaves the ring with
// nobody else holding it is handed back to the publisher to fill again: its strings and header
// lists keep their storage, so a steady stream of requests publishes without allocating.
//
//   RequestEventLog log;
//   std::shared_ptr<RequestEvent> e = std::make_shared<RequestEvent>();
//   FillRequestEvent(exchange, facts, *e);                  // on the edge
//   e = log.Publish(std::move(e));                          // null, or one to reuse
//   absl::StatusOr<std::unique_ptr<RequestEventLog::Subscription>> s = log.Subscribe(0);
//   RequestEventLog::Batch b = (*s)->Next(absl::Seconds(1));  // the ring first, then live events
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "emulator/request_event.h"

namespace edgesim::emulator {

struct RequestEventLogOptions {
  size_t ring_capacity = 1000;
  size_t queue_capacity = 2000;  // at least ring_capacity: a subscription starts with the ring
  size_t max_subscribers = 8;
};

struct RequestEventLogCounters {
  uint64_t published = 0;
  uint64_t subscribers = 0;          // subscribed now
  uint64_t dropped_subscribers = 0;  // cut off: their queue was full
  uint64_t refused_subscribers = 0;  // max_subscribers were subscribed
};

// Thread-safe.
class RequestEventLog {
 public:
  using EventRef = std::shared_ptr<const RequestEvent>;

  struct Batch {
    std::vector<EventRef> events;  // in publication order
    // The subscription is over: dropped for falling behind, or the log was closed. Events
    // above are still the subscriber's to send.
    bool ended = false;
  };

  class Subscription {
   public:
    ~Subscription();  // unsubscribes
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;

    // What is queued, waiting up to `timeout` for something: empty events on a timeout.
    Batch Next(absl::Duration timeout);

   private:
    friend class RequestEventLog;
    struct State;
    Subscription(RequestEventLog& log, std::shared_ptr<State> state);
    RequestEventLog& log_;
    std::shared_ptr<State> state_;
  };

  explicit RequestEventLog(RequestEventLogOptions options = {});

  // Assigns the event its id. Never blocks on a subscriber. Returns the oldest kept event when it
  // left the ring and nothing else holds it (the caller's to fill and publish next), else null.
  std::shared_ptr<RequestEvent> Publish(std::shared_ptr<RequestEvent> event);
  void Publish(RequestEvent event);

  // Starts with the kept events whose id is above `after_id` (0: all; an EventSource's
  // Last-Event-ID resumes). ResourceExhausted when max_subscribers are subscribed,
  // Unavailable once closed.
  absl::StatusOr<std::unique_ptr<Subscription>> Subscribe(uint64_t after_id);

  // The kept event with this id, or null.
  EventRef Find(uint64_t id) const;

  // Ends every subscription and refuses new ones (the server is stopping). Publish still keeps
  // events in the ring.
  void Close();

  RequestEventLogCounters counters() const;

 private:
  void Unsubscribe(const std::shared_ptr<Subscription::State>& state);

  const RequestEventLogOptions options_;
  mutable std::mutex mu_;
  std::condition_variable ready_;  // a subscriber's queue grew, or it ended
  std::deque<EventRef> ring_;
  uint64_t next_id_ = 1;
  bool closed_ = false;
  std::vector<std::shared_ptr<Subscription::State>> subscribers_;
  RequestEventLogCounters counters_;
};

}  // namespace edgesim::emulator
