// outcome.h — what happened to a request at the edge, and how CloudFront spells it.
//
// One enum drives both the `X-Cache` response header (SPEC 5) and the access log's
// `x-edge-result-type` / `x-edge-response-result-type` / `x-edge-detailed-result-type` fields
// (SPEC 8.3), so the two can never disagree. Never assemble an X-Cache string by hand.
//
//   XCacheValue(CacheOutcome::kRefreshHit);   // "RefreshHit from cloudfront"
//   DetailedResultType(CacheOutcome::kHit, ErrorDetail::kNone, /*origin_shield_hit=*/true);
//                                             // "OriginShieldHit"
#pragma once

#include <ostream>
#include <string>

#include "absl/strings/string_view.h"

namespace edgesim::policy {

enum class CacheOutcome {
  kHit,               // served from cache, including collapsed requests (SPEC 7.2)
  kRefreshHit,        // expired copy revalidated with a 304 from upstream (SPEC 3.4)
  kMiss,              // fetched from upstream
  kError,             // a 4xx/5xx, also a cached error and a custom error response (SPEC 7.4)
  kRedirect,          // HTTP -> HTTPS redirect by the viewer protocol policy (SPEC 4.7)
  kLimitExceeded,     // a CloudFront quota denied the request
  kCapacityExceeded,  // 503 for lack of capacity
  // A viewer-request CloudFront Function answered itself: no cache lookup, no origin (SPEC 15.4).
  kFunctionGeneratedResponse,
};

// Why a request ended in kError; kNone for every other outcome. The names are CloudFront's
// detailed result types (SPEC 8.3).
enum class ErrorDetail {
  kNone,
  kError,  // the generic one: an origin 4xx/5xx, or a cached error served again
  kOriginConnectError,
  kOriginDnsError,
  kOriginReadError,
  kOriginCommError,
  kOriginInvalidResponseError,
  kInvalidRequest,
  kInvalidRequestHeader,
  kInvalidRequestMethod,
  kClientCommError,
  kClientHungUpRequest,
  kAbortedOrigin,
  // A CloudFront Function failed (SPEC 15.6): returned an invalid object (502), or threw, did not
  // compile or ran out of compute (503).
  kFunctionValidationError,
  kFunctionExecutionError,
};

// "Hit", "RefreshHit", "Miss", "Error", "Redirect", "LimitExceeded", "CapacityExceeded",
// "FunctionGeneratedResponse".
absl::string_view ResultType(CacheOutcome outcome);
// `ResultType(outcome) + " from cloudfront"` (SPEC B11).
absl::string_view XCacheValue(CacheOutcome outcome);
// The log's x-edge-detailed-result-type: the result type, "OriginShieldHit" for a hit in the
// Origin Shield tier, or the ErrorDetail's name for an error.
absl::string_view DetailedResultType(CacheOutcome outcome, ErrorDetail detail,
                                     bool origin_shield_hit = false);
absl::string_view ToString(ErrorDetail detail);

// Parses a log's result type (exact case); false for an unknown value.
bool ParseResultType(absl::string_view text, CacheOutcome* out);

std::ostream& operator<<(std::ostream& os, CacheOutcome outcome);

}  // namespace edgesim::policy
