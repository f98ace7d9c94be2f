// cache_key.h — the CloudFront cache key: which parts of a viewer request name a cached object.
//
// Models SPEC 2.1–2.4 (default key, cache-policy key parameters, matching semantics,
// Accept-Encoding normalization) and the legacy ForwardedValues key of SPEC 2.5. The key is
// the distribution's domain (never the viewer's Host), the raw path, the method for OPTIONS only,
// then what the policy whitelists: query parameters (in request order), headers (sorted by
// lowercase name), cookies (sorted by name) and the normalized Accept-Encoding.
// `bytes` is an unambiguous serialization and `hash` its XXH3-64, stable across processes and
// machines so simulator runs are reproducible (DESIGN 3).
//
//   Request r = Request::Get("/p?size=L&color=red");
//   r.headers.Add("Accept-Language", "en-US");
//   CacheKey key = BuildCacheKey(r, "d111.cloudfront.net", policy);   // policy: SPEC 2.7's P2
//   key.ToDisplayString();   // "d111.cloudfront.net/p?color=red | accept-language:en-US"
//   key.object_path;         // "/p?color=red" — what invalidation paths match (SPEC 6.2)
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "policy/cache_policy.h"
#include "policy/http_message.h"
#include "policy/model_options.h"

namespace edgesim::policy {

struct CacheKeyComponent {
  // "host", "path", "method", "query", "header", "cookie" or "accept-encoding".
  std::string kind;
  // Query parameter or cookie name as sent; header names lowercase; "accept-encoding" for the
  // normalized Accept-Encoding; empty for host, path and method.
  std::string name;
  // A query parameter without `=` (`?debug`) has an empty value here, yet stays a different key
  // from `?debug=` (object_path shows the raw form).
  std::string value;

  bool operator==(const CacheKeyComponent&) const = default;
};

std::ostream& operator<<(std::ostream& os, const CacheKeyComponent& component);

// A part of the viewer's request the key leaves out, and the policy setting that drops it.
struct CacheKeyOmission {
  // "query", "header" or "cookie".
  std::string kind;
  // As the viewer sent it.
  std::string name;
  // "the cache policy's QueryStringBehavior is none".
  std::string why;

  bool operator==(const CacheKeyOmission&) const = default;
};

std::ostream& operator<<(std::ostream& os, const CacheKeyOmission& omission);

struct CacheKey {
  // Tagged, length-prefixed components: two different component lists never serialize equal.
  std::string bytes;
  // XXH3_64bits(bytes). Part of the on-disk/report contract: changing the serialization changes
  // every hash (cache_key_test.cc keeps a golden value).
  uint64_t hash = 0;
  // The raw path, plus "?" and the key's query string when the key holds query parameters.
  std::string object_path;
  // In key order: host, path, method, query..., header..., cookie..., accept-encoding. Only
  // ExplainCacheKey fills it (decoded from `bytes`); BuildCacheKey, on the request path, leaves
  // it empty.
  std::vector<CacheKeyComponent> components;
  // Every query parameter, header and cookie of the viewer's request that no component holds,
  // in request order; only ExplainCacheKey fills it. Host (replaced by the distribution's
  // domain), Cookie (judged cookie by cookie) and a normalized Accept-Encoding are not listed.
  std::vector<CacheKeyOmission> omitted;

  // "OPTIONS d111.cloudfront.net/p?color=red | accept-language:en-US | cookie:s=1 | AE=br,gzip";
  // decoded from `bytes`, so also for keys without `components`.
  std::string ToDisplayString() const;

  bool operator==(const CacheKey&) const = default;
};

std::ostream& operator<<(std::ostream& os, const CacheKey& key);

// The cache key of `viewer_request` under `policy` for the distribution whose domain name is
// `distribution_domain` (e.g. "d111111abcdef8.cloudfront.net"). Never fails: every request has a
// key. Legacy policies (`policy.legacy`) take their query key from `policy.query_strings` and may
// use `*`/`?` wildcards in cookie names (SPEC 2.5).
// `components` stays empty: the caches need only `bytes`, `hash` and `object_path`.
CacheKey BuildCacheKey(const Request& viewer_request, absl::string_view distribution_domain,
                       const CachePolicy& policy, const ModelOptions& options = {});

// The bytes every key BuildCacheKey makes for `distribution_domain` starts with: a cache keeps
// them once (core::ShardedStore::Create) rather than in every object's key.
std::string CacheKeyPrefix(absl::string_view distribution_domain);

// BuildCacheKey plus `components` and `omitted`, for `edgesim explain` and tests: the same
// bytes, hash and object_path.
CacheKey ExplainCacheKey(const Request& viewer_request, absl::string_view distribution_domain,
                         const CachePolicy& policy, const ModelOptions& options = {});

// What CloudFront makes of a viewer's Accept-Encoding (SPEC 2.4 table).
struct NormalizedAcceptEncoding {
  // The cache-key value ("br,gzip", "gzip", "br"); nullopt when nothing supported was accepted.
  absl::optional<std::string> key_value;
  // The Accept-Encoding sent to the origin: the key value, "identity" when the viewer sent the
  // header without a supported coding, nullopt when the header is removed.
  absl::optional<std::string> origin_value;

  bool operator==(const NormalizedAcceptEncoding&) const = default;
};

std::ostream& operator<<(std::ostream& os, const NormalizedAcceptEncoding& normalized);

// `viewer_value` is the viewer's combined Accept-Encoding (nullopt when absent); `gzip`/`brotli`
// are the policy's EnableAcceptEncodingGzip/Brotli. Codings are recognized by token (`gzip`,
// `br`, any case); q-values and every other coding are discarded. With both flags off the header
// is not normalized at all (both fields nullopt): it is then an ordinary header, in the key and
// forwarded only if a policy lists it.
NormalizedAcceptEncoding NormalizeAcceptEncoding(absl::optional<absl::string_view> viewer_value,
                                                 bool gzip, bool brotli, int http_minor_version);

}  // namespace edgesim::policy
