// EdgeCache under concurrency: readers on Zipf-ish keys, a writer forcing misses, an invalidator
// issuing `/*` and prefix invalidations and sweeping, a small byte budget so eviction runs, time
// moving on a ManualClock. Asserts the invariants afterwards; meant to run clean under TSan.
#include <atomic>
#include <cmath>
#include <random>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/clock.h"
#include "core/edge_cache.h"
#include "gtest/gtest.h"

namespace edgesim::core {
namespace {

// Every path answers 200 with a per-path max-age (some TTL 0, some with stale windows), sometimes
// 503 or a connection failure, so revalidation, stale-on-error and error caching all run.
class StressOrigin final : public OriginFetcher {
 public:
  absl::StatusOr<OriginResponse> Fetch(const OriginRequest& request, absl::Time) override {
    const uint64_t n = fetches_.fetch_add(1, std::memory_order_relaxed);
    if (n % 97 == 0) return absl::UnavailableError("stress");
    OriginResponse r;
    if (n % 89 == 0) {
      r.head.status = 503;
      return r;
    }
    const uint64_t h = HashKey(request.forwarded.path());
    static constexpr const char* kCacheControl[] = {"max-age=5", "max-age=0",
                                                    "max-age=30, stale-while-revalidate=10",
                                                    "no-cache", "max-age=60, stale-if-error=20"};
    r.head.headers.Add("Cache-Control", kCacheControl[h % 5]);
    r.head.headers.Add("ETag", absl::StrCat("\"", h % 3, "\""));
    if (request.conditional &&
        request.forwarded.headers.Get("If-None-Match") == r.head.headers.Get("ETag")) {
      r.head.status = 304;
      return r;
    }
    r.body_size = 512 + h % 2048;  // sizes only, as in the simulator
    return r;
  }

  uint64_t fetches() const { return fetches_.load(); }

 private:
  std::atomic<uint64_t> fetches_{0};
};

TEST(EdgeCacheStressTest, ConcurrentReadersWriterInvalidatorKeepInvariants) {
  constexpr int kReaders = 3;
  constexpr int kRequestsPerReader = 5000;
  constexpr int kWriterRequests = 2000;

  policy::Distribution d;
  d.config.default_behavior.cache_policy.min_ttl = absl::ZeroDuration();
  policy::CacheBehavior k1 = d.config.default_behavior;
  k1.path_pattern = "/k1*";
  d.config.behaviors.push_back(k1);
  EdgeCacheOptions options;
  options.store.shards = 4;
  options.store.capacity_bytes = 128 * 1024;
  absl::StatusOr<std::unique_ptr<EdgeCache>> created = EdgeCache::Create(d, options);
  ASSERT_TRUE(created.ok()) << created.status();
  EdgeCache& edge = **created;
  StressOrigin origin;
  ManualClock clock;
  std::atomic<uint64_t> issued{0};
  std::atomic<int> running{kReaders + 1};

  auto handle = [&](const std::string& path) {
    EdgeResult r = edge.Handle(policy::Request::Get(path), clock.Now(), origin);
    issued.fetch_add(1, std::memory_order_relaxed);
    if (r.background_refresh) edge.Revalidate(*r.background_refresh, clock.Now(), origin);
  };

  std::vector<std::thread> threads;
  for (int t = 0; t < kReaders; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(t + 1);
      std::uniform_real_distribution<double> u(0, 1);
      for (int i = 0; i < kRequestsPerReader; ++i) {
        // Zipf-ish: a few keys take most requests.
        const int key = static_cast<int>(std::pow(u(rng), 3) * 400);
        handle(absl::StrCat("/k", key));
      }
      running.fetch_sub(1);
    });
  }
  threads.emplace_back([&] {
    for (int i = 0; i < kWriterRequests; ++i) handle(absl::StrCat("/new/", i));
    running.fetch_sub(1);
  });
  threads.emplace_back([&] {
    const policy::InvalidationPath all = *policy::InvalidationPath::Parse("/*");
    const policy::InvalidationPath prefix = *policy::InvalidationPath::Parse("/k1*");
    const policy::InvalidationPath exact = *policy::InvalidationPath::Parse("/k2");
    // Until the others are done: time moves one second a round.
    for (int i = 0; running.load() > 0; ++i) {
      edge.Invalidate(i % 10 == 0 ? all : i % 2 == 0 ? prefix : exact, clock.Now());
      edge.Sweep(clock.Now(), 64);
      clock.Advance(absl::Seconds(1));
      std::this_thread::yield();
    }
  });
  for (std::thread& t : threads) t.join();

  const StoreCounters store = edge.store_counters();
  EXPECT_LE(store.charged_bytes, store.capacity_bytes);
  EXPECT_GT(store.evictions, 0u);
  const CounterSnapshot c = edge.TotalCounters();
  EXPECT_EQ(c[Counter::kRequests], issued.load());
  EXPECT_EQ(c[Counter::kRequests], uint64_t{kReaders * kRequestsPerReader + kWriterRequests});
  EXPECT_EQ(c[Counter::kRequests], c[Counter::kHits] + c[Counter::kRefreshHits] +
                                       c[Counter::kMisses] + c[Counter::kErrors]);
  EXPECT_EQ(c[Counter::kOriginFetches], origin.fetches());
  EXPECT_LE(c[Counter::kCollapsed], c[Counter::kHits]);
  CounterSnapshot sum;
  for (const CounterSnapshot& b : edge.BehaviorCounters()) sum += b;
  EXPECT_EQ(sum, c);
  EXPECT_EQ(edge.collapser_counters().in_flight, 0u);
  EXPECT_GT(edge.invalidation_counters().added, 0u);
}

}  // namespace
}  // namespace edgesim::core
