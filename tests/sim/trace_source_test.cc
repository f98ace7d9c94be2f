#include "sim/trace_source.h"

#include <string>

#include "gtest/gtest.h"
#include "tests/sim/trace_test_util.h"

namespace edgesim::sim {
namespace {

using nlohmann::json;
using testing::ReadAll;

std::unique_ptr<TraceSource> Open(const std::string& workload) {
  auto spec = ParseWorkloadSpec(json::parse(workload), EDGESIM_SOURCE_DIR "/tests/testdata/sim");
  EXPECT_TRUE(spec.ok()) << spec.status();
  if (!spec.ok()) return nullptr;
  auto source = OpenTrace(*spec, /*strict=*/true);
  EXPECT_TRUE(source.ok()) << source.status();
  return source.ok() ? *std::move(source) : nullptr;
}

TEST(OpenTraceTest, OpensEachKind) {
  auto csv = Open(R"({"kind": "csv", "file": "trace.csv", "header": true, "time_unit": "ms",
                      "columns": {"time": 0, "key": 1, "size": 2, "status": 3, "pop": 4}})");
  ASSERT_NE(csv, nullptr);
  EXPECT_EQ(ReadAll(*csv).size(), 300u);
  auto bin = Open(R"({"kind": "oracle-general", "file": "formula.oracleGeneral.bin"})");
  ASSERT_NE(bin, nullptr);
  EXPECT_EQ(ReadAll(*bin).size(), 300u);
  auto synthetic = Open(R"({"kind": "synthetic", "objects": 10, "requests": 50, "paths": "keys"})");
  ASSERT_NE(synthetic, nullptr);
  EXPECT_EQ(ReadAll(*synthetic).size(), 50u);
}

TEST(OpenTraceTest, MissingFileIsNotFound) {
  auto spec = ParseWorkloadSpec(json::parse(R"({"kind": "oracle-general", "file": "nope.bin"})"),
                                ::testing::TempDir());
  ASSERT_TRUE(spec.ok());
  auto source = OpenTrace(*spec, false);
  EXPECT_EQ(source.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(source.status().message().find("nope.bin"), absl::string_view::npos);
}

}  // namespace
}  // namespace edgesim::sim
