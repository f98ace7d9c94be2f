#include "sim/trace_buffer.h"

#include "gtest/gtest.h"
#include "sim/oracle_general_reader.h"
#include "sim/trace_writer.h"
#include "sim/vector_trace_source.h"

namespace edgesim::sim {
namespace {

const absl::Time kTraceT0 = absl::FromUnixSeconds(1'000'000);

TEST(TraceBufferTest, KeepsRecordsAcrossBatchesAndCompactKeys) {
  VectorTraceSource trace({"A", "B"}, /*batch_size=*/2);
  trace.AddRequest(kTraceT0, "/a", 1, 10);
  trace.AddEvent(kTraceT0 + absl::Seconds(1), TraceRecord::Kind::kDeploy, {"/a", "/b"});
  trace.AddRequest(kTraceT0 + absl::Seconds(2), "/b?x=1", 0, 20);
  trace.AddKey(kTraceT0 + absl::Seconds(3), 99, 30, 1);
  absl::StatusOr<TraceBuffer> b = TraceBuffer::Read(trace, /*keep_records=*/true);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->records(), 4u);
  EXPECT_EQ(b->start(), kTraceT0);
  EXPECT_EQ(b->end(), kTraceT0 + absl::Seconds(3));
  EXPECT_TRUE(b->has_targets());
  EXPECT_EQ(b->deploys(), std::vector<absl::Time>{kTraceT0 + absl::Seconds(1)});
  EXPECT_EQ(b->pops(), (std::vector<std::string>{"A", "B"}));
  ASSERT_EQ(b->keys().size(), 3u);
  EXPECT_EQ(b->keys()[2].id, 99u);
  EXPECT_EQ(b->keys()[2].pop, 1u);
  EXPECT_EQ(b->keys()[1].size, 20u);
  std::vector<std::string> targets;
  b->ForEachRecord([&](const TraceRecord& r) { targets.emplace_back(r.target); });
  EXPECT_EQ(targets, (std::vector<std::string>{"/a", "/a\n/b", "/b?x=1", ""}));
}

TEST(TraceBufferTest, DropsKeysOfATraceWithTargetsWhenAskedTo) {
  VectorTraceSource with_targets;
  with_targets.AddKey(kTraceT0, 1, 10);
  with_targets.AddRequest(kTraceT0 + absl::Seconds(1), "/a", 0, 10);
  with_targets.AddKey(kTraceT0 + absl::Seconds(2), 2, 10);
  absl::StatusOr<TraceBuffer> b =
      TraceBuffer::Read(with_targets, /*keep_records=*/false, /*keys_without_targets_only=*/true);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_TRUE(b->has_targets());
  EXPECT_TRUE(b->keys().empty());
  EXPECT_TRUE(b->key_seconds().empty());
  EXPECT_EQ(b->records(), 3u);
  EXPECT_EQ(b->end(), kTraceT0 + absl::Seconds(2));

  VectorTraceSource keys_only;
  keys_only.AddKey(kTraceT0, 1, 10);
  b = TraceBuffer::Read(keys_only, /*keep_records=*/false, /*keys_without_targets_only=*/true);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->keys().size(), 1u);
}

TEST(TraceBufferTest, KeyOnlyTraces) {
  VectorTraceSource trace;
  trace.AddKey(kTraceT0, 1, 10);
  absl::StatusOr<TraceBuffer> b = TraceBuffer::Read(trace, /*keep_records=*/false);
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b->has_targets());
  size_t n = 0;
  b->ForEachRecord([&](const TraceRecord&) { ++n; });
  EXPECT_EQ(n, 0u);  // not kept
  EXPECT_EQ(b->keys().size(), 1u);
}

TEST(TraceBufferTest, KeepsOneSecondPerRunOfRequests) {
  VectorTraceSource trace;
  trace.AddKey(kTraceT0, 1, 10);
  trace.AddKey(kTraceT0 + absl::Milliseconds(500), 2, 10);
  trace.AddEvent(kTraceT0 + absl::Milliseconds(700), TraceRecord::Kind::kDeploy, {"/a"});
  trace.AddKey(kTraceT0 + absl::Seconds(1), 3, 10);
  trace.AddKey(kTraceT0 + absl::Milliseconds(1999), 4, 10);
  trace.AddKey(kTraceT0 + absl::Seconds(3), 5, 10);
  absl::StatusOr<TraceBuffer> b = TraceBuffer::Read(trace, /*keep_records=*/false);
  ASSERT_TRUE(b.ok()) << b.status();
  ASSERT_EQ(b->keys().size(), 5u);
  const int64_t t0 = absl::ToUnixSeconds(kTraceT0);
  std::vector<std::pair<uint64_t, int64_t>> runs;
  for (const KeySecond& s : b->key_seconds()) runs.emplace_back(s.first, s.unix_seconds);
  EXPECT_EQ(runs, (std::vector<std::pair<uint64_t, int64_t>>{{0, t0}, {2, t0 + 1}, {4, t0 + 3}}));
}

// A source with a key-only entry point (oracleGeneral) fills the same buffer through it as
// through its records.
TEST(TraceBufferTest, ReadsAKeySourceThroughItsKeys) {
  VectorTraceSource trace({kDefaultPop}, /*batch_size=*/7);
  for (int i = 0; i < 5000; ++i) trace.AddKey(kTraceT0 + absl::Seconds(i / 9), i % 613, 5 + i);
  const std::string path = ::testing::TempDir() + "/trace_buffer_keys.oracleGeneral.bin";
  ASSERT_TRUE(WriteOracleGeneral(trace, path).ok());
  std::unique_ptr<TraceSource> records_source = *OpenOracleGeneralTrace(path, false);
  std::unique_ptr<TraceSource> keys_source = *OpenOracleGeneralTrace(path, false);
  absl::StatusOr<TraceBuffer> via_records = TraceBuffer::Read(*records_source, true);
  absl::StatusOr<TraceBuffer> via_keys = TraceBuffer::Read(*keys_source, false);
  ASSERT_TRUE(via_records.ok() && via_keys.ok());
  size_t kept = 0;
  via_keys->ForEachRecord([&](const TraceRecord&) { ++kept; });
  EXPECT_EQ(kept, 0u);
  EXPECT_EQ(via_keys->records(), 5000u);
  EXPECT_EQ(via_keys->records(), via_records->records());
  EXPECT_EQ(via_keys->start(), via_records->start());
  EXPECT_EQ(via_keys->end(), via_records->end());
  EXPECT_EQ(via_keys->end(), kTraceT0 + absl::Seconds(4999 / 9));
  EXPECT_EQ(via_keys->pops(), via_records->pops());
  EXPECT_EQ(via_keys->stats().records, via_records->stats().records);
  EXPECT_FALSE(via_keys->has_targets());
  ASSERT_EQ(via_keys->keys().size(), via_records->keys().size());
  for (size_t i = 0; i < via_keys->keys().size(); ++i) {
    const KeyRecord& a = via_keys->keys()[i];
    const KeyRecord& b = via_records->keys()[i];
    ASSERT_TRUE(a.id == b.id && a.size == b.size && a.pop == b.pop) << i;
  }
  ASSERT_EQ(via_keys->key_seconds().size(), via_records->key_seconds().size());
  for (size_t i = 0; i < via_keys->key_seconds().size(); ++i) {
    ASSERT_EQ(via_keys->key_seconds()[i].first, via_records->key_seconds()[i].first) << i;
    ASSERT_EQ(via_keys->key_seconds()[i].unix_seconds, via_records->key_seconds()[i].unix_seconds);
  }
}

TEST(TraceBufferTest, StepsBecomeRecords) {
  absl::StatusOr<Scenario> s = ParseScenario(nlohmann::json::parse(R"({"steps": [
    {"at": 0, "request": "HEAD /a", "headers": {"Accept-Encoding": "gzip"}, "pop": "FRA6-C1"},
    {"at": 1, "deploy": ["/a"]}, {"at": 2, "invalidate": ["/a*"]},
    {"at": 3, "request": "GET /b", "pop": "IAD89-C1"}]})"),
                                             ".");
  ASSERT_TRUE(s.ok()) << s.status();
  std::unique_ptr<VectorTraceSource> trace = TraceFromSteps(*s, kTraceT0);
  EXPECT_EQ(trace->pops(), (std::vector<std::string>{"FRA6-C1", "IAD89-C1"}));
  TraceBatch batch;
  ASSERT_TRUE(trace->Next(batch));
  ASSERT_EQ(batch.records.size(), 4u);
  EXPECT_EQ(batch.records[0].method, "HEAD");
  EXPECT_EQ(batch.records[0].headers, "Accept-Encoding: gzip");
  EXPECT_EQ(batch.records[1].kind, TraceRecord::Kind::kDeploy);
  EXPECT_EQ(batch.records[2].kind, TraceRecord::Kind::kInvalidation);
  EXPECT_EQ(batch.records[2].target, "/a*");
  EXPECT_EQ(batch.records[3].pop, 1u);
  EXPECT_EQ(batch.records[3].time, kTraceT0 + absl::Seconds(3));
  EXPECT_FALSE(trace->Next(batch));
}

}  // namespace
}  // namespace edgesim::sim
