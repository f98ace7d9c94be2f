#include "sim/cloudfront_log_reader.h"

#include <xxhash.h>
#include <zlib.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/sim/trace_test_util.h"

namespace edgesim::sim {
namespace {

using testing::OwnedRecord;
using testing::Path;
using testing::ReadAll;
using testing::WriteTempFile;

const std::vector<std::pair<std::string, std::string>> kPopMap = {{"IAD89-C1", "IAD"},
                                                                  {"IAD89-C2", "IAD"}};

std::string ReadMaybeGzip(const std::string& path) {
  gzFile gz = gzopen(path.c_str(), "rb");  // reads plain files as they are
  std::string out;
  char buf[4096];
  for (int n; (n = gzread(gz, buf, sizeof(buf))) > 0;) out.append(buf, n);
  gzclose(gz);
  return out;
}

// A slow, independent reading of the test logs (their only escape is %20).
std::vector<OwnedRecord> ReferenceRead(const std::vector<std::string>& paths) {
  std::vector<OwnedRecord> out;
  for (const std::string& path : paths) {
    std::vector<std::string> names;
    const std::string text = ReadMaybeGzip(path);
    for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
      if (absl::ConsumePrefix(&line, "#Fields: ")) {
        names = absl::StrSplit(line, ' ');
        continue;
      }
      if (line[0] == '#') continue;
      std::vector<std::string> values = absl::StrSplit(line, '\t');
      EXPECT_EQ(values.size(), names.size()) << line;
      std::map<std::string, std::string> v;
      for (size_t i = 0; i < names.size(); ++i) v[names[i]] = values[i];
      OwnedRecord r;
      std::string err;
      absl::ParseTime("%Y-%m-%d %H:%M:%S", v["date"] + " " + v["time"], &r.time, &err);
      r.target = absl::StrReplaceAll(v["cs-uri-stem"], {{"%20", " "}});
      if (v["cs-uri-query"] != "-") r.target += "?" + v["cs-uri-query"];
      r.object_id = XXH3_64bits(r.target.data(), r.target.size());
      r.size = std::stoull(v["sc-content-len"] != "-" ? v["sc-content-len"] : v["sc-bytes"]);
      r.status = static_cast<uint16_t>(std::stoi(v["sc-status"]));
      r.method = v["cs-method"];
      r.pop = v["x-edge-location"].rfind("IAD89", 0) == 0 ? "IAD" : v["x-edge-location"];
      if (v.count("cs(Cookie)") && v["cs(Cookie)"] != "-") r.headers = "Cookie: " + v["cs(Cookie)"];
      r.https = v.count("cs-protocol") && v["cs-protocol"] == "https";
      out.push_back(r);
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const OwnedRecord& a, const OwnedRecord& b) { return a.time < b.time; });
  return out;
}

TEST(CloudFrontLogReaderTest, ReadsPlainAndGzipFilesByTheirFieldsLine) {
  const std::string dir = Path("cloudfront/");
  auto source = OpenCloudFrontLogs({dir + "E2EXAMPLE.2026-11-22-*"}, kPopMap, /*strict=*/true);
  ASSERT_TRUE(source.ok()) << source.status();
  const std::vector<OwnedRecord> records = ReadAll(**source);
  EXPECT_TRUE((*source)->status().ok());
  const std::vector<OwnedRecord> expected =
      ReferenceRead({dir + "E2EXAMPLE.2026-11-22-07.a1b2c3d4",       // custom field order
                     dir + "E2EXAMPLE.2026-11-22-07.e5f6a7b8.gz"});  // legacy order, gzip
  ASSERT_EQ(records.size(), 350u);
  EXPECT_EQ(records, expected);
  EXPECT_EQ((*source)->stats().records, 350u);
  EXPECT_EQ((*source)->pops(), (std::vector<std::string>{"IAD", "LHR61-C2", "NRT57-P3"}));
  // The escaped space was decoded; some records have a query and some fell back to sc-bytes.
  EXPECT_TRUE(std::any_of(records.begin(), records.end(),
                          [](const OwnedRecord& r) { return r.target == "/docs/my page.html"; }));
  EXPECT_TRUE(std::any_of(records.begin(), records.end(), [](const OwnedRecord& r) {
    return r.target.find("?page=") != std::string::npos;
  }));
  EXPECT_TRUE(std::is_sorted(records.begin(), records.end(),
                             [](const auto& a, const auto& b) { return a.time < b.time; }));
  // SPEC 4.7: cs-protocol says which viewers used HTTPS.
  EXPECT_EQ(std::count_if(records.begin(), records.end(),
                          [](const OwnedRecord& r) { return r.https; }),
            150);
}

TEST(CloudFrontLogReaderTest, FileOrderDoesNotChangePops) {
  const std::string dir = Path("cloudfront/");
  auto a = OpenCloudFrontLogs({dir + "*.gz", dir + "*.a1b2c3d4"}, {}, true);
  auto b = OpenCloudFrontLogs({dir + "*.a1b2c3d4", dir + "*.gz"}, {}, true);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ((*a)->pops(), (*b)->pops());
  EXPECT_EQ((*a)->pops().size(), 4u);  // no map: IAD89-C1 and IAD89-C2 stay apart
}

constexpr char kHeader[] = "#Version: 1.0\n#Fields: date time cs-uri-stem sc-status\n";

TEST(CloudFrontLogReaderTest, BadLinesAreSkippedAndCounted) {
  const std::string path =
      WriteTempFile("bad.log", "2026-01-01\t00:00:01\t/early\t200\n" + std::string(kHeader) +
                                   "2026-01-01\t00:00:05\t/a\t200\n"
                                   "2026-01-01\t00:00:06\t/b\n"       // 5: a column short
                                   "2026-13-01\t00:00:07\t/c\t200\n"  // 6: bad date
                                   "2026-01-01\t00:00:02\t/d\t404\n");
  auto source = OpenCloudFrontLogs({path}, {}, /*strict=*/false);
  ASSERT_TRUE(source.ok()) << source.status();
  const std::vector<OwnedRecord> records = ReadAll(**source);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].target, "/d");  // sorted by time
  EXPECT_EQ(records[0].status, 404);
  EXPECT_EQ(records[0].pop, kDefaultPop);  // the file names no POP
  EXPECT_EQ(records[1].target, "/a");
  const TraceStats& stats = (*source)->stats();
  EXPECT_EQ(stats.bad_records, 3u);
  ASSERT_EQ(stats.bad_examples.size(), 3u);
  EXPECT_EQ(stats.bad_examples[0], path + ":1: record before any #Fields: line");
  EXPECT_EQ(stats.bad_examples[1].rfind(path + ":5: ", 0), 0u) << stats.bad_examples[1];
  EXPECT_EQ(stats.bad_examples[2].rfind(path + ":6: ", 0), 0u) << stats.bad_examples[2];
}

TEST(CloudFrontLogReaderTest, StrictFailsWithLineNumber) {
  const std::string path = WriteTempFile(
      "bad-strict.log", std::string(kHeader) + "2026-01-01\t00:00:05\t/a\t200\nnonsense\n");
  auto source = OpenCloudFrontLogs({path}, {}, /*strict=*/true);
  EXPECT_EQ(source.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(source.status().message().rfind(path + ":4: ", 0), 0u) << source.status();
}

// A log cut mid-line ("/b" lost its status's last digits but still parses): --strict refuses
// a last line without its newline, naming it.
TEST(CloudFrontLogReaderTest, StrictRefusesALastLineWithoutNewline) {
  const std::string path =
      WriteTempFile("cut.log", std::string(kHeader) +
                                   "2026-01-01\t00:00:05\t/a\t200\n2026-01-01\t00:00:06\t/b\t2");
  auto strict = OpenCloudFrontLogs({path}, {}, /*strict=*/true);
  EXPECT_EQ(strict.status().message(),
            path + ":4: the last line has no newline: the file may be cut short");
  auto lenient = OpenCloudFrontLogs({path}, {}, /*strict=*/false);
  ASSERT_TRUE(lenient.ok()) << lenient.status();
  EXPECT_EQ(ReadAll(**lenient).size(), 2u);
}

TEST(CloudFrontLogReaderTest, SizesPast2To63AreBadRecords) {
  const std::string path = WriteTempFile("huge.log",
                                         "#Fields: date time cs-uri-stem sc-status sc-bytes\n"
                                         "2026-01-01\t00:00:05\t/a\t200\t18446744073709551615\n"
                                         "2026-01-01\t00:00:06\t/b\t200\t9223372036854775807\n");
  auto source = OpenCloudFrontLogs({path}, {}, /*strict=*/false);
  ASSERT_TRUE(source.ok()) << source.status();
  const std::vector<OwnedRecord> records = ReadAll(**source);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].size, uint64_t{9223372036854775807u});
  ASSERT_EQ((*source)->stats().bad_examples.size(), 1u);
  EXPECT_EQ((*source)->stats().bad_examples[0],
            path + ":2: size over 2^63-1 bytes (sc-content-len or sc-bytes)");
}

TEST(CloudFrontLogReaderTest, MoreThanMaxPopsIsAnErrorNamingTheLine) {
  std::string text = "#Fields: date time x-edge-location cs-uri-stem sc-status\n";
  for (size_t i = 0; i <= kMaxPops; ++i) {
    absl::StrAppend(&text, "2026-01-01\t00:00:05\tPOP", i, "\t/a\t200\n");
  }
  const std::string path = WriteTempFile("pops.log", text);
  auto source = OpenCloudFrontLogs({path}, {}, /*strict=*/false);
  EXPECT_EQ(source.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(source.status().message().rfind(
                absl::StrCat(path, ":", kMaxPops + 2, ": POP \"POP1024\" is one more than"), 0),
            0u)
      << source.status();
  // Mapped to fewer names, the same log loads.
  std::vector<std::pair<std::string, std::string>> to_one;
  for (size_t i = 0; i <= kMaxPops; ++i) to_one.emplace_back(absl::StrCat("POP", i), "IAD");
  auto mapped = OpenCloudFrontLogs({path}, to_one, /*strict=*/true);
  ASSERT_TRUE(mapped.ok()) << mapped.status();
  EXPECT_EQ((*mapped)->pops(), std::vector<std::string>{"IAD"});
}

TEST(CloudFrontLogReaderTest, MissingFilesAreNotFound) {
  EXPECT_EQ(OpenCloudFrontLogs({"/nonexistent/E2.log"}, {}, false).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(OpenCloudFrontLogs({Path("cloudfront/*.nothing")}, {}, false).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace edgesim::sim
