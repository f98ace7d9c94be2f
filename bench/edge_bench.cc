// EdgeCache::Handle end to end on hits: behavior match, cache key, store lookup, freshness, and
// (for the emulator) an X-Amz-Cf-Id and a walk of the viewer headers (core/viewer_head.h). What `edgesim serve` pays per hit before any
// socket work, and what the simulator pays per replayed hit.
// Run: build-rel/bench/edgesim_bench --benchmark_filter=Edge
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "core/edge_cache.h"
#include "core/viewer_head.h"
#include "policy/cache_policy.h"

namespace edgesim::core {
namespace {

const absl::Time kEdgeBenchNow = absl::FromUnixSeconds(1'700'000'000);

// Every object is cacheable for a day: the benchmark measures hits only.
class DayLongOrigin final : public OriginFetcher {
 public:
  absl::StatusOr<OriginResponse> Fetch(const OriginRequest&, absl::Time) override {
    OriginResponse r;
    r.head.status = 200;
    r.head.headers = {{"Content-Type", "application/javascript"},
                      {"Cache-Control", "max-age=86400"},
                      {"ETag", "\"abc\""}};
    r.body_size = 1000;
    return r;
  }
};

std::unique_ptr<EdgeCache> MakeEdge(bool request_ids) {
  policy::Distribution d = policy::SingleOriginDistribution(
      "origin.example.com", *policy::FindManagedCachePolicy("Managed-CachingOptimized"));
  EdgeCacheOptions options;
  options.assign_request_ids = request_ids;
  options.store.capacity_bytes = uint64_t{8} << 30;
  return *EdgeCache::Create(std::move(d), std::move(options));
}

void BM_EdgeHit(benchmark::State& state, bool request_ids) {
  const int64_t objects = state.range(0);
  auto edge = MakeEdge(request_ids);
  DayLongOrigin origin;
  std::vector<policy::Request> requests;
  for (int64_t i = 0; i < objects; ++i) {
    policy::Request r = policy::Request::Get(absl::StrCat("/assets/js/", i, "/app.js?v=3"));
    r.headers.Add("Accept-Encoding", "gzip, deflate, br");
    r.headers.Add("User-Agent", "Mozilla/5.0");
    edge->Handle(r, kEdgeBenchNow, origin);
    requests.push_back(std::move(r));
  }
  std::mt19937_64 rng(1);
  std::vector<uint32_t> order(1 << 16);
  for (auto& o : order) o = static_cast<uint32_t>(rng() % objects);
  size_t i = 0;
  for (auto _ : state) {
    EdgeResult r = edge->Handle(requests[order[i++ & (order.size() - 1)]], kEdgeBenchNow, origin);
    if (request_ids) {
      size_t bytes = 0;
      ForEachViewerHeader(r, [&](absl::string_view n, absl::string_view v) {
        bytes += n.size() + v.size();
      });
      benchmark::DoNotOptimize(bytes);
    }
    benchmark::DoNotOptimize(r.body_size);
  }
  state.SetItemsProcessed(state.iterations());
  const CounterSnapshot c = edge->TotalCounters();
  state.counters["hit_ratio"] = static_cast<double>(c[Counter::kHits]) /
                                static_cast<double>(c[Counter::kRequests]);
}
BENCHMARK_CAPTURE(BM_EdgeHit, with_viewer_headers, true)->Arg(10'000);
BENCHMARK_CAPTURE(BM_EdgeHit, outcome_only, false)->Arg(10'000);

}  // namespace
}  // namespace edgesim::core
