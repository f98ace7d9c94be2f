#include "cli/explain.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "policy/behavior_table.h"
#include "policy/invalidation.h"
#include "policy/response_headers_policy.h"
#include "policy/status_macros.h"

namespace edgesim::cli {
namespace {

int64_t Seconds(absl::Duration d) { return absl::ToInt64Seconds(d); }

void ApplyOverride(absl::optional<int64_t> seconds, absl::string_view name, absl::string_view flag,
                   absl::Duration* field, std::vector<std::string>* overrides) {
  if (!seconds) return;
  overrides->push_back(
      absl::StrCat(name, " ", Seconds(*field), " -> ", *seconds, " (--", flag, ")"));
  *field = absl::Seconds(*seconds);
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
  ApplyOverride(input.min_ttl, "MinTTL", "min-ttl", &e.policy.min_ttl, &e.overrides);
  ApplyOverride(input.default_ttl, "DefaultTTL", "default-ttl", &e.policy.default_ttl,
                &e.overrides);
  ApplyOverride(input.max_ttl, "MaxTTL", "max-ttl", &e.policy.max_ttl, &e.overrides);

  e.origin_path = std::string(input.request.path());
  if (e.origin_path == "/" && !config.default_root_object.empty()) {
    e.origin_path = absl::StrCat("/", config.default_root_object);
  }
  e.key = policy::ExplainCacheKey(input.request, distribution.domain_name, e.policy, options);

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

  absl::StrAppend(&out, "\nCache key: ", e.key.ToDisplayString(), "\n");
  for (const policy::CacheKeyComponent& c : e.key.components) {
    const bool named = !c.name.empty() && c.name != c.kind;
    absl::StrAppend(&out, "  ", c.kind, named ? absl::StrCat(" ", c.name) : "", ": ", c.value,
                    "\n");
  }
  absl::StrAppend(&out, absl::StrFormat("  hash: %016x\n", e.key.hash));
  absl::StrAppend(&out, "  invalidation paths match: ", e.key.object_path, "\n");

  absl::StrAppend(&out, "\nTTL: ", e.ttl.reason, "\n");
  for (const std::string& step : e.ttl.steps) absl::StrAppend(&out, "  - ", step, "\n");
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
  j["origin_path"] = e.origin_path;
  j["cache_key"] = e.key.ToDisplayString();
  j["cache_key_hash"] = absl::StrFormat("%016x", e.key.hash);
  j["object_path"] = e.key.object_path;
  nlohmann::json components = nlohmann::json::array();
  for (const policy::CacheKeyComponent& c : e.key.components) {
    components.push_back({{"kind", c.kind}, {"name", c.name}, {"value", c.value}});
  }
  j["cache_key_components"] = components;
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
  return j;
}

}  // namespace edgesim::cli
