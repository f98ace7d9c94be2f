// self_signed_certificate.h — the certificate `edgesim serve --listen-tls` presents when no
// --tls-cert / --tls-key are given: made at start-up with OpenSSL, never written to disk.
//
// An ECDSA P-256 key and an X.509 v3 certificate signed by it, valid from an hour ago for 397 days
// (the longest a public CA may issue), with subject CN=edgesim and subjectAltNames for
// 127.0.0.1, ::1 and the names given (e.g. localhost, *.cloudfront.localhost, the distributions'
// domain names). Clients trust it with `curl -k`, or with the certificate itself as their CA.
//
//   absl::StatusOr<PemCertificate> c = MakeSelfSignedCertificate({"localhost"});
//   c->certificate_pem;   // "-----BEGIN CERTIFICATE-----\n..."
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace edgesim::emulator {

struct PemCertificate {
  std::string certificate_pem;
  std::string private_key_pem;
};

// `dns_names`: each a DNS name or a wildcard `*.name`; a name OpenSSL refuses is an
// InvalidArgument. Internal when OpenSSL fails otherwise.
absl::StatusOr<PemCertificate> MakeSelfSignedCertificate(const std::vector<std::string>& dns_names);

}  // namespace edgesim::emulator
