// cache_policy.h — CloudFront cache policies: TTL bounds and what goes into the cache key.
//
// Models `CachePolicyConfig` (SPEC 2.2), the managed policies table (SPEC 2.6) and the legacy
// `ForwardedValues` + Min/Default/MaxTTL fields of a cache behavior (SPEC 2.5), all as one
// `CachePolicy` value so the key builder and the TTL rules see a single shape.
//
//   const CachePolicy* p = FindManagedCachePolicy("Managed-CachingOptimized");
//   p->min_ttl;                                   // absl::Seconds(1)
//   FindManagedCachePolicy("658327ea-f89d-4fab-a63d-7e88639e58f6") == p;   // by ID too
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"

namespace edgesim::policy {

// CloudFront's HeaderBehavior / CookieBehavior / QueryStringBehavior values.
enum class KeyListBehavior { kNone, kWhitelist, kAllExcept, kAll };

// CloudFront's spelling: "none", "whitelist", "allExcept", "all".
absl::string_view ToString(KeyListBehavior behavior);
// Parses CloudFront's spelling (exact case); false when unknown.
bool ParseKeyListBehavior(absl::string_view text, KeyListBehavior* out);
std::ostream& operator<<(std::ostream& os, KeyListBehavior behavior);

struct KeyList {
  KeyListBehavior behavior = KeyListBehavior::kNone;
  std::vector<std::string> names;

  bool operator==(const KeyList&) const = default;
};

std::ostream& operator<<(std::ostream& os, const KeyList& list);

// How a KeyList's names compare with a request's: headers ignore case (SPEC 2.3), query strings
// and cookies do not, legacy cookie whitelists may hold `*` and `?` wildcards (SPEC 2.5).
enum class NameMatch { kExact, kIgnoreCase, kGlob };

// True when `list` takes `name`: kAll always, kWhitelist when listed, kAllExcept when not.
bool KeyListIncludes(const KeyList& list, absl::string_view name, NameMatch match);

struct CachePolicy {
  // Managed or custom policy ID; empty for a behavior's legacy ForwardedValues.
  std::string id;
  // API name (e.g. "Managed-CachingOptimized"), or the custom policy's Name.
  std::string name;
  std::string comment;

  absl::Duration min_ttl = absl::ZeroDuration();
  absl::Duration default_ttl = absl::Seconds(86400);
  absl::Duration max_ttl = absl::Seconds(31536000);

  bool enable_accept_encoding_gzip = false;
  bool enable_accept_encoding_brotli = false;
  // Cache policies allow only kNone or kWhitelist for headers (SPEC 2.2).
  KeyList headers;
  KeyList cookies;
  KeyList query_strings;

  // Legacy ForwardedValues (SPEC 2.5). Query strings: with `legacy`, `query_strings` says what is
  // in the key, and `legacy_forward_all_query_strings` that every parameter still goes to the
  // origin.
  bool legacy = false;
  bool legacy_forward_all_query_strings = false;
  // Headers "*": every header forwarded, nothing cached (MinTTL must be 0).
  bool legacy_forward_all_headers = false;
  // Legacy cookie whitelists may hold `*` and `?` wildcards (`userid_*`).

  bool operator==(const CachePolicy&) const = default;
};

std::ostream& operator<<(std::ostream& os, const CachePolicy& policy);

// Legacy cache-behavior fields, as CloudFront's JSON spells them (SPEC 2.5).
struct ForwardedValues {
  bool query_string = false;
  std::vector<std::string> query_string_cache_keys;
  // "none", "whitelist" or "all".
  KeyListBehavior cookies_forward = KeyListBehavior::kNone;
  std::vector<std::string> cookie_whitelisted_names;
  std::vector<std::string> headers;  // may be {"*"}

  bool operator==(const ForwardedValues&) const = default;
};

std::ostream& operator<<(std::ostream& os, const ForwardedValues& fv);

// Sets the three TTLs from CloudFront's optional fields (seconds), filling absent ones as
// CloudFront does for both cache policies and legacy behaviors (SPEC 2.2, 3.1): MinTTL 0,
// DefaultTTL max(86400, MinTTL), MaxTTL max(31536000, DefaultTTL). Order is not checked here:
// validation reports InvalidTTLOrder with the field's location.
void SetTtlsWithDefaults(absl::optional<int64_t> min_ttl, absl::optional<int64_t> default_ttl,
                         absl::optional<int64_t> max_ttl, CachePolicy* policy);

// A what-if change of a policy's TTLs (`edgesim explain --max-ttl`, a simulator variant's
// "max_ttl"). The TTLs it leaves alone move to fit the ones it sets, as the what-if means: only
// MaxTTL 60 on Managed-CachingOptimized (DefaultTTL 86400) gives DefaultTTL 60 too, not an
// InvalidTTLOrder. TTLs set in conflict (MinTTL 600 with MaxTTL 60) stay so, for validation to
// refuse.
void OverrideTtls(absl::optional<absl::Duration> min_ttl, absl::optional<absl::Duration> default_ttl,
                  absl::optional<absl::Duration> max_ttl, CachePolicy* policy);

// The CachePolicy a legacy behavior acts as. Absent TTLs take the documented defaults: MinTTL 0,
// DefaultTTL 86400 (or MinTTL if larger), MaxTTL 31536000 (or DefaultTTL if larger).
CachePolicy CachePolicyFromForwardedValues(const ForwardedValues& fv,
                                           absl::optional<int64_t> min_ttl,
                                           absl::optional<int64_t> default_ttl,
                                           absl::optional<int64_t> max_ttl);

// The legacy fields that make `CachePolicyFromForwardedValues` give back `policy`'s key parameters
// (TTLs aside), so a loaded behavior can be written out again. REQUIRES: `policy.legacy`.
ForwardedValues ForwardedValuesFromCachePolicy(const CachePolicy& policy);

// Every managed policy of SPEC 2.6, in the table's order.
const std::vector<CachePolicy>& ManagedCachePolicies();

// By ID, API name ("Managed-CachingOptimized", "UseOriginCacheControlHeaders") or console name
// ("CachingOptimized"); nullptr when unknown.
const CachePolicy* FindManagedCachePolicy(absl::string_view id_or_name);

// Whether `id_or_name` names the managed policy (cache or origin request) with this ID and API
// name: by ID, by API name ("Managed-CachingOptimized") or by the console's name, which drops the
// "Managed-" prefix ("CachingOptimized").
bool NamesManagedPolicy(absl::string_view id_or_name, absl::string_view id,
                        absl::string_view api_name);

}  // namespace edgesim::policy
