#include "policy/response_head.h"

#include <xxhash.h>

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "policy/ascii_case.h"
#include "policy/cache_control.h"

namespace edgesim::policy {
namespace {

uint64_t Mix(uint64_t x) {  // splitmix64's finalizer: a bijection, so distinct inputs stay distinct
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t Hash(absl::string_view s) { return XXH3_64bits(s.data(), s.size()); }

bool KeptInVary(const HeadRules& rules, absl::string_view name) {
  return name == "*" || AsciiEqualsIgnoreCase(name, "accept-encoding") ||
         AsciiEqualsIgnoreCase(name, "cookie") ||
         (rules.device_headers_in_key && AsciiEqualsIgnoreCase(name, "user-agent")) ||
         KeyListIncludes(rules.policy->headers, name, NameMatch::kIgnoreCase);
}

}  // namespace

uint32_t MethodBitOf(absl::string_view method) {
  static constexpr std::pair<absl::string_view, MethodBit> kMethods[] = {
      {"GET", kMethodGet},   {"HEAD", kMethodHead},   {"OPTIONS", kMethodOptions},
      {"PUT", kMethodPut},   {"POST", kMethodPost},   {"PATCH", kMethodPatch},
      {"DELETE", kMethodDelete}};
  for (const auto& [name, bit] : kMethods) {
    if (method == name) return bit;
  }
  return 0;
}

uint32_t MethodMask(const std::vector<std::string>& methods) {
  uint32_t mask = 0;
  for (const std::string& m : methods) mask |= MethodBitOf(m);
  return mask;
}

uint32_t CachedMethodMask(const CacheBehavior& behavior) {
  return kMethodGet | kMethodHead | (MethodMask(behavior.cached_methods) & kMethodOptions);
}

bool CachingDisabled(const CachePolicy& policy) {
  return policy.max_ttl <= absl::ZeroDuration() || policy.legacy_forward_all_headers;
}

bool BypassesCache(const CacheBehavior& behavior, absl::string_view method) {
  return (CachedMethodMask(behavior) & MethodBitOf(method)) == 0 ||
         CachingDisabled(behavior.cache_policy);
}

HeadRules HeadRules::For(const CacheBehavior& behavior) {
  HeadRules rules;
  rules.policy = &behavior.cache_policy;
  rules.cookies_forwarded =
      behavior.cache_policy.cookies.behavior != KeyListBehavior::kNone ||
      (behavior.origin_request_policy.has_value() &&
       behavior.origin_request_policy->cookies.behavior != KeyListBehavior::kNone);
  for (const std::string& name : behavior.cache_policy.headers.names) {
    rules.device_headers_in_key |= absl::StartsWithIgnoreCase(name, "CloudFront-Is-");
  }
  return rules;
}

void RemoveCloudFrontHeaders(Headers& headers) {
  for (absl::string_view name : {"X-Cache", "Via", "Age", "X-Amz-Cf-Pop", "X-Amz-Cf-Id"}) {
    headers.Remove(name);
  }
}

Response KeptHead(const HeadRules& rules, Response head) {
  RemoveCloudFrontHeaders(head.headers);
  if (!rules.cookies_forwarded) head.headers.Remove("Set-Cookie");
  if (!head.headers.Has("Vary") || rules.policy->legacy_forward_all_headers) return head;
  std::vector<std::string> kept;
  for (absl::string_view field : head.headers.GetAll("Vary")) {
    for (absl::string_view name : absl::StrSplit(field, ',')) {
      name = absl::StripAsciiWhitespace(name);
      if (!name.empty() && KeptInVary(rules, name)) kept.emplace_back(name);
    }
  }
  head.headers.Remove("Vary");
  if (!kept.empty()) head.headers.Add("Vary", absl::StrJoin(kept, ", "));
  return head;
}

bool WithholdsSetCookie(const HeadRules& rules, const Headers& headers) {
  if (!rules.cookies_forwarded || !headers.Has("Set-Cookie")) return false;
  const ResponseCacheControl cc =
      ParseResponseCacheControl(headers.GetCombined("Cache-Control").value_or(""));
  for (const std::string& field : cc.no_cache_fields) {
    if (AsciiEqualsIgnoreCase(field, "set-cookie")) return true;
  }
  return false;
}

int FailureStatus(absl::StatusCode failure) {
  return failure == absl::StatusCode::kDeadlineExceeded ? 504 : 502;
}

ErrorDetail FailureDetail(absl::StatusCode failure) {
  switch (failure) {
    case absl::StatusCode::kUnavailable:
      return ErrorDetail::kOriginConnectError;
    case absl::StatusCode::kDeadlineExceeded:
      return ErrorDetail::kOriginReadError;
    default:
      return ErrorDetail::kOriginCommError;
  }
}

absl::Status FailureOf(ErrorDetail detail) {
  switch (detail) {
    case ErrorDetail::kOriginConnectError:
      return absl::UnavailableError("upstream tier: origin connect error");
    case ErrorDetail::kOriginReadError:
      return absl::DeadlineExceededError("upstream tier: origin read error");
    case ErrorDetail::kOriginCommError:
      return absl::UnknownError("upstream tier: origin communication error");
    default:
      return absl::OkStatus();
  }
}

std::string ErrorPageHtml(int status, absl::string_view message) {
  return absl::StrCat(
      "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\" "
      "\"http://www.w3.org/TR/html4/loose.dtd\">\n<HTML><HEAD><META HTTP-EQUIV=\"Content-Type\" "
      "CONTENT=\"text/html; charset=iso-8859-1\">\n<TITLE>ERROR: The request could not be "
      "satisfied</TITLE>\n</HEAD><BODY>\n<H1>",
      status, " ERROR</H1>\n<H2>The request could not be satisfied.</H2>\n<HR noshade size=\"1px\">\n",
      message,
      "\n<BR clear=\"all\">\n<HR noshade size=\"1px\">\n<PRE>\nGenerated by cloudfront "
      "(CloudFront)\n</PRE>\n</BODY></HTML>");
}

absl::string_view ErrorPageMessage(int status) {
  switch (status) {
    case kMethodRefusedStatus:
      return "This distribution is not configured to allow the HTTP request method that was used "
             "for this request.";
    case 504:
      return "CloudFront attempted to establish a connection with the origin, but either the "
             "attempt failed or the origin didn't respond before the timeout expired.";
    default:
      return "CloudFront wasn't able to connect to the origin.";
  }
}

Response GeneratedHead(int status, size_t body_size) {
  Response head;
  head.status = status;
  head.headers.Add("Server", "CloudFront");
  head.headers.Add("Content-Type", "text/html");
  head.headers.Add("Content-Length", absl::StrCat(body_size));
  return head;
}

std::string ViaValue(absl::string_view pop) {
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t h = Hash(pop);
  std::string via = "1.1 ";
  for (int w = 0; w < 2; ++w) {
    h = Mix(h);
    for (int i = 0; i < 16; ++i) via.push_back(kHex[(h >> (60 - 4 * i)) & 15]);
  }
  via.append(".cloudfront.net (CloudFront)");
  return via;
}

uint64_t RequestIdBase(uint64_t seed, absl::string_view pop) { return Mix(seed) ^ Hash(pop); }

RequestId MakeRequestId(uint64_t base, uint64_t n) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  uint8_t bytes[42] = {};  // 40 used; two zero bytes pad the last group
  uint64_t word = Mix(base + n);
  for (int i = 0; i < 5; ++i) {
    for (int b = 0; b < 8; ++b) bytes[i * 8 + b] = static_cast<uint8_t>(word >> (8 * b));
    word = Mix(word);
  }
  RequestId id;
  for (int g = 0; g < 14; ++g) {
    const uint32_t v = (bytes[3 * g] << 16) | (bytes[3 * g + 1] << 8) | bytes[3 * g + 2];
    for (int k = 0; k < 4; ++k) id.text[4 * g + k] = kAlphabet[(v >> (18 - 6 * k)) & 63];
  }
  id.text[54] = id.text[55] = '=';
  return id;
}

bool SendsAge(absl::Duration age) { return age >= absl::Seconds(1); }

}  // namespace edgesim::policy
