#include "sim/workload_spec.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace edgesim::sim {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

TEST(WorkloadSpecTest, CloudFrontLogResolvesFilesAndPopMap) {
  auto spec = ParseWorkloadSpec(json::parse(R"({"kind": "cloudfront-log",
      "files": ["logs/*.gz", "/abs/E2.log"], "pop_map": {"IAD89-C1": "IAD"}})"),
                                "/scen");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->kind, WorkloadSpec::Kind::kCloudFrontLog);
  EXPECT_EQ(spec->files, (std::vector<std::string>{"/scen/logs/*.gz", "/abs/E2.log"}));
  ASSERT_EQ(spec->pop_map.size(), 1u);
  EXPECT_EQ(spec->pop_map[0], (std::pair<std::string, std::string>{"IAD89-C1", "IAD"}));
}

TEST(WorkloadSpecTest, CsvWithColumnObject) {
  auto spec = ParseWorkloadSpec(json::parse(R"({"kind": "csv", "file": "t.csv",
      "columns": {"time": 0, "key": 1, "size": 2, "pop": 4}, "time_unit": "us", "header": true,
      "delimiter": ";"})"),
                                "dir/");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->files, std::vector<std::string>{"dir/t.csv"});
  EXPECT_EQ(spec->csv.time_column, 0);
  EXPECT_EQ(spec->csv.key_column, 1);
  EXPECT_EQ(spec->csv.size_column, 2);
  EXPECT_EQ(spec->csv.status_column, -1);
  EXPECT_EQ(spec->csv.pop_column, 4);
  EXPECT_EQ(spec->csv.time_unit, TimeUnit::kMicroseconds);
  EXPECT_TRUE(spec->csv.header);
  EXPECT_EQ(spec->csv.delimiter, ';');
}

TEST(WorkloadSpecTest, CsvWithLibCacheSimOptionString) {
  auto spec = ParseWorkloadSpec(json::parse(R"({"kind": "csv", "file": "t.csv",
      "columns": "time-col=2, obj-id-col=5, obj-size-col=4, delimiter=,, has-header=false"})"),
                                "");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->files, std::vector<std::string>{"t.csv"});
  EXPECT_EQ(spec->csv.time_column, 1);  // libCacheSim counts from 1
  EXPECT_EQ(spec->csv.key_column, 4);
  EXPECT_EQ(spec->csv.size_column, 3);
  EXPECT_EQ(spec->csv.delimiter, ',');
  EXPECT_FALSE(spec->csv.header);
  EXPECT_EQ(ParseCsvOptionString("time-col=1,obj-id-col=2,delimiter=\\t")->delimiter, '\t');
}

TEST(WorkloadSpecTest, SyntheticParsesEveryKnob) {
  auto spec = ParseWorkloadSpec(json::parse(R"({"kind": "synthetic", "seed": 7, "objects": 500,
      "zipf_alpha": 0.8, "duration": 7200, "requests": 1000, "rate": 5,
      "daily_cycle": {"amplitude": 0.5, "peak_hour": 18, "start_hour": 6},
      "pops": {"IAD89-C1": 3, "LHR61-C2": 1},
      "paths": {"html": 1, "assets": 2, "api_pages": 4},
      "sizes": {"assets": {"kind": "lognormal", "median": 30000, "sigma": 0.5}},
      "deploys": {"at": [100, 200.5], "every": 3600, "changed_fraction": 0.25},
      "invalidations": [{"at": 150, "paths": ["/index.html", "/docs/*"]}]})"),
                                "");
  ASSERT_TRUE(spec.ok()) << spec.status();
  const GeneratorSpec& g = spec->synthetic;
  EXPECT_EQ(g.seed, 7u);
  EXPECT_EQ(g.objects, 500u);
  EXPECT_DOUBLE_EQ(g.zipf_alpha, 0.8);
  EXPECT_EQ(g.duration, absl::Hours(2));
  EXPECT_EQ(g.max_requests, 1000u);
  EXPECT_DOUBLE_EQ(g.rate, 5);
  EXPECT_DOUBLE_EQ(g.daily_amplitude, 0.5);
  EXPECT_DOUBLE_EQ(g.peak_hour, 18);
  EXPECT_DOUBLE_EQ(g.start_hour, 6);
  ASSERT_EQ(g.pop_weights.size(), 2u);
  EXPECT_EQ(g.pop_weights[0].first, "IAD89-C1");
  EXPECT_DOUBLE_EQ(g.pop_weights[0].second, 3);
  EXPECT_FALSE(g.key_only);
  EXPECT_DOUBLE_EQ(g.class_weights[0], 1);
  EXPECT_DOUBLE_EQ(g.class_weights[1], 2);
  EXPECT_DOUBLE_EQ(g.class_weights[2], 0);  // listed classes only, once any is listed
  EXPECT_EQ(g.api_pages, 4u);
  EXPECT_EQ(g.sizes[1].kind, SizeDistribution::Kind::kLognormal);
  EXPECT_EQ(g.sizes[1].bytes, 30000u);
  EXPECT_EQ(g.sizes[0].kind, SizeDistribution::Kind::kFixed);
  EXPECT_EQ(g.deploy_at, (std::vector<absl::Duration>{absl::Seconds(100), absl::Seconds(200.5)}));
  EXPECT_EQ(g.deploy_every, absl::Hours(1));
  EXPECT_DOUBLE_EQ(g.deploy_changed_fraction, 0.25);
  ASSERT_EQ(g.invalidations.size(), 1u);
  EXPECT_EQ(g.invalidations[0].at, absl::Seconds(150));
  EXPECT_EQ(g.invalidations[0].paths, (std::vector<std::string>{"/index.html", "/docs/*"}));
}

TEST(WorkloadSpecTest, SyntheticKeysLayoutAndOneSizeForAll) {
  auto spec = ParseWorkloadSpec(json::parse(R"({"kind": "synthetic", "paths": "keys",
      "sizes": {"kind": "fixed", "bytes": 4096}})"),
                                "");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_TRUE(spec->synthetic.key_only);
  for (const SizeDistribution& s : spec->synthetic.sizes) EXPECT_EQ(s.bytes, 4096u);
}

struct BadCase {
  const char* json;
  const char* message;  // a substring of the error
};

class WorkloadSpecErrorTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(WorkloadSpecErrorTest, NamesTheField) {
  auto spec = ParseWorkloadSpec(json::parse(GetParam().json), "");
  ASSERT_FALSE(spec.ok()) << GetParam().json;
  EXPECT_EQ(spec.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(spec.status().message()), HasSubstr(GetParam().message));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, WorkloadSpecErrorTest,
    ::testing::Values(
        BadCase{R"([])", "workload: expected an object"},
        BadCase{R"({})", "workload.kind: required field is missing"},
        BadCase{R"({"kind": "parquet"})", "workload.kind: \"parquet\" is not a workload kind"},
        BadCase{R"({"kind": "csv", "file": "a", "columns": {"key": 1}})",
                "workload.columns.time: required field is missing"},
        BadCase{R"({"kind": "csv", "file": "a", "columns": {"time": -1, "key": 1}})",
                "workload.columns.time: expected a non-negative integer"},
        BadCase{R"({"kind": "csv", "file": "a", "columns": {"time": 0, "key": 1, "size": "2"}})",
                "workload.columns.size: expected a non-negative integer"},
        BadCase{R"({"kind": "csv", "columns": {"time": 0, "key": 1}})",
                "workload.file: required field is missing"},
        BadCase{
            R"({"kind": "csv", "file": "a", "columns": {"time": 0, "key": 1}, "time_unit": "h"})",
            "workload.time_unit: \"h\" is not a time unit"},
        BadCase{R"({"kind": "csv", "file": "a", "columns": "time-col=0,obj-id-col=2"})",
                "workload.columns: time-col: \"0\" is not a column number"},
        BadCase{R"({"kind": "csv", "file": "a", "columns": "time-col=1,obj-id-col=2,color=red"})",
                "workload.columns: color: unknown option"},
        BadCase{R"({"kind": "csv", "file": "a", "columns": {"time": 0, "key": 1}, "colums": 1})",
                "workload: unknown key \"colums\""},
        BadCase{R"({"kind": "cloudfront-log", "files": []})",
                "workload.files: expected a non-empty"},
        BadCase{R"({"kind": "cloudfront-log", "files": ["a", 3]})",
                "workload.files[1]: expected a non-empty string"},
        BadCase{R"({"kind": "cloudfront-log", "files": ["a"], "pop_map": {"IAD": 1}})",
                "workload.pop_map.IAD: expected a non-empty string"},
        BadCase{R"({"kind": "oracle-general"})", "workload.file: required field is missing"},
        BadCase{R"({"kind": "synthetic", "zipf_alpha": -1})",
                "workload.zipf_alpha: must be between 0 and 10"},
        BadCase{R"({"kind": "synthetic", "objects": 0})", "workload.objects: must be at least 1"},
        BadCase{R"({"kind": "synthetic", "rate": 0})", "workload.rate: must be between"},
        BadCase{R"({"kind": "synthetic", "daily_cycle": {"amplitude": 2}})",
                "workload.daily_cycle.amplitude: must be between 0 and 1"},
        BadCase{R"({"kind": "synthetic", "pops": {"IAD": 0}})",
                "workload.pops: the weights add up to 0"},
        BadCase{R"({"kind": "synthetic", "pops": {"IAD": "x"}})",
                "workload.pops.IAD: expected a number"},
        BadCase{R"({"kind": "synthetic", "paths": "flat"})", "workload.paths: expected an object"},
        BadCase{R"({"kind": "synthetic", "paths": {"html": 0}})",
                "workload.paths: the class shares add up to 0"},
        BadCase{R"({"kind": "synthetic", "sizes": {"kind": "pareto"}})",
                "workload.sizes.kind: \"pareto\" is not a size distribution"},
        BadCase{R"({"kind": "synthetic", "sizes": {"html": {"kind": "fixed"}}})",
                "workload.sizes.html.bytes: required field is missing"},
        BadCase{R"({"kind": "synthetic", "deploys": {"every": 0}})",
                "workload.deploys.every: must be positive"},
        BadCase{R"({"kind": "synthetic", "deploys": {"at": [5, -1]}})",
                "workload.deploys.at[1]: expected seconds"},
        BadCase{R"({"kind": "synthetic", "deploys": {"changed_fraction": 1.5}})",
                "workload.deploys.changed_fraction: must be between 0 and 1"},
        BadCase{R"({"kind": "synthetic", "invalidations": [{"at": 5, "paths": ["index.html"]}]})",
                "workload.invalidations[0].paths[0]: expected a path starting with /"},
        BadCase{R"({"kind": "synthetic", "invalidations": [{"paths": ["/a"]}]})",
                "workload.invalidations[0].at: required field is missing"},
        BadCase{R"({"kind": "synthetic", "duration": 1e10})",
                "workload.duration: expected a number of seconds 0-4294967295"},
        BadCase{R"({"kind": "synthetic", "deploys": {"at": [4294967296]}})",
                "workload.deploys.at[0]: expected seconds 0-4294967295"},
        BadCase{R"({"kind": "synthetic", "invalidations": [{"at": 1e12, "paths": ["/a"]}]})",
                "workload.invalidations[0].at: expected a number of seconds 0-4294967295"},
        BadCase{R"({"kind": "synthetic", "duration": 0})",
                "workload.duration: must be positive when \"requests\" is not given"}));

}  // namespace
}  // namespace edgesim::sim
