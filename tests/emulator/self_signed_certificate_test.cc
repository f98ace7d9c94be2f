#include "emulator/self_signed_certificate.h"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace edgesim::emulator {
namespace {

X509* ParseSelfSignedPem(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return cert;
}

TEST(SelfSignedCertificateTest, CoversLoopbackAndTheGivenNamesAndIsSignedByItsKey) {
  absl::StatusOr<PemCertificate> made =
      MakeSelfSignedCertificate({"localhost", "*.cloudfront.localhost", "d1.cloudfront.net"});
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_TRUE(absl::StartsWith(made->certificate_pem, "-----BEGIN CERTIFICATE-----"));
  EXPECT_TRUE(absl::StartsWith(made->private_key_pem, "-----BEGIN PRIVATE KEY-----"));
  X509* cert = ParseSelfSignedPem(made->certificate_pem);
  ASSERT_NE(cert, nullptr);
  for (const char* host : {"localhost", "e1.cloudfront.localhost", "d1.cloudfront.net"}) {
    EXPECT_EQ(X509_check_host(cert, host, 0, 0, nullptr), 1) << host;
  }
  EXPECT_EQ(X509_check_host(cert, "example.com", 0, 0, nullptr), 0);
  EXPECT_EQ(X509_check_ip_asc(cert, "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(cert, "::1", 0), 1);
  EVP_PKEY* key = X509_get0_pubkey(cert);
  EXPECT_EQ(X509_verify(cert, key), 1);  // self-signed
  X509_free(cert);

  // Each start-up makes a new key.
  absl::StatusOr<PemCertificate> again = MakeSelfSignedCertificate({"localhost"});
  ASSERT_TRUE(again.ok());
  EXPECT_NE(again->private_key_pem, made->private_key_pem);
}

TEST(SelfSignedCertificateTest, ANameOpenSslRefusesIsAnError) {
  EXPECT_EQ(MakeSelfSignedCertificate({"bad name,IP:nonsense"}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace edgesim::emulator
