// The cache key (policy/cache_key.h) of a fuzzed request under a fuzzed but valid cache policy.
// The input is text, `METHOD target` then `Name: value` lines (query strings, cookies and
// Accept-Encoding ride in them), followed by 10 bytes libFuzzer's FuzzedDataProvider reads from
// the end: the policy's switches and which of the request's own query, cookie and header names it
// lists (so whitelists meet the names they list). A modern policy is made valid by CloudFront's
// rules by a save-and-load through policy's loader; a legacy one is built from ForwardedValues.
// Invariants: BuildCacheKey and ExplainCacheKey agree, the hash is XXH3 of the bytes, the object
// path starts with the raw path, and Accept-Encoding normalizes to a value the key allows.
#include <fuzzer/FuzzedDataProvider.h>
#include <xxhash.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "policy/cache_key.h"
#include "policy/cache_policy.h"
#include "policy/distribution_json_reader.h"
#include "policy/distribution_json_writer.h"

namespace {

namespace policy = edgesim::policy;

struct Names {
  std::vector<std::string> query, cookies, headers;
};

// `text` as a request: `METHOD target` on the first line (target only: a GET), then fields.
policy::Request ParseRequest(absl::string_view text, int http_minor_version) {
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  policy::Request request;
  request.http_minor_version = http_minor_version;
  const size_t space = lines[0].find(' ');
  if (space != absl::string_view::npos) request.method = std::string(lines[0].substr(0, space));
  request.target = std::string(lines[0].substr(space == absl::string_view::npos ? 0 : space + 1));
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t colon = lines[i].find(':');
    if (colon == absl::string_view::npos) continue;
    request.headers.Add(lines[i].substr(0, colon),
                        absl::StripAsciiWhitespace(lines[i].substr(colon + 1)));
  }
  return request;
}

Names NamesIn(const policy::Request& request) {
  Names names;
  for (absl::string_view pair : absl::StrSplit(request.query(), '&', absl::SkipEmpty())) {
    names.query.emplace_back(pair.substr(0, pair.find('=')));
  }
  for (absl::string_view cookies : request.headers.GetAll("Cookie")) {
    for (absl::string_view pair : absl::StrSplit(cookies, ';', absl::SkipEmpty())) {
      const absl::string_view name = absl::StripAsciiWhitespace(pair.substr(0, pair.find('=')));
      names.cookies.emplace_back(name);
      // Legacy cookie whitelists take wildcards (SPEC 2.5).
      if (name.size() > 1) names.cookies.push_back(absl::StrCat(name.substr(1), "*"));
    }
  }
  for (const auto& [name, value] : request.headers.fields()) {
    names.headers.push_back(absl::AsciiStrToLower(name));
  }
  return names;
}

// The names whose bit is set in `mask`.
std::vector<std::string> Pick(const std::vector<std::string>& names, uint16_t mask) {
  std::vector<std::string> picked;
  for (size_t i = 0; i < names.size() && i < 16; ++i) {
    if (mask & (1u << i)) picked.push_back(names[i]);
  }
  return picked;
}

policy::KeyListBehavior BehaviorOf(uint32_t bits) {
  return static_cast<policy::KeyListBehavior>(bits % 4);
}

// The input's last bytes.
struct Switches {
  explicit Switches(FuzzedDataProvider& in)
      : flags(in.ConsumeIntegral<uint32_t>()),
        query_mask(in.ConsumeIntegral<uint16_t>()),
        cookie_mask(in.ConsumeIntegral<uint16_t>()),
        header_mask(in.ConsumeIntegral<uint16_t>()) {}
  static constexpr size_t kBytes = 10;
  uint32_t flags;
  uint16_t query_mask, cookie_mask, header_mask;
};

absl::optional<policy::CachePolicy> MakePolicy(const Switches& s, const Names& names) {
  const uint32_t flags = s.flags;
  if (flags & 1) {
    policy::ForwardedValues fv;
    fv.query_string = flags & 2;
    fv.query_string_cache_keys = Pick(names.query, s.query_mask);
    const policy::KeyListBehavior cookies = BehaviorOf(flags >> 2);
    fv.cookies_forward = cookies == policy::KeyListBehavior::kAllExcept
                             ? policy::KeyListBehavior::kNone
                             : cookies;
    if (cookies == policy::KeyListBehavior::kWhitelist) {
      fv.cookie_whitelisted_names = Pick(names.cookies, s.cookie_mask);
    }
    fv.headers = flags & 16 ? std::vector<std::string>{"*"} : Pick(names.headers, s.header_mask);
    return policy::CachePolicyFromForwardedValues(fv, absl::nullopt, absl::nullopt,
                                                  absl::nullopt);
  }
  policy::CachePolicy p;
  p.name = "fuzzed";
  p.enable_accept_encoding_gzip = flags & 2;
  p.enable_accept_encoding_brotli = flags & 4;
  p.query_strings = {BehaviorOf(flags >> 3), Pick(names.query, s.query_mask)};
  p.cookies = {BehaviorOf(flags >> 5), Pick(names.cookies, s.cookie_mask)};
  p.headers = {flags & 128 ? policy::KeyListBehavior::kWhitelist : policy::KeyListBehavior::kNone,
               Pick(names.headers, s.header_mask)};
  absl::StatusOr<policy::CachePolicy> valid =
      policy::LoadCachePolicyConfigJson(policy::CachePolicyConfigToJson(p));
  if (!valid.ok()) return absl::nullopt;
  return *std::move(valid);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < Switches::kBytes) return 0;
  FuzzedDataProvider in(data, size);
  const Switches switches(in);
  const std::string text = in.ConsumeRemainingBytesAsString();
  const policy::Request request = ParseRequest(text, (switches.flags >> 8) & 1);
  const absl::optional<policy::CachePolicy> p = MakePolicy(switches, NamesIn(request));
  if (!p) return 0;
  constexpr absl::string_view kDomain = "d111111abcdef8.cloudfront.net";
  const policy::CacheKey key = policy::BuildCacheKey(request, kDomain, *p);
  const policy::CacheKey explained = policy::ExplainCacheKey(request, kDomain, *p);
  if (key.bytes != explained.bytes || key.hash != explained.hash ||
      key.object_path != explained.object_path) {
    abort();
  }
  if (key.hash != XXH3_64bits(key.bytes.data(), key.bytes.size())) abort();
  if (!absl::StartsWith(key.object_path, request.path())) abort();
  explained.ToDisplayString();
  const policy::NormalizedAcceptEncoding ae = policy::NormalizeAcceptEncoding(
      request.headers.GetCombined("Accept-Encoding"), p->enable_accept_encoding_gzip,
      p->enable_accept_encoding_brotli, request.http_minor_version);
  if (ae.key_value && *ae.key_value != "br,gzip" && *ae.key_value != "gzip" &&
      *ae.key_value != "br") {
    abort();
  }
  return 0;
}
