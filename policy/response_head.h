// response_head.h — CloudFront's rules for what a viewer's response carries: which methods a
// behavior allows and caches (SPEC 4.1), what of an origin's head CloudFront keeps (its own
// headers replaced, SPEC 5; Set-Cookie, SPEC 4.4; Vary, SPEC 3.8), the answers it makes itself
// when the origin fails or a method is refused (SPEC 7.3, 4.1), and the headers it adds for the
// viewer (X-Cache, Via, X-Amz-Cf-Pop, X-Amz-Cf-Id, Age; SPEC 3.7, 5).
//
// Pure: core's cache applies these to every answer; the emulator's edge writes the viewer
// headers from the same functions, so the origin and the viewer see one Via and one request id.
//
//   const uint32_t allowed = MethodMask(behavior.allowed_methods);
//   if ((allowed & MethodBitOf("DELETE")) == 0) ...          // refused: GeneratedErrorStatus
//   Response kept = KeptHead(HeadRules::For(behavior), origin_head);
//   std::string via = ViaValue("IAD89-C1");   // "1.1 <32 hex>.cloudfront.net (CloudFront)"
//   RequestId id = MakeRequestId(RequestIdBase(seed, "IAD89-C1"), 7);
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "policy/distribution.h"
#include "policy/http_message.h"
#include "policy/outcome.h"

namespace edgesim::policy {

// ---- Methods (SPEC 4.1) ------------------------------------------------------------------------

enum MethodBit : uint32_t {
  kMethodGet = 1,
  kMethodHead = 2,
  kMethodOptions = 4,
  kMethodPut = 8,
  kMethodPost = 16,
  kMethodPatch = 32,
  kMethodDelete = 64,
};

// 0 for a method CloudFront has no setting for: never allowed.
uint32_t MethodBitOf(absl::string_view method);
uint32_t MethodMask(const std::vector<std::string>& methods);
// GET and HEAD are always cached; OPTIONS when listed.
uint32_t CachedMethodMask(const CacheBehavior& behavior);
// MaxTTL 0 (CachingDisabled) or legacy forwarding of every header: nothing is stored.
bool CachingDisabled(const CachePolicy& policy);
// True when CloudFront forwards the request without looking in the cache or storing the answer:
// a method outside CachedMethods, or caching disabled. Such requests also skip the regional
// tiers (SPEC 7.1 bypass (a), (b)).
bool BypassesCache(const CacheBehavior& behavior, absl::string_view method);

// ---- The origin's head as CloudFront keeps it ---------------------------------------------------

// What of a behavior decides which origin headers survive.
struct HeadRules {
  const CachePolicy* policy = nullptr;
  // Cookies in the key or in the origin request policy (SPEC 4.4, 7.2).
  bool cookies_forwarded = false;
  // A CloudFront-Is-*-Viewer header in the key keeps `Vary: User-Agent` (SPEC 3.8).
  bool device_headers_in_key = false;

  static HeadRules For(const CacheBehavior& behavior);
};

// Removes the headers a cache adds for its viewer (X-Cache, Via, Age, X-Amz-Cf-Pop,
// X-Amz-Cf-Id): an origin's or an upstream tier's are replaced, never passed on (SPEC 5).
void RemoveCloudFrontHeaders(Headers& headers);

// The origin's head as CloudFront keeps and serves it: its own headers removed (SPEC 5),
// Set-Cookie only when cookies are forwarded (SPEC 4.4), Vary reduced to what the key varies on
// (SPEC 3.8).
Response KeptHead(const HeadRules& rules, Response head);

// SPEC 4.4: with cookies forwarded, `Cache-Control: no-cache="Set-Cookie"` keeps Set-Cookie out
// of the stored copy while the viewer that caused the fetch still gets it.
bool WithholdsSetCookie(const HeadRules& rules, const Headers& headers);

// ---- Answers CloudFront makes itself ------------------------------------------------------------

// SPEC 7.3: no connection is a 502 (OriginConnectError), no answer in time a 504
// (OriginReadError); any other failure a 502 (OriginCommError).
int FailureStatus(absl::StatusCode failure);
ErrorDetail FailureDetail(absl::StatusCode failure);
// The failure an upstream tier's generated answer stands for (the inverse of FailureDetail), so a
// downstream tier applies the same stale-on-error rules; OK for any other detail.
absl::Status FailureOf(ErrorDetail detail);

// SPEC 4.1: a method outside AllowedMethods is refused with 403 (UNCONFIRMED status).
inline constexpr int kMethodRefusedStatus = 403;

// The body of CloudFront's own error page ("ERROR: The request could not be satisfied") for
// `status`, with `message` as its explanation; generated answers also say `Server: CloudFront`.
std::string ErrorPageHtml(int status, absl::string_view message);
// The explanation CloudFront's page gives for the statuses the cache generates (403 refused
// method, 502, 504).
absl::string_view ErrorPageMessage(int status);
// Status, Server, Content-Type and Content-Length of a generated page of `body_size` bytes.
Response GeneratedHead(int status, size_t body_size);

// ---- Viewer headers (SPEC 5) --------------------------------------------------------------------

// "1.1 <32 hex digits>.cloudfront.net (CloudFront)", stable per POP.
std::string ViaValue(absl::string_view pop);

// X-Amz-Cf-Id: 40 bytes in base64url (54 characters), padded with "==" to CloudFront's 56.
struct RequestId {
  static constexpr size_t kLength = 56;
  char text[kLength] = {};

  absl::string_view view() const { return absl::string_view(text, kLength); }
  bool empty() const { return text[0] == '\0'; }
};

// The base of a sequence of ids: distinct per seed and POP.
uint64_t RequestIdBase(uint64_t seed, absl::string_view pop);
// The `n`th id of the sequence `base`: the first 8 bytes are a bijection of `base + n`, so ids
// never repeat within a sequence.
RequestId MakeRequestId(uint64_t base, uint64_t n);

// SPEC 3.7: Age is sent only when at least one whole second old.
bool SendsAge(absl::Duration age);

}  // namespace edgesim::policy
