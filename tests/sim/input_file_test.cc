#include "sim/input_file.h"

#include <zlib.h>

#include <string>

#include "gtest/gtest.h"
#include "tests/sim/trace_test_util.h"

namespace edgesim::sim {
namespace {

using testing::WriteTempFile;

std::string Gzip(const std::string& text) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);  // gzip wrapper
  std::string out(deflateBound(&z, text.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string ReadAllBytes(InputFile& file, size_t chunk) {
  std::string out;
  std::string buf(chunk, '\0');
  for (;;) {
    absl::StatusOr<size_t> n = file.Read(buf.data(), buf.size());
    EXPECT_TRUE(n.ok()) << n.status();
    if (!n.ok() || *n == 0) return out;
    out.append(buf.data(), *n);
    if (*n < chunk) return out;  // short only at the end
  }
}

std::string Text() {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "line " + std::to_string(i) + "\n";
  return text;
}

TEST(InputFileTest, ReadsPlainFilesInBlocks) {
  auto file = InputFile::Open(WriteTempFile("plain.txt", Text()));
  ASSERT_TRUE(file.ok());
  EXPECT_FALSE(file->compressed());
  EXPECT_EQ(file->plain_size(), Text().size());
  EXPECT_EQ(ReadAllBytes(*file, 4096), Text());
}

TEST(InputFileTest, InflatesGzipByItsMagicNumber) {
  const std::string gz = Gzip(Text());
  auto file = InputFile::Open(WriteTempFile("text.gz", gz + Gzip("tail\n")));  // two members
  ASSERT_TRUE(file.ok());
  EXPECT_TRUE(file->compressed());
  EXPECT_EQ(file->plain_size(), 0u);  // unknown until inflated
  EXPECT_EQ(ReadAllBytes(*file, 1000), Text() + "tail\n");
}

TEST(InputFileTest, TruncatedGzipIsAnErrorNamingThePath) {
  const std::string gz = Gzip(Text());
  const std::string path = WriteTempFile("cut.gz", gz.substr(0, gz.size() / 2));
  auto file = InputFile::Open(path);
  ASSERT_TRUE(file.ok());
  std::string buf(1 << 20, '\0');
  absl::StatusOr<size_t> n = file->Read(buf.data(), buf.size());
  while (n.ok() && *n > 0) n = file->Read(buf.data(), buf.size());
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(n.status().message().find(path), absl::string_view::npos);
}

TEST(InputFileTest, MissingFileIsNotFound) {
  auto file = InputFile::Open("/nonexistent/trace.csv");
  EXPECT_EQ(file.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(file.status().message().find("/nonexistent/trace.csv"), absl::string_view::npos);
}

TEST(ReadWholeFileTest, ReadsPlainGzipAndEmptyFiles) {
  EXPECT_EQ(ReadWholeFile(WriteTempFile("whole.txt", Text())).value_or("?"), Text());
  EXPECT_EQ(ReadWholeFile(WriteTempFile("whole.json.gz", Gzip("{}\n"))).value_or("?"), "{}\n");
  EXPECT_EQ(ReadWholeFile(WriteTempFile("empty.txt", "")).value_or("?"), "");
}

TEST(ReadWholeFileTest, MissingFileIsNotFoundNamingThePath) {
  absl::StatusOr<std::string> text = ReadWholeFile("/nonexistent/scenario.json");
  EXPECT_EQ(text.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(text.status().message().find("/nonexistent/scenario.json: cannot open"),
            absl::string_view::npos);
}

}  // namespace
}  // namespace edgesim::sim
