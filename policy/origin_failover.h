// origin_failover.h — when a request to an origin group goes on to the group's secondary origin
// (SPEC 12.2).
//
// A miss goes to the primary first, every time (no health memory). Only GET, HEAD and OPTIONS fail
// over, and only when the primary answered one of the group's failover codes, or could not be
// reached (no connection after the configured attempts, or no answer in time). The secondary's
// answer is then used as any origin's. The codes a group may list are `kFailoverStatusCodes`
// (SPEC 12.1).
//
//   if (MethodFailsOver(request.method) && AnswerFailsOver(group, fetched)) { ...secondary... }
#pragma once

#include <array>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "policy/distribution.h"

namespace edgesim::policy {

// SPEC 12.1: the statuses FailoverCriteria.StatusCodes may hold.
inline constexpr std::array<int, 8> kFailoverStatusCodes = {400, 403, 404, 416, 500, 502, 503, 504};

// SPEC 12.1: most origin groups one distribution may have (TooManyOriginGroupsPerDistribution).
inline constexpr size_t kMaxOriginGroups = 10;

// GET, HEAD and OPTIONS; no other method ever reaches the secondary.
bool MethodFailsOver(absl::string_view method);

// Whether the primary's `answer` sends the request on: an HTTP status among the group's codes, or
// a failure to connect (kUnavailable) or to answer in time (kDeadlineExceeded). Any other failure
// (a malformed answer) is the viewer's 502, as for a plain origin.
bool AnswerFailsOver(const OriginGroup& group, const absl::StatusOr<int>& answer);

}  // namespace edgesim::policy
