#include "sim/csv_trace_reader.h"

#include <xxhash.h>
#include <zlib.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/sim/trace_test_util.h"

namespace edgesim::sim {
namespace {

using testing::OwnedRecord;
using testing::Path;
using testing::ReadAll;
using testing::WriteTempFile;

CsvFormat AllColumnsMs() {
  CsvFormat f;
  f.time_column = 0;
  f.key_column = 1;
  f.size_column = 2;
  f.status_column = 3;
  f.pop_column = 4;
  f.time_unit = TimeUnit::kMilliseconds;
  f.header = true;
  return f;
}

// A slow, obviously-correct reading of tests/testdata/sim/trace.csv (ms times, no quotes).
std::vector<OwnedRecord> ReferenceRead(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // header
  std::vector<OwnedRecord> out;
  int64_t last_micros = 0;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string field; std::getline(ss, field, ',');) f.push_back(field);
    OwnedRecord r;
    const int64_t micros = static_cast<int64_t>(std::stod(f[0]) * 1000 + 0.5);
    last_micros = std::max(last_micros, micros);
    r.time = absl::UnixEpoch() + absl::Microseconds(last_micros);
    if (f[1][0] == '/') {
      r.target = f[1];
      r.object_id = XXH3_64bits(f[1].data(), f[1].size());
    } else {
      r.object_id = std::stoull(f[1]);
    }
    r.size = std::stoull(f[2]);
    r.status = static_cast<uint16_t>(std::stoi(f[3]));
    r.pop = f[4];
    out.push_back(r);
  }
  return out;
}

TEST(CsvTraceReaderTest, ReadsCheckedInTrace) {
  const std::string path = Path("trace.csv");
  auto source = OpenCsvTrace(path, AllColumnsMs(), /*strict=*/true);
  ASSERT_TRUE(source.ok()) << source.status();
  const std::vector<OwnedRecord> records = ReadAll(**source);
  ASSERT_TRUE((*source)->status().ok()) << (*source)->status();
  const std::vector<OwnedRecord> expected = ReferenceRead(path);
  ASSERT_EQ(records.size(), 300u);
  EXPECT_EQ(records, expected);
  EXPECT_EQ((*source)->stats().records, 300u);
  // POPs in order of first appearance.
  EXPECT_EQ((*source)->pops()[0], expected[0].pop);
  EXPECT_EQ((*source)->pops().size(), 3u);
}

TEST(CsvTraceReaderTest, LibCacheSimOptionStringReadsTheSame) {
  auto format = ParseCsvOptionString(
      "time-col=1, obj-id-col=2, obj-size-col=3, status-col=4, pop-col=5, has-header=true, "
      "time-unit=ms");
  ASSERT_TRUE(format.ok()) << format.status();
  auto a = OpenCsvTrace(Path("trace.csv"), *format, true);
  auto b = OpenCsvTrace(Path("trace.csv"), AllColumnsMs(), true);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(ReadAll(**a), ReadAll(**b));
}

CsvFormat TimeKeySize() {
  CsvFormat f;
  f.time_column = 0;
  f.key_column = 1;
  f.size_column = 2;
  return f;
}

TEST(CsvTraceReaderTest, BadLinesAreSkippedAndCounted) {
  const std::string path = WriteTempFile("bad.csv",
                                         "1,10,100\n"
                                         "x,11,100\n"    // 2: bad time
                                         "3\n"           // 3: too few fields
                                         "4,,100\n"      // 4: empty key
                                         "5,12,-3\n"     // 5: bad size
                                         "6,\"13,100\n"  // 6: unclosed quote
                                         "7,14,700\n");
  auto source = OpenCsvTrace(path, TimeKeySize(), /*strict=*/false);
  ASSERT_TRUE(source.ok());
  const std::vector<OwnedRecord> records = ReadAll(**source);
  EXPECT_TRUE((*source)->status().ok());
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].object_id, 10u);
  EXPECT_EQ(records[1].object_id, 14u);
  EXPECT_EQ(records[1].size, 700u);
  const TraceStats& stats = (*source)->stats();
  EXPECT_EQ(stats.records, 2u);
  EXPECT_EQ(stats.bad_records, 5u);
  ASSERT_EQ(stats.bad_examples.size(), 5u);
  EXPECT_EQ(stats.bad_examples[0], path + ":2: bad time");
  EXPECT_EQ(stats.bad_examples[1], path + ":3: too few fields (or an unclosed quote)");
  EXPECT_EQ(stats.bad_examples[2], path + ":4: empty key");
  EXPECT_EQ(stats.bad_examples[3], path + ":5: bad size");
}

TEST(CsvTraceReaderTest, StrictStopsWithLineNumber) {
  const std::string path = WriteTempFile("bad-strict.csv", "1,10,100\n2,11,100\n3,12,big\n4,1,1\n");
  auto source = OpenCsvTrace(path, TimeKeySize(), /*strict=*/true);
  ASSERT_TRUE(source.ok());
  ReadAll(**source);
  EXPECT_EQ((*source)->status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*source)->status().message(), path + ":3: bad size");
}

TEST(CsvTraceReaderTest, QuotesCrlfCommentsSpacesAndNoFinalNewline) {
  const std::string path = WriteTempFile("forms.csv",
                                         "# a comment\r\n"
                                         "1.25 , \"/a,b.js\" , 10\r\n"
                                         "\r\n"
                                         "2,abc,-\r\n"
                                         "3,/x?y=1,30");
  auto source = OpenCsvTrace(path, TimeKeySize(), /*strict=*/false);
  ASSERT_TRUE(source.ok());
  const std::vector<OwnedRecord> records = ReadAll(**source);
  ASSERT_TRUE((*source)->status().ok()) << (*source)->status();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].time, absl::UnixEpoch() + absl::Milliseconds(1250));
  EXPECT_EQ(records[0].target, "/a,b.js");
  EXPECT_EQ(records[0].size, 10u);
  EXPECT_EQ(records[1].target, "");
  EXPECT_EQ(records[1].object_id, XXH3_64bits("abc", 3));  // strings are hashed
  EXPECT_EQ(records[1].size, 0u);                          // "-" = unknown
  EXPECT_EQ(records[2].target, "/x?y=1");
  EXPECT_EQ(records[2].size, 30u);
  EXPECT_EQ((*source)->pops(), std::vector<std::string>{kDefaultPop});
}

// A trace cut mid-line still parses ("2,/c.js," has an empty, so unknown, size): with --strict a
// last line without its newline is refused, naming it; without, it is read as it is.
TEST(CsvTraceReaderTest, StrictRefusesALastLineWithoutNewline) {
  for (const char* cut : {"2,/c.js,", "2,/c.js,12"}) {
    const std::string path = WriteTempFile("cut.csv", std::string("1,/a.js,100\n") + cut);
    auto strict = OpenCsvTrace(path, TimeKeySize(), /*strict=*/true);
    ASSERT_TRUE(strict.ok());
    ReadAll(**strict);
    EXPECT_EQ((*strict)->status().message(),
              path + ":2: the last line has no newline: the file may be cut short")
        << cut;
    auto lenient = OpenCsvTrace(path, TimeKeySize(), /*strict=*/false);
    ASSERT_TRUE(lenient.ok());
    EXPECT_EQ(ReadAll(**lenient).size(), 2u) << cut;
    EXPECT_EQ((*lenient)->stats().bad_records, 0u);
  }
  // A cut that leaves too few fields was already a bad record; its message stays.
  const std::string path = WriteTempFile("cut-short.csv", "1,/a.js,100\n2,/c.j");
  auto source = OpenCsvTrace(path, TimeKeySize(), /*strict=*/true);
  ASSERT_TRUE(source.ok());
  ReadAll(**source);
  EXPECT_EQ((*source)->status().message(), path + ":2: too few fields (or an unclosed quote)");
}

// Sizes near 2^64 wrapped the simulator's byte totals: past 2^63-1 a size is a bad record.
TEST(CsvTraceReaderTest, SizesPast2To63AreBadRecords) {
  const std::string path = WriteTempFile("huge.csv",
                                         "1,10,9223372036854775807\n"
                                         "2,11,9223372036854775808\n"
                                         "3,12,18446744073709551615\n");
  auto source = OpenCsvTrace(path, TimeKeySize(), /*strict=*/false);
  ASSERT_TRUE(source.ok());
  const std::vector<OwnedRecord> records = ReadAll(**source);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].size, uint64_t{9223372036854775807u});
  ASSERT_EQ((*source)->stats().bad_examples.size(), 2u);
  EXPECT_EQ((*source)->stats().bad_examples[0], path + ":2: size over 2^63-1 bytes");
  auto strict = OpenCsvTrace(path, TimeKeySize(), /*strict=*/true);
  ASSERT_TRUE(strict.ok());
  ReadAll(**strict);
  EXPECT_EQ((*strict)->status().message(), path + ":2: size over 2^63-1 bytes");
}

// Relative times count from 1970; the caches keep 32-bit seconds, so a time past 2106 is bad.
TEST(CsvTraceReaderTest, TimesPast2106AreBadRecords) {
  CsvFormat f = TimeKeySize();
  f.time_unit = TimeUnit::kSeconds;
  const std::string path = WriteTempFile("late.csv", "4294967295,10,1\n4294967296,11,1\n");
  auto source = OpenCsvTrace(path, f, /*strict=*/true);
  ASSERT_TRUE(source.ok());
  ReadAll(**source);
  EXPECT_EQ((*source)->status().message(),
            path +
                ":2: time past 4294967295 s (2106-02-07T06:28:15Z), the latest time edgesim "
                "models");
}

// A cache per POP: 50,000 POP names took 1.3 GB. The 1,025th is an error naming its line, with or
// without --strict.
TEST(CsvTraceReaderTest, MoreThanMaxPopsStopsAtTheLineNamingOneTooMany) {
  CsvFormat f;
  f.time_column = 0;
  f.key_column = 1;
  f.pop_column = 2;
  std::string text;
  for (size_t i = 0; i <= kMaxPops; ++i) absl::StrAppend(&text, i, ",/a.js,POP", i, "\n");
  const std::string path = WriteTempFile("pops.csv", text + "2000,/a.js,POP0\n");
  for (bool strict : {false, true}) {
    auto source = OpenCsvTrace(path, f, strict);
    ASSERT_TRUE(source.ok());
    ReadAll(**source);
    EXPECT_EQ((*source)->pops().size(), kMaxPops);
    EXPECT_EQ((*source)->status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(
        (*source)->status().message().rfind(absl::StrCat(path, ":", kMaxPops + 1,
                                                         ": POP \"POP1024\" is one more than the "
                                                         "1024 distinct POPs"),
                                            0),
        0u)
        << (*source)->status();
  }
  // Exactly kMaxPops is fine.
  const std::string ok_path =
      WriteTempFile("pops-ok.csv", text.substr(0, text.rfind(absl::StrCat(kMaxPops, ",/a.js"))));
  auto ok = OpenCsvTrace(ok_path, f, /*strict=*/true);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ReadAll(**ok).size(), kMaxPops);
  EXPECT_TRUE((*ok)->status().ok()) << (*ok)->status();
}

TEST(CsvTraceReaderTest, MicrosecondsAndSemicolons) {
  CsvFormat f = TimeKeySize();
  f.time_unit = TimeUnit::kMicroseconds;
  f.delimiter = ';';
  const std::string path = WriteTempFile("semi.csv", "1500000;7;1\n2000001.5;8;2\n");
  auto source = OpenCsvTrace(path, f, true);
  ASSERT_TRUE(source.ok());
  const std::vector<OwnedRecord> records = ReadAll(**source);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].time, absl::UnixEpoch() + absl::Milliseconds(1500));
  EXPECT_EQ(records[1].time, absl::UnixEpoch() + absl::Nanoseconds(2000001500));
}

// Fractions of every length in every unit truncate to whole nanoseconds, as exact arithmetic
// does; keys past 16 bytes end at their delimiter or at the line's end.
TEST(CsvTraceReaderTest, FractionsInEveryUnitAndLongFields) {
  struct CsvFractionCase {
    TimeUnit unit;
    const char* time;
    int64_t nanos;
  };
  const CsvFractionCase cases[] = {
      {TimeUnit::kSeconds, "0.123456789123", 123456789},
      {TimeUnit::kSeconds, "2.5", 2500000000},
      {TimeUnit::kMilliseconds, "1.2345678", 1234567},
      {TimeUnit::kMilliseconds, "0.0000001", 0},
      {TimeUnit::kMilliseconds, "7.000999999", 7000999},
      {TimeUnit::kMicroseconds, "3.14159", 3141},
      {TimeUnit::kMicroseconds, "9.999999999", 9999},
  };
  for (const CsvFractionCase& c : cases) {
    CsvFormat f = TimeKeySize();
    f.time_unit = c.unit;
    const std::string path = WriteTempFile(
        "fractions.csv", absl::StrCat(c.time, ",/a/path/well/over/sixteen/bytes.js,12\n",
                                      c.time, ",/0123456789abcde,34\n", c.time,
                                      ",5,/last/field/over/sixteen\n"));
    auto source = OpenCsvTrace(path, f, /*strict=*/false);
    ASSERT_TRUE(source.ok());
    const std::vector<OwnedRecord> records = ReadAll(**source);
    ASSERT_EQ(records.size(), 2u) << c.time;  // the third line's size is no number
    EXPECT_EQ(records[0].time, absl::UnixEpoch() + absl::Nanoseconds(c.nanos)) << c.time;
    EXPECT_EQ(records[0].target, "/a/path/well/over/sixteen/bytes.js");
    EXPECT_EQ(records[0].size, 12u);
    EXPECT_EQ(records[1].target, "/0123456789abcde");
    EXPECT_EQ(records[1].size, 34u);
    EXPECT_EQ((*source)->stats().bad_records, 1u);
  }
}

TEST(CsvTraceReaderTest, GzipFileReadsLikePlain) {
  std::ifstream in(Path("trace.csv"), std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string gz_path = ::testing::TempDir() + "/trace.csv.gz";
  gzFile gz = gzopen(gz_path.c_str(), "wb");
  ASSERT_NE(gz, nullptr);
  ASSERT_EQ(gzwrite(gz, text.data(), text.size()), static_cast<int>(text.size()));
  ASSERT_EQ(gzclose(gz), Z_OK);
  auto plain = OpenCsvTrace(Path("trace.csv"), AllColumnsMs(), true);
  auto compressed = OpenCsvTrace(gz_path, AllColumnsMs(), true);
  ASSERT_TRUE(plain.ok() && compressed.ok());
  const std::vector<OwnedRecord> records = ReadAll(**compressed);
  EXPECT_TRUE((*compressed)->status().ok()) << (*compressed)->status();
  EXPECT_EQ(records.size(), 300u);
  EXPECT_EQ(records, ReadAll(**plain));
}

TEST(CsvTraceReaderTest, LinesAcrossBufferRefills) {
  // ~3.5 MB: several refills of the line buffer; each line's id is its number.
  std::string text;
  constexpr int kLines = 200000;
  for (int i = 1; i <= kLines; ++i) {
    text += std::to_string(i / 100) + "," + std::to_string(i) + ",123456\n";
  }
  const std::string path = WriteTempFile("long.csv", text);
  auto source = OpenCsvTrace(path, TimeKeySize(), true);
  ASSERT_TRUE(source.ok());
  const std::vector<OwnedRecord> records = ReadAll(**source);
  ASSERT_TRUE((*source)->status().ok()) << (*source)->status();
  ASSERT_EQ(records.size(), static_cast<size_t>(kLines));
  for (int i = 0; i < kLines; ++i) ASSERT_EQ(records[i].object_id, static_cast<uint64_t>(i + 1));
  EXPECT_EQ(records.back().time, absl::FromUnixSeconds(kLines / 100));
}

TEST(CsvTraceReaderTest, MissingFileIsNotFound) {
  EXPECT_EQ(OpenCsvTrace("/nonexistent.csv", TimeKeySize(), false).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace edgesim::sim
