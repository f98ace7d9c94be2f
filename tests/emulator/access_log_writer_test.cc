#include "emulator/access_log_writer.h"

#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace edgesim::emulator {
namespace {

class TempDir {
 public:
  TempDir() {
    char path[] = "/tmp/edgesim-alw-XXXXXX";
    EXPECT_NE(mkdtemp(path), nullptr);
    path_ = path;
  }
  ~TempDir() {
    for (const std::string& f : files_) std::remove(f.c_str());
    rmdir(path_.c_str());
  }
  std::string File(const std::string& name) {
    files_.push_back(absl::StrCat(path_, "/", name));
    return files_.back();
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::vector<std::string> files_;
};

std::vector<std::string> Lines(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return absl::StrSplit(text.str(), '\n', absl::SkipEmpty());
}

policy::AccessLogRecord Record(const std::string& uri) {
  policy::AccessLogRecord r;
  r.time = absl::FromUnixSeconds(1'700'000'000);
  r.edge_location = "IAD89-C1";
  r.method = "GET";
  r.uri_stem = uri;
  r.sc_status = 200;
  r.result_type = r.response_result_type = r.detailed_result_type = "Hit";
  return r;
}

TEST(AccessLogWriterTest, OneFileWithHeadersThenRecordsInOrder) {
  TempDir dir;
  const std::string path = dir.File("edge.log");
  auto log = AccessLogWriter::Open(path);
  ASSERT_TRUE(log.ok()) << log.status();
  (*log)->Log("E1", Record("/a"));
  (*log)->Log("E2", Record("/b"));
  (*log)->Close();
  EXPECT_EQ((*log)->counters().written, 2u);
  const std::vector<std::string> lines = Lines(path);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "#Version: 1.0");
  auto fields = policy::AccessLogFields::Parse(lines[1]);
  ASSERT_TRUE(fields.ok());
  EXPECT_EQ(policy::ParseAccessLogLine(lines[2], *fields)->uri_stem, "/a");
  EXPECT_EQ(policy::ParseAccessLogLine(lines[3], *fields)->uri_stem, "/b");

  // Appending to a log that has its header adds records only.
  auto again = AccessLogWriter::Open(path);
  ASSERT_TRUE(again.ok());
  (*again)->Log("E1", Record("/c"));
  (*again)->Close();
  EXPECT_EQ(Lines(path).size(), 5u);
}

TEST(AccessLogWriterTest, ADirectoryGetsOneFilePerDistribution) {
  TempDir dir;
  auto log = AccessLogWriter::Open(dir.path());
  ASSERT_TRUE(log.ok());
  const std::string e1 = dir.File("E1.log"), e2 = dir.File("E2.log");
  EXPECT_EQ((*log)->PathFor("E1"), e1);
  (*log)->Log("E1", Record("/a"));
  (*log)->Log("E2", Record("/b"));
  (*log)->Log("E1", Record("/c"));
  (*log)->Close();
  EXPECT_EQ(Lines(e1).size(), 4u);
  EXPECT_EQ(Lines(e2).size(), 3u);
}

TEST(AccessLogWriterTest, AFullQueueDropsAndCounts) {
  TempDir dir;
  auto log = AccessLogWriter::Open(dir.File("edge.log"), /*queue_capacity=*/0);
  ASSERT_TRUE(log.ok());
  (*log)->Log("E1", Record("/a"));
  (*log)->Close();
  (*log)->Log("E1", Record("/after-close"));
  EXPECT_EQ((*log)->counters().dropped, 2u);
  EXPECT_EQ((*log)->counters().written, 0u);
}

TEST(AccessLogWriterTest, AnUnwritablePathIsAnError) {
  EXPECT_EQ(AccessLogWriter::Open("/nonexistent-dir/edge.log").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace edgesim::emulator
