// origin_access.h — origin access control (OAC) and the legacy origin access identity (OAI):
// CloudFront's rules for when a request to an origin is signed, what with, and for which Region
// (SPEC 10).
//
// An OAC (OriginAccessControlConfig) says how CloudFront signs requests to the origins that name
// it: SigningProtocol "sigv4", SigningBehavior always | never | no-override, and the origin type
// (s3 | mediastore | mediapackagev2 | lambda), which is the SigV4 service. An origin's resolved
// OriginSigning is what the edge acts on; SignsOriginRequest is the rule per request.
//
//   absl::optional<OriginSigning> s = SigningOf(oac);        // on policy::Origin::signing
//   if (SignsOriginRequest(*s, forwarded)) { /* sign for SigningRegion(origin.domain_name) */ }
#pragma once

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "policy/http_message.h"

namespace edgesim::policy {

enum class SigningBehavior { kAlways, kNever, kNoOverride };

// "always" | "never" | "no-override"; nullopt for anything else.
absl::optional<SigningBehavior> ParseSigningBehavior(absl::string_view text);
absl::string_view ToString(SigningBehavior behavior);

// The origin types an OAC may be for (API_OriginAccessControlConfig).
bool IsOriginAccessControlOriginType(absl::string_view type);

// How many distributions may name one OAC
// (TooManyDistributionsAssociatedToOriginAccessControl, SPEC 10.1).
inline constexpr size_t kMaxDistributionsPerOriginAccessControl = 100;

// SPEC 10.1: whether an OAC of `origin_type` fits an origin at `origin_domain`, given with a
// CustomOriginConfig (`custom_origin`) or not. An s3 OAC fits only an S3 bucket's REST endpoint
// given as an S3 origin: not a website endpoint, not a custom origin. The other types are not
// checked (UNCONFIRMED what CloudFront refuses for them).
bool OriginAccessControlFits(absl::string_view origin_type, absl::string_view origin_domain,
                             bool custom_origin);

// An OriginAccessControlConfig (SPEC 10.1).
struct OriginAccessControl {
  std::string id;
  std::string name;
  std::string description;
  std::string signing_protocol = "sigv4";
  SigningBehavior signing_behavior = SigningBehavior::kAlways;
  std::string origin_type = "s3";

  bool operator==(const OriginAccessControl&) const = default;
};

// How the requests to one origin are signed.
struct OriginSigning {
  SigningBehavior behavior = SigningBehavior::kAlways;
  // SigV4's service: the OAC's origin type ("s3", "lambda", "mediastore", "mediapackagev2").
  std::string service = "s3";

  bool operator==(const OriginSigning&) const = default;
};

// An origin naming `oac`.
OriginSigning SigningOf(const OriginAccessControl& oac);
// An S3 origin naming a legacy OAI: CloudFront signs its requests as the OAI (SPEC 10.3); edgesim
// signs them like an OAC's with SigningBehavior always.
OriginSigning LegacyIdentitySigning();

// SPEC 10.2: whether the edge signs `forwarded` (the request BuildOriginRequest made, so an
// Authorization in it is the viewer's that the policies forward). always: yes, replacing the
// viewer's; never: no; no-override: only when it carries no Authorization (a viewer's that the
// cache policy does not forward was already dropped, so it counts as absent).
bool SignsOriginRequest(const OriginSigning& signing, const Request& forwarded);

// The Region CloudFront signs for, read from the origin's domain: `bucket.s3.<region>.amazonaws.com`
// and the other services' `...<region>.amazonaws.com` / `...<region>.on.aws` names; the legacy
// global `bucket.s3.amazonaws.com` (and any name without a Region) is us-east-1.
std::string SigningRegion(absl::string_view origin_domain);

// The Id in S3OriginConfig.OriginAccessIdentity "origin-access-identity/cloudfront/<Id>"; nullopt
// for an empty value (no OAI) or one of another form.
absl::optional<std::string> OriginAccessIdentityId(absl::string_view value);

}  // namespace edgesim::policy
