#include "sim/scenario.h"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <utility>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "policy/cache_policy.h"
#include "policy/distribution_json_reader.h"
#include "policy/json_reader.h"
#include "policy/outcome.h"
#include "policy/status_macros.h"
#include "sim/input_file.h"
#include "sim/trace.h"

namespace edgesim::sim {
namespace {

using policy::JsonReader;

absl::StatusOr<policy::PathPattern> ReadPattern(const JsonReader& value) {
  EDGESIM_ASSIGN_OR_RETURN(std::string text, value.String());
  absl::StatusOr<policy::PathPattern> p = policy::PathPattern::Compile(text);
  if (!p.ok()) return value.Error(p.status().message());
  return p;
}

// A header's value. RFC 9110 5.5: no control characters but HTAB (the origin model's shared heads
// also mark their per-object fields with such bytes, core/shared_head.h).
absl::StatusOr<std::string> ReadFieldValue(const JsonReader& value) {
  EDGESIM_ASSIGN_OR_RETURN(std::string text, value.String());
  if (absl::c_any_of(text, [](char c) { return (c >= 0 && c < 0x20 && c != '\t') || c == 0x7f; })) {
    return value.Error("a header value has no control characters (RFC 9110 5.5)");
  }
  return text;
}

absl::StatusOr<policy::Headers> ReadHeaders(const JsonReader& value) {
  EDGESIM_ASSIGN_OR_RETURN(const auto members, value.Members());
  policy::Headers headers;
  for (const auto& [name, v] : members) {
    EDGESIM_ASSIGN_OR_RETURN(std::string text, ReadFieldValue(v));
    headers.Add(name, text);
  }
  return headers;
}

absl::StatusOr<std::vector<std::string>> ReadPaths(const JsonReader& value) {
  EDGESIM_ASSIGN_OR_RETURN(const std::vector<JsonReader> items, value.Items());
  if (items.empty()) return value.Error("expected a list of paths");
  std::vector<std::string> paths;
  for (const JsonReader& item : items) {
    EDGESIM_ASSIGN_OR_RETURN(std::string path, item.String());
    if (path.empty() || path[0] != '/') return item.Error("a path starts with '/'");
    paths.push_back(std::move(path));
  }
  return paths;
}

// An integer in [lo, hi]; `what` names the range in the error.
absl::StatusOr<int64_t> ReadIntIn(const JsonReader& value, int64_t lo, int64_t hi,
                                  absl::string_view what) {
  EDGESIM_ASSIGN_OR_RETURN(int64_t n, value.Int());
  if (n < lo || n > hi) return value.Error(absl::StrCat("expected ", what));
  return n;
}

absl::StatusOr<OriginRule> ParseRule(const JsonReader& json) {
  EDGESIM_RETURN_IF_ERROR(
      json.OnlyKeys({"path", "status", "headers", "size", "content_type", "versioned"}));
  EDGESIM_ASSIGN_OR_RETURN(const JsonReader path, json.Required("path"));
  EDGESIM_ASSIGN_OR_RETURN(policy::PathPattern pattern, ReadPattern(path));
  OriginRule rule(std::move(pattern));
  if (JsonReader v = json.Field("status"); v.present()) {
    EDGESIM_ASSIGN_OR_RETURN(int64_t status, ReadIntIn(v, 100, 599, "an HTTP status 100-599"));
    rule.status = static_cast<int>(status);
  }
  if (JsonReader v = json.Field("headers"); v.present()) {
    EDGESIM_ASSIGN_OR_RETURN(rule.headers, ReadHeaders(v));
  }
  if (JsonReader v = json.Field("size"); v.present()) {
    EDGESIM_ASSIGN_OR_RETURN(
        int64_t size, ReadIntIn(v, 0, std::numeric_limits<int64_t>::max(), "a byte count >= 0"));
    rule.size = static_cast<uint64_t>(size);
  }
  if (JsonReader v = json.Field("content_type"); v.present()) {
    EDGESIM_ASSIGN_OR_RETURN(rule.content_type, ReadFieldValue(v));
  }
  if (JsonReader v = json.Field("versioned"); v.present()) {
    EDGESIM_ASSIGN_OR_RETURN(rule.versioned, v.Bool());
  }
  return rule;
}

absl::StatusOr<OriginOutage::Failure> ReadFailure(const JsonReader& value) {
  EDGESIM_ASSIGN_OR_RETURN(std::string failure, value.String());
  if (failure == "timeout") return OriginOutage::Failure::kTimeout;
  if (failure == "refused") return OriginOutage::Failure::kRefused;
  return value.Error("expected \"timeout\" or \"refused\"");
}

absl::StatusOr<OriginOutage> ParseOutage(const JsonReader& json) {
  EDGESIM_RETURN_IF_ERROR(json.OnlyKeys({"from", "to", "failure", "status", "path"}));
  OriginOutage outage;
  for (auto [field, target] : {std::pair{"from", &outage.from}, std::pair{"to", &outage.to}}) {
    EDGESIM_ASSIGN_OR_RETURN(const JsonReader v, json.Required(field));
    EDGESIM_ASSIGN_OR_RETURN(*target, v.Seconds(kMaxTraceOffset));
  }
  if (outage.to <= outage.from) return json.Field("to").Error("must be after from");
  if (JsonReader v = json.Field("failure"); v.present()) {
    EDGESIM_ASSIGN_OR_RETURN(outage.failure, ReadFailure(v));
  }
  if (JsonReader v = json.Field("status"); v.present()) {
    if (outage.failure != OriginOutage::Failure::kStatus) {
      return v.Error("an outage has a status or a failure");
    }
    EDGESIM_ASSIGN_OR_RETURN(int64_t status, ReadIntIn(v, 400, 599, "an error status 400-599"));
    outage.status = static_cast<int>(status);
  }
  if (JsonReader v = json.Field("path"); v.present()) {
    EDGESIM_ASSIGN_OR_RETURN(outage.path, ReadPattern(v));
  }
  return outage;
}

absl::StatusOr<std::string> ReadResultType(const JsonReader& value) {
  EDGESIM_ASSIGN_OR_RETURN(std::string text, value.String());
  absl::string_view type = text;
  absl::ConsumeSuffix(&type, " from cloudfront");
  policy::CacheOutcome outcome;
  if (!policy::ParseResultType(type, &outcome)) {
    return value.Error(absl::StrCat(
        "\"", text, "\" is not a CloudFront result type (Hit, RefreshHit, Miss, Error, ...)"));
  }
  return std::string(type);
}

absl::StatusOr<Expectation> ParseExpectation(const JsonReader& json) {
  // A misspelt expectation would pass while checking nothing.
  EDGESIM_RETURN_IF_ERROR(json.OnlyKeys(
      {"status", "x_cache", "age", "version", "headers", "origin_requests", "body_starts_with"}));
  Expectation e;
  if (JsonReader v = json.Field("status"); v.present()) {
    EDGESIM_ASSIGN_OR_RETURN(int64_t status, v.Int());
    e.status = static_cast<int>(status);
  }
  if (JsonReader v = json.Field("x_cache"); v.present()) {
    EDGESIM_ASSIGN_OR_RETURN(e.x_cache, ReadResultType(v));
  }
  if (JsonReader v = json.Field("age"); v.present()) {
    EDGESIM_ASSIGN_OR_RETURN(e.age, v.Int());
  }
  if (JsonReader v = json.Field("version"); v.present()) {
    EDGESIM_ASSIGN_OR_RETURN(e.version, v.Int());
    if (*e.version < 1) return v.Error("versions start at 1");
  }
  if (JsonReader v = json.Field("headers"); v.present()) {
    EDGESIM_ASSIGN_OR_RETURN(e.headers, ReadHeaders(v));
  }
  if (JsonReader v = json.Field("origin_requests"); v.present()) {
    EDGESIM_ASSIGN_OR_RETURN(e.origin_requests, v.Int());
    if (*e.origin_requests < 0) return v.Error("expected a count >= 0");
  }
  if (JsonReader v = json.Field("body_starts_with"); v.present()) {
    EDGESIM_ASSIGN_OR_RETURN(e.body_starts_with, v.String());
  }
  return e;
}

absl::StatusOr<Step> ParseStep(const JsonReader& json) {
  EDGESIM_RETURN_IF_ERROR(
      json.OnlyKeys({"at", "request", "deploy", "invalidate", "headers", "pop", "https",
                     "expect"}));
  Step step;
  EDGESIM_ASSIGN_OR_RETURN(const JsonReader at, json.Required("at"));
  EDGESIM_ASSIGN_OR_RETURN(step.at, at.Seconds(kMaxTraceOffset));
  const JsonReader request = json.Field("request");
  const JsonReader deploy = json.Field("deploy");
  const JsonReader invalidate = json.Field("invalidate");
  if (request.present() + deploy.present() + invalidate.present() != 1) {
    return json.Error("a step has exactly one of request, deploy, invalidate");
  }
  if (deploy.present() || invalidate.present()) {
    for (absl::string_view key : {"headers", "pop", "https", "expect"}) {
      if (json.Field(key).present()) return json.Field(key).Error("only a request step has one");
    }
    step.kind = deploy.present() ? Step::Kind::kDeploy : Step::Kind::kInvalidate;
    EDGESIM_ASSIGN_OR_RETURN(step.paths, ReadPaths(deploy.present() ? deploy : invalidate));
    return step;
  }
  EDGESIM_ASSIGN_OR_RETURN(std::string line, request.String());
  absl::StatusOr<policy::Request> parsed = ParseRequestLine(line);
  if (!parsed.ok()) return request.Error(parsed.status().message());
  step.request = *std::move(parsed);
  if (JsonReader v = json.Field("headers"); v.present()) {
    EDGESIM_ASSIGN_OR_RETURN(step.request.headers, ReadHeaders(v));
  }
  if (JsonReader v = json.Field("pop"); v.present()) {
    EDGESIM_ASSIGN_OR_RETURN(step.pop, v.String());
  }
  if (JsonReader v = json.Field("https"); v.present()) {
    EDGESIM_ASSIGN_OR_RETURN(step.request.https, v.Bool());
  }
  if (JsonReader v = json.Field("expect"); v.present()) {
    EDGESIM_ASSIGN_OR_RETURN(step.expect, ParseExpectation(v));
  }
  return step;
}

absl::StatusOr<policy::Distribution> ParseDistribution(const JsonReader& json) {
  if (!json.present()) {
    const policy::CachePolicy& optimized =
        *policy::FindManagedCachePolicy("Managed-CachingOptimized");
    policy::Distribution d = policy::SingleOriginDistribution("origin.example.com", optimized);
    d.config.default_behavior.cache_policy_id = optimized.id;
    return d;
  }
  // CloudFront's own JSON: its loader, which ignores unknown fields as CloudFront does.
  absl::StatusOr<policy::Distribution> d = policy::LoadDistributionJson(json.value().dump());
  if (!d.ok()) return json.Error(d.status().message());
  return d;
}

absl::StatusOr<OriginScript> ParseOriginScriptAt(const JsonReader& json) {
  OriginScript script;
  if (!json.present()) return script;
  EDGESIM_RETURN_IF_ERROR(json.OnlyKeys({"rules", "outages"}));
  if (JsonReader rules = json.Field("rules"); rules.present()) {
    EDGESIM_ASSIGN_OR_RETURN(const std::vector<JsonReader> items, rules.Items());
    for (const JsonReader& item : items) {
      EDGESIM_ASSIGN_OR_RETURN(OriginRule rule, ParseRule(item));
      script.rules.push_back(std::move(rule));
    }
  }
  if (JsonReader outages = json.Field("outages"); outages.present()) {
    EDGESIM_ASSIGN_OR_RETURN(const std::vector<JsonReader> items, outages.Items());
    for (const JsonReader& item : items) {
      EDGESIM_ASSIGN_OR_RETURN(OriginOutage outage, ParseOutage(item));
      script.outages.push_back(std::move(outage));
    }
  }
  return script;
}

// "origins": one script per origin Id the distribution defines.
absl::StatusOr<OriginScriptsById> ParseOriginScriptsById(const JsonReader& json,
                                                         const policy::DistributionConfig& config) {
  OriginScriptsById scripts;
  if (!json.present()) return scripts;
  EDGESIM_ASSIGN_OR_RETURN(const auto members, json.Members());
  for (const auto& [id, script] : members) {
    if (config.FindOrigin(id) == nullptr) {
      return script.Error("names no origin of the distribution");
    }
    EDGESIM_ASSIGN_OR_RETURN(scripts[id], ParseOriginScriptAt(script));
  }
  return scripts;
}

absl::StatusOr<std::vector<Step>> ParseSteps(const JsonReader& json) {
  std::vector<Step> steps;
  if (!json.present()) return steps;
  EDGESIM_ASSIGN_OR_RETURN(const std::vector<JsonReader> items, json.Items());
  for (const JsonReader& item : items) {
    EDGESIM_ASSIGN_OR_RETURN(Step step, ParseStep(item));
    if (!steps.empty() && step.at < steps.back().at) {
      return item.Field("at").Error("steps must be in time order");
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

}  // namespace

std::vector<std::string> StepPops(const Scenario& scenario) {
  std::vector<std::string> pops;
  for (const Step& step : scenario.steps) {
    if (!step.pop.empty() && std::find(pops.begin(), pops.end(), step.pop) == pops.end()) {
      pops.push_back(step.pop);
    }
  }
  if (pops.empty()) pops.push_back("IAD89-C1");
  return pops;
}

absl::StatusOr<policy::Request> ParseRequestLine(absl::string_view line) {
  line = absl::StripAsciiWhitespace(line);
  policy::Request request;
  const size_t space = line.find(' ');
  if (space != absl::string_view::npos) {
    request.method = std::string(line.substr(0, space));
    line = absl::StripLeadingAsciiWhitespace(line.substr(space + 1));
  }
  if (line.empty() || line[0] != '/' || line.find(' ') != absl::string_view::npos) {
    return absl::InvalidArgumentError("expected \"METHOD /path[?query]\"");
  }
  for (char c : request.method) {
    if (!absl::ascii_isupper(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", request.method, "\" is not an HTTP method"));
    }
  }
  request.target = std::string(line);
  return request;
}

absl::StatusOr<OriginScript> ParseOriginScript(const nlohmann::json& json) {
  return ParseOriginScriptAt(JsonReader(json, "origin"));
}

absl::StatusOr<Scenario> ParseScenario(const nlohmann::json& json, absl::string_view base_dir) {
  const JsonReader root(json, "");
  if (!json.is_object()) return JsonReader(json, "scenario").ExpectObject();
  EDGESIM_RETURN_IF_ERROR(root.OnlyKeys({"name", "description", "distribution", "origin", "origins",
                                         "steps", "workload", "variants", "grid"}));
  Scenario s;
  s.base_dir = std::string(base_dir);
  if (JsonReader v = root.Field("name"); v.present()) {
    EDGESIM_ASSIGN_OR_RETURN(s.name, v.String());
  }
  if (JsonReader v = root.Field("description"); v.present()) {
    EDGESIM_ASSIGN_OR_RETURN(s.description, v.String());
  }
  EDGESIM_ASSIGN_OR_RETURN(s.distribution, ParseDistribution(root.Field("distribution")));
  EDGESIM_ASSIGN_OR_RETURN(s.origin, ParseOriginScriptAt(root.Field("origin")));
  EDGESIM_ASSIGN_OR_RETURN(s.origins,
                           ParseOriginScriptsById(root.Field("origins"), s.distribution.config));
  EDGESIM_ASSIGN_OR_RETURN(s.steps, ParseSteps(root.Field("steps")));
  if (JsonReader workload = root.Field("workload"); workload.present()) {
    EDGESIM_RETURN_IF_ERROR(workload.ExpectObject());
    s.workload = workload.value();
  }
  EDGESIM_ASSIGN_OR_RETURN(s.variants, ParseVariants(root.Field("variants"), root.Field("grid")));
  return s;
}

namespace {

// A CloudFront standard log opens with its `#Version:` and `#Fields:` lines (SPEC 8.1), also
// inside the .gz CloudFront delivers: the first block tells, without reading a large log whole.
absl::StatusOr<bool> IsCloudFrontLog(const std::string& path) {
  EDGESIM_ASSIGN_OR_RETURN(InputFile file, InputFile::Open(path));
  char head[512];
  EDGESIM_ASSIGN_OR_RETURN(size_t n, file.Read(head, sizeof(head)));
  const absl::string_view text = absl::StripLeadingAsciiWhitespace(absl::string_view(head, n));
  return absl::StartsWith(text, "#Version:") || absl::StartsWith(text, "#Fields:");
}

// What `edgesim simulate` and `play` accept, for the message that refuses anything else.
constexpr absl::string_view kExpectedInputs =
    "expected a scenario JSON (docs/workloads.md: a distribution, steps, a workload and variants) "
    "or a CloudFront standard access log (plain or .gz, starting with #Version/#Fields); CSV "
    "and oracleGeneral traces and log sets are named by a scenario's \"workload\"";

}  // namespace

absl::StatusOr<Scenario> LoadScenario(const std::string& path) {
  const std::filesystem::path file(path);
  EDGESIM_ASSIGN_OR_RETURN(const bool log, IsCloudFrontLog(path));
  nlohmann::json json;
  if (log) {
    // Replayed as a scenario naming it as its workload would be, on the default distribution.
    json = {{"name", file.filename().string()},
            {"workload", {{"kind", "cloudfront-log"}, {"files", {file.filename().string()}}}}};
  } else {
    EDGESIM_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path));
    absl::StatusOr<nlohmann::json> parsed = policy::ParseJson(text);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": ", parsed.status().message(), "; ", kExpectedInputs));
    }
    json = *std::move(parsed);
  }
  const std::string base_dir = file.parent_path().string();
  absl::StatusOr<Scenario> s = ParseScenario(json, base_dir.empty() ? "." : base_dir);
  if (!s.ok())
    return absl::Status(s.status().code(), absl::StrCat(path, ": ", s.status().message()));
  return s;
}

}  // namespace edgesim::sim
