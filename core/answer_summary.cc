#include "core/answer_summary.h"

#include "absl/strings/str_cat.h"
#include "policy/outcome.h"

namespace edgesim::core {
namespace {

using policy::CacheOutcome;
using policy::ErrorDetail;

// Whether the answer was kept: a stored object behind a Miss or an origin error.
std::string Storage(const EdgeResult& r, const policy::Request& viewer) {
  switch (r.miss_reason) {
    case MissReason::kNotCacheableMethod:
      return absl::StrCat("not cached: the behavior does not cache ", viewer.method,
                          " (CachedMethods, SPEC 4.1)");
    case MissReason::kCachingDisabled:
      return "not cached: caching is disabled for the behavior (SPEC 3.3)";
    default:
      return r.stored != nullptr ? "cached" : "not cached";
  }
}

// Generated at the edge, the origin never asked (SPEC 4.1, 4.7).
std::string Generated(const EdgeResult& r) {
  const int status = r.viewer.status;
  switch (r.error_detail) {
    case ErrorDetail::kInvalidRequestMethod:
      return absl::StrCat(status, " (method not allowed by the behavior, SPEC 4.1)");
    case ErrorDetail::kInvalidRequest:
      return absl::StrCat(status, " (a GET or HEAD with a body is refused, SPEC 4.1)");
    case ErrorDetail::kFunctionValidationError:
      return absl::StrCat(status, " (the function returned an invalid object, SPEC 15.6)");
    case ErrorDetail::kFunctionExecutionError:
      return absl::StrCat(status, " (the function failed to run, SPEC 15.6)");
    default:
      return absl::StrCat(status, " (HTTPS only: the behavior's ViewerProtocolPolicy, SPEC 4.7)");
  }
}

}  // namespace

std::string SummarizeAnswer(const EdgeResult& r, const policy::DistributionConfig& config,
                            const policy::Request& viewer) {
  const int status = r.viewer.status;
  if (r.error_page_replaced_status != 0) {
    const policy::CustomErrorResponse* custom =
        config.FindCustomErrorResponse(r.error_page_replaced_status);
    return absl::StrCat(status, " custom error page ",
                        custom != nullptr ? custom->response_page_path : std::string("(page)"),
                        " in place of the ", r.error_page_replaced_status,
                        " (CustomErrorResponse, SPEC 7.4)");
  }
  switch (r.outcome) {
    case CacheOutcome::kRedirect:
      return absl::StrCat(status, " redirect to HTTPS (ViewerProtocolPolicy, SPEC 4.7)");
    case CacheOutcome::kHit:
    case CacheOutcome::kRefreshHit:
      return absl::StrCat(status, " from the cache (", policy::XCacheValue(r.outcome), ")");
    case CacheOutcome::kMiss:
      return absl::StrCat(status, " from the origin (", policy::XCacheValue(r.outcome), "), ",
                          Storage(r, viewer));
    case CacheOutcome::kError:
      if (!r.contacted_origin && r.stored == nullptr) return Generated(r);
      if (!r.contacted_origin) return absl::StrCat(status, " cached error (SPEC 3.5)");
      return absl::StrCat(status, " error from the origin, ", Storage(r, viewer));
    case CacheOutcome::kFunctionGeneratedResponse:
      return absl::StrCat(status, " answered by the viewer-request function: no cache lookup, no "
                          "origin (SPEC 15.4)");
    case CacheOutcome::kLimitExceeded:
    case CacheOutcome::kCapacityExceeded:
      break;
  }
  return absl::StrCat(status, " (", policy::XCacheValue(r.outcome), ")");
}

}  // namespace edgesim::core
