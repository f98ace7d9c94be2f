// stats.h — plain counters, readable while the cache runs.
//
// Counters are striped by thread (one cache line per thread index), so the hit path of two
// threads never writes a shared line; a snapshot sums the stripes with relaxed loads. Names
// follow DESIGN 4 and SPEC 8.3's result types.
//
//   StripedCounters c;
//   c.Add(Counter::kHits);
//   c.Add(Counter::kBytesFromCache, 1234);
//   CounterSnapshot s = c.Snapshot();
//   s[Counter::kHits];   // 1
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <ostream>

#include "absl/strings/string_view.h"
#include "core/thread_index.h"

namespace edgesim::core {

enum class Counter : int {
  kRequests,
  kHits,               // X-Cache Hit, collapsed and stale-served requests included
  kRefreshHits,        // revalidated with a 304 (SPEC 3.4)
  kMisses,
  kErrors,             // X-Cache Error: origin or cached 4xx/5xx, generated 502/504
  kViewerNotModified,  // 304s answered from cache to a viewer's conditional request
  kStaleWhileRevalidate,  // stale copies served inside stale-while-revalidate
  kStaleOnError,          // stale copies served because the origin failed (SPEC 3.5, 3.6)
  kCollapsed,             // requests answered by another request's origin fetch (SPEC 7.2)
  kOriginFetches,         // requests this cache sent upstream (origin or next tier)
  kOriginFailures,        // upstream fetches that failed (connect error, timeout)
  kOriginFailovers,       // origin group fetches the secondary answered (SPEC 12.2)
  kBytesFromCache,
  kBytesFromOrigin,
  kFunctionResponses,  // answered by a viewer-request function itself (SPEC 15.4)
  kCount,
};

absl::string_view ToString(Counter counter);

struct CounterSnapshot {
  std::array<uint64_t, static_cast<size_t>(Counter::kCount)> values{};

  uint64_t operator[](Counter c) const { return values[static_cast<size_t>(c)]; }
  uint64_t& operator[](Counter c) { return values[static_cast<size_t>(c)]; }
  CounterSnapshot& operator+=(const CounterSnapshot& other);
  bool operator==(const CounterSnapshot&) const = default;
};

std::ostream& operator<<(std::ostream& os, const CounterSnapshot& snapshot);

class StripedCounters {
 public:
  StripedCounters();

  void Add(Counter c, uint64_t n = 1) {
    stripes_[ThisThreadIndex() % kStripes]
        .values[static_cast<size_t>(c)]
        .fetch_add(n, std::memory_order_relaxed);
  }
  CounterSnapshot Snapshot() const;
  void Reset();

 private:
  static constexpr size_t kStripes = 16;
  struct alignas(64) Stripe {
    std::array<std::atomic<uint64_t>, static_cast<size_t>(Counter::kCount)> values{};
  };
  std::unique_ptr<Stripe[]> stripes_;
};

}  // namespace edgesim::core
