#include "sim/trace_writer.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/csv_trace_reader.h"
#include "sim/oracle_general_reader.h"
#include "sim/workload_generator.h"
#include "tests/sim/trace_test_util.h"

namespace edgesim::sim {
namespace {

using testing::OwnedRecord;
using testing::ReadAll;
using testing::ReadFileBytes;
using testing::SourceOf;

OwnedRecord Record(absl::Duration at, uint64_t id, std::string target, uint64_t size,
                   uint16_t status, std::string pop,
                   TraceRecord::Kind kind = TraceRecord::Kind::kRequest) {
  OwnedRecord r;
  r.time = absl::UnixEpoch() + at;
  r.object_id = id;
  r.target = std::move(target);
  r.size = size;
  r.status = status;
  r.pop = std::move(pop);
  r.kind = kind;
  return r;
}

TEST(TraceWriterTest, CsvRoundTripsThroughTheCsvReader) {
  const std::vector<OwnedRecord> requests = {
      Record(absl::Milliseconds(1500), 77, "", 100, 200, "IAD89-C1"),
      Record(absl::Seconds(2), 0, "/a,b.js?v=1", 2000, 0, "LHR61-C2"),
      Record(absl::Nanoseconds(2000000001), 5, "", 0, 404, "IAD89-C1")};
  std::vector<OwnedRecord> with_event = requests;
  with_event.insert(with_event.begin() + 1, Record(absl::Seconds(2), 0, "/index.html", 0, 0,
                                                   "IAD89-C1", TraceRecord::Kind::kDeploy));
  auto source = SourceOf(with_event, {"IAD89-C1", "LHR61-C2"});
  const std::string path = ::testing::TempDir() + "/written.csv";
  ASSERT_TRUE(WriteCsv(*source, path).ok());
  EXPECT_EQ(ReadFileBytes(path),
            "time,key,size,status,pop\n"
            "1.5,77,100,200,IAD89-C1\n"
            "2,\"/a,b.js?v=1\",2000,0,LHR61-C2\n"
            "2.000000001,5,0,404,IAD89-C1\n");
  auto reader = OpenCsvTrace(path, WrittenCsvFormat(), /*strict=*/true);
  ASSERT_TRUE(reader.ok());
  std::vector<OwnedRecord> read = ReadAll(**reader);
  ASSERT_EQ(read.size(), 3u);
  // The reader hashes the path; everything else comes back as written.
  EXPECT_NE(read[1].object_id, 0u);
  read[1].object_id = 0;
  EXPECT_EQ(read, requests);
}

TEST(TraceWriterTest, GeneratedTraceRoundTripsThroughBothFormats) {
  GeneratorSpec g;
  g.seed = 3;
  g.objects = 300;
  g.max_requests = 5000;
  g.duration = absl::InfiniteDuration();
  g.rate = 0.5;  // gaps of seconds, so whole-second truncation keeps order information
  g.pop_weights = {{"A", 1}, {"B", 2}};
  const std::string csv = ::testing::TempDir() + "/gen.csv";
  const std::string bin = ::testing::TempDir() + "/gen.oracleGeneral.bin";
  ASSERT_TRUE(WriteCsv(*MakeWorkloadGenerator(g), csv).ok());
  ASSERT_TRUE(WriteOracleGeneral(*MakeWorkloadGenerator(g), bin).ok());
  const std::vector<OwnedRecord> generated = ReadAll(*MakeWorkloadGenerator(g));
  auto from_csv = OpenCsvTrace(csv, WrittenCsvFormat(), true);
  auto from_bin = OpenOracleGeneralTrace(bin, true);
  ASSERT_TRUE(from_csv.ok() && from_bin.ok());
  const std::vector<OwnedRecord> csv_records = ReadAll(**from_csv);
  const std::vector<OwnedRecord> bin_records = ReadAll(**from_bin);
  ASSERT_EQ(csv_records.size(), generated.size());
  ASSERT_EQ(bin_records.size(), generated.size());
  for (size_t i = 0; i < generated.size(); ++i) {
    ASSERT_EQ(csv_records[i], generated[i]) << i;
    ASSERT_EQ(bin_records[i].object_id, generated[i].object_id);
    ASSERT_EQ(bin_records[i].size, generated[i].size);
    ASSERT_EQ(bin_records[i].time, absl::FromUnixSeconds(absl::ToUnixSeconds(generated[i].time)));
  }
}

}  // namespace
}  // namespace edgesim::sim
