// s3_object_reader.h — reads one object of an S3-compatible endpoint (`edgesim serve
// --s3-endpoint`, e.g. moto_server) by a path-style GET: what CreateKeyValueStore's ImportSource
// needs (API 1.11). Signed with SigV4 when given credentials (S3 and moto_server refuse an
// anonymous read of a private object), at the real time.
//
//   absl::StatusOr<std::string> file = ReadS3Object(
//       "http://127.0.0.1:5000", "arn:aws:s3:::bucket/data.json", 5 << 20, &credentials);
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "emulator/sigv4_signer.h"

namespace edgesim::emulator {

// The bytes of the object `arn` (arn:aws:s3:::BUCKET/KEY) names at `endpoint`. InvalidArgument
// for another ARN; NotFound for a 404; ResourceExhausted past `max_bytes`; Unavailable when the
// endpoint cannot be reached or answers another error.
// `credentials` null: unsigned.
absl::StatusOr<std::string> ReadS3Object(const std::string& endpoint, absl::string_view arn,
                                         size_t max_bytes, const AwsCredentials* credentials);

}  // namespace edgesim::emulator
