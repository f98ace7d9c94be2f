// invalidation.h — CloudFront invalidation paths: syntax, what they match, limits and pricing.
//
// Models SPEC 6. An invalidation path is matched against the path of every cached object of the
// distribution, whichever behavior served it: exact string equality with the object's key path
// (plus `?query` when query strings are in the cache key), or a string-prefix match when the path
// ends in `*` (SPEC 6.2, SPEC B12). There is no normalization and no decoding: `%2A` is a literal,
// `/a*b` is a literal `*`. See
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/invalidation-specifying-objects.html
//
//   absl::StatusOr<InvalidationPath> p = InvalidationPath::Parse("/images/*");
//   p->Matches("/images/x/y.png");                   // true
//   ToInvalidationError(ValidateInvalidationPath("/my file.txt"))->code;   // "InvalidArgument"
//
// Errors: every failing function returns an absl::Status built by MakeInvalidationError, which
// carries CloudFront's error code as a payload. The REST API turns it into
// `<ErrorResponse><Error><Code>{code}</Code><Message>{message}</Message></Error>` with the HTTP
// status of `ToInvalidationError(status)`.
#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "policy/model_options.h"

namespace edgesim::policy {

// CloudFront's error codes for CreateInvalidation that the model decides (SPEC 6.1).
enum class InvalidationErrorCode {
  kInvalidArgument,                 // 400: a path breaks a SPEC 6.2 syntax rule
  kInconsistentQuantities,          // 400: Paths.Quantity differs from the number of Paths.Items
  kBatchTooLarge,                   // 413: too many non-wildcard paths in one request (SPEC 6.3)
  kTooManyInvalidationsInProgress,  // 400: the in-progress limits of SPEC 6.3
};

// CloudFront's spelling: "InvalidArgument", "InconsistentQuantities", ...
absl::string_view ToString(InvalidationErrorCode code);
int HttpStatus(InvalidationErrorCode code);

// The payload type URL under which MakeInvalidationError stores ToString(code).
inline constexpr absl::string_view kInvalidationErrorCodeUrl = "edgesim/cloudfront-error-code";

// What the REST API answers: `<Code>`, the HTTP status and `<Message>`.
struct InvalidationError {
  std::string code;
  int http_status = 400;
  std::string message;

  bool operator==(const InvalidationError&) const = default;
};

std::ostream& operator<<(std::ostream& os, const InvalidationError& error);

// An absl::Status for `code`: canonical code kInvalidArgument (kResourceExhausted for
// kTooManyInvalidationsInProgress), `message`, and the payload described above.
absl::Status MakeInvalidationError(InvalidationErrorCode code, absl::string_view message);
// The CloudFront error a Status from MakeInvalidationError stands for; nullopt for an OK status or
// one without the payload (the API layer then picks its own error).
absl::optional<InvalidationError> ToInvalidationError(const absl::Status& status);

// SPEC 6.2 / 6.3 limits [DOC].
inline constexpr size_t kMaxInvalidationPathLength = 4000;
inline constexpr int kMaxInProgressFilePaths = 3000;
inline constexpr int kMaxInProgressWildcardPaths = 15;

// OK, or InvalidArgument with CloudFront's "Your request contains one or more invalid invalidation
// paths." followed by the path and the reason: no leading `/`; longer than 4000 characters; a raw
// `~` (SPEC 6.2: unsupported even encoded, but `%7E` is accepted and simply never matches); an
// unencoded RFC 1738 unsafe character (space < > " # { } | \ ^ [ ] `), control or non-ASCII byte;
// a `%` that does not start a `%XX` escape (a literal `%` must be sent as `%25`). A `*` that is not
// the last character is a literal, not an error.
absl::Status ValidateInvalidationPath(absl::string_view path);

class InvalidationPath {
 public:
  // Fails like ValidateInvalidationPath.
  static absl::StatusOr<InvalidationPath> Parse(absl::string_view path);

  // Ends in `*`: everything whose path starts with prefix() is invalidated.
  bool is_wildcard() const { return is_wildcard_; }
  // As submitted.
  const std::string& text() const { return text_; }
  // text() without its trailing `*` for a wildcard; text() otherwise.
  absl::string_view prefix() const;

  // `object_path` is a cached object's key path, plus `?query` when query strings are in its key
  // (as the cache-key module spells it). Case-sensitive, no decoding.
  bool Matches(absl::string_view object_path) const;

  bool operator==(const InvalidationPath&) const = default;

 private:
  InvalidationPath() = default;

  std::string text_;
  bool is_wildcard_ = false;
};

std::ostream& operator<<(std::ostream& os, const InvalidationPath& path);

// Checks an InvalidationBatch's Paths in CloudFront's order: InconsistentQuantities when
// `declared_quantity` != paths.size(); BatchTooLarge (413) for more non-wildcard paths than
// options.invalidation_batch_max_file_paths (UNCONFIRMED threshold, SPEC 6.3); then
// ValidateInvalidationPath on each, naming the first bad one as `Paths.Items[i]`.
absl::Status ValidateInvalidationBatch(const std::vector<std::string>& paths, int declared_quantity,
                                       const ModelOptions& options = {});

// TooManyInvalidationsInProgress when accepting `new_paths` would put the distribution over 3000
// in-progress non-wildcard paths or over 15 in-progress wildcard paths (independent limits,
// SPEC 6.3). The counts are what the distribution's InProgress invalidations already hold.
absl::Status CheckInProgressLimits(int in_progress_file_paths, int in_progress_wildcards,
                                   const std::vector<std::string>& new_paths);

// One UTC calendar month of invalidation charges (SPEC 6.6).
struct InvalidationMonthBill {
  absl::CivilMonth month;
  int64_t paths = 0;         // every path submitted; a wildcard counts as one
  int64_t free_paths = 0;    // min(paths, the monthly allowance)
  int64_t billed_paths = 0;  // paths - free_paths
  double cost_usd = 0;       // billed_paths * price per path

  bool operator==(const InvalidationMonthBill&) const = default;
};

std::ostream& operator<<(std::ostream& os, const InvalidationMonthBill& bill);

// Invalidation paths per UTC month for one AWS account, i.e. summed over all its distributions:
// the first ModelOptions::invalidation_free_paths_per_month are free, the rest cost
// ModelOptions::invalidation_price_per_path_usd each.
//
//   InvalidationLedger ledger;
//   for (int d = 0; d < 3; ++d) ledger.Record(now, 600);
//   ledger.BillFor(now).billed_paths;   // 800; cost_usd 4.00
class InvalidationLedger {
 public:
  explicit InvalidationLedger(const ModelOptions& options = {});

  // Counts `path_count` paths (one per path of a batch, wildcard or not; one per tag) in the UTC
  // month of `when`. REQUIRES: path_count >= 0.
  void Record(absl::Time when, int path_count);

  // The bill of the UTC month containing `when`; zero paths if nothing was recorded.
  InvalidationMonthBill BillFor(absl::Time when) const;
  InvalidationMonthBill BillFor(absl::CivilMonth month) const;
  // Every month with recorded paths, oldest first.
  std::vector<InvalidationMonthBill> Bills() const;

 private:
  int64_t free_paths_per_month_;
  double price_per_path_usd_;
  std::map<absl::CivilMonth, int64_t> paths_by_month_;
};

}  // namespace edgesim::policy
