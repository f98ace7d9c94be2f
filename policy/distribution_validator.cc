#include "policy/distribution_validator.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "policy/origin_failover.h"
#include "policy/path_pattern.h"

namespace edgesim::policy {
namespace {

constexpr size_t kMaxCacheBehaviors = 75;  // SPEC 1.1 rule 11 (current default quota)

std::string Sub(absl::string_view path, absl::string_view key) {
  return path.empty() ? std::string(key) : absl::StrCat(path, ".", key);
}

std::string ItemPath(absl::string_view path, absl::string_view key, size_t index) {
  return absl::StrCat(Sub(path, key), ".Items[", index, "]");
}

}  // namespace

absl::optional<std::string> OriginPortProblem(int64_t port) {
  if (port == 80 || port == 443 || (port >= 1024 && port <= 65535)) return absl::nullopt;
  return absl::StrCat(port, " is not a port CloudFront connects to: 80, 443 or 1024-65535");
}

std::vector<ConfigProblem> ValidateCachePolicyTtls(const CachePolicy& p,
                                                   absl::string_view location) {
  const int64_t min = absl::ToInt64Seconds(p.min_ttl);
  const int64_t def = absl::ToInt64Seconds(p.default_ttl);
  const int64_t max = absl::ToInt64Seconds(p.max_ttl);
  std::vector<ConfigProblem> out;
  if (min < 0) {
    out.push_back(
        {Sub(location, "MinTTL"), absl::StrCat("MinTTL (", min, ") must not be negative")});
  }
  if (def < min) {
    out.push_back({Sub(location, "DefaultTTL"), absl::StrCat("InvalidTTLOrder: DefaultTTL (", def,
                                                             ") is less than MinTTL (", min, ")")});
  }
  if (max < def) {
    out.push_back({Sub(location, "MaxTTL"), absl::StrCat("InvalidTTLOrder: MaxTTL (", max,
                                                         ") is less than DefaultTTL (", def, ")")});
  }
  return out;
}

std::vector<ConfigProblem> ValidateOriginRequestPolicy(const OriginRequestPolicy& p,
                                                       absl::string_view location) {
  std::vector<ConfigProblem> out;
  const std::string headers = Sub(Sub(location, "HeadersConfig"), "Headers");
  for (const std::string& name : p.headers) {
    // SPEC A11 (Accept-Encoding); SPEC 14.1 (Authorization).
    if (absl::EqualsIgnoreCase(name, "Accept-Encoding") ||
        absl::EqualsIgnoreCase(name, "Authorization")) {
      out.push_back({headers, absl::StrCat("The parameter Headers contains ", name,
                                           " that is not allowed.")});
    }
  }
  if (!p.headers.empty() && (p.header_behavior == OriginHeaderBehavior::kNone ||
                             p.header_behavior == OriginHeaderBehavior::kAllViewer)) {
    out.push_back({headers, absl::StrCat("HeaderBehavior ", ToString(p.header_behavior),
                                         " takes no Headers")});
  }
  if (p.header_behavior == OriginHeaderBehavior::kAllViewerAndWhitelistCloudFront) {
    for (const std::string& name : p.headers) {
      if (!absl::StartsWithIgnoreCase(name, "CloudFront-")) {
        out.push_back({headers, absl::StrCat("HeaderBehavior allViewerAndWhitelistCloudFront "
                                             "lists CloudFront-* headers only, not ",
                                             name)});
      }
    }
  }
  if (p.comment.size() > kMaxOriginRequestPolicyCommentLength) {
    out.push_back({Sub(location, "Comment"),
                   absl::StrCat("The comment cannot be longer than ",
                                kMaxOriginRequestPolicyCommentLength, " characters")});
  }
  return out;
}

absl::string_view ToString(OriginRequestPolicyQuota quota) {
  switch (quota) {
    case OriginRequestPolicyQuota::kHeaders:
      return "TooManyHeadersInOriginRequestPolicy";
    case OriginRequestPolicyQuota::kCookies:
      return "TooManyCookiesInOriginRequestPolicy";
    case OriginRequestPolicyQuota::kQueryStrings:
      return "TooManyQueryStringsInOriginRequestPolicy";
  }
  return "";
}

absl::optional<OriginRequestPolicyQuota> ExceededQuota(const OriginRequestPolicy& p) {
  if (p.headers.size() > kMaxHeadersInOriginRequestPolicy) {
    return OriginRequestPolicyQuota::kHeaders;
  }
  if (p.cookies.names.size() > kMaxCookiesInOriginRequestPolicy) {
    return OriginRequestPolicyQuota::kCookies;
  }
  if (p.query_strings.names.size() > kMaxQueryStringsInOriginRequestPolicy) {
    return OriginRequestPolicyQuota::kQueryStrings;
  }
  return absl::nullopt;
}

namespace {

bool SameSet(std::vector<std::string> a, std::vector<std::string> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return a == b;
}

bool IsOneOf(const std::vector<std::string>& methods,
             std::initializer_list<std::vector<std::string>> sets) {
  return std::any_of(sets.begin(), sets.end(), [&](const auto& s) { return SameSet(methods, s); });
}

bool IsIn(absl::string_view value, std::initializer_list<absl::string_view> allowed) {
  return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

bool IsIn(int value, std::initializer_list<int> allowed) {
  return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

class Validator {
 public:
  Validator(const DistributionConfig& config, absl::string_view root)
      : config_(config), root_(root) {}

  std::vector<ConfigProblem> Run() && {
    CheckOrigins();
    CheckOriginGroups();
    if (config_.behaviors.size() > kMaxCacheBehaviors) {
      Problem(Sub(root_, "CacheBehaviors.Quantity"),
              absl::StrCat("TooManyCacheBehaviors: ", config_.behaviors.size(),
                           " cache behaviors; the limit is ", kMaxCacheBehaviors));
    }
    CheckBehavior(config_.default_behavior, Sub(root_, "DefaultCacheBehavior"));
    for (size_t i = 0; i < config_.behaviors.size(); ++i) {
      const std::string path = ItemPath(root_, "CacheBehaviors", i);
      CheckPathPattern(config_.behaviors[i].path_pattern, Sub(path, "PathPattern"));
      CheckBehavior(config_.behaviors[i], path);
    }
    CheckErrorResponses();
    return std::move(problems_);
  }

 private:
  void Problem(std::string location, std::string message) {
    problems_.push_back({std::move(location), std::move(message)});
  }

  // SPEC 7.3 ranges, in whole seconds as CloudFront takes them.
  void CheckRange(absl::Duration value, int64_t lo, int64_t hi, const std::string& location) {
    CheckRange(absl::ToInt64Seconds(value), lo, hi, location);
  }
  void CheckRange(int64_t value, int64_t lo, int64_t hi, const std::string& location) {
    if (value < lo || value > hi) {
      Problem(location, absl::StrCat(value, " is outside the allowed range ", lo, "-", hi));
    }
  }

  void CheckOrigins() {
    if (config_.origins.empty()) {
      Problem(Sub(root_, "Origins"), "at least one origin is required");
    }
    absl::flat_hash_map<absl::string_view, size_t> first_index;
    for (size_t i = 0; i < config_.origins.size(); ++i) {
      const Origin& o = config_.origins[i];
      const std::string path = ItemPath(root_, "Origins", i);
      if (o.id.empty()) Problem(Sub(path, "Id"), "must not be empty");
      if (auto [it, inserted] = first_index.emplace(o.id, i); !inserted && !o.id.empty()) {
        Problem(Sub(path, "Id"),
                absl::StrCat("duplicate origin Id \"", o.id, "\" (also Items[", it->second, "])"));
      }
      if (o.domain_name.empty()) Problem(Sub(path, "DomainName"), "must not be empty");
      CheckRange(o.connection_attempts, 1, 3, Sub(path, "ConnectionAttempts"));
      CheckRange(o.connection_timeout, 1, 10, Sub(path, "ConnectionTimeout"));
      const std::string config_path =
          Sub(path, UsesS3OriginConfig(o) ? "S3OriginConfig" : "CustomOriginConfig");
      CheckRange(o.read_timeout, 1, 120, Sub(config_path, "OriginReadTimeout"));
      // SPEC 7.3: no shorter than OriginReadTimeout.
      if (o.response_completion_timeout && *o.response_completion_timeout < o.read_timeout) {
        Problem(Sub(path, "ResponseCompletionTimeout"),
                absl::StrCat(absl::ToInt64Seconds(*o.response_completion_timeout),
                             " is shorter than OriginReadTimeout (",
                             absl::ToInt64Seconds(o.read_timeout), ")"));
      }
      if (UsesS3OriginConfig(o)) continue;
      for (const auto& [key, port] : {std::pair<const char*, int64_t>{"HTTPPort", o.http_port},
                                      {"HTTPSPort", o.https_port}}) {
        if (absl::optional<std::string> why = OriginPortProblem(port)) {
          Problem(Sub(config_path, key), *std::move(why));
        }
      }
      CheckRange(o.keepalive_timeout, 1, 120, Sub(config_path, "OriginKeepaliveTimeout"));
      if (!IsIn(o.protocol_policy, {"http-only", "https-only", "match-viewer"})) {
        Problem(Sub(config_path, "OriginProtocolPolicy"),
                absl::StrCat("\"", o.protocol_policy,
                             "\" is not one of http-only, https-only, match-viewer"));
      }
    }
  }

  // SPEC 12.1: at most ten groups, each of two distinct existing origins, failing over on
  // allowed codes only; an Id names one origin or one group, never both.
  void CheckOriginGroups() {
    if (config_.origin_groups.size() > kMaxOriginGroups) {
      Problem(Sub(root_, "OriginGroups.Quantity"),
              absl::StrCat("TooManyOriginGroupsPerDistribution: ", config_.origin_groups.size(),
                           " origin groups; the limit is ", kMaxOriginGroups));
    }
    absl::flat_hash_set<absl::string_view> seen;
    for (size_t i = 0; i < config_.origin_groups.size(); ++i) {
      const OriginGroup& g = config_.origin_groups[i];
      const std::string path = ItemPath(root_, "OriginGroups", i);
      if (g.id.empty()) {
        Problem(Sub(path, "Id"), "must not be empty");
      } else if (config_.FindOrigin(g.id) != nullptr || !seen.insert(g.id).second) {
        Problem(Sub(path, "Id"),
                absl::StrCat("\"", g.id, "\" is already the Id of an origin or origin group"));
      }
      CheckFailoverCodes(g, Sub(path, "FailoverCriteria.StatusCodes"));
      CheckMembers(g, Sub(path, "Members"));
      if (!g.selection_criteria.empty() &&
          !IsIn(g.selection_criteria, {"default", "media-quality-based"})) {
        Problem(Sub(path, "SelectionCriteria"),
                absl::StrCat("\"", g.selection_criteria,
                             "\" is not one of default, media-quality-based"));
      }
    }
  }

  void CheckFailoverCodes(const OriginGroup& g, const std::string& path) {
    if (g.failover_status_codes.empty()) Problem(Sub(path, "Items"), "needs at least one code");
    for (size_t i = 0; i < g.failover_status_codes.size(); ++i) {
      const int code = g.failover_status_codes[i];
      if (std::find(kFailoverStatusCodes.begin(), kFailoverStatusCodes.end(), code) ==
          kFailoverStatusCodes.end()) {
        Problem(absl::StrCat(Sub(path, "Items"), "[", i, "]"),
                absl::StrCat(code,
                             " is not a failover code: 400, 403, 404, 416, 500, 502, "
                             "503 or 504"));
      }
    }
  }

  void CheckMembers(const OriginGroup& g, const std::string& path) {
    if (g.member_origin_ids.size() != 2) {
      Problem(Sub(path, "Quantity"),
              absl::StrCat("an origin group has exactly 2 members (primary, secondary), not ",
                           g.member_origin_ids.size()));
    }
    for (size_t i = 0; i < g.member_origin_ids.size(); ++i) {
      const std::string& id = g.member_origin_ids[i];
      if (config_.FindOrigin(id) == nullptr) {
        Problem(absl::StrCat(path, ".Items[", i, "].OriginId"),
                absl::StrCat("\"", id, "\" names no origin of this distribution"));
      }
    }
  }

  // SPEC 1.1 rule 10: the syntax is PathPattern's to judge, so the table and the config agree.
  void CheckPathPattern(const std::string& pattern, const std::string& location) {
    if (absl::StatusOr<PathPattern> compiled = PathPattern::Compile(pattern); !compiled.ok()) {
      Problem(location, std::string(compiled.status().message()));
    }
  }

  void CheckBehavior(const CacheBehavior& b, const std::string& path) {
    const bool to_group = config_.FindOriginGroup(b.target_origin_id) != nullptr;
    if (config_.FindOrigin(b.target_origin_id) == nullptr && !to_group) {
      Problem(Sub(path, "TargetOriginId"),
              absl::StrCat("\"", b.target_origin_id, "\" names no origin of this distribution"));
    }
    // SPEC 12.1, CloudFront's own wording.
    if (to_group && std::any_of(b.allowed_methods.begin(), b.allowed_methods.end(),
                                [](const std::string& m) { return !MethodFailsOver(m); })) {
      Problem(Sub(path, "AllowedMethods"),
              "The parameter AllowedMethods cannot include POST, PUT, PATCH, or DELETE for a "
              "cached behavior associated with an origin group.");
    }
    if (!IsIn(b.viewer_protocol_policy, {"allow-all", "https-only", "redirect-to-https"})) {
      Problem(Sub(path, "ViewerProtocolPolicy"),
              absl::StrCat("\"", b.viewer_protocol_policy,
                           "\" is not one of allow-all, https-only, redirect-to-https"));
    }
    CheckMethods(b, Sub(path, "AllowedMethods"));
    CheckPolicy(b, path);
  }

  // SPEC 4.1: three allowed sets, two cached sets, cached within allowed.
  void CheckMethods(const CacheBehavior& b, const std::string& path) {
    if (!IsOneOf(b.allowed_methods,
                 {{"GET", "HEAD"},
                  {"GET", "HEAD", "OPTIONS"},
                  {"GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"}})) {
      Problem(
          Sub(path, "Items"),
          absl::StrCat("[", absl::StrJoin(b.allowed_methods, ", "),
                       "] is not one of [GET, HEAD], [GET, HEAD, OPTIONS] or all seven methods"));
    }
    const bool cached_ok = IsOneOf(b.cached_methods, {{"GET", "HEAD"}, {"GET", "HEAD", "OPTIONS"}});
    const bool cached_allowed =
        std::all_of(b.cached_methods.begin(), b.cached_methods.end(), [&](const std::string& m) {
          return std::find(b.allowed_methods.begin(), b.allowed_methods.end(), m) !=
                 b.allowed_methods.end();
        });
    if (!cached_ok || !cached_allowed) {
      Problem(Sub(path, "CachedMethods.Items"),
              absl::StrCat("[", absl::StrJoin(b.cached_methods, ", "),
                           "] must be [GET, HEAD] or [GET, HEAD, OPTIONS], within AllowedMethods"));
    }
  }

  // SPEC 11: a ResponseHeadersPolicyId must name a managed or a given custom policy.
  void CheckResponseHeadersPolicy(const CacheBehavior& b, const std::string& path) {
    if (b.response_headers_policy_id.empty() || b.response_headers_policy.has_value()) return;
    Problem(Sub(path, "ResponseHeadersPolicyId"),
            absl::StrCat("NoSuchResponseHeadersPolicy: \"", b.response_headers_policy_id,
                         "\" is neither a managed nor a given custom response headers policy"));
  }

  void CheckPolicy(const CacheBehavior& b, const std::string& path) {
    CheckResponseHeadersPolicy(b, path);
    const CachePolicy& p = b.cache_policy;
    if (b.cache_policy_id.empty() && !p.legacy) {
      Problem(path, "needs a CachePolicyId or legacy ForwardedValues");
      return;
    }
    if (!b.cache_policy_id.empty()) {
      const std::string id_path = Sub(path, "CachePolicyId");
      if (FindManagedCachePolicy(b.cache_policy_id) == nullptr && p.id != b.cache_policy_id) {
        Problem(id_path, absl::StrCat("NoSuchCachePolicy: \"", b.cache_policy_id,
                                      "\" is neither a managed nor a given custom cache policy"));
        return;
      }
      for (const ConfigProblem& t : ValidateCachePolicyTtls(p, id_path)) {
        Problem(id_path, absl::StrCat("cache policy \"", p.name, "\": ", t.message));
      }
      return;
    }
    for (ConfigProblem& t : ValidateCachePolicyTtls(p, path)) problems_.push_back(std::move(t));
    if (p.legacy_forward_all_headers && p.min_ttl != absl::ZeroDuration()) {
      Problem(Sub(path, "MinTTL"), "ForwardedValues.Headers \"*\" (forward all) requires MinTTL 0");
    }
  }

  // SPEC 7.4 code sets.
  void CheckErrorResponses() {
    absl::flat_hash_set<int> seen;
    for (size_t i = 0; i < config_.custom_error_responses.size(); ++i) {
      const CustomErrorResponse& r = config_.custom_error_responses[i];
      const std::string path = ItemPath(root_, "CustomErrorResponses", i);
      if (!IsIn(r.error_code, {400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504})) {
        Problem(Sub(path, "ErrorCode"),
                absl::StrCat(r.error_code, " cannot have a custom error response"));
      } else if (!seen.insert(r.error_code).second) {
        Problem(Sub(path, "ErrorCode"), absl::StrCat("duplicate ErrorCode ", r.error_code));
      }
      if (r.response_code.has_value() &&
          !IsIn(*r.response_code, {200, 400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504})) {
        Problem(Sub(path, "ResponseCode"),
                absl::StrCat(*r.response_code, " is not an allowed response code"));
      }
      if (!r.response_page_path.empty() && r.response_page_path[0] != '/') {
        Problem(Sub(path, "ResponsePagePath"),
                absl::StrCat("\"", r.response_page_path, "\" must start with /"));
      }
      // API_CustomErrorResponse: a page path and a response code go together.
      if (r.response_page_path.empty() != !r.response_code.has_value()) {
        Problem(Sub(path, r.response_page_path.empty() ? "ResponsePagePath" : "ResponseCode"),
                "ResponsePagePath and ResponseCode must be set together");
      }
      if (r.error_caching_min_ttl.has_value() && *r.error_caching_min_ttl < absl::ZeroDuration()) {
        Problem(Sub(path, "ErrorCachingMinTTL"), "must not be negative");
      }
    }
  }

  const DistributionConfig& config_;
  const std::string root_;
  std::vector<ConfigProblem> problems_;
};

}  // namespace

std::ostream& operator<<(std::ostream& os, const ConfigProblem& problem) {
  return os << problem.location << ": " << problem.message;
}

absl::Status ConfigProblemsStatus(const std::vector<ConfigProblem>& problems) {
  if (problems.empty()) return absl::OkStatus();
  std::vector<std::string> lines;
  for (const ConfigProblem& p : problems)
    lines.push_back(absl::StrCat(p.location, ": ", p.message));
  return absl::InvalidArgumentError(absl::StrJoin(lines, "\n"));
}

std::vector<ConfigProblem> ValidateDistributionConfig(const DistributionConfig& config,
                                                      absl::string_view location) {
  return Validator(config, location).Run();
}

}  // namespace edgesim::policy
