#include "policy/origin_access.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "policy/distribution.h"

namespace edgesim::policy {
namespace {

// "eu-west-1", "us-gov-west-1", "ap-southeast-5".
bool LooksLikeRegion(absl::string_view label) {
  return absl::StrContains(label, '-') && !label.empty() && absl::ascii_isdigit(label.back());
}

}  // namespace

absl::optional<SigningBehavior> ParseSigningBehavior(absl::string_view text) {
  if (text == "always") return SigningBehavior::kAlways;
  if (text == "never") return SigningBehavior::kNever;
  if (text == "no-override") return SigningBehavior::kNoOverride;
  return absl::nullopt;
}

absl::string_view ToString(SigningBehavior behavior) {
  switch (behavior) {
    case SigningBehavior::kAlways:
      return "always";
    case SigningBehavior::kNever:
      return "never";
    case SigningBehavior::kNoOverride:
      return "no-override";
  }
  return "always";
}

bool IsOriginAccessControlOriginType(absl::string_view type) {
  return type == "s3" || type == "mediastore" || type == "mediapackagev2" || type == "lambda";
}

bool OriginAccessControlFits(absl::string_view origin_type, absl::string_view origin_domain,
                             bool custom_origin) {
  if (origin_type != "s3") return true;
  const absl::optional<S3Domain> s3 = ParseS3Domain(origin_domain);
  return s3.has_value() && !s3->website && !custom_origin;
}

OriginSigning SigningOf(const OriginAccessControl& oac) {
  return {.behavior = oac.signing_behavior, .service = oac.origin_type};
}

OriginSigning LegacyIdentitySigning() { return {.behavior = SigningBehavior::kAlways, .service = "s3"}; }

bool SignsOriginRequest(const OriginSigning& signing, const Request& forwarded) {
  switch (signing.behavior) {
    case SigningBehavior::kAlways:
      return true;
    case SigningBehavior::kNever:
      return false;
    case SigningBehavior::kNoOverride:
      return !forwarded.headers.Has("Authorization");
  }
  return true;
}

std::string SigningRegion(absl::string_view origin_domain) {
  const std::string lower = absl::AsciiStrToLower(origin_domain);
  absl::string_view host = lower;
  if (absl::ConsumeSuffix(&host, ".amazonaws.com") || absl::ConsumeSuffix(&host, ".on.aws")) {
    const std::vector<absl::string_view> labels = absl::StrSplit(host, '.');
    if (LooksLikeRegion(labels.back())) return std::string(labels.back());
  }
  return "us-east-1";
}

absl::optional<std::string> OriginAccessIdentityId(absl::string_view value) {
  if (!absl::ConsumePrefix(&value, "origin-access-identity/cloudfront/") || value.empty() ||
      absl::StrContains(value, '/')) {
    return absl::nullopt;
  }
  return std::string(value);
}

}  // namespace edgesim::policy
