#include "emulator/request_event_log.h"

#include <algorithm>
#include <atomic>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace edgesim::emulator {

struct RequestEventLog::Subscription::State {
  std::deque<EventRef> queue;  // guarded by the log's mu_
  bool ended = false;
};

RequestEventLog::Subscription::Subscription(RequestEventLog& log, std::shared_ptr<State> state)
    : log_(log), state_(std::move(state)) {}

RequestEventLog::Subscription::~Subscription() { log_.Unsubscribe(state_); }

RequestEventLog::Batch RequestEventLog::Subscription::Next(absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(log_.mu_);
  log_.ready_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                       [this] { return !state_->queue.empty() || state_->ended; });
  Batch batch;
  batch.events.assign(std::make_move_iterator(state_->queue.begin()),
                      std::make_move_iterator(state_->queue.end()));
  state_->queue.clear();
  batch.ended = state_->ended;
  return batch;
}

RequestEventLog::RequestEventLog(RequestEventLogOptions options) : options_(std::move(options)) {}

void RequestEventLog::Publish(RequestEvent event) {
  Publish(std::make_shared<RequestEvent>(std::move(event)));
}

std::shared_ptr<RequestEvent> RequestEventLog::Publish(std::shared_ptr<RequestEvent> event) {
  bool notify = false;
  EventRef oldest;  // released outside the lock
  {
    std::lock_guard<std::mutex> lock(mu_);
    event->id = next_id_++;
    EventRef ref = std::move(event);
    if (ring_.size() >= options_.ring_capacity) {
      oldest = std::move(ring_.front());
      ring_.pop_front();
    }
    ++counters_.published;
    for (const std::shared_ptr<Subscription::State>& s : subscribers_) {
      if (s->ended) continue;
      if (s->queue.size() >= options_.queue_capacity) {
        // A slow client: drop it rather than hold events (or the edge) for it.
        s->ended = true;
        s->queue.clear();
        ++counters_.dropped_subscribers;
      } else {
        s->queue.push_back(ref);
      }
      notify = true;
    }
    ring_.push_back(std::move(ref));
    // Every copy of a kept event is made under mu_, so a count of one means none can appear: the
    // event, made mutable by Publish's caller, is free to fill again.
    if (oldest != nullptr && oldest.use_count() != 1) oldest = nullptr;
    // use_count() is a relaxed read: the fence orders the refill after a subscriber's last reads,
    // which happened before its (releasing) drop of the event.
    if (oldest != nullptr) std::atomic_thread_fence(std::memory_order_acquire);
  }
  if (notify) ready_.notify_all();
  return std::const_pointer_cast<RequestEvent>(std::move(oldest));
}

absl::StatusOr<std::unique_ptr<RequestEventLog::Subscription>> RequestEventLog::Subscribe(
    uint64_t after_id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return absl::UnavailableError("the server is stopping");
  if (subscribers_.size() >= options_.max_subscribers) {
    ++counters_.refused_subscribers;
    return absl::ResourceExhaustedError(absl::StrCat(
        options_.max_subscribers, " event streams are open already: close one (a console tab)"));
  }
  auto state = std::make_shared<Subscription::State>();
  for (const EventRef& e : ring_) {
    if (e->id > after_id) state->queue.push_back(e);
  }
  subscribers_.push_back(state);
  counters_.subscribers = subscribers_.size();
  return std::unique_ptr<Subscription>(new Subscription(*this, std::move(state)));
}

RequestEventLog::EventRef RequestEventLog::Find(uint64_t id) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (ring_.empty() || id < ring_.front()->id || id > ring_.back()->id) return nullptr;
  return ring_[id - ring_.front()->id];  // ids in the ring are consecutive
}

void RequestEventLog::Close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    for (const std::shared_ptr<Subscription::State>& s : subscribers_) s->ended = true;
  }
  ready_.notify_all();
}

RequestEventLogCounters RequestEventLog::counters() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counters_;
}

void RequestEventLog::Unsubscribe(const std::shared_ptr<Subscription::State>& state) {
  std::lock_guard<std::mutex> lock(mu_);
  subscribers_.erase(std::remove(subscribers_.begin(), subscribers_.end(), state),
                     subscribers_.end());
  counters_.subscribers = subscribers_.size();
}

}  // namespace edgesim::emulator
