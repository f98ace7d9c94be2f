// sigv4_signer.h — AWS Signature Version 4 for the requests the edge sends to origins behind an
// origin access control (SPEC 10.3): canonical request, string to sign, the HMAC-SHA256 key
// chain (OpenSSL), and the headers that carry the result.
//
// The canonical form is S3's: the path is percent-decoded and encoded once again with AWS's
// rules (unreserved characters and '/' kept), never encoded twice; query parameters are decoded,
// encoded, and sorted by name then value. The request is signed as it goes on the wire, so call
// this last, after Host and the target are final (emulator/origin_router.h does).
//
//   policy::Request r = policy::Request::Get("/bucket/key.txt");
//   r.headers.Set("Host", "127.0.0.1:5000");
//   SignSigV4(r, {.access_key_id = "AKID", .secret_access_key = "secret"},
//             {.region = "us-east-1", .service = "s3"}, absl::Now());
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "policy/http_message.h"

namespace edgesim::emulator {

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  // Temporary credentials' token, sent as X-Amz-Security-Token; empty: none.
  std::string session_token;

  bool operator==(const AwsCredentials&) const = default;
};

struct SigV4Scope {
  std::string region;
  std::string service;
};

// The x-amz-content-sha256 of a payload edgesim does not hash (S3 accepts it).
inline constexpr absl::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
// Hex SHA-256 of the empty payload.
inline constexpr absl::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// Signs `request` in place at `now`: sets X-Amz-Date, X-Amz-Content-Sha256 (the empty payload's
// hash for a request without a body, UNSIGNED-PAYLOAD otherwise), X-Amz-Security-Token (removed
// when the credentials have none) and Authorization (replacing any), signing Host and the x-amz-*
// headers it sets. REQUIRES: `request` has a Host header.
void SignSigV4(policy::Request& request, const AwsCredentials& credentials,
               const SigV4Scope& scope, absl::Time now);

// Hex SHA-256 of `data`.
std::string Sha256Hex(absl::string_view data);

// --- The steps, for SignSigV4 and its tests (AWS's published test vectors).

// The canonical request over `signed_headers` (lowercase names, any order; each must be present).
std::string SigV4CanonicalRequest(const policy::Request& request,
                                  const std::vector<std::string>& signed_headers,
                                  absl::string_view payload_hash);

// The Authorization value for `request` as it stands, its X-Amz-Date (`amz_date`,
// "20150830T123600Z") already set.
std::string SigV4Authorization(const policy::Request& request, const AwsCredentials& credentials,
                               const SigV4Scope& scope,
                               const std::vector<std::string>& signed_headers,
                               absl::string_view payload_hash, absl::string_view amz_date);

}  // namespace edgesim::emulator
