// origin_config.h — `edgesim serve` children in front of test origins: a distribution file with
// one custom origin per port (OriginReadTimeout 1 s unless told, one attempt), and the child
// serving it.
//
//   LocalHttpServer origin;
//   ConfigFile config(Config({origin.port()}, kCachingOptimized));
//   std::unique_ptr<ServeProcess> serve = ServeConfig(config, {"--access-log", config.log()});
#pragma once

#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/substitute.h"
#include "gtest/gtest.h"
#include "tests/emulator/serve_process.h"

namespace edgesim::emulator::testing {

// A distribution file in a temporary directory, removed with it.
class ConfigFile {
 public:
  explicit ConfigFile(const std::string& json) {
    char dir[] = "/tmp/edgesim-origins-XXXXXX";
    EXPECT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    path_ = dir_ + "/distribution.json";
    std::ofstream(path_) << json;
  }
  ~ConfigFile() {
    std::remove(path_.c_str());
    std::remove(log().c_str());
    rmdir(dir_.c_str());
  }
  const std::string& path() const { return path_; }
  std::string log() const { return dir_ + "/edge.log"; }

 private:
  std::string dir_, path_;
};

// One custom origin per port ("o0", "o1", ...); the default behavior goes to o0 with
// `policy_id`, `behaviors` (JSON items) come first; `extra` adds top-level DistributionConfig
// fields; `policies` is the CachePolicies array of custom policies; every origin waits
// `read_timeout_seconds` for an answer (OriginReadTimeout).
inline std::string Config(const std::vector<int>& ports, const std::string& policy_id,
                          const std::vector<std::string>& behaviors = {},
                          const std::string& extra = "", const std::string& policies = "[]",
                          int read_timeout_seconds = 1) {
  std::string origins;
  for (size_t i = 0; i < ports.size(); ++i) {
    absl::StrAppend(&origins, i ? "," : "",
                    absl::Substitute(R"({"Id": "o$0", "DomainName": "127.0.0.1",
      "CustomOriginConfig": {"HTTPPort": $1, "HTTPSPort": 443, "OriginProtocolPolicy": "http-only",
        "OriginReadTimeout": $2}, "ConnectionAttempts": 1, "ConnectionTimeout": 1})",
                                     i, ports[i], read_timeout_seconds));
  }
  return absl::Substitute(
      R"({"Distribution": {"Id": "E3ORIGINTEST1", "DomainName": "d3origintest1.cloudfront.net",
  "DistributionConfig": {"CallerReference": "t", "Comment": "", "Enabled": true $4,
    "Origins": {"Quantity": $0, "Items": [$1]},
    "DefaultCacheBehavior": {"TargetOriginId": "o0", "ViewerProtocolPolicy": "allow-all",
      "CachePolicyId": "$2"},
    "CacheBehaviors": {"Quantity": $5, "Items": [$3]}}},
  "CachePolicies": $6})",
      ports.size(), origins, policy_id, absl::StrJoin(behaviors, ","), extra, behaviors.size(),
      policies);
}

inline constexpr char kCachingOptimized[] = "658327ea-f89d-4fab-a63d-7e88639e58f6";
inline constexpr char kCachingDisabled[] = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";

// `edgesim serve --config <config> <more>`; null (and a failed expectation) if it did not start.
inline std::unique_ptr<ServeProcess> ServeConfig(const ConfigFile& config,
                                                 std::vector<std::string> more = {}) {
  std::vector<std::string> args = {"--config", config.path()};
  args.insert(args.end(), more.begin(), more.end());
  absl::StatusOr<std::unique_ptr<ServeProcess>> p = ServeProcess::Start(args);
  EXPECT_TRUE(p.ok()) << p.status();
  return p.ok() ? *std::move(p) : nullptr;
}

}  // namespace edgesim::emulator::testing
