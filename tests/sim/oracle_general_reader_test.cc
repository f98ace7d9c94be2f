#include "sim/oracle_general_reader.h"

#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/trace_writer.h"
#include "tests/sim/trace_test_util.h"

namespace edgesim::sim {
namespace {

using testing::OwnedRecord;
using testing::Path;
using testing::ReadAll;
using testing::ReadFileBytes;
using testing::SourceOf;
using testing::WriteTempFile;

// Little-endian by hand, independent of PackOracleGeneral.
void AppendLe(std::string& out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

std::string HandPacked(uint32_t time, uint64_t id, uint32_t size, int64_t next) {
  std::string out;
  AppendLe(out, time, 4);
  AppendLe(out, id, 8);
  AppendLe(out, size, 4);
  AppendLe(out, static_cast<uint64_t>(next), 8);
  return out;
}

OwnedRecord Request(int64_t seconds, uint64_t id, uint64_t size) {
  OwnedRecord r;
  r.time = absl::FromUnixSeconds(seconds);
  r.object_id = id;
  r.size = size;
  r.pop = kDefaultPop;
  return r;
}

TEST(OracleGeneralReaderTest, ReadsCheckedInFile) {
  // formula.oracleGeneral.bin was packed by a Python script: record i has time 1000 + i/3,
  // id (i*i) % 97 + 1, size 100 * (i % 13).
  auto source = OpenOracleGeneralTrace(Path("formula.oracleGeneral.bin"), /*strict=*/false);
  ASSERT_TRUE(source.ok()) << source.status();
  const std::vector<OwnedRecord> records = ReadAll(**source);
  ASSERT_TRUE((*source)->status().ok()) << (*source)->status();
  ASSERT_EQ(records.size(), 300u);
  for (int i = 0; i < 300; ++i) {
    ASSERT_EQ(records[i], Request(1000 + i / 3, (i * i) % 97 + 1, 100 * (i % 13))) << i;
  }
  EXPECT_EQ((*source)->stats().records, 300u);
  EXPECT_EQ((*source)->stats().bad_records, 0u);
  EXPECT_EQ((*source)->pops(), std::vector<std::string>{kDefaultPop});
}

TEST(OracleGeneralReaderTest, WriterMatchesHandPackedBytes) {
  auto source = SourceOf({Request(5, 7, 100), Request(6, 9, 200), Request(6, 7, 100),
                          Request(8, 0xfedcba9876543210, 4000000000u)},
                         {kDefaultPop});
  const std::string path = ::testing::TempDir() + "/hand.oracleGeneral.bin";
  ASSERT_TRUE(WriteOracleGeneral(*source, path).ok());
  // next_access_vtime: object 7 is asked again at request 2; the rest never again.
  const std::string expected = HandPacked(5, 7, 100, 2) + HandPacked(6, 9, 200, -1) +
                               HandPacked(6, 7, 100, -1) +
                               HandPacked(8, 0xfedcba9876543210, 4000000000u, -1);
  EXPECT_EQ(ReadFileBytes(path), expected);
}

TEST(OracleGeneralReaderTest, RoundTripAcrossBatches) {
  std::vector<OwnedRecord> records;
  for (int i = 0; i < 10000; ++i) records.push_back(Request(i / 10, i % 777, i % 5000));
  auto source = SourceOf(records, {kDefaultPop}, /*batch_size=*/1000);
  const std::string path = ::testing::TempDir() + "/roundtrip.oracleGeneral.bin";
  ASSERT_TRUE(WriteOracleGeneral(*source, path).ok());
  auto reader = OpenOracleGeneralTrace(path, /*strict=*/true);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->expected_records(), records.size());  // known from the file's size
  EXPECT_EQ(ReadAll(**reader), records);
  EXPECT_TRUE((*reader)->status().ok());
}

TEST(OracleGeneralReaderTest, EarlierRecordReplaysAtPreviousTime) {
  const std::string path =
      WriteTempFile("backwards.bin", HandPacked(50, 1, 10, -1) + HandPacked(40, 2, 10, -1) +
                                         HandPacked(60, 3, 10, -1));
  auto source = OpenOracleGeneralTrace(path, /*strict=*/false);
  ASSERT_TRUE(source.ok());
  const std::vector<OwnedRecord> records = ReadAll(**source);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].time, absl::FromUnixSeconds(50));
  EXPECT_EQ(records[2].time, absl::FromUnixSeconds(60));
}

TEST(OracleGeneralReaderTest, TruncatedFinalRecordIsCounted) {
  const std::string path =
      WriteTempFile("truncated.bin", HandPacked(1, 1, 10, -1) + HandPacked(2, 2, 10, -1) +
                                         HandPacked(3, 3, 10, -1).substr(0, 10));
  auto source = OpenOracleGeneralTrace(path, /*strict=*/false);
  ASSERT_TRUE(source.ok());
  EXPECT_EQ(ReadAll(**source).size(), 2u);
  EXPECT_TRUE((*source)->status().ok());
  EXPECT_EQ((*source)->stats().records, 2u);
  EXPECT_EQ((*source)->stats().bad_records, 1u);
  ASSERT_EQ((*source)->stats().bad_examples.size(), 1u);
  EXPECT_EQ((*source)->stats().bad_examples[0],
            path + ":3: truncated final record (10 of 24 bytes)");
}

TEST(OracleGeneralReaderTest, StrictStopsAtTruncatedRecord) {
  const std::string path =
      WriteTempFile("truncated-strict.bin", HandPacked(1, 1, 10, -1) + std::string(5, 'x'));
  auto source = OpenOracleGeneralTrace(path, /*strict=*/true);
  ASSERT_TRUE(source.ok());
  ReadAll(**source);
  EXPECT_EQ((*source)->status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*source)->status().message(), path + ":2: truncated final record (5 of 24 bytes)");
}

// The key-only entry point decodes what Next does: the same requests and seconds, across batches
// (1,024 records each) and with a time that goes backwards.
TEST(OracleGeneralReaderTest, KeysEqualTheRecordsOfNext) {
  std::string bytes;
  for (int i = 0; i < 3000; ++i) {
    const uint32_t time = i == 1500 ? 3 : 100 + i / 7;  // record 1500 replays at the time before
    bytes += HandPacked(time, static_cast<uint64_t>(i) * 2654435761u % 1009, 10 + i % 300, -1);
  }
  const std::string path = WriteTempFile("keys.oracleGeneral.bin", bytes);
  auto records_source = OpenOracleGeneralTrace(path, /*strict=*/true);
  auto keys_source = OpenOracleGeneralTrace(path, /*strict=*/true);
  ASSERT_TRUE(records_source.ok() && keys_source.ok());
  const std::vector<OwnedRecord> records = ReadAll(**records_source);
  ASSERT_EQ(records.size(), 3000u);
  KeyTraceSource* keyed = (*keys_source)->key_source();
  ASSERT_NE(keyed, nullptr);
  std::vector<KeyRecord> keys;
  std::vector<KeySecond> seconds;
  int calls = 0;
  while (keyed->NextKeys(keys, seconds)) ++calls;
  EXPECT_EQ(calls, 3);
  EXPECT_TRUE((*keys_source)->status().ok());
  EXPECT_EQ((*keys_source)->stats().records, 3000u);
  ASSERT_EQ(keys.size(), records.size());
  size_t run = 0;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (run + 1 < seconds.size() && seconds[run + 1].first == i) ++run;
    ASSERT_EQ(keys[i].id, records[i].object_id) << i;
    ASSERT_EQ(keys[i].size, records[i].size) << i;
    ASSERT_EQ(keys[i].pop, 0u) << i;
    ASSERT_EQ(absl::FromUnixSeconds(seconds[run].unix_seconds), records[i].time) << i;
  }
  EXPECT_EQ(run + 1, seconds.size());
}

TEST(OracleGeneralReaderTest, KeysOfATruncatedTrace) {
  const std::string path =
      WriteTempFile("keys-truncated.bin", HandPacked(1, 1, 10, -1) + HandPacked(2, 2, 10, -1) +
                                              std::string(5, 'x'));
  for (bool strict : {false, true}) {
    SCOPED_TRACE(strict);
    auto source = OpenOracleGeneralTrace(path, strict);
    ASSERT_TRUE(source.ok());
    std::vector<KeyRecord> keys;
    std::vector<KeySecond> seconds;
    while ((*source)->key_source()->NextKeys(keys, seconds)) {
    }
    if (strict) {
      EXPECT_EQ((*source)->status().message(),
                path + ":3: truncated final record (5 of 24 bytes)");
    } else {
      EXPECT_TRUE((*source)->status().ok());
      EXPECT_EQ(keys.size(), 2u);
      EXPECT_EQ((*source)->stats().bad_records, 1u);
    }
  }
}

TEST(OracleGeneralReaderTest, MissingFileIsNotFound) {
  EXPECT_EQ(OpenOracleGeneralTrace("/nonexistent/trace.bin", false).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace edgesim::sim
