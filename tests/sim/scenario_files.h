// scenario_files.h — the checked-in teaching scenarios (scenarios/*.json with steps), for the
// tests that play them in-process (tests/sim) and against a live `edgesim serve` (tests/cli);
// and scenarios written inline in a test.
//
//   INSTANTIATE_TEST_SUITE_P(All, PlayTest, ::testing::ValuesIn(TeachingScenarioFiles()));
#pragma once

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "sim/scenario.h"

namespace edgesim::sim::testing {

// Full paths, sorted; a file that does not load is included (its test then fails loudly).
inline std::vector<std::string> TeachingScenarioFiles() {
  std::vector<std::string> out;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(EDGESIM_SOURCE_DIR) + "/scenarios")) {
    if (entry.path().extension() != ".json") continue;
    const absl::StatusOr<Scenario> s = LoadScenario(entry.path().string());
    if (!s.ok() || !s->steps.empty()) out.push_back(entry.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// "hashed-assets-short-index" for a gtest parameter name (letters, digits and '_' only).
inline std::string ScenarioTestName(const std::string& path) {
  std::string name = std::filesystem::path(path).stem().string();
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

// A scenario written inline in a test; a parse error fails the test.
inline Scenario ParseScenarioText(const std::string& text) {
  absl::StatusOr<Scenario> s = ParseScenario(nlohmann::json::parse(text), "/");
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *std::move(s) : Scenario();
}

}  // namespace edgesim::sim::testing
