// scenario.h — a scenario file (DESIGN 7): a distribution, a scripted origin, timed
// steps with expectations, a what-if workload and the variants to compare.
//
// One format serves both drivers: the emulator's scenario runner plays the steps against a live
// `edgesim serve`, the simulator replays the workload (or, without one, the steps) on a virtual
// clock for every variant. Times are seconds from the scenario's start; the driver maps 0 to its
// epoch. Parsing checks everything it reads and names the field of the first problem
// ("steps[3].expect.x_cache: ..."). Keys the format does not know are errors
// (`steps[2].expect: unknown key "x-cache"`), so a misspelt expectation cannot pass unchecked;
// the "distribution" inside is CloudFront's own JSON, whose unknown fields are ignored.
//
//   absl::StatusOr<Scenario> s = LoadScenario("scenarios/deploy-pattern.json");
//   for (const Step& step : s->steps) { ... step.at, step.kind, step.request, step.expect ... }
//   OriginModel origin(s->origin, epoch);                      // origin_model.h
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "nlohmann/json.hpp"
#include "policy/distribution.h"
#include "policy/http_message.h"
#include "policy/path_pattern.h"
#include "sim/variant.h"

namespace edgesim::sim {

// One rule of the scripted origin: the first whose pattern matches the request path answers.
struct OriginRule {
  explicit OriginRule(policy::PathPattern pattern) : path(std::move(pattern)) {}

  policy::PathPattern path;
  int status = 200;
  // Sent as is (Cache-Control, Expires, ...); the model adds ETag, Last-Modified, Content-Type
  // and x-edgesim-version.
  policy::Headers headers;
  uint64_t size = 1024;
  std::string content_type;
  // false: deploys never change this object (it stays at version 1).
  bool versioned = true;
};

// A window in which the origin fails: an HTTP status (e.g. 503) or no answer at all.
struct OriginOutage {
  enum class Failure {
    kStatus,   // answers `status` with an empty body
    kTimeout,  // no answer in time (CloudFront's 504, OriginReadError)
    kRefused,  // no connection (CloudFront's 502, OriginConnectError)
  };
  absl::Duration from;  // [from, to) in scenario seconds
  absl::Duration to;
  Failure failure = Failure::kStatus;
  int status = 503;
  // Only paths this pattern matches; absent: every path.
  absl::optional<policy::PathPattern> path;
};

struct OriginScript {
  // Ends with an implicit `{"path": "*"}` (200, 1024 bytes, no headers) when no rule matches.
  std::vector<OriginRule> rules;
  std::vector<OriginOutage> outages;
};

// Scripts of single origins, by origin Id (`"origins": {"primary": {...}}`), for scenarios whose
// origins answer differently (an origin group's primary and secondary, SPEC 12.2).
using OriginScriptsById = std::map<std::string, OriginScript, std::less<>>;

// What a step's response must show; absent fields are not checked.
struct Expectation {
  absl::optional<int> status;
  // CloudFront's result type as X-Cache starts with it: "Hit", "RefreshHit", "Miss", "Error".
  absl::optional<std::string> x_cache;
  absl::optional<int64_t> age;  // seconds; 0 means "no Age header"
  // The body version (the x-edgesim-version header the origin model sets).
  absl::optional<int64_t> version;
  // Each must be present with exactly this value.
  policy::Headers headers;
  // Requests the scripted origin has received since the start (all paths, this one included).
  absl::optional<int64_t> origin_requests;
  // The body's start, e.g. "/index.html v1" (which origin path and version was fetched).
  absl::optional<std::string> body_starts_with;
};

struct Step {
  enum class Kind { kRequest, kDeploy, kInvalidate };
  absl::Duration at;  // from the scenario's start; steps are in time order
  Kind kind = Kind::kRequest;
  // kRequest: method, target and headers as the viewer sends them, and whether over HTTPS
  // (`"https": true`; default HTTP).
  policy::Request request;
  // kRequest: the POP to ask; empty for the driver's default.
  std::string pop;
  Expectation expect;
  // kDeploy: the paths whose versions the origin bumps; kInvalidate: invalidation paths.
  std::vector<std::string> paths;
};

struct Scenario {
  std::string name;
  std::string description;
  // SingleOriginDistribution("origin.example.com", Managed-CachingOptimized) when absent.
  policy::Distribution distribution;
  // What every origin answers, unless `origins` scripts it on its own.
  OriginScript origin;
  // Each key names an origin of `distribution`.
  OriginScriptsById origins;
  std::vector<Step> steps;
  // The what-if input as written; workload_spec.h's ParseWorkloadSpec reads it. Null when absent.
  nlohmann::json workload;
  // Directory of the scenario file: relative trace paths in `workload` are relative to it.
  std::string base_dir;
  // "variants" and "grid" expanded (variant.h); one default variant when the file has none.
  std::vector<Variant> variants;
};

// Reads and parses a scenario file; errors start with the file name.
absl::StatusOr<Scenario> LoadScenario(const std::string& path);

// REQUIRES: nothing; any JSON value is checked. `base_dir` becomes Scenario::base_dir.
absl::StatusOr<Scenario> ParseScenario(const nlohmann::json& json, absl::string_view base_dir);

// The "origin" section alone (also what the emulator's scripted origin serves).
absl::StatusOr<OriginScript> ParseOriginScript(const nlohmann::json& json);

// The POP codes the steps name, in order of first appearance; {"IAD89-C1"} when none does. A
// step without a POP goes to the first.
std::vector<std::string> StepPops(const Scenario& scenario);

// "GET /index.html" -> {method, target}; a bare "/index.html" is a GET.
absl::StatusOr<policy::Request> ParseRequestLine(absl::string_view line);

}  // namespace edgesim::sim
