#include "policy/ttl.h"

#include <algorithm>
#include <concepts>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "policy/ascii_case.h"
#include "policy/cache_control.h"
#include "policy/combined_header.h"
#include "policy/conditional_request.h"
#include "policy/http_date.h"

namespace edgesim::policy {
namespace {

constexpr absl::Duration kZero = absl::ZeroDuration();

// Seconds the way CloudFront's settings and directives spell them: "600" (Expires - now may
// leave a fraction: "99.500").
std::string Secs(absl::Duration d) {
  if (d == absl::Trunc(d, absl::Seconds(1))) return absl::StrCat(absl::ToInt64Seconds(d));
  return absl::StrFormat("%.3f", absl::ToDoubleSeconds(d));
}

// A length of time in prose: "600s".
std::string Span(absl::Duration d) { return absl::StrCat(Secs(d), "s"); }

std::string Optional(const absl::optional<absl::Duration>& d) {
  return d.has_value() ? Span(*d) : "none";
}

// The decision being derived, with its prose only when explaining. Prose is passed as a literal
// or as a callable that builds it, run only when explaining: DecideTtl formats nothing.
//
// TtlDecision's fields are gathered here and the TtlDecision built once, by Finish: one made up
// front is zero-filled with a `rep stos` and then copied out, which took a fifth of DecideTtl.
struct Derivation {
  explicit Derivation(bool explain) : explain(explain) {}

  bool explain;
  bool store = false;
  absl::Duration fresh_for = kZero;
  absl::Duration stale_while_revalidate = kZero;
  absl::optional<absl::Duration> stale_if_error;
  bool forward_every_request = false;
  TtlSource source = TtlSource::kNotCacheable;
  std::string reason;
  std::vector<std::string> steps;
  std::vector<std::string> warnings;

  void Step(const char* text) {
    if (explain) steps.emplace_back(text);
  }
  template <std::invocable Text>
  void Step(Text&& text) {
    if (explain) steps.emplace_back(text());
  }

  template <std::invocable Text>
  void Warn(Text&& text) {
    if (explain) warnings.emplace_back(text());
  }

  // Sets the outcome; the reason is also the derivation's step at that point.
  template <std::invocable Reason>
  void Conclude(bool store_it, absl::Duration fresh, TtlSource by, Reason&& why) {
    store = store_it;
    fresh_for = fresh;
    source = by;
    if (!explain) return;
    reason = why();
    steps.push_back(absl::StrCat("=> ", reason));
  }
  void Conclude(bool store_it, absl::Duration fresh, TtlSource by, const char* why) {
    Conclude(store_it, fresh, by, [why] { return std::string(why); });
  }

  TtlDecision Finish() {
    return {.store = store,
            .fresh_for = fresh_for,
            .stale_while_revalidate = stale_while_revalidate,
            .stale_if_error = stale_if_error,
            .forward_every_request = forward_every_request,
            .collapsible = store && fresh_for > kZero && !forward_every_request,
            .source = source,
            .reason = std::move(reason),
            .steps = std::move(steps),
            .warnings = std::move(warnings)};
  }
};

// ---- Status classes (SPEC 3.5, 4.2) ------------------------------------------------------------

enum class StatusClass {
  kCacheable,          // 2xx/3xx: SPEC 3.2
  kErrorAlwaysCached,  // 404, 414, 500-504
  kErrorNeedsMaxAge,   // 400, 403, 405, 412, 415: only with max-age or s-maxage
  kNeverCached,
};

// `why`, unless null, is set to the rule that applies, for the explanation.
StatusClass ClassifyStatus(int status, bool has_cache_control, const ModelOptions& options,
                           std::string* why) {
  auto say = [why](const auto&... pieces) {
    if (why != nullptr) *why = absl::StrCat(pieces...);
  };
  switch (status) {
    case 307:
    case 308:
      // DG/http-3xx-status-codes.html: "CloudFront caches 307 and 308 responses only when you
      // include the Cache-Control header" (Expires alone does not count; SPEC 4.2).
      if (!has_cache_control) {
        say(status, " without Cache-Control is never cached (SPEC 4.2)");
        return StatusClass::kNeverCached;
      }
      break;
    case 404:
    case 414:
    case 500:
    case 501:
    case 502:
    case 503:
    case 504:
      say(status, " is always cached as an error (SPEC 3.5)");
      return StatusClass::kErrorAlwaysCached;
    case 400:
    case 403:
    case 405:
    case 412:
    case 415:
      say(status, " is cached only with max-age or s-maxage (SPEC 3.5)");
      return StatusClass::kErrorNeedsMaxAge;
    case 416:
      say("416 is never cached, whatever its headers or ErrorCachingMinTTL (SPEC 3.5)");
      return StatusClass::kNeverCached;
    case 304:
      say("304 is a revalidation result, not a cacheable object (SPEC 4.2)");
      return StatusClass::kNeverCached;
  }
  if (status >= 200 && status < 400) {
    say(status, " follows the TTL rules (SPEC 3.2)");
    return StatusClass::kCacheable;
  }
  if (status >= 400 && status < 600) {
    // UNCONFIRMED (SPEC 3.5, SPEC B9): statuses missing from the documented lists.
    if (options.cache_undocumented_error_statuses) {
      say(status,
          " is undocumented; option cache_undocumented_error_statuses: "
          "cached only with max-age or s-maxage (UNCONFIRMED)");
      return StatusClass::kErrorNeedsMaxAge;
    }
    say(status,
        " is not in SPEC 3.5's lists: not cached (UNCONFIRMED, "
        "Appendix B 9)");
    return StatusClass::kNeverCached;
  }
  say("status ", status, " is not cacheable");
  return StatusClass::kNeverCached;
}

// ---- The origin's freshness headers (SPEC 3.2) -------------------------------------------------

struct HeaderTtl {
  absl::Duration ttl;
  TtlSource source;
  // How reasons name the header: "max-age=3600", "Expires (now+600)"; empty unless explaining.
  std::string text = {};
};

// "no-store, private": the SPEC 3.2 first-row directives present, for reasons.
std::string DirectiveNames(const ResponseCacheControl& cc) {
  std::vector<absl::string_view> names;
  if (cc.no_cache) names.push_back("no-cache");
  if (cc.no_store) names.push_back("no-store");
  if (cc.is_private) names.push_back("private");
  return absl::StrJoin(names, ", ");
}

HeaderTtl DirectiveTtl(const Response& response, absl::Duration value, TtlSource source,
                       absl::string_view name, const ModelOptions& options, Derivation& x) {
  HeaderTtl h{value, source};
  if (x.explain) h.text = absl::StrCat(name, "=", Secs(value));
  const absl::optional<absl::string_view> age_header = response.headers.Get("Age");
  const absl::optional<absl::Duration> age =
      age_header.has_value() ? ParseDeltaSeconds(*age_header) : absl::nullopt;
  if (!age.has_value()) return h;
  // UNCONFIRMED (SPEC 3.2, SPEC B7): whether the origin's Age shortens max-age/s-maxage.
  if (!options.subtract_origin_age) {
    x.Step([&] {
      return absl::StrCat("origin Age ", Secs(*age), " not subtracted (UNCONFIRMED, Appendix B 7)");
    });
    return h;
  }
  h.ttl = std::max(kZero, value - *age);
  if (x.explain) h.text = absl::StrCat(h.text, " minus Age ", Secs(*age));
  x.Step([&] {
    return absl::StrCat("option subtract_origin_age (UNCONFIRMED): ", h.text, " = ", Secs(h.ttl));
  });
  return h;
}

// UNCONFIRMED (SPEC 3.2, SPEC B6): Expires minus now (or the origin's Date, by option);
// several, invalid or past Expires headers mean "already expired".
HeaderTtl ExpiresTtl(const Response& response, absl::Time now, const ModelOptions& options,
                     Derivation& x) {
  const std::vector<absl::string_view> values = response.headers.GetAll("Expires");
  HeaderTtl h{kZero, TtlSource::kExpires};
  if (x.explain) h.text = "Expires (invalid)";
  if (values.size() > 1) {
    x.Step("several Expires headers: invalid, already expired (UNCONFIRMED, Appendix B 6)");
    return h;
  }
  const absl::optional<absl::Time> expires = ParseHttpDate(values[0]);
  if (!expires.has_value()) {
    x.Step([&] {
      return absl::StrCat("Expires \"", values[0],
                          "\" is not an HTTP-date: already expired (UNCONFIRMED, Appendix B 6)");
    });
    return h;
  }
  absl::Time base = now;
  absl::string_view base_name = "now";
  if (options.expires_relative_to_origin_date) {
    const absl::optional<absl::string_view> date = response.headers.Get("Date");
    const absl::optional<absl::Time> origin_date =
        date.has_value() ? ParseHttpDate(*date) : absl::nullopt;
    if (origin_date.has_value()) {
      base = *origin_date;
      base_name = "the origin's Date";
    }
    x.Step([&] {
      return absl::StrCat(
          "option expires_relative_to_origin_date (UNCONFIRMED): Expires measured from ",
          base_name);
    });
  }
  const absl::Duration remaining = *expires - base;
  h.ttl = std::max(kZero, remaining);
  if (x.explain) {
    h.text = remaining > kZero ? absl::StrCat("Expires (", base_name, "+", Secs(remaining), ")")
                               : "Expires (in the past)";
  }
  x.Step([&] {
    return absl::StrCat("Expires: ", values[0], " is ", Span(remaining), " from ", base_name);
  });
  return h;
}

// SPEC 3.2 precedence: s-maxage > max-age > Expires. nullopt when the origin sent none of them.
absl::optional<HeaderTtl> OriginHeaderTtl(const Response& response, const ResponseCacheControl& cc,
                                          absl::Time now, const ModelOptions& options,
                                          Derivation& x) {
  const bool has_expires = response.headers.Has("Expires");
  if (cc.s_maxage.has_value()) {
    if (cc.max_age.has_value()) {
      x.Step([&] {
        return absl::StrCat("s-maxage wins over max-age=", Secs(*cc.max_age),
                            ", which only governs browsers");
      });
    }
    if (has_expires) x.Step("s-maxage wins over Expires");
    return DirectiveTtl(response, *cc.s_maxage, TtlSource::kSMaxAge, "s-maxage", options, x);
  }
  if (cc.max_age.has_value()) {
    if (has_expires) x.Step("max-age wins over Expires, which is ignored");
    return DirectiveTtl(response, *cc.max_age, TtlSource::kMaxAge, "max-age", options, x);
  }
  if (has_expires) return ExpiresTtl(response, now, options, x);
  return absl::nullopt;
}

// ---- 2xx / 3xx (SPEC 3.2, 3.3) -----------------------------------------------------------------

// SPEC 3.3, SPEC B5: a response whose TTL is 0 is kept, already expired, only so that every
// request can revalidate it (a 304 is a RefreshHit); without a validator (ETag or Last-Modified)
// there is nothing to revalidate with, so it is not stored (UNCONFIRMED; option
// store_expired_without_validator). `why` names the rule that gave the TTL 0; it is called only
// when explaining.
template <std::invocable Why>
void ConcludeExpired(const Response& response, TtlSource source, const ModelOptions& options,
                     Derivation& x, Why&& why) {
  const bool validator = HasValidators(response.headers);
  const bool store = validator || options.store_expired_without_validator;
  x.Conclude(store, kZero, source, [&] {
    if (validator) return absl::StrCat(why(), ": stored, revalidated on every request");
    if (store) {
      return absl::StrCat(why(),
                          ": stored without ETag or Last-Modified, refetched on every request "
                          "(option store_expired_without_validator, UNCONFIRMED)");
    }
    return absl::StrCat(why(),
                        ": no ETag or Last-Modified to revalidate with, not stored (UNCONFIRMED, "
                        "Appendix B 5)");
  });
}

// SPEC 3.2's first row: no-cache/no-store/private.
void DecideDirective(const Response& response, const ResponseCacheControl& cc,
                     const CachePolicy& policy, const ModelOptions& options, Derivation& x) {
  if (cc.max_age.has_value() || cc.s_maxage.has_value()) {
    x.Step([&] {
      return absl::StrCat(DirectiveNames(cc),
                          " wins over max-age/s-maxage (UNCONFIRMED, Appendix B 5)");
    });
  }
  if (policy.min_ttl > kZero) {
    return x.Conclude(true, policy.min_ttl, TtlSource::kMinTtlOverride, [&] {
      return absl::StrCat(DirectiveNames(cc), " overridden by MinTTL ", Secs(policy.min_ttl));
    });
  }
  // UNCONFIRMED (SPEC 3.3, SPEC B5): which TTL-0 responses keep a copy to revalidate.
  if (cc.no_store || cc.is_private) {
    return x.Conclude(false, kZero, TtlSource::kNoCacheDirective, [&] {
      return absl::StrCat(DirectiveNames(cc),
                          " with MinTTL 0: not stored (UNCONFIRMED, Appendix B 5)");
    });
  }
  if (!options.store_no_cache_for_revalidation) {
    return x.Conclude(false, kZero, TtlSource::kNoCacheDirective,
                      "no-cache with MinTTL 0: not stored (option "
                      "store_no_cache_for_revalidation off, UNCONFIRMED)");
  }
  ConcludeExpired(response, TtlSource::kNoCacheDirective, options, x,
                  [] { return "no-cache with MinTTL 0 (SPEC 3.3)"; });
}

// UNCONFIRMED (SPEC 3.2, SPEC B5): with no_cache_beats_max_age off, an explicit
// max-age/s-maxage wins over a bare no-cache (never over no-store or private).
bool ExplicitTtlBeatsNoCache(const ResponseCacheControl& cc, const ModelOptions& options,
                             Derivation& x) {
  if (options.no_cache_beats_max_age || cc.no_store || cc.is_private ||
      (!cc.max_age.has_value() && !cc.s_maxage.has_value())) {
    return false;
  }
  x.Step("option no_cache_beats_max_age off (UNCONFIRMED): max-age/s-maxage wins over no-cache");
  return true;
}

// SPEC 3.2: min(max(header, MinTTL), MaxTTL). `reason`, unless null, says which bound applied.
absl::Duration ClampToPolicy(const HeaderTtl& h, const CachePolicy& policy, std::string* reason) {
  if (h.ttl < policy.min_ttl) {
    if (reason) *reason = absl::StrCat(h.text, " raised to MinTTL ", Secs(policy.min_ttl));
    return policy.min_ttl;
  }
  if (h.ttl > policy.max_ttl) {
    if (reason) *reason = absl::StrCat(h.text, " capped by MaxTTL ", Secs(policy.max_ttl));
    return policy.max_ttl;
  }
  if (reason) {
    *reason = absl::StrCat(h.text, " within MinTTL ", Secs(policy.min_ttl), " and MaxTTL ",
                           Secs(policy.max_ttl));
  }
  return h.ttl;
}

// The origin asked for one TTL and the policy imposed another (SPEC 3.2): the most common
// surprise, so explain says it apart from the derivation.
void WarnClamped(const HeaderTtl& h, absl::Duration applied, Derivation& x) {
  x.Warn([&] {
    return absl::StrCat("the origin's ", h.text, " is ", h.ttl < applied ? "below MinTTL" : "above MaxTTL",
                        ": clamped to ", Span(applied), " (SPEC 3.2)");
  });
}

void DecideCacheable(const Response& response, const ResponseCacheControl& cc,
                     const CachePolicy& policy, absl::Time now, const ModelOptions& options,
                     Derivation& x) {
  if (cc.has_no_cache_no_store_or_private() && !ExplicitTtlBeatsNoCache(cc, options, x)) {
    return DecideDirective(response, cc, policy, options, x);
  }
  const absl::optional<HeaderTtl> header = OriginHeaderTtl(response, cc, now, options, x);
  if (!header.has_value()) {
    // SPEC 3.9 row 23: DefaultTTL 0 without a header is TTL 0 like max-age=0 below.
    auto why = [&] {
      return absl::StrCat("no max-age, s-maxage or Expires: DefaultTTL ", Secs(policy.default_ttl));
    };
    if (policy.default_ttl <= kZero) {
      return ConcludeExpired(response, TtlSource::kDefaultTtl, options, x, why);
    }
    return x.Conclude(true, policy.default_ttl, TtlSource::kDefaultTtl, why);
  }
  std::string reason;
  const absl::Duration ttl = ClampToPolicy(*header, policy, x.explain ? &reason : nullptr);
  if (ttl != header->ttl) WarnClamped(*header, ttl, x);
  // SPEC 3.3: max-age=0, s-maxage=0 and a past Expires give TTL 0.
  if (ttl <= kZero) {
    return ConcludeExpired(response, header->source, options, x, [&] { return std::move(reason); });
  }
  x.Conclude(true, ttl, header->source, [&] { return std::move(reason); });
}

// ---- 4xx / 5xx (SPEC 3.5) ----------------------------------------------------------------------

template <std::invocable Reason>
void ConcludeError(Derivation& x, absl::Duration ttl, TtlSource source, Reason&& reason) {
  x.Conclude(ttl > kZero, ttl, source, [&] {
    std::string text = reason();
    if (ttl == kZero) absl::StrAppend(&text, ": not cached");
    return text;
  });
}

void DecideError(const Response& response, StatusClass status_class, const ResponseCacheControl& cc,
                 const CachePolicy& policy, absl::Time now, const TtlContext& context,
                 const ModelOptions& options, Derivation& x) {
  const int status = response.status;
  if (context.s3_origin && status == 501 && cc.has_no_cache_no_store_or_private()) {
    return x.Conclude(false, kZero, TtlSource::kNotCacheable, [&] {
      return absl::StrCat("501 from an S3 origin with ", DirectiveNames(cc),
                          " is never cached, whatever MinTTL (SPEC 3.3)");
    });
  }
  if (status_class == StatusClass::kErrorNeedsMaxAge && !cc.max_age.has_value() &&
      !cc.s_maxage.has_value()) {
    return x.Conclude(false, kZero, TtlSource::kNotCacheable, [&] {
      return absl::StrCat(status, " without max-age or s-maxage: not cached (SPEC 3.5)");
    });
  }
  const absl::Duration min_ttl =
      context.error_caching_min_ttl.value_or(options.default_error_caching_min_ttl);
  x.Step([&] {
    return absl::StrCat(
        "ErrorCachingMinTTL ", Secs(min_ttl),
        context.error_caching_min_ttl.has_value() ? " (CustomErrorResponse)" : " (default)");
  });
  if (cc.has_no_cache_no_store_or_private()) {
    x.Step([&] {
      return absl::StrCat(DirectiveNames(cc), " has no effect on error caching (SPEC 3.5)");
    });
  }
  const absl::optional<HeaderTtl> header = OriginHeaderTtl(response, cc, now, options, x);
  if (!header.has_value()) {
    return ConcludeError(x, min_ttl, TtlSource::kErrorCachingMinTtl, [&] {
      return absl::StrCat(status, " without max-age, s-maxage or Expires: ErrorCachingMinTTL ",
                          Secs(min_ttl));
    });
  }
  // error_ttl = max(ErrorCachingMinTTL, min(header, MaxTTL)); MinTTL plays no part.
  const bool capped_by_max_ttl = header->ttl > policy.max_ttl;
  const absl::Duration capped = capped_by_max_ttl ? policy.max_ttl : header->ttl;
  if (capped_by_max_ttl) WarnClamped(*header, capped, x);
  auto header_text = [&] {
    return capped_by_max_ttl
               ? absl::StrCat(header->text, " capped by MaxTTL ", Secs(policy.max_ttl))
               : header->text;
  };
  if (capped > min_ttl) {
    return ConcludeError(x, capped, header->source, [&] {
      return absl::StrCat(status, ": ", header_text(), " beats ErrorCachingMinTTL ", Secs(min_ttl));
    });
  }
  ConcludeError(x, min_ttl, TtlSource::kErrorCachingMinTtl, [&] {
    return absl::StrCat(status, ": ErrorCachingMinTTL ", Secs(min_ttl), " beats ", header_text());
  });
}

// ---- After the TTL: stale windows (SPEC 3.6) and Vary: * (SPEC 3.4) ----------------------------

// UNCONFIRMED (SPEC 3.6, SPEC B10): min(directive, MaxTTL) counted from expiry, or by option
// whatever is left of MaxTTL since the object was stored.
absl::Duration StaleWindow(absl::Duration directive, const CachePolicy& policy,
                           absl::Duration fresh_for, const ModelOptions& options) {
  const absl::Duration cap = options.stale_window_capped_at_max_ttl_since_store
                                 ? std::max(kZero, policy.max_ttl - fresh_for)
                                 : policy.max_ttl;
  return std::min(directive, cap);
}

void ApplyStaleWindows(const ResponseCacheControl& cc, const CachePolicy& policy,
                       const ModelOptions& options, Derivation& x) {
  const bool any = cc.stale_while_revalidate.has_value() || cc.stale_if_error.has_value();
  if (any && options.stale_window_capped_at_max_ttl_since_store) {
    x.Step(
        "option stale_window_capped_at_max_ttl_since_store (UNCONFIRMED): stale windows end "
        "MaxTTL after storing");
  }
  if (cc.stale_while_revalidate.has_value()) {
    x.stale_while_revalidate =
        StaleWindow(*cc.stale_while_revalidate, policy, x.fresh_for, options);
    x.Step([&] {
      return absl::StrCat("stale-while-revalidate=", Secs(*cc.stale_while_revalidate),
                          ": stale served while refreshing for ", Span(x.stale_while_revalidate),
                          " after expiry (MaxTTL ", Secs(policy.max_ttl), ")");
    });
  }
  if (cc.stale_if_error.has_value()) {
    x.stale_if_error = StaleWindow(*cc.stale_if_error, policy, x.fresh_for, options);
    x.Step([&] {
      return *x.stale_if_error == kZero
                 ? absl::StrCat("stale-if-error=", Secs(*cc.stale_if_error),
                                ": never served stale on an origin error (SPEC 3.3)")
                 : absl::StrCat("stale-if-error=", Secs(*cc.stale_if_error),
                                ": stale served on origin errors for ", Span(*x.stale_if_error),
                                " after expiry (MaxTTL ", Secs(policy.max_ttl), ")");
    });
  }
}

bool HasVaryStar(const Response& response) {
  for (const Headers::Field& field : response.headers.fields()) {
    if (!EqualsLowercaseLiteral(field.first, "vary")) continue;
    for (absl::string_view name : absl::StrSplit(field.second, ',')) {
      if (absl::StripAsciiWhitespace(name) == "*") return true;
    }
  }
  return false;
}

void ApplyVaryStar(const Response& response, const CachePolicy& policy, Derivation& x) {
  if (!HasVaryStar(response)) return;
  if (policy.min_ttl > kZero) {
    x.Step("Vary: * with MinTTL > 0 is handled like any other Vary (SPEC 3.4, 3.8)");
    return;
  }
  x.forward_every_request = true;
  x.stale_while_revalidate = kZero;
  x.Conclude(true, kZero, TtlSource::kVaryStar,
             "Vary: * with MinTTL 0: stored, but every request goes to the origin without "
             "conditional headers (SPEC 3.4)");
}

std::string Summary(const TtlDecision& d) {
  if (!d.store) return "not stored";
  return absl::StrCat("stored, ",
                      d.fresh_for > kZero ? absl::StrCat("fresh for ", Span(d.fresh_for))
                                          : std::string("expired at once"),
                      d.collapsible ? ", collapsible" : ", not collapsible (SPEC 7.2)");
}

// DecideTtl, with the prose when `explain`.
TtlDecision DeriveTtl(const Response& origin_response, const CachePolicy& policy, absl::Time now,
                      const TtlContext& context, const ModelOptions& options, bool explain) {
  Derivation x(explain);
  std::string scratch;
  const absl::optional<absl::string_view> header =
      CombinedHeaderValue(origin_response.headers, "Cache-Control", &scratch);
  const ResponseCacheControl cc = ParseResponseCacheControl(header.value_or(""));
  x.Step([&] {
    return absl::StrCat("MinTTL ", Secs(policy.min_ttl), ", DefaultTTL ", Secs(policy.default_ttl),
                        ", MaxTTL ", Secs(policy.max_ttl));
  });
  x.Step([&] {
    return header.has_value() ? absl::StrCat("Cache-Control: ", *header)
                              : std::string("no Cache-Control");
  });

  if (policy.legacy_forward_all_headers) {
    x.Conclude(false, kZero, TtlSource::kCachingDisabled,
               "legacy behavior forwards all headers: nothing is cached (SPEC 2.5)");
  } else if (policy.max_ttl <= kZero) {
    x.Conclude(false, kZero, TtlSource::kCachingDisabled,
               "MaxTTL 0 (CachingDisabled): nothing is cached, errors included (SPEC 3.3)");
  } else {
    std::string why;
    const StatusClass status_class = ClassifyStatus(origin_response.status, header.has_value(),
                                                    options, explain ? &why : nullptr);
    x.Step([&] { return why; });
    switch (status_class) {
      case StatusClass::kCacheable:
        DecideCacheable(origin_response, cc, policy, now, options, x);
        break;
      case StatusClass::kErrorAlwaysCached:
      case StatusClass::kErrorNeedsMaxAge:
        DecideError(origin_response, status_class, cc, policy, now, context, options, x);
        break;
      case StatusClass::kNeverCached:
        x.Conclude(false, kZero, TtlSource::kNotCacheable, [&] { return why; });
        break;
    }
  }
  if (x.store) {
    ApplyStaleWindows(cc, policy, options, x);
    ApplyVaryStar(origin_response, policy, x);
  }
  TtlDecision d = x.Finish();
  if (explain) d.steps.push_back(Summary(d));
  return d;
}

}  // namespace

absl::string_view ToString(TtlSource source) {
  switch (source) {
    case TtlSource::kDefaultTtl:
      return "default_ttl";
    case TtlSource::kSMaxAge:
      return "s-maxage";
    case TtlSource::kMaxAge:
      return "max-age";
    case TtlSource::kExpires:
      return "expires";
    case TtlSource::kNoCacheDirective:
      return "no_cache_directive";
    case TtlSource::kMinTtlOverride:
      return "min_ttl_override";
    case TtlSource::kErrorCachingMinTtl:
      return "error_caching_min_ttl";
    case TtlSource::kVaryStar:
      return "vary_star";
    case TtlSource::kCachingDisabled:
      return "caching_disabled";
    case TtlSource::kNotCacheable:
      return "not_cacheable";
  }
  return "not_cacheable";
}

std::ostream& operator<<(std::ostream& os, TtlSource source) { return os << ToString(source); }

std::ostream& operator<<(std::ostream& os, const TtlContext& context) {
  return os << "{error_caching_min_ttl=" << Optional(context.error_caching_min_ttl)
            << " s3_origin=" << context.s3_origin << "}";
}

std::ostream& operator<<(std::ostream& os, const TtlDecision& d) {
  return os << "{store=" << d.store << " fresh_for=" << Span(d.fresh_for)
            << " stale_while_revalidate=" << Span(d.stale_while_revalidate)
            << " stale_if_error=" << Optional(d.stale_if_error)
            << " forward_every_request=" << d.forward_every_request
            << " collapsible=" << d.collapsible << " source=" << d.source << " reason=\""
            << d.reason << "\" steps=[" << absl::StrJoin(d.steps, " | ") << "]}";
}

std::ostream& operator<<(std::ostream& os, const StaleOnErrorDecision& d) {
  return os << "{serve_stale=" << d.serve_stale << " serve_for=" << Span(d.serve_for)
            << " retry_origin_each_request=" << d.retry_origin_each_request << " reason=\""
            << d.reason << "\"}";
}

TtlDecision DecideTtl(const Response& origin_response, const CachePolicy& policy, absl::Time now,
                      const TtlContext& context, const ModelOptions& options) {
  return DeriveTtl(origin_response, policy, now, context, options, /*explain=*/false);
}

TtlDecision ExplainTtl(const Response& origin_response, const CachePolicy& policy, absl::Time now,
                       const TtlContext& context, const ModelOptions& options) {
  return DeriveTtl(origin_response, policy, now, context, options, /*explain=*/true);
}

StaleOnErrorDecision DecideStaleOnError(const TtlDecision& stored, int origin_status,
                                        absl::Duration expired_for,
                                        absl::optional<absl::Duration> error_caching_min_ttl,
                                        const ModelOptions& options) {
  const std::string failure = origin_status == 0 ? std::string("origin unreachable")
                                                 : absl::StrCat("origin ", origin_status);
  const bool origin_failed = origin_status == 0 || (origin_status >= 500 && origin_status < 600);
  if (!stored.store) return {.reason = "no stored copy to fall back on"};
  if (!origin_failed) {
    return {.reason = absl::StrCat(failure, origin_status >= 400
                                                ? ": the error is returned, not the stale copy "
                                                  "(SPEC 3.5)"
                                                : " is not a failure: nothing stale to serve")};
  }
  if (stored.stale_if_error.has_value()) {
    const absl::Duration window = *stored.stale_if_error;
    const absl::Duration expired = std::max(kZero, expired_for);
    if (expired < window) {
      return {.serve_stale = true,
              .serve_for = window - expired,
              .retry_origin_each_request = true,
              .reason = absl::StrCat(failure,
                                     ": stale copy served inside the stale-if-error "
                                     "window (",
                                     Span(expired), " of ", Span(window),
                                     " after expiry); the origin is tried on each request "
                                     "(SPEC 3.6)")};
    }
    return {.reason = absl::StrCat(failure, ": the stale-if-error window of ", Span(window),
                                   " is over, the error is returned (SPEC 3.3, 3.6)")};
  }
  const absl::Duration min_ttl =
      error_caching_min_ttl.value_or(options.default_error_caching_min_ttl);
  return {.serve_stale = true,
          .serve_for = min_ttl,
          .reason = absl::StrCat(failure, ": stale copy served for ErrorCachingMinTTL ",
                                 Secs(min_ttl), ", then the origin is retried (SPEC 3.5)")};
}

}  // namespace edgesim::policy
