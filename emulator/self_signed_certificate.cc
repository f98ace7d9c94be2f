#include "emulator/self_signed_certificate.h"

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace edgesim::emulator {
namespace {

constexpr long kValidSeconds = 397L * 24 * 3600;
constexpr long kBackdateSeconds = 3600;  // a client's clock a little behind still accepts it

template <typename T, void (*Free)(T*)>
struct OpenSslDeleter {
  void operator()(T* p) const { Free(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY, EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, OpenSslDeleter<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<BIO, BIO_free_all>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, OpenSslDeleter<X509_EXTENSION, X509_EXTENSION_free>>;

// The last OpenSSL error as text, after `what`.
absl::Status OpenSslError(absl::StatusCode code, absl::string_view what) {
  char text[256] = "";
  ERR_error_string_n(ERR_get_error(), text, sizeof(text));
  ERR_clear_error();
  return absl::Status(code, absl::StrCat(what, ": ", text));
}

std::string BioText(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(size));
}

absl::Status AddExtension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  const ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (ext == nullptr || X509_add_ext(cert, ext.get(), -1) != 1) {
    return OpenSslError(absl::StatusCode::kInvalidArgument,
                        absl::StrCat("certificate extension \"", value, "\""));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<PemCertificate> MakeSelfSignedCertificate(
    const std::vector<std::string>& dns_names) {
  const KeyPtr key(EVP_EC_gen("P-256"));
  if (key == nullptr) return OpenSslError(absl::StatusCode::kInternal, "EC key");
  const CertPtr cert(X509_new());
  unsigned char serial[16];
  if (cert == nullptr || RAND_bytes(serial, sizeof(serial)) != 1) {
    return OpenSslError(absl::StatusCode::kInternal, "certificate");
  }
  serial[0] &= 0x7f;  // a positive serial number (RFC 5280 4.1.2.2)
  BIGNUM* serial_number = BN_bin2bn(serial, sizeof(serial), nullptr);
  const bool serial_set = serial_number != nullptr &&
                          BN_to_ASN1_INTEGER(serial_number, X509_get_serialNumber(cert.get()));
  BN_free(serial_number);
  X509_NAME* name = X509_get_subject_name(cert.get());
  const bool made =
      serial_set && X509_set_version(cert.get(), 2) == 1 &&
      X509_gmtime_adj(X509_getm_notBefore(cert.get()), -kBackdateSeconds) != nullptr &&
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), kValidSeconds) != nullptr &&
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>("edgesim"), -1, -1,
                                 0) == 1 &&
      X509_set_issuer_name(cert.get(), name) == 1 && X509_set_pubkey(cert.get(), key.get()) == 1;
  if (!made) return OpenSslError(absl::StatusCode::kInternal, "certificate");

  std::vector<std::string> alt_names = {"IP:127.0.0.1", "IP:::1"};
  for (const std::string& dns : dns_names) alt_names.push_back(absl::StrCat("DNS:", dns));
  if (absl::Status s = AddExtension(cert.get(), NID_subject_alt_name,
                                    absl::StrJoin(alt_names, ","));
      !s.ok()) {
    return s;
  }
  if (absl::Status s = AddExtension(cert.get(), NID_ext_key_usage, "serverAuth"); !s.ok()) {
    return s;
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    return OpenSslError(absl::StatusCode::kInternal, "signing the certificate");
  }

  const BioPtr cert_bio(BIO_new(BIO_s_mem()));
  const BioPtr key_bio(BIO_new(BIO_s_mem()));
  if (cert_bio == nullptr || key_bio == nullptr ||
      PEM_write_bio_X509(cert_bio.get(), cert.get()) != 1 ||
      PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr,
                               nullptr) != 1) {
    return OpenSslError(absl::StatusCode::kInternal, "PEM encoding");
  }
  return PemCertificate{BioText(cert_bio.get()), BioText(key_bio.get())};
}

}  // namespace edgesim::emulator
