#include "core/stats.h"

namespace edgesim::core {

absl::string_view ToString(Counter counter) {
  switch (counter) {
    case Counter::kRequests: return "requests";
    case Counter::kHits: return "hits";
    case Counter::kRefreshHits: return "refresh_hits";
    case Counter::kMisses: return "misses";
    case Counter::kErrors: return "errors";
    case Counter::kViewerNotModified: return "viewer_not_modified";
    case Counter::kStaleWhileRevalidate: return "stale_while_revalidate";
    case Counter::kStaleOnError: return "stale_on_error";
    case Counter::kCollapsed: return "collapsed";
    case Counter::kOriginFetches: return "origin_fetches";
    case Counter::kOriginFailures: return "origin_failures";
    case Counter::kOriginFailovers: return "origin_failovers";
    case Counter::kBytesFromCache: return "bytes_from_cache";
    case Counter::kBytesFromOrigin: return "bytes_from_origin";
    case Counter::kFunctionResponses: return "function_responses";
    case Counter::kCount: break;
  }
  return "unknown";
}

CounterSnapshot& CounterSnapshot::operator+=(const CounterSnapshot& other) {
  for (size_t i = 0; i < values.size(); ++i) values[i] += other.values[i];
  return *this;
}

std::ostream& operator<<(std::ostream& os, const CounterSnapshot& snapshot) {
  os << "{";
  for (size_t i = 0; i < snapshot.values.size(); ++i) {
    if (snapshot.values[i] == 0) continue;
    os << " " << ToString(static_cast<Counter>(i)) << "=" << snapshot.values[i];
  }
  return os << " }";
}

StripedCounters::StripedCounters() : stripes_(new Stripe[kStripes]) {}

CounterSnapshot StripedCounters::Snapshot() const {
  CounterSnapshot s;
  for (size_t stripe = 0; stripe < kStripes; ++stripe) {
    for (size_t i = 0; i < s.values.size(); ++i) {
      s.values[i] += stripes_[stripe].values[i].load(std::memory_order_relaxed);
    }
  }
  return s;
}

void StripedCounters::Reset() {
  for (size_t stripe = 0; stripe < kStripes; ++stripe) {
    for (auto& v : stripes_[stripe].values) v.store(0, std::memory_order_relaxed);
  }
}

}  // namespace edgesim::core
