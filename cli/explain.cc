#include "cli/explain.h"

#include <algorithm>
#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/answer_summary.h"
#include "core/edge_functions.h"
#include "core/origin_fetcher.h"
#include "core/request_pipeline.h"
#include "core/topology.h"
#include "policy/behavior_table.h"
#include "policy/invalidation.h"
#include "policy/response_headers_policy.h"
#include "policy/status_macros.h"

namespace edgesim::cli {
namespace {

int64_t Seconds(absl::Duration d) { return absl::ToInt64Seconds(d); }

// Applies the --min-ttl/--default-ttl/--max-ttl what-ifs the way the simulator's variants do
// (policy::OverrideTtls) and says what each TTL became.
void ApplyTtlOverrides(const ExplainInput& in, policy::CachePolicy* policy,
                       std::vector<std::string>* overrides) {
  auto seconds = [](absl::optional<int64_t> s) -> absl::optional<absl::Duration> {
    if (!s) return absl::nullopt;
    return absl::Seconds(*s);
  };
  const policy::CachePolicy before = *policy;
  policy::OverrideTtls(seconds(in.min_ttl), seconds(in.default_ttl), seconds(in.max_ttl), policy);
  auto say = [&](absl::string_view name, absl::string_view flag, bool set, absl::Duration from,
                 absl::Duration to) {
    if (!set && from == to) return;
    overrides->push_back(absl::StrCat(name, " ", Seconds(from), " -> ", Seconds(to), " (",
                                      set ? absl::StrCat("--", flag) : "to fit the overrides",
                                      ")"));
  };
  say("MinTTL", "min-ttl", in.min_ttl.has_value(), before.min_ttl, policy->min_ttl);
  say("DefaultTTL", "default-ttl", in.default_ttl.has_value(), before.default_ttl,
      policy->default_ttl);
  say("MaxTTL", "max-ttl", in.max_ttl.has_value(), before.max_ttl, policy->max_ttl);
}

std::vector<InvalidationVerdict> JudgeInvalidations(const std::vector<std::string>& paths,
                                                    const policy::CacheKey& key) {
  std::vector<InvalidationVerdict> verdicts;
  for (const std::string& path : paths) {
    InvalidationVerdict v;
    v.path = path;
    absl::StatusOr<policy::InvalidationPath> parsed = policy::InvalidationPath::Parse(path);
    v.valid = parsed.ok();
    if (parsed.ok()) {
      v.matches = parsed->Matches(key.object_path);
    } else {
      v.error = std::string(parsed.status().message());
    }
    verdicts.push_back(std::move(v));
  }
  return verdicts;
}

// SPEC 11: the policy applied to the origin's headers (as a miss), compared with them.
void ExplainResponseHeaders(const ExplainInput& input, Explanation* e) {
  if (!e->behavior.response_headers_policy.has_value()) return;
  const policy::ResponseHeadersPolicy& p = *e->behavior.response_headers_policy;
  e->response_headers_policy = p.name.empty() ? p.id : p.name;
  policy::Headers after = input.origin_headers;
  policy::ApplyResponseHeadersPolicy(p, input.request, {"cdn-cache-miss", "", ""}, &after);
  for (const auto& [name, value] : input.origin_headers.fields()) {
    if (!after.Has(name)) e->headers_removed.push_back(name);
  }
  for (const auto& [name, value] : after.fields()) {
    if (input.origin_headers.Get(name) != absl::make_optional(absl::string_view(value))) {
      e->headers_set.push_back(absl::StrCat(name, ": ", value));
    }
  }
}

// The origin of one explained request: its status and headers for the request's own path, 200
// for anything else CloudFront asks on the viewer's behalf (a custom error page).
class ExplainedOrigin : public core::OriginFetcher {
 public:
  ExplainedOrigin(const ExplainInput& input, std::string origin_path)
      : input_(input), origin_path_(std::move(origin_path)) {}

  absl::StatusOr<core::OriginResponse> Fetch(const core::OriginRequest& request,
                                             absl::Time) override {
    core::OriginResponse r;
    if (request.forwarded.path() == origin_path_) {
      r.head.status = input_.origin_status;
      r.head.headers = input_.origin_headers;
    } else {
      r.head.status = 200;
    }
    return r;
  }

 private:
  const ExplainInput& input_;
  const std::string origin_path_;
};

bool HasField(const policy::Headers& headers, const policy::Headers::Field& field) {
  return std::find(headers.fields().begin(), headers.fields().end(), field) !=
         headers.fields().end();
}

// Runs the behavior's viewer-request function on the viewer's request as the pipeline does and
// records what it did; returns the request the key and the origin see.
absl::StatusOr<policy::Request> ExplainViewerRequestFunction(
    const policy::Distribution& distribution, const ExplainInput& input,
    const policy::ModelOptions& options, Explanation& e) {
  for (const policy::FunctionAssociation& a : e.behavior.function_associations) {
    if (a.event_type == "viewer-request") e.viewer_request_function.name = a.name;
  }
  FunctionEffect& effect = e.viewer_request_function;
  if (effect.name.empty()) return input.request;
  EDGESIM_ASSIGN_OR_RETURN(const core::EdgeFunctions functions,
                           core::EdgeFunctions::Create(distribution, options));
  absl::optional<core::ViewerRequestStep> step =
      functions.RunViewerRequest(e.behavior_index, input.request, "");
  if (!step) return input.request;
  effect.target_before = input.request.target;
  if (auto* failure = std::get_if<policy::FunctionFailure>(&*step)) {
    const policy::FunctionFailureAnswer answer = policy::AnswerForFunctionFailure(*failure);
    effect.failure = absl::StrCat(policy::ToString(answer.detail), " (", answer.status, ")");
    return input.request;
  }
  if (auto* response = std::get_if<policy::FunctionResponse>(&*step)) {
    effect.response_status = response->head.status;
    return input.request;
  }
  policy::Request& after = std::get<policy::Request>(*step);
  effect.target_after = after.target;
  for (const policy::Headers::Field& field : after.headers.fields()) {
    if (!HasField(input.request.headers, field)) {
      effect.headers_added.push_back(absl::StrCat(field.first, ": ", field.second));
    }
  }
  for (const policy::Headers::Field& field : input.request.headers.fields()) {
    if (!after.headers.Has(field.first)) effect.headers_removed.push_back(field.first);
  }
  return std::move(after);
}

std::string RenderFunctionEffect(const FunctionEffect& f) {
  std::string out = absl::StrCat("\nViewer-request function ", f.name,
                                 " (runs before the cache key is built, SPEC 15.7):\n");
  if (!f.failure.empty()) {
    absl::StrAppend(&out, "  fails: ", f.failure, "; the viewer gets CloudFront's error\n");
  } else if (f.response_status != 0) {
    absl::StrAppend(&out, "  answers ", f.response_status,
                    " itself: no cache lookup, no origin request\n");
  } else {
    absl::StrAppend(&out, "  URI ", f.target_before,
                    f.target_after == f.target_before ? " (unchanged)"
                                                      : absl::StrCat(" -> ", f.target_after),
                    "\n");
    for (const std::string& h : f.headers_added) absl::StrAppend(&out, "  + ", h, "\n");
    for (const std::string& h : f.headers_removed) absl::StrAppend(&out, "  - removes ", h, "\n");
  }
  return out;
}

// The matched behavior with the explained policy (overrides applied), as the pipeline runs it.
policy::Distribution WithPolicy(const policy::Distribution& distribution, const Explanation& e) {
  policy::Distribution d = distribution;
  policy::CacheBehavior& b = e.behavior_index < 0 ? d.config.default_behavior
                                                  : d.config.behaviors[e.behavior_index];
  b.cache_policy = e.policy;
  return d;
}

// Runs the request through the request pipeline and records what the viewer gets, and whether
// the TTL rules had a say in it.
absl::Status AnswerViewer(const policy::Distribution& distribution, const ExplainInput& input,
                          Explanation& e) {
  const policy::Distribution d = WithPolicy(distribution, e);
  EDGESIM_ASSIGN_OR_RETURN(core::CacheTopology topology, core::MakeTopology({"IAD89-C1"}, {}, {}));
  EDGESIM_ASSIGN_OR_RETURN(std::unique_ptr<core::RequestPipeline> pipeline,
                           core::RequestPipeline::Create(d, topology));
  ExplainedOrigin origin(input, e.origin_path);
  const core::EdgeResult r = pipeline->Handle(0, input.request, input.now, origin);
  e.viewer_status = r.viewer.status;
  e.viewer_gets = core::SummarizeAnswer(r, d.config, input.request);
  if (!r.contacted_origin && r.error_page_replaced_status == 0) {
    e.ttl_not_applied = "the request never reached the origin";
  } else if (r.miss_reason == core::MissReason::kNotCacheableMethod) {
    e.ttl_not_applied = absl::StrCat("the behavior does not cache ", input.request.method,
                                     " responses (CachedMethods, SPEC 4.1)");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Explanation> Explain(const policy::Distribution& distribution,
                                    const ExplainInput& input,
                                    const policy::ModelOptions& options) {
  const policy::DistributionConfig& config = distribution.config;
  EDGESIM_ASSIGN_OR_RETURN(policy::BehaviorTable table,
                           policy::BehaviorTable::Build(config, options));
  policy::BehaviorMatch match = table.Match(input.request.target);

  Explanation e;
  // BehaviorMatch counts the ordered patterns it tested; the default comes after all of them.
  for (int i = 0; i < match.patterns_tried; ++i) {
    e.patterns_tried.push_back(config.behaviors[i].path_pattern);
  }
  if (match.index < 0) e.patterns_tried.push_back("*");
  e.matched_path = match.matched_path;
  e.behavior_index = match.index;
  e.behavior = *match.behavior;
  e.policy = e.behavior.cache_policy;
  ApplyTtlOverrides(input, &e.policy, &e.overrides);

  EDGESIM_ASSIGN_OR_RETURN(const policy::Request request,
                           ExplainViewerRequestFunction(distribution, input, options, e));
  e.origin_path = std::string(request.path());
  if (e.origin_path == "/" && !config.default_root_object.empty()) {
    e.origin_path = absl::StrCat("/", config.default_root_object);
  }
  e.key = policy::ExplainCacheKey(request, distribution.domain_name, e.policy, options);

  policy::Response origin;
  origin.status = input.origin_status;
  origin.headers = input.origin_headers;
  policy::TtlContext context;
  if (input.error_caching_min_ttl) {
    context.error_caching_min_ttl = absl::Seconds(*input.error_caching_min_ttl);
    e.overrides.push_back(absl::StrCat("ErrorCachingMinTTL for ", input.origin_status, " -> ",
                                       *input.error_caching_min_ttl, " (--error-caching-min-ttl)"));
  } else if (const policy::CustomErrorResponse* cer =
                 config.FindCustomErrorResponse(input.origin_status)) {
    context.error_caching_min_ttl = cer->error_caching_min_ttl;
  }
  const policy::Origin* target = config.FindTargetOrigin(e.behavior.target_origin_id);
  context.s3_origin = target != nullptr && target->kind == policy::OriginKind::kS3;
  e.ttl = policy::ExplainTtl(origin, e.policy, input.now, context, options);

  e.invalidations = JudgeInvalidations(input.invalidation_paths, e.key);
  ExplainResponseHeaders(input, &e);
  EDGESIM_RETURN_IF_ERROR(AnswerViewer(distribution, input, e));
  return e;
}

std::string RenderExplanationText(const Explanation& e, const policy::Distribution& distribution) {
  std::string out;
  absl::StrAppend(&out, "Distribution ", distribution.id, " (", distribution.domain_name, ")\n\n");

  absl::StrAppend(&out, "Behavior (first match wins, default last), path matched as \"",
                  e.matched_path, "\":\n");
  for (size_t i = 0; i < e.patterns_tried.size(); ++i) {
    bool last = i + 1 == e.patterns_tried.size();
    bool is_default = last && e.behavior_index < 0;
    absl::StrAppend(&out, "  ", last ? "MATCH " : "no    ",
                    is_default ? "default (*)" : absl::StrCat("#", i, " ", e.patterns_tried[i]),
                    "\n");
  }
  absl::StrAppend(&out, "  -> origin ", e.behavior.target_origin_id, ", cache policy ",
                  e.policy.name.empty() ? "(legacy ForwardedValues)" : e.policy.name, " (Min ",
                  Seconds(e.policy.min_ttl), " / Default ", Seconds(e.policy.default_ttl),
                  " / Max ", Seconds(e.policy.max_ttl), ")\n");
  for (const std::string& o : e.overrides) absl::StrAppend(&out, "  override: ", o, "\n");
  if (e.origin_path != e.matched_path) {
    absl::StrAppend(&out, "  origin request path: ", e.origin_path, "\n");
  }
  if (!e.viewer_request_function.name.empty()) {
    absl::StrAppend(&out, RenderFunctionEffect(e.viewer_request_function));
  }

  absl::StrAppend(&out, "\nCache key: ", e.key.ToDisplayString(), "\n");
  for (const policy::CacheKeyComponent& c : e.key.components) {
    const bool named = !c.name.empty() && c.name != c.kind;
    absl::StrAppend(&out, "  ", c.kind, named ? absl::StrCat(" ", c.name) : "", ": ", c.value,
                    "\n");
  }
  for (const policy::CacheKeyOmission& o : e.key.omitted) {
    absl::StrAppend(&out, "  left out: ", o.kind, " ", o.name, " (", o.why, ")\n");
  }
  absl::StrAppend(&out, absl::StrFormat("  hash: %016x\n", e.key.hash));
  absl::StrAppend(&out, "  invalidation paths match: ", e.key.object_path, "\n");

  if (!e.ttl_not_applied.empty()) {
    absl::StrAppend(&out, "\nTTL: not applied: ", e.ttl_not_applied, "\n");
  } else {
    absl::StrAppend(&out, "\nTTL: ", e.ttl.reason, "\n");
    for (const std::string& step : e.ttl.steps) absl::StrAppend(&out, "  - ", step, "\n");
    for (const std::string& w : e.ttl.warnings) absl::StrAppend(&out, "  warning: ", w, "\n");
  }
  if (!e.response_headers_policy.empty()) {
    absl::StrAppend(&out, "\nResponse headers policy ", e.response_headers_policy,
                    " (viewer only; the cache keeps the origin's headers):\n");
    for (const std::string& name : e.headers_removed) {
      absl::StrAppend(&out, "  - removes ", name, "\n");
    }
    for (const std::string& field : e.headers_set) absl::StrAppend(&out, "  + ", field, "\n");
  }
  if (!e.invalidations.empty()) absl::StrAppend(&out, "\nInvalidations:\n");
  for (const InvalidationVerdict& v : e.invalidations) {
    if (!v.valid) {
      absl::StrAppend(&out, "  ", v.path, ": rejected: ", v.error, "\n");
    } else {
      absl::StrAppend(&out, "  ", v.path, ": ",
                      v.matches ? "removes this object" : "leaves this object cached", "\n");
    }
  }
  absl::StrAppend(&out, "\nviewer gets: ", e.viewer_gets, "\n");
  return out;
}

nlohmann::json RenderExplanationJson(const Explanation& e) {
  nlohmann::json j;
  j["behavior"] = {
      {"index", e.behavior_index},
      {"path_pattern", e.behavior.path_pattern},
      {"target_origin_id", e.behavior.target_origin_id},
      {"cache_policy", e.policy.name},
      {"cache_policy_id", e.behavior.cache_policy_id},
      {"patterns_tried", e.patterns_tried},
      {"matched_path", e.matched_path},
  };
  j["policy"] = {{"min_ttl", Seconds(e.policy.min_ttl)},
                 {"default_ttl", Seconds(e.policy.default_ttl)},
                 {"max_ttl", Seconds(e.policy.max_ttl)},
                 {"overrides", e.overrides}};
  if (const FunctionEffect& f = e.viewer_request_function; !f.name.empty()) {
    j["viewer_request_function"] = {{"name", f.name},
                                    {"target_before", f.target_before},
                                    {"target_after", f.target_after},
                                    {"headers_added", f.headers_added},
                                    {"headers_removed", f.headers_removed},
                                    {"response_status", f.response_status},
                                    {"failure", f.failure}};
  }
  j["origin_path"] = e.origin_path;
  j["cache_key"] = e.key.ToDisplayString();
  j["cache_key_hash"] = absl::StrFormat("%016x", e.key.hash);
  j["object_path"] = e.key.object_path;
  nlohmann::json components = nlohmann::json::array();
  for (const policy::CacheKeyComponent& c : e.key.components) {
    components.push_back({{"kind", c.kind}, {"name", c.name}, {"value", c.value}});
  }
  j["cache_key_components"] = components;
  nlohmann::json omitted = nlohmann::json::array();
  for (const policy::CacheKeyOmission& o : e.key.omitted) {
    omitted.push_back({{"kind", o.kind}, {"name", o.name}, {"why", o.why}});
  }
  j["cache_key_omitted"] = omitted;
  j["ttl"] = {
      {"stored", e.ttl.store},
      {"fresh_seconds", Seconds(e.ttl.fresh_for)},
      {"stale_while_revalidate_seconds", Seconds(e.ttl.stale_while_revalidate)},
      // Absent directive: 0 here, and a 5xx still gets the stale copy for ErrorCachingMinTTL.
      {"stale_if_error_seconds", Seconds(e.ttl.stale_if_error.value_or(absl::ZeroDuration()))},
      {"stale_if_error_directive", e.ttl.stale_if_error.has_value()},
      {"forward_every_request", e.ttl.forward_every_request},
      {"collapsible", e.ttl.collapsible},
      {"source", std::string(policy::ToString(e.ttl.source))},
      {"reason", e.ttl.reason},
      {"steps", e.ttl.steps},
      {"warnings", e.ttl.warnings},
      {"applied", e.ttl_not_applied.empty()},
      {"not_applied_because", e.ttl_not_applied},
  };
  nlohmann::json invalidations = nlohmann::json::array();
  for (const InvalidationVerdict& v : e.invalidations) {
    nlohmann::json item = {{"path", v.path}, {"valid", v.valid}, {"matches", v.matches}};
    if (!v.valid) item["error"] = v.error;
    invalidations.push_back(item);
  }
  j["invalidations"] = invalidations;
  if (!e.response_headers_policy.empty()) {
    j["response_headers_policy"] = {{"name", e.response_headers_policy},
                                    {"removed", e.headers_removed},
                                    {"set", e.headers_set}};
  }
  j["viewer"] = {{"status", e.viewer_status}, {"gets", e.viewer_gets}};
  return j;
}

}  // namespace edgesim::cli
