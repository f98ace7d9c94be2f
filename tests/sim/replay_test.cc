#include "sim/replay.h"

#include <string>

#include "gtest/gtest.h"
#include "sim/simulation.h"
#include "sim/vector_trace_source.h"

namespace edgesim::sim {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'767'225'600);  // 2026-01-01 00:00:00 UTC

absl::Time At(double seconds) { return kT0 + absl::Seconds(seconds); }

Scenario MakeScenario(const std::string& json) {
  absl::StatusOr<Scenario> s = ParseScenario(nlohmann::json::parse(json), ".");
  EXPECT_TRUE(s.ok()) << s.status();
  return *s;
}

SimulationOptions Options(int threads, int shard = 0, int shard_count = 1) {
  SimulationOptions o;
  o.threads = threads;
  o.shard = shard;
  o.shard_count = shard_count;
  return o;
}

SimulationResult Simulate(const Scenario& scenario, VectorTraceSource& trace,
                          SimulationOptions options = Options(1)) {
  absl::StatusOr<SimulationResult> r = RunSimulation(scenario, trace, options, kT0);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : SimulationResult{};
}

TEST(ReplayTest, HitMissSequenceOfATinyTrace) {
  const Scenario scenario = MakeScenario(R"({
    "origin": {"rules": [{"path": "*", "headers": {"Cache-Control": "max-age=60"}, "size": 100}]}
  })");
  VectorTraceSource trace;
  trace.AddRequest(At(0), "/a");    // miss
  trace.AddRequest(At(10), "/a");   // hit
  trace.AddRequest(At(20), "/b");   // miss
  trace.AddRequest(At(70), "/a");   // expired at 60: revalidated, 304 -> RefreshHit
  trace.AddRequest(At(71), "/a");   // hit (fresh again for 60 s)
  trace.AddRequest(At(79), "/b");   // expired at 80? no: fresh until 80 -> hit
  trace.AddRequest(At(80), "/b");   // expired: RefreshHit
  const SimulationResult r = Simulate(scenario, trace);
  ASSERT_EQ(r.variants.size(), 1u);
  const Tally& t = r.variants[0].total;
  EXPECT_EQ(t.requests, 7u);
  EXPECT_EQ(t.misses, 2u);
  EXPECT_EQ(t.hits, 3u);
  EXPECT_EQ(t.refresh_hits, 2u);
  EXPECT_EQ(t.origin_requests, 4u);     // 2 fetches + 2 conditional revalidations
  EXPECT_EQ(t.origin_bytes, 200u);      // 304s carry no body
  EXPECT_EQ(t.bytes, 700u);
  EXPECT_EQ(t.bytes_from_cache, 500u);
  EXPECT_EQ(t.stale, 0u);
  EXPECT_DOUBLE_EQ(HitRatio(t), 5.0 / 7.0);
  EXPECT_EQ(r.variants[0].miss_reasons.at("not_cached"), 2u);
  EXPECT_EQ(r.variants[0].miss_reasons.at("expired"), 2u);
  EXPECT_EQ(r.variants[0].pops.at("IAD89-C1"), t);
  EXPECT_EQ(r.variants[0].behaviors.at("Default (*)"), t);
  Tally series;
  for (const Tally& b : r.variants[0].series) series += b;
  EXPECT_EQ(series, t);
  EXPECT_EQ(r.variants[0].series.front().requests, 1u);  // 80 s in 60 buckets of 2 s
  EXPECT_EQ(r.series_bucket, absl::Seconds(2));
}

// index.html cached 600 s; deployed at 100; requested at 130 and 160. The invalidation (when
// there is one) is submitted with the deploy and takes effect 60 s later, at 160.
constexpr char kDeployScenario[] = R"({
  "origin": {"rules": [{"path": "*", "headers": {"Cache-Control": "max-age=600"}, "size": 10}]},
  "variants": [
    {"name": "none", "invalidation": "none"},
    {"name": "changed", "invalidation": "changed", "invalidation_delay": 60},
    {"name": "all", "invalidation": "all", "invalidation_delay": 60},
    {"name": "all-at-once", "invalidation": "all", "invalidation_delay": 0}
  ]
})";

TEST(ReplayTest, StalenessAfterADeployWithAndWithoutInvalidation) {
  const Scenario scenario = MakeScenario(kDeployScenario);
  VectorTraceSource trace;
  trace.AddRequest(At(0), "/index.html");
  trace.AddEvent(At(100), TraceRecord::Kind::kDeploy, {"/index.html"});
  trace.AddRequest(At(130), "/index.html");
  trace.AddRequest(At(160), "/index.html");
  const SimulationResult r = Simulate(scenario, trace);
  ASSERT_EQ(r.variants.size(), 4u);
  EXPECT_EQ(r.deploys, std::vector<double>{100});

  const VariantResult& none = r.variants[0];
  EXPECT_EQ(none.total.stale, 2u);
  EXPECT_EQ(none.total.hits, 2u);
  EXPECT_DOUBLE_EQ(none.max_staleness_seconds, 60);
  EXPECT_EQ(InvalidationPaths(none), 0);

  for (const VariantResult* v : {&r.variants[1], &r.variants[2]}) {
    SCOPED_TRACE(v->name);
    EXPECT_EQ(v->total.stale, 1u);  // at 130; at 160 the invalidation is in effect
    EXPECT_DOUBLE_EQ(v->max_staleness_seconds, 30);
    EXPECT_EQ(v->total.misses, 2u);
    EXPECT_EQ(v->miss_reasons.at("invalidated"), 1u);
    EXPECT_EQ(InvalidationPaths(*v), 1);
  }
  const VariantResult& at_once = r.variants[3];
  EXPECT_EQ(at_once.total.stale, 0u);
  EXPECT_EQ(at_once.total.misses, 2u);
  EXPECT_EQ(at_once.total.hits, 1u);
}

// SPEC 6.5: CloudFront documents no propagation time; third parties report 60-300 s.
TEST(ReplayTest, DefaultPropagationDelayIs60Seconds_UNCONFIRMED) {
  const Scenario scenario = MakeScenario(R"({"variants": [{"name": "all", "invalidation": "all"}]})");
  VectorTraceSource trace;
  trace.AddRequest(At(0), "/a");
  trace.AddEvent(At(10), TraceRecord::Kind::kDeploy, {"/a"});
  trace.AddRequest(At(69), "/a");  // not yet in effect: a stale hit
  trace.AddRequest(At(70), "/a");  // in effect: a miss
  const SimulationResult r = Simulate(scenario, trace);
  EXPECT_EQ(r.variants[0].total.stale, 1u);
  EXPECT_EQ(r.variants[0].total.misses, 2u);
}

TEST(ReplayTest, InvalidationCostPerMonthAfterTheFreeThousand) {
  const Scenario scenario = MakeScenario(R"({"variants": [
    {"name": "changed", "invalidation": "changed"}, {"name": "all", "invalidation": "all"}]})");
  std::vector<std::string> paths;
  for (int i = 0; i < 300; ++i) paths.push_back("/p" + std::to_string(i));
  VectorTraceSource trace;
  trace.AddRequest(At(0), "/p1");
  // January: 4 deploys x 300 paths = 1200 -> 200 billed; February: 300, free.
  for (int d = 0; d < 4; ++d) trace.AddEvent(At(3600 * (d + 1)), TraceRecord::Kind::kDeploy, paths);
  trace.AddEvent(At(86400 * 40), TraceRecord::Kind::kDeploy, paths);
  const SimulationResult r = Simulate(scenario, trace);
  const VariantResult& changed = r.variants[0];
  EXPECT_EQ(changed.invalidation_paths.at("2026-01"), 1200);
  EXPECT_EQ(changed.invalidation_paths.at("2026-02"), 300);
  EXPECT_DOUBLE_EQ(InvalidationCostUsd(changed), 200 * 0.005);
  const VariantResult& all = r.variants[1];
  EXPECT_EQ(InvalidationPaths(all), 5);  // one wildcard per deploy
  EXPECT_DOUBLE_EQ(InvalidationCostUsd(all), 0);
}

TEST(ReplayTest, TraceInvalidationsOnlyWithTheTraceStrategy) {
  const Scenario scenario = MakeScenario(R"({"variants": [
    {"name": "trace", "invalidation_delay": 0}, {"name": "none", "invalidation": "none"}]})");
  VectorTraceSource trace;
  trace.AddRequest(At(0), "/a");
  trace.AddEvent(At(5), TraceRecord::Kind::kInvalidation, {"/a", "not a path"});
  trace.AddRequest(At(10), "/a");
  const SimulationResult r = Simulate(scenario, trace);
  EXPECT_EQ(r.variants[0].total.misses, 2u);
  EXPECT_EQ(r.variants[0].cache.at("rejected_invalidation_paths"), 1u);
  EXPECT_EQ(InvalidationPaths(r.variants[0]), 1);
  EXPECT_EQ(r.variants[1].total.misses, 1u);
}

TEST(ReplayTest, OutagesCountAsErrors) {
  const Scenario scenario = MakeScenario(R"({
    "origin": {"rules": [{"path": "*", "headers": {"Cache-Control": "max-age=10"}}],
               "outages": [{"from": 10, "to": 20, "status": 503}, {"from": 30, "to": 40, "failure": "timeout"}]}
  })");
  VectorTraceSource trace;
  trace.AddRequest(At(0), "/a");
  trace.AddRequest(At(15), "/b");  // 503
  trace.AddRequest(At(35), "/c");  // no answer: 504
  trace.AddRequest(At(36), "/a");  // expired, the origin fails: served stale (SPEC 3.5)
  const SimulationResult r = Simulate(scenario, trace);
  EXPECT_EQ(r.variants[0].total.misses, 1u);
  EXPECT_EQ(r.variants[0].total.errors, 2u);
  EXPECT_EQ(r.variants[0].total.hits, 1u);
  EXPECT_EQ(r.variants[0].total.origin_requests, 4u);
}

TEST(ReplayTest, OriginShieldAbsorbsMissesOfOtherPops) {
  const Scenario scenario = MakeScenario(R"({"variants": [
    {"name": "direct"}, {"name": "shield", "origin_shield": "us-east-1"}]})");
  VectorTraceSource trace({"IAD89-C1", "FRA6-C1", "NRT57-C1"});
  for (uint32_t pop = 0; pop < 3; ++pop) trace.AddRequest(At(pop), "/a", pop);
  const SimulationResult r = Simulate(scenario, trace);
  EXPECT_EQ(r.variants[0].total.origin_requests, 3u);
  EXPECT_EQ(r.variants[1].total.origin_requests, 1u);
  EXPECT_EQ(r.variants[1].total.misses, 3u);  // every POP misses its own cache
  EXPECT_EQ(r.variants[1].pops.size(), 3u);
}

TEST(ReplayTest, KeyOnlyTracesTakeTheCacheOnlyPath) {
  const Scenario scenario = MakeScenario(R"({"variants": [{"name": "lru", "capacity_bytes": 250}]})");
  VectorTraceSource trace;
  const uint64_t ids[] = {1, 2, 1, 3, 2, 1};  // 100 bytes each; room for 2
  for (int i = 0; i < 6; ++i) trace.AddKey(At(i), ids[i], 100);
  const SimulationResult r = Simulate(scenario, trace);
  const VariantResult& v = r.variants[0];
  EXPECT_EQ(v.mode, "cache-only");
  // 1 miss, 2 miss, 1 hit, 3 miss (evicts 2), 2 miss (evicts 1), 1 miss.
  EXPECT_EQ(v.total.hits, 1u);
  EXPECT_EQ(v.total.misses, 5u);
  EXPECT_EQ(v.total.origin_bytes, 500u);
  EXPECT_EQ(v.cache.at("evictions"), 3u);
}

// The full model's store takes every core eviction policy: with room for two objects, a hit saves
// /a from LRU's eviction but not from FIFO's.
TEST(ReplayTest, FullModelEvictsWithFifoToo) {
  const Scenario scenario = MakeScenario(R"({
    "origin": {"rules": [{"path": "*", "headers": {"Cache-Control": "max-age=600"}, "size": 10000}]},
    "variants": [{"name": "lru", "eviction": "lru", "capacity_bytes": 25000},
                 {"name": "fifo", "eviction": "fifo", "capacity_bytes": 25000}]
  })");
  VectorTraceSource trace;
  int second = 0;
  for (const char* path : {"/a", "/b", "/a", "/c", "/a"}) trace.AddRequest(At(second++), path);
  const SimulationResult r = Simulate(scenario, trace);
  ASSERT_EQ(r.variants.size(), 2u);
  EXPECT_EQ(r.variants[0].mode, "full");
  EXPECT_EQ(r.variants[1].mode, "full");
  EXPECT_EQ(r.variants[0].total.hits, 2u);  // /a twice
  EXPECT_EQ(r.variants[1].total.hits, 1u);  // /c evicted the older /a
}

// A few POPs, a few hundred paths, deploys: enough to exercise every counter.
std::unique_ptr<VectorTraceSource> GeneratedTrace() {
  auto trace =
      std::make_unique<VectorTraceSource>(std::vector<std::string>{"IAD89-C1", "FRA6-C1",
                                                                   "NRT57-C1", "SEA19-C2"});
  uint64_t x = 12345;
  for (int i = 0; i < 4000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    const int object = static_cast<int>((x >> 33) % 300);
    const std::string path = object % 3 == 0 ? "/index.html" : "/assets/a" + std::to_string(object);
    trace->AddRequest(At(i * 0.5), path, static_cast<uint32_t>((x >> 20) % 4));
    if (i % 1000 == 999) {
      trace->AddEvent(At(i * 0.5), TraceRecord::Kind::kDeploy, {"/index.html", "/assets/a1"});
    }
  }
  return trace;
}

constexpr char kGridScenario[] = R"({
  "name": "grid",
  "origin": {"rules": [{"path": "/assets/*", "headers": {"Cache-Control": "max-age=600"}, "size": 5000},
                       {"path": "*", "headers": {"Cache-Control": "max-age=60"}, "size": 2000}]},
  "grid": {"eviction": ["lru", "s3fifo"], "capacity_bytes": [200000, 2000000],
           "invalidation": ["none", "changed"]}
})";

TEST(ReplayTest, ResultsDoNotDependOnTheThreadCount) {
  const Scenario scenario = MakeScenario(kGridScenario);
  ASSERT_EQ(scenario.variants.size(), 8u);
  const SimulationResult one = Simulate(scenario, *GeneratedTrace(), Options(1));
  const SimulationResult four = Simulate(scenario, *GeneratedTrace(), Options(4));
  EXPECT_EQ(ToJson(one), ToJson(four));
  // The variants differ, so the comparison means something.
  EXPECT_NE(one.variants[0].total, one.variants[2].total);
  EXPECT_GT(one.variants[0].total.stale, 0u);
}

TEST(ReplayTest, ShardsByPopMergeToTheSingleRun) {
  const Scenario scenario = MakeScenario(kGridScenario);
  const SimulationResult whole = Simulate(scenario, *GeneratedTrace(), Options(2));
  std::vector<SimulationResult> parts;
  for (int k = 0; k < 3; ++k) {
    parts.push_back(Simulate(scenario, *GeneratedTrace(), Options(2, k, 3)));
    EXPECT_LT(parts.back().variants[0].total.requests, whole.variants[0].total.requests);
  }
  absl::StatusOr<SimulationResult> merged = MergeResults(parts);
  ASSERT_TRUE(merged.ok()) << merged.status();
  SimulationResult expected = whole;
  expected.shards = {0, 1, 2};
  expected.shard_count = 3;
  EXPECT_EQ(ToJson(*merged), ToJson(expected));
}

TEST(ReplayTest, ShardsByObjectMergeToTheSingleRunWhenNothingIsEvicted) {
  const Scenario scenario = MakeScenario(R"({"variants": [{"name": "big", "capacity_bytes": 1000000000}]})");
  auto trace = [] {
    auto t = std::make_unique<VectorTraceSource>();
    for (int i = 0; i < 500; ++i) t->AddRequest(At(i), "/o" + std::to_string(i % 37));
    return t;
  };
  const SimulationResult whole = Simulate(scenario, *trace());
  std::vector<SimulationResult> parts;
  for (int k = 0; k < 2; ++k) parts.push_back(Simulate(scenario, *trace(), Options(1, k, 2)));
  absl::StatusOr<SimulationResult> merged = MergeResults(parts);
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(merged->variants[0].total, whole.variants[0].total);
  EXPECT_EQ(merged->variants[0].series, whole.variants[0].series);
}

TEST(ReplayTest, MergeRejectsMismatchedParts) {
  const Scenario scenario = MakeScenario(kGridScenario);
  SimulationResult a = Simulate(scenario, *GeneratedTrace(), Options(1, 0, 2));
  EXPECT_FALSE(MergeResults({a, a}).ok());  // shard 0 twice
  SimulationResult b = a;
  b.shards = {1};
  b.variants[0].name = "other";
  EXPECT_FALSE(MergeResults({a, b}).ok());
}

TEST(ReplayTest, UnknownVariantAndBadShard) {
  const Scenario scenario = MakeScenario(kGridScenario);
  SimulationOptions unknown;
  unknown.variant = "nope";
  EXPECT_EQ(RunSimulation(scenario, *GeneratedTrace(), unknown).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_FALSE(RunSimulation(scenario, *GeneratedTrace(), Options(1, 2, 2)).ok());
}

}  // namespace
}  // namespace edgesim::sim
