// request_body.h — a request body read by the route itself, under a bound, whatever its
// Content-Type.
//
// httplib reads the body of an ordinary route before the route runs, and the library Debian ships
// (a compiled libcpp-httplib, where no define of ours reaches) refuses an
// application/x-www-form-urlencoded body over 8 KiB with a bare 413 and parses it into the
// query parameters. curl -d and many HTTP tools send that type by default, so the API and admin
// routes that take a body read it here instead (httplib's HandlerWithContentReader): one bound
// for every type, no parameters made of the body, and a message that says what happened.
//
//   server.Post(pattern, [](const httplib::Request& req, httplib::Response& res,
//                           const httplib::ContentReader& content) {
//     absl::StatusOr<std::string> body = ReadRequestBody(req, res, content, kMaxBytes);
//     if (absl::IsResourceExhausted(body.status())) ...   // over kMaxBytes
//   });
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "httplib.h"

namespace edgesim::emulator {

// The body of `req`, read through `content`. A request with neither Content-Length nor
// Transfer-Encoding has no body (RFC 9112 section 6.3): "" without reading, since httplib would
// otherwise wait for the connection to close. Errors: ResourceExhausted when the body is longer
// than `max_bytes` (by its Content-Length, which httplib checks against the server's payload
// limit and reports in `res`'s status, or as it arrives); InvalidArgument for a
// multipart/form-data body, left unread (the caller closes the connection); DataLoss when it could
// not be read (the connection closed early, bad chunks).
absl::StatusOr<std::string> ReadRequestBody(const httplib::Request& req,
                                            const httplib::Response& res,
                                            const httplib::ContentReader& content,
                                            size_t max_bytes);

}  // namespace edgesim::emulator
