#include "emulator/request_body.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace edgesim::emulator {

absl::StatusOr<std::string> ReadRequestBody(const httplib::Request& req,
                                            const httplib::Response& res,
                                            const httplib::ContentReader& content,
                                            size_t max_bytes) {
  // httplib would hand a multipart body to part handlers (none here) instead of to `content`.
  if (req.is_multipart_form_data()) {
    return absl::InvalidArgumentError("A multipart/form-data body is not read.");
  }
  std::string body;
  if (!req.has_header("Content-Length") && !req.has_header("Transfer-Encoding")) return body;
  bool too_long = false;
  const bool read = content([&](const char* data, size_t length) {
    too_long = length > max_bytes - body.size();
    if (!too_long) body.append(data, length);
    return !too_long;
  });
  // httplib refuses a Content-Length over the server's payload limit with 413 before reading.
  if (too_long || res.status == 413) {
    return absl::ResourceExhaustedError(
        absl::StrCat("The request body is larger than ", max_bytes, " bytes."));
  }
  if (!read) return absl::DataLossError("The request body could not be read.");
  return body;
}

}  // namespace edgesim::emulator
