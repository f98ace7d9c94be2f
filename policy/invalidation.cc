#include "policy/invalidation.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "policy/status_macros.h"

namespace edgesim::policy {
namespace {

constexpr absl::string_view kInvalidPathsMessage =
    "Your request contains one or more invalid invalidation paths.";

// Echoed paths are cut so a 4000-character path does not flood the error.
constexpr size_t kMaxEchoedPathLength = 100;

// The payload type URL under which MakeInvalidationError stores ToString(code).
constexpr absl::string_view kInvalidationErrorCodeUrl = "edgesim/invalidation-error-code";

constexpr InvalidationErrorCode kAllCodes[] = {
    InvalidationErrorCode::kInvalidArgument,
    InvalidationErrorCode::kInconsistentQuantities,
    InvalidationErrorCode::kBatchTooLarge,
    InvalidationErrorCode::kTooManyInvalidationsInProgress,
};

bool IsWildcardPath(absl::string_view path) { return absl::EndsWith(path, "*"); }

bool IsHexDigit(char c) { return absl::ascii_isxdigit(static_cast<unsigned char>(c)); }

// RFC 1738 section 2.2 "unsafe" characters other than space, `%` and `~`, which have rules (and
// messages) of their own.
bool IsUnsafe(char c) {
  return absl::string_view("<>\"#{}|\\^[]`").find(c) != absl::string_view::npos;
}

std::string EncodedForm(char c) { return absl::StrFormat("%%%02X", static_cast<unsigned char>(c)); }

// Why `path` breaks a SPEC 6.2 syntax rule, or nullopt.
absl::optional<std::string> FindPathProblem(absl::string_view path) {
  if (!absl::StartsWith(path, "/")) return "it must begin with a slash (/)";
  if (path.size() > kMaxInvalidationPathLength) {
    return absl::StrCat("it is ", path.size(), " characters long; the maximum is ",
                        kMaxInvalidationPathLength);
  }
  for (size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    const auto byte = static_cast<unsigned char>(c);
    if (c == '~') {
      return absl::StrCat("it contains '~' at position ", i,
                          ", which CloudFront does not support in invalidation paths");
    }
    if (c == ' ') {
      return absl::StrCat("it contains an unencoded space at position ", i,
                          "; URL-encode it as %20");
    }
    if (IsUnsafe(c)) {
      return absl::StrCat("it contains an unencoded '", absl::string_view(&c, 1), "' at position ",
                          i, "; URL-encode it as ", EncodedForm(c));
    }
    if (byte < 0x20 || byte >= 0x7F) {
      return absl::StrFormat(
          "it contains byte 0x%02X at position %d; URL-encode non-ASCII and control characters",
          byte, i);
    }
    if (c == '%' && !(i + 2 < path.size() && IsHexDigit(path[i + 1]) && IsHexDigit(path[i + 2]))) {
      return absl::StrCat("it contains a '%' at position ", i,
                          " that does not start a %XX escape; encode a literal '%' as %25");
    }
  }
  return absl::nullopt;
}

std::string Echo(absl::string_view path) {
  if (path.size() <= kMaxEchoedPathLength) return absl::StrCat("\"", path, "\"");
  return absl::StrCat("\"", path.substr(0, kMaxEchoedPathLength), "...\"");
}

absl::Status InvalidPathError(absl::string_view where, absl::string_view path,
                              absl::string_view problem) {
  return MakeInvalidationError(
      InvalidationErrorCode::kInvalidArgument,
      absl::StrCat(kInvalidPathsMessage, " ", where, Echo(path), ": ", problem, "."));
}

}  // namespace

absl::string_view ToString(InvalidationErrorCode code) {
  switch (code) {
    case InvalidationErrorCode::kInvalidArgument:
      return "InvalidArgument";
    case InvalidationErrorCode::kInconsistentQuantities:
      return "InconsistentQuantities";
    case InvalidationErrorCode::kBatchTooLarge:
      return "BatchTooLarge";
    case InvalidationErrorCode::kTooManyInvalidationsInProgress:
      return "TooManyInvalidationsInProgress";
  }
  return "InvalidArgument";
}

std::ostream& operator<<(std::ostream& os, InvalidationErrorCode code) {
  return os << ToString(code);
}

absl::Status MakeInvalidationError(InvalidationErrorCode code, absl::string_view message) {
  absl::Status status = code == InvalidationErrorCode::kTooManyInvalidationsInProgress
                            ? absl::ResourceExhaustedError(message)
                            : absl::InvalidArgumentError(message);
  status.SetPayload(kInvalidationErrorCodeUrl, absl::Cord(ToString(code)));
  return status;
}

absl::optional<InvalidationErrorCode> InvalidationErrorCodeOf(const absl::Status& status) {
  const absl::optional<absl::Cord> payload = status.GetPayload(kInvalidationErrorCodeUrl);
  if (status.ok() || !payload.has_value()) return absl::nullopt;
  for (InvalidationErrorCode code : kAllCodes) {
    if (*payload == ToString(code)) return code;
  }
  return absl::nullopt;
}

absl::Status ValidateInvalidationPath(absl::string_view path) {
  if (absl::optional<std::string> problem = FindPathProblem(path)) {
    return InvalidPathError("Path ", path, *problem);
  }
  return absl::OkStatus();
}

absl::StatusOr<InvalidationPath> InvalidationPath::Parse(absl::string_view path) {
  EDGESIM_RETURN_IF_ERROR(ValidateInvalidationPath(path));
  InvalidationPath parsed;
  parsed.text_ = std::string(path);
  parsed.is_wildcard_ = IsWildcardPath(path);
  return parsed;
}

absl::string_view InvalidationPath::prefix() const {
  absl::string_view prefix = text_;
  if (is_wildcard_) prefix.remove_suffix(1);
  return prefix;
}

bool InvalidationPath::Matches(absl::string_view object_path) const {
  return is_wildcard_ ? absl::StartsWith(object_path, prefix()) : object_path == text_;
}

std::ostream& operator<<(std::ostream& os, const InvalidationPath& path) {
  return os << "InvalidationPath(\"" << path.text() << "\")";
}

absl::Status ValidateInvalidationBatch(const std::vector<std::string>& paths, int declared_quantity,
                                       const ModelOptions& options) {
  if (declared_quantity < 0 || static_cast<size_t>(declared_quantity) != paths.size()) {
    return MakeInvalidationError(
        InvalidationErrorCode::kInconsistentQuantities,
        absl::StrCat("The specified quantity of Paths (", declared_quantity,
                     ") does not match the actual quantity supplied (", paths.size(), ")."));
  }
  const auto file_paths = std::count_if(paths.begin(), paths.end(),
                                        [](const std::string& p) { return !IsWildcardPath(p); });
  if (file_paths > options.invalidation_batch_max_file_paths) {
    return MakeInvalidationError(InvalidationErrorCode::kBatchTooLarge,
                                 absl::StrCat("Invalidation batch specified is too large: ",
                                              file_paths, " non-wildcard paths; the maximum is ",
                                              options.invalidation_batch_max_file_paths, "."));
  }
  for (size_t i = 0; i < paths.size(); ++i) {
    if (absl::optional<std::string> problem = FindPathProblem(paths[i])) {
      return InvalidPathError(absl::StrCat("Paths.Items[", i, "] "), paths[i], *problem);
    }
  }
  return absl::OkStatus();
}

absl::Status CheckInProgressLimits(int in_progress_file_paths, int in_progress_wildcards,
                                   const std::vector<std::string>& new_paths) {
  const auto new_wildcards = std::count_if(new_paths.begin(), new_paths.end(),
                                           [](const std::string& p) { return IsWildcardPath(p); });
  const auto new_files = static_cast<int64_t>(new_paths.size()) - new_wildcards;
  // The two limits are independent (SPEC 6.3); each has its own message.
  auto exceeds = [](absl::string_view kind, int64_t limit, int64_t in_progress,
                    int64_t requested) -> absl::Status {
    if (in_progress + requested <= limit) return absl::OkStatus();
    return MakeInvalidationError(
        InvalidationErrorCode::kTooManyInvalidationsInProgress,
        absl::StrCat("Processing your request will cause you to exceed the maximum number of "
                     "in-progress ",
                     kind, " (", limit, "): ", in_progress, " in progress and ", requested,
                     " requested."));
  };
  EDGESIM_RETURN_IF_ERROR(exceeds("wildcard invalidations", kMaxInProgressWildcardPaths,
                                  in_progress_wildcards, new_wildcards));
  EDGESIM_RETURN_IF_ERROR(
      exceeds("invalidation paths", kMaxInProgressFilePaths, in_progress_file_paths, new_files));
  return absl::OkStatus();
}

std::ostream& operator<<(std::ostream& os, const InvalidationMonthBill& bill) {
  return os << "InvalidationMonthBill{" << bill.month << ": paths=" << bill.paths
            << ", free=" << bill.free_paths << ", billed=" << bill.billed_paths
            << ", cost_usd=" << absl::StrFormat("%.3f", bill.cost_usd) << "}";
}

InvalidationLedger::InvalidationLedger(const ModelOptions& options)
    : free_paths_per_month_(options.invalidation_free_paths_per_month),
      price_per_path_usd_(options.invalidation_price_per_path_usd) {}

void InvalidationLedger::Record(absl::Time when, int path_count) {
  EDGESIM_CHECK(path_count >= 0);
  paths_by_month_[absl::ToCivilMonth(when, absl::UTCTimeZone())] += path_count;
}

InvalidationMonthBill InvalidationLedger::BillFor(absl::Time when) const {
  return BillFor(absl::ToCivilMonth(when, absl::UTCTimeZone()));
}

InvalidationMonthBill InvalidationLedger::BillFor(absl::CivilMonth month) const {
  InvalidationMonthBill bill;
  bill.month = month;
  const auto it = paths_by_month_.find(month);
  bill.paths = it == paths_by_month_.end() ? 0 : it->second;
  bill.free_paths = std::min(bill.paths, free_paths_per_month_);
  bill.billed_paths = bill.paths - bill.free_paths;
  bill.cost_usd = static_cast<double>(bill.billed_paths) * price_per_path_usd_;
  return bill;
}

std::vector<InvalidationMonthBill> InvalidationLedger::Bills() const {
  std::vector<InvalidationMonthBill> bills;
  bills.reserve(paths_by_month_.size());
  for (const auto& entry : paths_by_month_) bills.push_back(BillFor(entry.first));
  return bills;
}

}  // namespace edgesim::policy
