#include "sim/line_reader.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/sim/trace_test_util.h"

namespace edgesim::sim {
namespace {

using testing::WriteTempFile;

std::vector<std::pair<uint64_t, std::string>> Lines(LineReader& reader) {
  std::vector<std::pair<uint64_t, std::string>> out;
  absl::string_view line;
  while (reader.Next(line)) out.emplace_back(reader.line_number(), std::string(line));
  return out;
}

TEST(LineReaderTest, NumbersLinesDropsCrAndKeepsALastLineWithoutNewline) {
  auto reader = LineReader::Open(WriteTempFile("lines.txt", "a\r\n\nb,c\nlast"));
  ASSERT_TRUE(reader.ok());
  const std::vector<std::pair<uint64_t, std::string>> expected = {
      {1, "a"}, {2, ""}, {3, "b,c"}, {4, "last"}};
  EXPECT_EQ(Lines(*reader), expected);
  EXPECT_TRUE(reader->status().ok());
}

TEST(LineReaderTest, EstimatesItsLineCountFromTheLinesRead) {
  std::string text;
  for (int i = 0; i < 100000; ++i) text += "0123456789\n";  // 11 bytes a line
  auto reader = LineReader::Open(WriteTempFile("uniform.txt", text));
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(reader->EstimatedLines(), 0u);  // nothing read yet
  absl::string_view line;
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(reader->Next(line));
  // 1,000 lines took 11,000 bytes of 1,100,000: 100,000 lines, plus 10 % to spare.
  EXPECT_EQ(reader->EstimatedLines(), 110000u);
}

TEST(LineReaderTest, EmptyFileHasNoLines) {
  auto reader = LineReader::Open(WriteTempFile("empty.txt", ""));
  ASSERT_TRUE(reader.ok());
  EXPECT_TRUE(Lines(*reader).empty());
  EXPECT_TRUE(reader->status().ok());
}

TEST(LineReaderTest, LinesSpanningRefillsComeBackWhole) {
  // Lines of growing length up to 300 KB, over several 2 MiB buffer refills.
  std::string text;
  std::vector<std::string> lines;
  for (int i = 0; i < 40; ++i) {
    lines.push_back(std::string(i * 7919 + 1, static_cast<char>('a' + i % 26)));
    text += lines.back() + "\n";
  }
  auto reader = LineReader::Open(WriteTempFile("long-lines.txt", text));
  ASSERT_TRUE(reader.ok());
  const auto got = Lines(*reader);
  ASSERT_EQ(got.size(), lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    ASSERT_EQ(got[i].first, i + 1);
    ASSERT_EQ(got[i].second, lines[i]) << i;
  }
}

TEST(LineReaderTest, OverlongLineStopsWithItsNumber) {
  const std::string path = WriteTempFile(
      "overlong.txt", "ok\n" + std::string(LineReader::kMaxLineBytes + 10, 'x') + "\nnext\n");
  auto reader = LineReader::Open(path);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(Lines(*reader).size(), 1u);
  EXPECT_EQ(reader->status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(reader->status().message().rfind(path + ":2: line longer than", 0), 0u)
      << reader->status();
}

}  // namespace
}  // namespace edgesim::sim
