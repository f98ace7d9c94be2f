#include "cli/distribution_file.h"

#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "absl/strings/match.h"
#include "cli/demo_distribution.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace edgesim::cli {
namespace {

const std::string kTestdata = EDGESIM_SOURCE_DIR "/tests/testdata/";

TEST(LoadDistributionFileTest, ABareConfigGetsAnIdAndDomainFromItsPath) {
  absl::StatusOr<policy::Distribution> d =
      LoadDistributionFile(kTestdata + "dist-config-minimal.json");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->id.size(), 14u);
  EXPECT_EQ(d->id[0], 'E');
  EXPECT_TRUE(absl::EndsWith(d->domain_name, ".cloudfront.net"));
  EXPECT_EQ(d->domain_name.size(),
            std::string("d").size() + 13 + std::string(".cloudfront.net").size());
  absl::StatusOr<policy::Distribution> other =
      LoadDistributionFile(kTestdata + "dist-config-s3.json");
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_NE(other->id, d->id);
  EXPECT_NE(other->domain_name, d->domain_name);
  EXPECT_EQ(LoadDistributionFile(kTestdata + "dist-config-minimal.json")->id, d->id);
}

TEST(LoadDistributionFileTest, AWrappedDistributionKeepsItsId) {
  char path[] = "/tmp/edgesim-dist-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << DemoDistributionJson();
  absl::StatusOr<policy::Distribution> d = LoadDistributionFile(path);
  std::remove(path);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->id, "E1EDGESIMDEMO1");
  EXPECT_EQ(d->domain_name, "d111111abcdef8.cloudfront.net");
}

TEST(LoadDistributionFileOrDemoTest, NoPathIsTheDemo) {
  absl::StatusOr<policy::Distribution> demo = LoadDistributionFileOrDemo("");
  ASSERT_TRUE(demo.ok()) << demo.status();
  EXPECT_EQ(demo->id, "E1EDGESIMDEMO1");
  EXPECT_EQ(demo->config, LoadDemoDistribution()->config);
  const std::string path = kTestdata + "dist-config-minimal.json";
  EXPECT_EQ(LoadDistributionFileOrDemo(path)->id, LoadDistributionFile(path)->id);
}

TEST(LoadDistributionFileTest, ErrorsNameTheFile) {
  EXPECT_EQ(LoadDistributionFile("/nonexistent.json").status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(
      LoadDistributionFile(kTestdata + "cache-policy-config.json").status().message(),
      "cache-policy-config.json: "));
}

TEST(LoadDistributionFileTest, FunctionCodeFileIsReadBesideTheConfig) {
  char dir[] = "/tmp/edgesim-fn-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string config_path = std::string(dir) + "/site.json";
  const std::string code_path = std::string(dir) + "/spa.js";
  std::ofstream(code_path) << "function handler(event) { return event.request; }";
  std::ifstream minimal(kTestdata + "dist-config-minimal.json");
  nlohmann::json config = nlohmann::json::parse(minimal);
  config["DefaultCacheBehavior"]["FunctionAssociations"] = {
      {"Quantity", 1},
      {"Items", {{{"FunctionARN", "arn:aws:cloudfront::123456789012:function/spa"},
                  {"EventType", "viewer-request"}}}}};
  const nlohmann::json file = {
      {"DistributionConfig", config},
      {"Functions", {{{"Name", "spa"},
                      {"FunctionConfig", {{"Runtime", "cloudfront-js-2.0"}}},
                      {"FunctionCodeFile", "spa.js"}}}}};
  std::ofstream(config_path) << file.dump();
  absl::StatusOr<policy::Distribution> d = LoadDistributionFile(config_path);
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_EQ(d->config.default_behavior.function_associations.size(), 1u);
  EXPECT_EQ(d->config.default_behavior.function_associations[0].code,
            "function handler(event) { return event.request; }");

  std::remove(code_path.c_str());
  const absl::Status missing = LoadDistributionFile(config_path).status();
  EXPECT_TRUE(absl::StrContains(missing.message(), "site.json: Functions[0].FunctionCodeFile: "))
      << missing;
  std::remove(config_path.c_str());
  rmdir(dir);
}

}  // namespace
}  // namespace edgesim::cli
