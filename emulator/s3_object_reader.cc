#include "emulator/s3_object_reader.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "httplib.h"

namespace edgesim::emulator {
namespace {

// Generous for a local endpoint; the whole read is bounded by it per socket operation.
constexpr int kS3ReadTimeoutSeconds = 10;
// The Region signed for: local S3-compatible endpoints accept any.
constexpr char kS3ImportRegion[] = "us-east-1";

}  // namespace

absl::StatusOr<std::string> ReadS3Object(const std::string& endpoint, absl::string_view arn,
                                         size_t max_bytes, const AwsCredentials* credentials) {
  absl::string_view path = arn;
  if (!absl::ConsumePrefix(&path, "arn:aws:s3:::") || path.find('/') == 0 ||
      path.find('/') == absl::string_view::npos || absl::EndsWith(path, "/")) {
    return absl::InvalidArgumentError(absl::StrCat(arn, " is not the ARN of an S3 object."));
  }
  const std::string target = absl::StrCat("/", path);
  httplib::Headers headers;
  httplib::Client client(endpoint);
  if (credentials != nullptr) {
    policy::Request request = policy::Request::Get(target);
    absl::string_view authority = endpoint;
    if (!absl::ConsumePrefix(&authority, "http://")) absl::ConsumePrefix(&authority, "https://");
    request.headers.Set("Host", authority.substr(0, authority.find('/')));
    SignSigV4(request, *credentials, {.region = kS3ImportRegion, .service = "s3"}, absl::Now());
    for (const auto& [name, value] : request.headers.fields()) headers.emplace(name, value);
  }
  client.set_connection_timeout(kS3ReadTimeoutSeconds);
  client.set_read_timeout(kS3ReadTimeoutSeconds);
  std::string body;
  bool too_large = false;
  const httplib::Result result = client.Get(
      target, headers,
      [&](const char* data, size_t length) {
        too_large = body.size() + length > max_bytes;
        if (!too_large) body.append(data, length);
        return !too_large;
      });
  if (too_large) {
    return absl::ResourceExhaustedError(
        absl::StrCat("The object ", arn, " is larger than ", max_bytes, " bytes."));
  }
  if (!result) {
    return absl::UnavailableError(absl::StrCat("Cannot read ", arn, " from ", endpoint, ": ",
                                               httplib::to_string(result.error())));
  }
  if (result->status == 404) return absl::NotFoundError(absl::StrCat(arn, " does not exist."));
  if (result->status != 200) {
    return absl::UnavailableError(
        absl::StrCat("Reading ", arn, " from ", endpoint, " answered ", result->status, "."));
  }
  return body;
}

}  // namespace edgesim::emulator
