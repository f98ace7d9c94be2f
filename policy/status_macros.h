// status_macros.h — early-return helpers for absl::Status / absl::StatusOr.
//
// Debian's abseil (20220623) ships no status macros, so edgesim keeps these two.
//
//   EDGESIM_RETURN_IF_ERROR(ValidatePath(p));
//   EDGESIM_ASSIGN_OR_RETURN(DistributionConfig config, LoadDistributionConfig(text));
#pragma once

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define EDGESIM_RETURN_IF_ERROR(expr)                  \
  do {                                                 \
    ::absl::Status edgesim_status_ = (expr);           \
    if (!edgesim_status_.ok()) return edgesim_status_; \
  } while (0)

#define EDGESIM_STATUS_CONCAT_INNER_(a, b) a##b
#define EDGESIM_STATUS_CONCAT_(a, b) EDGESIM_STATUS_CONCAT_INNER_(a, b)

#define EDGESIM_ASSIGN_OR_RETURN(lhs, rexpr) \
  EDGESIM_ASSIGN_OR_RETURN_IMPL_(EDGESIM_STATUS_CONCAT_(edgesim_statusor_, __LINE__), lhs, rexpr)

#define EDGESIM_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                   \
  if (!statusor.ok()) return std::move(statusor).status();   \
  lhs = std::move(statusor).value()

// Aborts with a message in every build: for broken invariants only, never for external input.
#define EDGESIM_CHECK(cond)                                                           \
  do {                                                                                \
    if (!(cond)) ::edgesim::policy::internal::CheckFailed(__FILE__, __LINE__, #cond); \
  } while (0)

namespace edgesim::policy::internal {
[[noreturn]] void CheckFailed(const char* file, int line, const char* condition);
}  // namespace edgesim::policy::internal
