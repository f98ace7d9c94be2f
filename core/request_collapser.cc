#include "core/request_collapser.h"

#include <string>
#include <utility>

#include <condition_variable>
#include <mutex>

#include "absl/container/flat_hash_map.h"
#include "policy/status_macros.h"

namespace edgesim::core {

struct RequestCollapser::Flight {
  Flight(absl::string_view key, uint64_t hash) : key(key), hash(hash) {}

  const std::string key;
  const uint64_t hash;
  uint64_t followers = 0;  // guarded by the collapser's mutex, fixed once the flight leaves the map

  std::mutex mu;
  std::condition_variable completed;
  bool done = false;         // guarded by mu
  CollapsedResult result;    // guarded by mu
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
  // std::mutex rather than absl::Mutex: Debian's abseil is not built for ThreadSanitizer, which
  // sees pthread locks only.
  std::mutex mu;
  absl::flat_hash_map<FlightKey, std::shared_ptr<Flight>, FlightKeyHash, FlightKeyEq> flights;
  CollapserCounters counters;  // guarded by mu
};

RequestCollapser::RequestCollapser() : impl_(std::make_unique<Impl>()) {}
RequestCollapser::~RequestCollapser() = default;

RequestCollapser::Ticket RequestCollapser::Join(absl::string_view key, uint64_t hash) {
  return Enter(key, hash, /*follow=*/true);
}

RequestCollapser::Ticket RequestCollapser::Lead(absl::string_view key, uint64_t hash) {
  return Enter(key, hash, /*follow=*/false);
}

RequestCollapser::Ticket RequestCollapser::Enter(absl::string_view key, uint64_t hash,
                                                 bool follow) {
  Ticket ticket;
  std::lock_guard<std::mutex> lock(impl_->mu);
  const auto it = impl_->flights.find(FlightKey{key, hash});
  if (it != impl_->flights.end()) {
    if (!follow) return ticket;
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
    std::lock_guard<std::mutex> lock(impl_->mu);
    const auto it = impl_->flights.find(FlightKey{flight.key, flight.hash});
    EDGESIM_CHECK(it != impl_->flights.end() && it->second == t.flight_);
    impl_->flights.erase(it);
    impl_->counters.in_flight = impl_->flights.size();
    // No Join can reach the flight any more, so its follower count is final. Followers of a
    // failed fetch are answered with the leader's error: they do not go to the origin either.
    const bool released = result.status.ok() && !result.shareable;
    (released ? impl_->counters.released : impl_->counters.served_by_leader) += flight.followers;
  }
  {
    std::lock_guard<std::mutex> lock(flight.mu);
    EDGESIM_CHECK(!flight.done);
    flight.result = std::move(result);
    flight.done = true;
  }
  flight.completed.notify_all();
}

CollapsedResult RequestCollapser::Wait(const Ticket& t) {
  EDGESIM_CHECK(!t.leader() && t.flight_ != nullptr);
  Flight& flight = *t.flight_;
  std::unique_lock<std::mutex> lock(flight.mu);
  flight.completed.wait(lock, [&flight] { return flight.done; });
  return flight.result;
}

CollapserCounters RequestCollapser::counters() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->counters;
}

}  // namespace edgesim::core
