// api_error.h — CloudFront's API errors (API 1.6): a code, an HTTP status and
// a message, carried through absl::Status so every layer below the routes stays in Status terms.
//
// The code rides in the Status payload policy/invalidation.h already uses, so the invalidation
// errors policy/ builds (InvalidArgument, InconsistentQuantities, BatchTooLarge,
// TooManyInvalidationsInProgress) come out of ToApiError unchanged.
//
//   return MakeApiError("NoSuchDistribution", "The specified distribution does not exist.");
//   ApiError e = ToApiError(status);     // {"NoSuchDistribution", 404, "The specified ..."}
//   std::string body = ApiErrorXml(e, request_id);   // <ErrorResponse xmlns=...><Error>...
#pragma once

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace edgesim::emulator {

struct ApiError {
  std::string code;     // "NoSuchDistribution"
  int http_status = 400;
  std::string message;
  // "Sender" for the caller's mistakes (4xx), "Receiver" for ours (5xx).
  std::string type() const { return http_status >= 500 ? "Receiver" : "Sender"; }

  bool operator==(const ApiError&) const = default;
};

std::ostream& operator<<(std::ostream& os, const ApiError& error);

// The HTTP status CloudFront answers `code` with (API 1.6's table); 400 for codes it does not list.
int ApiErrorHttpStatus(absl::string_view code);

// A non-OK Status whose payload names `code`; ToApiError gives it back with its HTTP status.
absl::Status MakeApiError(absl::string_view code, absl::string_view message);

// REQUIRES: !status.ok(). The error a Status stands for: its payload's code when it has one;
// otherwise InvalidArgument (400) for kInvalidArgument / kOutOfRange and InternalError (500) for
// anything else (a bug of ours: the message is kept so it can be reported).
ApiError ToApiError(const absl::Status& status);

// The XML body: <?xml?>, <ErrorResponse xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">
// <Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>, text escaped.
std::string ApiErrorXml(const ApiError& error, absl::string_view request_id);

}  // namespace edgesim::emulator
