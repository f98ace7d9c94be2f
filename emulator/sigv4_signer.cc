#include "emulator/sigv4_signer.h"

#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "policy/percent_escape.h"

namespace edgesim::emulator {
namespace {

std::string HmacSha256(absl::string_view key, absl::string_view data) {
  unsigned char mac[SHA256_DIGEST_LENGTH];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &size);
  return std::string(reinterpret_cast<const char*>(mac), size);
}

// `text` with its %XX escapes decoded (a broken escape stays as it is).
std::string PercentDecoded(absl::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (const absl::optional<char> c = policy::DecodePercentEscape(text, i)) {
      out.push_back(*c);
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

// AWS's URI encoding: unreserved characters kept, every other byte %XX (uppercase); '/' kept
// when `keep_slash` (paths), encoded otherwise (query names and values).
std::string AwsUriEncode(absl::string_view raw, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : raw) {
    const auto c = static_cast<unsigned char>(ch);
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
        (keep_slash && c == '/')) {
      out.push_back(ch);
    } else {
      out.append({'%', kHex[c >> 4], kHex[c & 15]});
    }
  }
  return out;
}

std::string CanonicalQuery(absl::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  for (absl::string_view part : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    const std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(part, '=');
    params.emplace_back(AwsUriEncode(PercentDecoded(kv.first), false),
                        AwsUriEncode(PercentDecoded(kv.second), false));
  }
  std::sort(params.begin(), params.end());
  return absl::StrJoin(params, "&", absl::PairFormatter("="));
}

// A header's values as the canonical form wants them: trimmed, inner runs of spaces collapsed,
// repeated fields joined by ','.
std::string CanonicalValue(const policy::Request& request, absl::string_view name) {
  std::vector<std::string> values;
  for (absl::string_view v : request.headers.GetAll(name)) {
    values.push_back(std::string(absl::StripAsciiWhitespace(v)));
    absl::RemoveExtraAsciiWhitespace(&values.back());
  }
  return absl::StrJoin(values, ",");
}

}  // namespace

std::string Sha256Hex(absl::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

std::string SigV4CanonicalRequest(const policy::Request& request,
                                  const std::vector<std::string>& signed_headers,
                                  absl::string_view payload_hash) {
  std::vector<std::string> names = signed_headers;
  std::sort(names.begin(), names.end());
  std::string headers;
  for (const std::string& name : names) {
    absl::StrAppend(&headers, name, ":", CanonicalValue(request, name), "\n");
  }
  return absl::StrCat(request.method, "\n", AwsUriEncode(PercentDecoded(request.path()), true),
                      "\n", CanonicalQuery(request.query()), "\n", headers, "\n",
                      absl::StrJoin(names, ";"), "\n", payload_hash);
}

std::string SigV4Authorization(const policy::Request& request, const AwsCredentials& credentials,
                               const SigV4Scope& scope,
                               const std::vector<std::string>& signed_headers,
                               absl::string_view payload_hash, absl::string_view amz_date) {
  const absl::string_view day = amz_date.substr(0, 8);
  const std::string credential_scope =
      absl::StrCat(day, "/", scope.region, "/", scope.service, "/aws4_request");
  const std::string string_to_sign =
      absl::StrCat("AWS4-HMAC-SHA256\n", amz_date, "\n", credential_scope, "\n",
                   Sha256Hex(SigV4CanonicalRequest(request, signed_headers, payload_hash)));
  std::string key = HmacSha256(absl::StrCat("AWS4", credentials.secret_access_key), day);
  for (absl::string_view step : {absl::string_view(scope.region),
                                 absl::string_view(scope.service), absl::string_view("aws4_request")}) {
    key = HmacSha256(key, step);
  }
  std::vector<std::string> names = signed_headers;
  std::sort(names.begin(), names.end());
  return absl::StrCat("AWS4-HMAC-SHA256 Credential=", credentials.access_key_id, "/",
                      credential_scope, ", SignedHeaders=", absl::StrJoin(names, ";"),
                      ", Signature=", absl::BytesToHexString(HmacSha256(key, string_to_sign)));
}

void SignSigV4(policy::Request& request, const AwsCredentials& credentials,
               const SigV4Scope& scope, absl::Time now) {
  const std::string amz_date = absl::FormatTime("%Y%m%dT%H%M%SZ", now, absl::UTCTimeZone());
  const bool has_body = request.body != nullptr && !request.body->empty();
  const absl::string_view payload_hash = has_body ? kUnsignedPayload : kEmptyPayloadSha256;
  std::vector<std::string> signed_headers = {"host", "x-amz-content-sha256", "x-amz-date"};
  request.headers.Set("X-Amz-Date", amz_date);
  request.headers.Set("X-Amz-Content-Sha256", payload_hash);
  request.headers.Remove("X-Amz-Security-Token");
  if (!credentials.session_token.empty()) {
    request.headers.Set("X-Amz-Security-Token", credentials.session_token);
    signed_headers.push_back("x-amz-security-token");
  }
  request.headers.Set("Authorization", SigV4Authorization(request, credentials, scope,
                                                          signed_headers, payload_hash, amz_date));
}

}  // namespace edgesim::emulator
