#include "sim/run_result.h"

#include "gtest/gtest.h"

namespace edgesim::sim {
namespace {

SimulationResult Sample() {
  SimulationResult r;
  r.scenario = "s";
  r.series_start = absl::FromUnixSeconds(1'700'000'000);
  r.series_bucket = absl::Seconds(10);
  r.series_buckets = 2;
  r.deploys = {5};
  r.records = 7;
  r.bad_records = 1;
  r.bad_examples = {"t.csv:3: bad time"};
  VariantResult v;
  v.name = "v";
  v.settings = {{"default_ttl", 60}};
  v.total = {.requests = 4, .hits = 2, .refresh_hits = 1, .misses = 1, .errors = 0, .bytes = 400,
             .bytes_from_cache = 300, .origin_requests = 2, .origin_bytes = 100, .stale = 1,
             .function_responses = 0};
  v.max_staleness_seconds = 12.5;
  v.behaviors["Default (*)"] = v.total;
  v.pops["IAD89-C1"] = v.total;
  v.miss_reasons["not_cached"] = 1;
  v.cache["evictions"] = 3;
  v.invalidation_paths["2026-01"] = 1500;
  v.series = {v.total, Tally()};
  r.variants.push_back(v);
  return r;
}

TEST(RunResultTest, JsonRoundTrips) {
  const SimulationResult r = Sample();
  absl::StatusOr<SimulationResult> back = FromJson(ToJson(r));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, r);
}

TEST(RunResultTest, DerivedFigures) {
  const SimulationResult r = Sample();
  const nlohmann::json j = ToJson(r);
  const nlohmann::json& v = j["variants"][0];
  EXPECT_DOUBLE_EQ(v["total"]["hit_ratio"].get<double>(), 0.75);
  EXPECT_DOUBLE_EQ(v["total"]["byte_hit_ratio"].get<double>(), 0.75);
  EXPECT_DOUBLE_EQ(v["total"]["stale_rate"].get<double>(), 0.25);
  // SPEC 6.6: 1,000 free paths a month, then $0.005 each.
  EXPECT_DOUBLE_EQ(v["invalidation"]["cost_usd"].get<double>(), 500 * 0.005);
  EXPECT_EQ(v["invalidation"]["bills"][0]["billed_paths"], 500);
}

TEST(RunResultTest, MergeAddsCountersAndKeepsTheMaxStaleness) {
  SimulationResult a = Sample();
  SimulationResult b = Sample();
  b.shards = {1};
  a.shard_count = b.shard_count = 2;
  b.variants[0].max_staleness_seconds = 30;
  b.variants[0].invalidation_paths = {{"2026-01", 0}};
  absl::StatusOr<SimulationResult> m = MergeResults({b, a});
  ASSERT_TRUE(m.ok()) << m.status();
  const VariantResult& v = m->variants[0];
  EXPECT_EQ(m->shards, (std::vector<int>{0, 1}));
  EXPECT_EQ(v.total.requests, 8u);
  EXPECT_EQ(v.series[0].requests, 8u);
  EXPECT_EQ(v.pops.at("IAD89-C1").hits, 4u);
  EXPECT_EQ(v.miss_reasons.at("not_cached"), 2u);
  EXPECT_DOUBLE_EQ(v.max_staleness_seconds, 30);
  EXPECT_DOUBLE_EQ(HitRatio(v.total), 0.75);
  EXPECT_EQ(m->records, 7u);  // every shard reads the whole input
}

// Object sizes near 2^64 once wrapped the byte totals to small numbers.
TEST(RunResultTest, TalliesSaturateInsteadOfWrapping) {
  Tally a;
  a.requests = 2;
  a.bytes = kMaxCount - 5;
  Tally b;
  b.requests = 3;
  b.bytes = 10;
  a += b;
  EXPECT_EQ(a.bytes, kMaxCount);
  EXPECT_EQ(a.requests, 5u);
  a += a;
  EXPECT_EQ(a.bytes, kMaxCount);
  EXPECT_EQ(SaturatingAdd(1, UINT64_MAX), kMaxCount);
  EXPECT_EQ(SaturatingAdd(UINT64_MAX, 0), kMaxCount);
  EXPECT_EQ(SaturatingAdd(kMaxCount - 1, 1), kMaxCount);
  EXPECT_EQ(SaturatingAdd(40, 2), 42u);
}

// Reports written before functions ran at the edge have no function_responses: they read as 0.
TEST(RunResultTest, FunctionResponsesRoundTripAndMayBeAbsent) {
  SimulationResult r = Sample();
  r.variants[0].total.function_responses = 3;
  nlohmann::json j = ToJson(r);
  EXPECT_EQ(j["variants"][0]["total"]["function_responses"], 3);
  absl::StatusOr<SimulationResult> back = FromJson(j);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->variants[0].total.function_responses, 3u);
  j["variants"][0]["total"].erase("function_responses");
  back = FromJson(j);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->variants[0].total.function_responses, 0u);
}

TEST(RunResultTest, FromJsonNamesTheBadField) {
  nlohmann::json j = ToJson(Sample());
  j["variants"][0]["total"]["hits"] = "many";
  absl::StatusOr<SimulationResult> r = FromJson(j);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("variants[0].total.hits"), std::string::npos)
      << r.status();
  EXPECT_FALSE(FromJson(nlohmann::json::array()).ok());
  j["variants"][0]["total"]["hits"] = -1;
  r = FromJson(j);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("expected a count >= 0"), std::string::npos) << r.status();
}

}  // namespace
}  // namespace edgesim::sim
