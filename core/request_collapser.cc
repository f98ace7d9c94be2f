#include "core/request_collapser.h"

#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "core/mutex_lock.h"
#include "policy/status_macros.h"

namespace edgesim::core {

struct RequestCollapser::Flight {
  Flight(absl::string_view key, uint64_t hash) : key(key), hash(hash) {}

  const std::string key;
  const uint64_t hash;
  uint64_t followers = 0;  // guarded by the collapser's mutex, fixed once the flight leaves the map

  absl::Mutex mu;
  bool done ABSL_GUARDED_BY(mu) = false;
  CollapsedResult result ABSL_GUARDED_BY(mu);
};

namespace {

// A map key that borrows the flight's own key bytes and reuses the cache key's hash, so a Join
// neither copies the key twice nor hashes it again.
struct FlightKey {
  absl::string_view key;
  uint64_t hash;
};

struct FlightKeyHash {
  size_t operator()(const FlightKey& k) const { return k.hash; }
};

struct FlightKeyEq {
  bool operator()(const FlightKey& a, const FlightKey& b) const { return a.key == b.key; }
};

}  // namespace

struct RequestCollapser::Impl {
  absl::Mutex mu;
  absl::flat_hash_map<FlightKey, std::shared_ptr<Flight>, FlightKeyHash, FlightKeyEq> flights
      ABSL_GUARDED_BY(mu);
  CollapserCounters counters ABSL_GUARDED_BY(mu);
};

RequestCollapser::RequestCollapser() : impl_(std::make_unique<Impl>()) {}
RequestCollapser::~RequestCollapser() = default;

RequestCollapser::Ticket RequestCollapser::Join(absl::string_view key, uint64_t hash) {
  Ticket ticket;
  WriterLock lock(&impl_->mu);
  const auto it = impl_->flights.find(FlightKey{key, hash});
  if (it != impl_->flights.end()) {
    ticket.flight_ = it->second;
    ++ticket.flight_->followers;
    ++impl_->counters.followers;
    return ticket;
  }
  ticket.flight_ = std::make_shared<Flight>(key, hash);
  ticket.leader_ = true;
  impl_->flights.emplace(FlightKey{ticket.flight_->key, hash}, ticket.flight_);
  ++impl_->counters.leaders;
  impl_->counters.in_flight = impl_->flights.size();
  return ticket;
}

void RequestCollapser::Complete(const Ticket& t, CollapsedResult result) {
  EDGESIM_CHECK(t.leader());
  Flight& flight = *t.flight_;
  {
    WriterLock lock(&impl_->mu);
    const auto it = impl_->flights.find(FlightKey{flight.key, flight.hash});
    EDGESIM_CHECK(it != impl_->flights.end() && it->second == t.flight_);
    impl_->flights.erase(it);
    impl_->counters.in_flight = impl_->flights.size();
    // No Join can reach the flight any more, so its follower count is final. Followers of a
    // failed fetch are answered with the leader's error: they do not go to the origin either.
    const bool released = result.status.ok() && !result.shareable;
    (released ? impl_->counters.released : impl_->counters.served_by_leader) += flight.followers;
  }
  WriterLock lock(&flight.mu);
  EDGESIM_CHECK(!flight.done);
  flight.result = std::move(result);
  flight.done = true;  // MutexLock's release wakes every follower blocked in Wait
}

CollapsedResult RequestCollapser::Wait(const Ticket& t) {
  EDGESIM_CHECK(!t.leader() && t.flight_ != nullptr);
  Flight& flight = *t.flight_;
  WriterLock lock(&flight.mu, absl::Condition(&flight.done));
  return flight.result;
}

CollapserCounters RequestCollapser::counters() const {
  WriterLock lock(&impl_->mu);
  return impl_->counters;
}

}  // namespace edgesim::core
