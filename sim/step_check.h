// step_check.h — what one scenario step's response showed, and how it compares with the step's
// "expect" block (DESIGN 7).
//
// Both scenario drivers (in-process and a live `edgesim serve`, scenario_player.h) turn their
// answer into an `Observation`, so one checker decides for both and their observations compare
// line by line. Comparison rules: `x_cache` "Hit" matches the header "Hit from cloudfront"; `age`
// 0 means no Age header at all (SPEC 5); `version` is the x-edgesim-version header the scripted
// origin sets (origin_model.h).
//
//   Observation seen = ObservationFrom(200, headers, body);
//   for (const std::string& line : CheckStep(scenario.steps[4], 4, seen, origin_requests)) ...
//   // "steps[4] GET /index.html: x_cache: want Hit, got Miss from cloudfront"
//   Summarize(seen);   // "200 Hit age 10 v1"
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "policy/http_message.h"
#include "sim/scenario.h"

namespace edgesim::sim {

// The longest body prefix an observation keeps (a body_starts_with longer than this never
// matches).
inline constexpr size_t kObservedBodyBytes = 4096;

struct Observation {
  int status = 0;
  policy::Headers headers;
  // The body's first kObservedBodyBytes bytes.
  std::string body_prefix;

  // The header's value, or "" when absent.
  std::string Header(absl::string_view name) const;
};

// `body` is cut to kObservedBodyBytes.
Observation ObservationFrom(int status, policy::Headers headers, absl::string_view body);

// "GET /index.html" (requests), "deploy /a, /b", "invalidate /a*" (events).
std::string StepText(const Step& step);
// "steps[4] GET /index.html": StepText with the step's place in the file.
std::string StepLabel(const Step& step, size_t index);

// One line per expectation `seen` (or the origin's request count) does not meet, each starting
// with StepLabel; empty when all hold.
std::vector<std::string> CheckStep(const Step& step, size_t index, const Observation& seen,
                                   int64_t origin_requests);

// The fields both drivers must agree on, for printing and comparing: status, X-Cache's result
// type, Age and version, e.g. "200 Hit age 10 v1" ("-" for an absent header).
std::string Summarize(const Observation& seen);

}  // namespace edgesim::sim
