#include "policy/outcome.h"

#include <array>
#include <utility>

#include "absl/strings/str_cat.h"

namespace edgesim::policy {
namespace {

constexpr std::array<std::pair<CacheOutcome, absl::string_view>, 8> kResultTypes = {{
    {CacheOutcome::kHit, "Hit"},
    {CacheOutcome::kRefreshHit, "RefreshHit"},
    {CacheOutcome::kMiss, "Miss"},
    {CacheOutcome::kError, "Error"},
    {CacheOutcome::kRedirect, "Redirect"},
    {CacheOutcome::kLimitExceeded, "LimitExceeded"},
    {CacheOutcome::kCapacityExceeded, "CapacityExceeded"},
    {CacheOutcome::kFunctionGeneratedResponse, "FunctionGeneratedResponse"},
}};

}  // namespace

absl::string_view ResultType(CacheOutcome outcome) {
  for (const auto& [o, name] : kResultTypes) {
    if (o == outcome) return name;
  }
  return "Error";
}

absl::string_view XCacheValue(CacheOutcome outcome) {
  static constexpr absl::string_view kValues[] = {
      "Hit from cloudfront",           "RefreshHit from cloudfront",
      "Miss from cloudfront",          "Error from cloudfront",
      "Redirect from cloudfront",      "LimitExceeded from cloudfront",
      "CapacityExceeded from cloudfront", "FunctionGeneratedResponse from cloudfront"};
  const auto i = static_cast<size_t>(outcome);
  return i < std::size(kValues) ? kValues[i] : kValues[3];
}

absl::string_view ToString(ErrorDetail detail) {
  switch (detail) {
    case ErrorDetail::kNone:
      return "";
    case ErrorDetail::kError:
      return "Error";
    case ErrorDetail::kOriginConnectError:
      return "OriginConnectError";
    case ErrorDetail::kOriginDnsError:
      return "OriginDnsError";
    case ErrorDetail::kOriginReadError:
      return "OriginReadError";
    case ErrorDetail::kOriginCommError:
      return "OriginCommError";
    case ErrorDetail::kOriginInvalidResponseError:
      return "OriginInvalidResponseError";
    case ErrorDetail::kInvalidRequest:
      return "InvalidRequest";
    case ErrorDetail::kInvalidRequestHeader:
      return "InvalidRequestHeader";
    case ErrorDetail::kInvalidRequestMethod:
      return "InvalidRequestMethod";
    case ErrorDetail::kClientCommError:
      return "ClientCommError";
    case ErrorDetail::kClientHungUpRequest:
      return "ClientHungUpRequest";
    case ErrorDetail::kAbortedOrigin:
      return "AbortedOrigin";
    case ErrorDetail::kFunctionValidationError:
      return "FunctionValidationError";
    case ErrorDetail::kFunctionExecutionError:
      return "FunctionExecutionError";
  }
  return "Error";
}

absl::string_view DetailedResultType(CacheOutcome outcome, ErrorDetail detail,
                                     bool origin_shield_hit) {
  if (outcome == CacheOutcome::kHit && origin_shield_hit) return "OriginShieldHit";
  if (outcome == CacheOutcome::kError && detail != ErrorDetail::kNone) return ToString(detail);
  return ResultType(outcome);
}

bool ParseResultType(absl::string_view text, CacheOutcome* out) {
  for (const auto& [o, name] : kResultTypes) {
    if (name == text) {
      *out = o;
      return true;
    }
  }
  return false;
}

std::ostream& operator<<(std::ostream& os, CacheOutcome outcome) {
  return os << ResultType(outcome);
}

}  // namespace edgesim::policy
