#include "policy/origin_failover.h"

#include <algorithm>

namespace edgesim::policy {

bool MethodFailsOver(absl::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

bool AnswerFailsOver(const OriginGroup& group, const absl::StatusOr<int>& answer) {
  if (!answer.ok()) {
    const absl::StatusCode code = answer.status().code();
    return code == absl::StatusCode::kUnavailable || code == absl::StatusCode::kDeadlineExceeded;
  }
  const std::vector<int>& codes = group.failover_status_codes;
  return std::find(codes.begin(), codes.end(), *answer) != codes.end();
}

}  // namespace edgesim::policy
