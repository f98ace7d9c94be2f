// cache_control.h — the origin's `Cache-Control` response header, parsed leniently.
//
// Models the response directives CloudFront's TTL rules read (SPEC 3.1, 3.2, 3.3, 3.6; RFC 9111
// 5.2.2). Origin header data never fails: an invalid delta-seconds value, an unknown directive or
// stray punctuation is skipped, and the rest of the header still counts. Directive names are
// case-insensitive; values may be quoted; when a directive repeats, its first valid occurrence
// wins. Callers pass every `Cache-Control` line combined with ", " (`Headers::GetCombined`).
//
//   ResponseCacheControl cc = ParseResponseCacheControl(
//       response.headers.GetCombined("Cache-Control").value_or(""));
//   cc.max_age;    // absl::Seconds(3600) for "public, Max-Age=3600"
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"

namespace edgesim::policy {

// SPEC 3.1: CloudFront accepts max-age from 0 s to 100 years; every delta-seconds value is clamped
// to this so that later arithmetic cannot overflow.
inline constexpr absl::Duration kMaxDeltaSeconds = absl::Seconds(int64_t{100} * 365 * 86400);

// Every member has an initializer so that designated initializers compile warning-free.
struct ResponseCacheControl {
  // Unqualified `no-cache` only. The qualified form `no-cache="Set-Cookie"` names fields that must
  // not be served from cache and lands in `no_cache_fields` instead (SPEC 3.2, 4.4).
  bool no_cache = false;
  std::vector<std::string> no_cache_fields = {};
  bool no_store = false;
  // `private`, qualified or not: a private response is never treated as shareable.
  bool is_private = false;
  // No documented effect on CloudFront's TTL (SPEC 3.2); kept so `explain` can show them.
  bool is_public = false;
  bool must_revalidate = false;
  bool proxy_revalidate = false;
  bool immutable = false;
  bool no_transform = false;

  absl::optional<absl::Duration> max_age = {};
  absl::optional<absl::Duration> s_maxage = {};
  absl::optional<absl::Duration> stale_while_revalidate = {};
  absl::optional<absl::Duration> stale_if_error = {};

  // True for any of the three directives SPEC 3.2's first row reacts to.
  bool has_no_cache_no_store_or_private() const { return no_cache || no_store || is_private; }

  bool operator==(const ResponseCacheControl&) const = default;
};

// Prints the directives in canonical Cache-Control syntax, e.g. `{no-cache, max-age=60}`.
std::ostream& operator<<(std::ostream& os, const ResponseCacheControl& cc);

// Never fails; an empty or unparsable value gives the default (no directive).
ResponseCacheControl ParseResponseCacheControl(absl::string_view value);

// RFC 9111 1.2.2 delta-seconds (also the `Age` header's grammar): ASCII digits only, surrounding
// whitespace allowed, clamped to kMaxDeltaSeconds. nullopt for anything else ("-1", "1.5", "").
absl::optional<absl::Duration> ParseDeltaSeconds(absl::string_view text);

}  // namespace edgesim::policy
