#include "policy/cache_policy.h"

#include <algorithm>
#include <array>
#include <utility>

#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "policy/ascii_case.h"
#include "policy/path_pattern.h"

namespace edgesim::policy {
namespace {

constexpr std::array<std::pair<KeyListBehavior, absl::string_view>, 4> kBehaviorNames = {{
    {KeyListBehavior::kNone, "none"},
    {KeyListBehavior::kWhitelist, "whitelist"},
    {KeyListBehavior::kAllExcept, "allExcept"},
    {KeyListBehavior::kAll, "all"},
}};

KeyList None() { return {}; }
KeyList All() { return {KeyListBehavior::kAll, {}}; }
KeyList Whitelist(std::vector<std::string> names) {
  return {KeyListBehavior::kWhitelist, std::move(names)};
}

struct Compression {
  bool gzip;
  bool brotli;
};
constexpr Compression kGzipAndBrotli = {true, true};
constexpr Compression kGzipOnly = {true, false};
constexpr Compression kNoCompression = {false, false};

CachePolicy Managed(std::string id, std::string api_name, int64_t min_ttl, int64_t default_ttl,
                    int64_t max_ttl, KeyList headers, KeyList cookies, KeyList query_strings,
                    Compression compression) {
  CachePolicy p;
  p.id = std::move(id);
  p.name = std::move(api_name);
  p.min_ttl = absl::Seconds(min_ttl);
  p.default_ttl = absl::Seconds(default_ttl);
  p.max_ttl = absl::Seconds(max_ttl);
  p.headers = std::move(headers);
  p.cookies = std::move(cookies);
  p.query_strings = std::move(query_strings);
  p.enable_accept_encoding_gzip = compression.gzip;
  p.enable_accept_encoding_brotli = compression.brotli;
  return p;
}

// SPEC 2.6, row by row.
std::vector<CachePolicy> BuildManagedCachePolicies() {
  constexpr int64_t kDay = 86400;
  constexpr int64_t kYear = 31536000;
  const std::vector<std::string> origin_cache_control_headers = {
      "Host", "Origin", "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"};
  const std::vector<std::string> amplify_default_headers = {"Accept", "Authorization",
                                                            "CloudFront-Viewer-Country", "Host"};
  return {
      Managed("658327ea-f89d-4fab-a63d-7e88639e58f6", "Managed-CachingOptimized", 1, kDay, kYear,
              None(), None(), None(), kGzipAndBrotli),
      Managed("b2884449-e4de-46a7-ac36-70bc7f1ddd6d",
              "Managed-CachingOptimizedForUncompressedObjects", 1, kDay, kYear, None(), None(),
              None(), kNoCompression),
      Managed("4135ea2d-6df8-44a3-9df3-4b5a84be39ad", "Managed-CachingDisabled", 0, 0, 0, None(),
              None(), None(), kNoCompression),
      Managed("08627262-05a9-4f76-9ded-b50ca2e3a84f", "Managed-Elemental-MediaPackage", 0, kDay,
              kYear, Whitelist({"Origin"}), None(),
              Whitelist({"aws.manifestfilter", "start", "end", "m"}), kGzipOnly),
      Managed("2e54312d-136d-493c-8eb9-b001f22f67d2", "Managed-Amplify", 2, 2, 600,
              Whitelist({"Authorization", "CloudFront-Viewer-Country", "Host"}), All(), All(),
              kGzipAndBrotli),
      Managed("83da9c7e-98b4-4e11-a168-04f0df8e2c65", "UseOriginCacheControlHeaders", 0, 0, kYear,
              Whitelist(origin_cache_control_headers), All(), None(), kGzipAndBrotli),
      Managed("4cc15a8a-d715-48a4-82b8-cc0b614638fe", "UseOriginCacheControlHeaders-QueryStrings",
              0, 0, kYear, Whitelist(origin_cache_control_headers), All(), All(), kGzipAndBrotli),
      Managed("4d1d2f1d-3a71-49ad-9e08-7ea5d843a556", "Managed-Amplify-Default", 0, 0, kYear,
              Whitelist(amplify_default_headers), All(), All(), kGzipAndBrotli),
      Managed("a6bad946-36c3-4c33-aa98-362c74a7fb13", "Managed-Amplify-DefaultNoCookies", 0, 0,
              kYear, Whitelist(amplify_default_headers), None(), All(), kGzipAndBrotli),
      Managed("1c6db51a-a33f-469a-8245-dae26771f530", "Managed-Amplify-ImageOptimization", 0, 0,
              kYear, Whitelist({"Accept", "Authorization", "Host"}), None(), All(), kGzipAndBrotli),
      Managed("7e5fad67-ee98-4ad0-b05a-394999eefc1a", "Managed-Amplify-StaticContent", 0, 0, kYear,
              Whitelist({"Authorization", "Host"}), None(), None(), kGzipAndBrotli),
  };
}

}  // namespace

absl::string_view ToString(KeyListBehavior behavior) {
  for (const auto& [b, name] : kBehaviorNames) {
    if (b == behavior) return name;
  }
  return "none";
}

bool ParseKeyListBehavior(absl::string_view text, KeyListBehavior* out) {
  for (const auto& [b, name] : kBehaviorNames) {
    if (name == text) {
      *out = b;
      return true;
    }
  }
  return false;
}

std::ostream& operator<<(std::ostream& os, KeyListBehavior behavior) {
  return os << ToString(behavior);
}

bool KeyListIncludes(const KeyList& list, absl::string_view name, NameMatch match) {
  auto listed = [&] {
    return std::any_of(list.names.begin(), list.names.end(), [&](const std::string& n) {
      switch (match) {
        case NameMatch::kExact:
          return n == name;
        case NameMatch::kIgnoreCase:
          return AsciiEqualsIgnoreCase(n, name);
        case NameMatch::kGlob:
          return GlobMatch(n, name, /*question_matches_slash=*/true);
      }
      return false;
    });
  };
  switch (list.behavior) {
    case KeyListBehavior::kNone:
      return false;
    case KeyListBehavior::kWhitelist:
      return listed();
    case KeyListBehavior::kAllExcept:
      return !listed();
    case KeyListBehavior::kAll:
      return true;
  }
  return false;
}

std::ostream& operator<<(std::ostream& os, const KeyList& list) {
  os << list.behavior;
  if (!list.names.empty()) os << "[" << absl::StrJoin(list.names, ",") << "]";
  return os;
}

std::ostream& operator<<(std::ostream& os, const CachePolicy& p) {
  os << "CachePolicy{id=" << p.id << " name=" << p.name
     << " ttl=" << absl::ToInt64Seconds(p.min_ttl) << "/" << absl::ToInt64Seconds(p.default_ttl)
     << "/" << absl::ToInt64Seconds(p.max_ttl) << " headers=" << p.headers
     << " cookies=" << p.cookies << " query=" << p.query_strings
     << " gzip=" << p.enable_accept_encoding_gzip << " br=" << p.enable_accept_encoding_brotli;
  if (p.legacy) {
    os << " legacy forward_all_query=" << p.legacy_forward_all_query_strings
       << " forward_all_headers=" << p.legacy_forward_all_headers;
  }
  return os << "}";
}

std::ostream& operator<<(std::ostream& os, const ForwardedValues& fv) {
  return os << "ForwardedValues{query_string=" << fv.query_string << " cache_keys=["
            << absl::StrJoin(fv.query_string_cache_keys, ",")
            << "] cookies=" << KeyList{fv.cookies_forward, fv.cookie_whitelisted_names}
            << " headers=[" << absl::StrJoin(fv.headers, ",") << "]}";
}

void SetTtlsWithDefaults(absl::optional<int64_t> min_ttl, absl::optional<int64_t> default_ttl,
                         absl::optional<int64_t> max_ttl, CachePolicy* policy) {
  const int64_t min = min_ttl.value_or(0);
  const int64_t def = default_ttl.value_or(std::max<int64_t>(86400, min));
  const int64_t max = max_ttl.value_or(std::max<int64_t>(31536000, def));
  policy->min_ttl = absl::Seconds(min);
  policy->default_ttl = absl::Seconds(def);
  policy->max_ttl = absl::Seconds(max);
}

void OverrideTtls(absl::optional<absl::Duration> min_ttl, absl::optional<absl::Duration> default_ttl,
                  absl::optional<absl::Duration> max_ttl, CachePolicy* policy) {
  CachePolicy& p = *policy;
  if (min_ttl) p.min_ttl = *min_ttl;
  if (default_ttl) p.default_ttl = *default_ttl;
  if (max_ttl) p.max_ttl = *max_ttl;
  // The lowest TTL set bounds an unset MinTTL from above, the highest an unset MaxTTL from below.
  if (!min_ttl) p.min_ttl = std::min({p.min_ttl, default_ttl.value_or(p.min_ttl),
                                      max_ttl.value_or(p.min_ttl)});
  if (!max_ttl) p.max_ttl = std::max({p.max_ttl, default_ttl.value_or(p.max_ttl),
                                      min_ttl.value_or(p.max_ttl)});
  if (!default_ttl && p.min_ttl <= p.max_ttl) {
    p.default_ttl = std::clamp(p.default_ttl, p.min_ttl, p.max_ttl);
  }
}

CachePolicy CachePolicyFromForwardedValues(const ForwardedValues& fv,
                                           absl::optional<int64_t> min_ttl,
                                           absl::optional<int64_t> default_ttl,
                                           absl::optional<int64_t> max_ttl) {
  CachePolicy p;
  p.legacy = true;
  SetTtlsWithDefaults(min_ttl, default_ttl, max_ttl, &p);
  if (fv.query_string) {
    // Every parameter reaches the origin; QueryStringCacheKeys only narrows the key.
    p.legacy_forward_all_query_strings = true;
    p.query_strings =
        fv.query_string_cache_keys.empty() ? All() : Whitelist(fv.query_string_cache_keys);
  }
  p.cookies.behavior = fv.cookies_forward;
  if (fv.cookies_forward == KeyListBehavior::kWhitelist) {
    p.cookies.names = fv.cookie_whitelisted_names;
  }
  if (std::find(fv.headers.begin(), fv.headers.end(), "*") != fv.headers.end()) {
    // Nothing is cached, so the key's header part never matters; the flag says it all.
    p.legacy_forward_all_headers = true;
  } else if (!fv.headers.empty()) {
    p.headers = Whitelist(fv.headers);
  }
  return p;
}

ForwardedValues ForwardedValuesFromCachePolicy(const CachePolicy& policy) {
  ForwardedValues fv;
  fv.query_string = policy.legacy_forward_all_query_strings;
  if (policy.query_strings.behavior == KeyListBehavior::kWhitelist) {
    fv.query_string_cache_keys = policy.query_strings.names;
  }
  fv.cookies_forward = policy.cookies.behavior;
  fv.cookie_whitelisted_names = policy.cookies.names;
  fv.headers =
      policy.legacy_forward_all_headers ? std::vector<std::string>{"*"} : policy.headers.names;
  return fv;
}

const std::vector<CachePolicy>& ManagedCachePolicies() {
  static const auto* const policies = new std::vector<CachePolicy>(BuildManagedCachePolicies());
  return *policies;
}

const CachePolicy* FindManagedCachePolicy(absl::string_view id_or_name) {
  for (const CachePolicy& p : ManagedCachePolicies()) {
    if (NamesManagedPolicy(id_or_name, p.id, p.name)) return &p;
  }
  return nullptr;
}

bool NamesManagedPolicy(absl::string_view id_or_name, absl::string_view id,
                        absl::string_view api_name) {
  if (id_or_name == id || id_or_name == api_name) return true;
  return absl::ConsumePrefix(&api_name, "Managed-") && id_or_name == api_name;
}

}  // namespace edgesim::policy
