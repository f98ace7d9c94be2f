#include "sim/scenario.h"

#include <algorithm>
#include <filesystem>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "policy/cache_policy.h"
#include "policy/distribution_json.h"
#include "policy/outcome.h"
#include "policy/status_macros.h"
#include "sim/input_file.h"
#include "sim/json_fields.h"

namespace edgesim::sim {
namespace {

absl::StatusOr<policy::PathPattern> AsPattern(const nlohmann::json& value,
                                              absl::string_view where) {
  EDGESIM_ASSIGN_OR_RETURN(std::string text, AsString(value, where));
  absl::StatusOr<policy::PathPattern> p = policy::PathPattern::Compile(text);
  if (!p.ok()) return FieldError(where, p.status().message());
  return p;
}

absl::StatusOr<policy::Headers> AsHeaders(const nlohmann::json& value, absl::string_view where) {
  if (!value.is_object()) return FieldError(where, "expected an object of header: value");
  policy::Headers headers;
  for (const auto& [name, v] : value.items()) {
    EDGESIM_ASSIGN_OR_RETURN(std::string text, AsString(v, FieldPath(where, name)));
    headers.Add(name, text);
  }
  return headers;
}

absl::StatusOr<std::vector<std::string>> AsPaths(const nlohmann::json& value,
                                                 absl::string_view where) {
  if (!value.is_array() || value.empty()) return FieldError(where, "expected a list of paths");
  std::vector<std::string> paths;
  for (size_t i = 0; i < value.size(); ++i) {
    EDGESIM_ASSIGN_OR_RETURN(std::string path, AsString(value[i], IndexPath(where, i)));
    if (path.empty() || path[0] != '/') {
      return FieldError(IndexPath(where, i), "a path starts with '/'");
    }
    paths.push_back(std::move(path));
  }
  return paths;
}

absl::StatusOr<OriginRule> ParseRule(const nlohmann::json& json, absl::string_view where) {
  if (!json.is_object()) return FieldError(where, "expected an object");
  const nlohmann::json* path = FindField(json, "path");
  if (path == nullptr) return FieldError(FieldPath(where, "path"), "required");
  EDGESIM_ASSIGN_OR_RETURN(policy::PathPattern pattern, AsPattern(*path, FieldPath(where, "path")));
  OriginRule rule(std::move(pattern));
  if (const nlohmann::json* v = FindField(json, "status")) {
    EDGESIM_ASSIGN_OR_RETURN(int64_t status, AsInt(*v, FieldPath(where, "status")));
    if (status < 100 || status > 599) {
      return FieldError(FieldPath(where, "status"), "expected an HTTP status 100-599");
    }
    rule.status = static_cast<int>(status);
  }
  if (const nlohmann::json* v = FindField(json, "headers")) {
    EDGESIM_ASSIGN_OR_RETURN(rule.headers, AsHeaders(*v, FieldPath(where, "headers")));
  }
  if (const nlohmann::json* v = FindField(json, "size")) {
    EDGESIM_ASSIGN_OR_RETURN(int64_t size, AsInt(*v, FieldPath(where, "size")));
    if (size < 0) return FieldError(FieldPath(where, "size"), "expected a byte count >= 0");
    rule.size = static_cast<uint64_t>(size);
  }
  if (const nlohmann::json* v = FindField(json, "content_type")) {
    EDGESIM_ASSIGN_OR_RETURN(rule.content_type, AsString(*v, FieldPath(where, "content_type")));
  }
  if (const nlohmann::json* v = FindField(json, "versioned")) {
    EDGESIM_ASSIGN_OR_RETURN(rule.versioned, AsBool(*v, FieldPath(where, "versioned")));
  }
  return rule;
}

absl::StatusOr<OriginOutage> ParseOutage(const nlohmann::json& json, absl::string_view where) {
  if (!json.is_object()) return FieldError(where, "expected an object");
  OriginOutage outage;
  for (auto [field, target] : {std::pair{"from", &outage.from}, std::pair{"to", &outage.to}}) {
    const nlohmann::json* v = FindField(json, field);
    if (v == nullptr) return FieldError(FieldPath(where, field), "required");
    EDGESIM_ASSIGN_OR_RETURN(*target, AsSeconds(*v, FieldPath(where, field)));
  }
  if (outage.to <= outage.from) return FieldError(FieldPath(where, "to"), "must be after from");
  if (const nlohmann::json* v = FindField(json, "failure")) {
    EDGESIM_ASSIGN_OR_RETURN(std::string failure, AsString(*v, FieldPath(where, "failure")));
    if (failure == "timeout") {
      outage.failure = OriginOutage::Failure::kTimeout;
    } else if (failure == "refused") {
      outage.failure = OriginOutage::Failure::kRefused;
    } else {
      return FieldError(FieldPath(where, "failure"), "expected \"timeout\" or \"refused\"");
    }
  }
  if (const nlohmann::json* v = FindField(json, "status")) {
    if (outage.failure != OriginOutage::Failure::kStatus) {
      return FieldError(FieldPath(where, "status"), "an outage has a status or a failure");
    }
    EDGESIM_ASSIGN_OR_RETURN(int64_t status, AsInt(*v, FieldPath(where, "status")));
    if (status < 400 || status > 599) {
      return FieldError(FieldPath(where, "status"), "expected an error status 400-599");
    }
    outage.status = static_cast<int>(status);
  }
  if (const nlohmann::json* v = FindField(json, "path")) {
    EDGESIM_ASSIGN_OR_RETURN(outage.path, AsPattern(*v, FieldPath(where, "path")));
  }
  return outage;
}

absl::StatusOr<Expectation> ParseExpectation(const nlohmann::json& json, absl::string_view where) {
  if (!json.is_object()) return FieldError(where, "expected an object");
  Expectation e;
  if (const nlohmann::json* v = FindField(json, "status")) {
    EDGESIM_ASSIGN_OR_RETURN(int64_t status, AsInt(*v, FieldPath(where, "status")));
    e.status = static_cast<int>(status);
  }
  if (const nlohmann::json* v = FindField(json, "x_cache")) {
    const std::string at = FieldPath(where, "x_cache");
    EDGESIM_ASSIGN_OR_RETURN(std::string text, AsString(*v, at));
    absl::string_view type = text;
    absl::ConsumeSuffix(&type, " from cloudfront");
    policy::CacheOutcome outcome;
    if (!policy::ParseResultType(type, &outcome)) {
      return FieldError(at, absl::StrCat("\"", text,
                                         "\" is not a CloudFront result type (Hit, RefreshHit, "
                                         "Miss, Error, ...)"));
    }
    e.x_cache = std::string(type);
  }
  if (const nlohmann::json* v = FindField(json, "age")) {
    EDGESIM_ASSIGN_OR_RETURN(int64_t age, AsInt(*v, FieldPath(where, "age")));
    e.age = age;
  }
  if (const nlohmann::json* v = FindField(json, "version")) {
    EDGESIM_ASSIGN_OR_RETURN(int64_t version, AsInt(*v, FieldPath(where, "version")));
    if (version < 1) return FieldError(FieldPath(where, "version"), "versions start at 1");
    e.version = version;
  }
  if (const nlohmann::json* v = FindField(json, "headers")) {
    EDGESIM_ASSIGN_OR_RETURN(e.headers, AsHeaders(*v, FieldPath(where, "headers")));
  }
  if (const nlohmann::json* v = FindField(json, "origin_requests")) {
    EDGESIM_ASSIGN_OR_RETURN(int64_t n, AsInt(*v, FieldPath(where, "origin_requests")));
    if (n < 0) return FieldError(FieldPath(where, "origin_requests"), "expected a count >= 0");
    e.origin_requests = n;
  }
  if (const nlohmann::json* v = FindField(json, "body_starts_with")) {
    EDGESIM_ASSIGN_OR_RETURN(e.body_starts_with,
                             AsString(*v, FieldPath(where, "body_starts_with")));
  }
  return e;
}

absl::StatusOr<Step> ParseStep(const nlohmann::json& json, absl::string_view where) {
  if (!json.is_object()) return FieldError(where, "expected an object");
  Step step;
  const nlohmann::json* at = FindField(json, "at");
  if (at == nullptr) return FieldError(FieldPath(where, "at"), "required");
  EDGESIM_ASSIGN_OR_RETURN(step.at, AsSeconds(*at, FieldPath(where, "at")));
  const nlohmann::json* request = FindField(json, "request");
  const nlohmann::json* deploy = FindField(json, "deploy");
  const nlohmann::json* invalidate = FindField(json, "invalidate");
  if ((request != nullptr) + (deploy != nullptr) + (invalidate != nullptr) != 1) {
    return FieldError(where, "a step has exactly one of request, deploy, invalidate");
  }
  if (deploy != nullptr) {
    step.kind = Step::Kind::kDeploy;
    EDGESIM_ASSIGN_OR_RETURN(step.paths, AsPaths(*deploy, FieldPath(where, "deploy")));
    return step;
  }
  if (invalidate != nullptr) {
    step.kind = Step::Kind::kInvalidate;
    EDGESIM_ASSIGN_OR_RETURN(step.paths, AsPaths(*invalidate, FieldPath(where, "invalidate")));
    return step;
  }
  EDGESIM_ASSIGN_OR_RETURN(std::string line, AsString(*request, FieldPath(where, "request")));
  absl::StatusOr<policy::Request> parsed = ParseRequestLine(line);
  if (!parsed.ok()) return FieldError(FieldPath(where, "request"), parsed.status().message());
  step.request = *std::move(parsed);
  if (const nlohmann::json* v = FindField(json, "headers")) {
    EDGESIM_ASSIGN_OR_RETURN(step.request.headers, AsHeaders(*v, FieldPath(where, "headers")));
  }
  if (const nlohmann::json* v = FindField(json, "pop")) {
    EDGESIM_ASSIGN_OR_RETURN(step.pop, AsString(*v, FieldPath(where, "pop")));
  }
  if (const nlohmann::json* v = FindField(json, "expect")) {
    EDGESIM_ASSIGN_OR_RETURN(step.expect, ParseExpectation(*v, FieldPath(where, "expect")));
  }
  return step;
}

absl::StatusOr<policy::Distribution> ParseDistribution(const nlohmann::json* json) {
  if (json == nullptr) {
    const policy::CachePolicy& optimized =
        *policy::FindManagedCachePolicy("Managed-CachingOptimized");
    policy::Distribution d = policy::SingleOriginDistribution("origin.example.com", optimized);
    d.config.default_behavior.cache_policy_id = optimized.id;
    return d;
  }
  absl::StatusOr<policy::Distribution> d = policy::LoadDistributionJson(json->dump());
  if (!d.ok()) return FieldError("distribution", d.status().message());
  return d;
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
  OriginScript script;
  if (json.is_null()) return script;
  if (!json.is_object()) return FieldError("origin", "expected an object");
  if (const nlohmann::json* rules = FindField(json, "rules")) {
    if (!rules->is_array()) return FieldError("origin.rules", "expected a list");
    for (size_t i = 0; i < rules->size(); ++i) {
      EDGESIM_ASSIGN_OR_RETURN(OriginRule rule, ParseRule((*rules)[i], IndexPath("origin.rules", i)));
      script.rules.push_back(std::move(rule));
    }
  }
  if (const nlohmann::json* outages = FindField(json, "outages")) {
    if (!outages->is_array()) return FieldError("origin.outages", "expected a list");
    for (size_t i = 0; i < outages->size(); ++i) {
      EDGESIM_ASSIGN_OR_RETURN(OriginOutage outage,
                               ParseOutage((*outages)[i], IndexPath("origin.outages", i)));
      script.outages.push_back(std::move(outage));
    }
  }
  return script;
}

absl::StatusOr<Scenario> ParseScenario(const nlohmann::json& json, absl::string_view base_dir) {
  if (!json.is_object()) return FieldError("scenario", "expected a JSON object");
  Scenario s;
  s.base_dir = std::string(base_dir);
  if (const nlohmann::json* v = FindField(json, "name")) {
    EDGESIM_ASSIGN_OR_RETURN(s.name, AsString(*v, "name"));
  }
  if (const nlohmann::json* v = FindField(json, "description")) {
    EDGESIM_ASSIGN_OR_RETURN(s.description, AsString(*v, "description"));
  }
  EDGESIM_ASSIGN_OR_RETURN(s.distribution, ParseDistribution(FindField(json, "distribution")));
  const nlohmann::json* origin = FindField(json, "origin");
  EDGESIM_ASSIGN_OR_RETURN(s.origin, ParseOriginScript(origin ? *origin : nlohmann::json()));
  if (const nlohmann::json* steps = FindField(json, "steps")) {
    if (!steps->is_array()) return FieldError("steps", "expected a list");
    for (size_t i = 0; i < steps->size(); ++i) {
      const std::string where = IndexPath("steps", i);
      EDGESIM_ASSIGN_OR_RETURN(Step step, ParseStep((*steps)[i], where));
      if (!s.steps.empty() && step.at < s.steps.back().at) {
        return FieldError(FieldPath(where, "at"), "steps must be in time order");
      }
      s.steps.push_back(std::move(step));
    }
  }
  if (const nlohmann::json* workload = FindField(json, "workload")) {
    if (!workload->is_object()) return FieldError("workload", "expected an object");
    s.workload = *workload;
  }
  const nlohmann::json* variants = FindField(json, "variants");
  const nlohmann::json* grid = FindField(json, "grid");
  EDGESIM_ASSIGN_OR_RETURN(s.variants, ParseVariants(variants ? *variants : nlohmann::json(),
                                                     grid ? *grid : nlohmann::json()));
  return s;
}

absl::StatusOr<Scenario> LoadScenario(const std::string& path) {
  EDGESIM_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path));
  nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    // Parse again for the parser's position; the discarded value has none.
    try {
      const nlohmann::json again = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": ", e.what()));
    }
  }
  const std::string base_dir = std::filesystem::path(path).parent_path().string();
  absl::StatusOr<Scenario> s = ParseScenario(json, base_dir.empty() ? "." : base_dir);
  if (!s.ok()) return absl::Status(s.status().code(), absl::StrCat(path, ": ", s.status().message()));
  return s;
}

}  // namespace edgesim::sim
