#include "policy/origin_request_policy.h"

#include <array>
#include <utility>

#include "absl/strings/str_join.h"

namespace edgesim::policy {
namespace {

constexpr std::array<std::pair<OriginHeaderBehavior, absl::string_view>, 5> kHeaderBehaviorNames = {
    {
        {OriginHeaderBehavior::kNone, "none"},
        {OriginHeaderBehavior::kWhitelist, "whitelist"},
        {OriginHeaderBehavior::kAllViewer, "allViewer"},
        {OriginHeaderBehavior::kAllViewerAndWhitelistCloudFront, "allViewerAndWhitelistCloudFront"},
        {OriginHeaderBehavior::kAllExcept, "allExcept"},
    }};

OriginRequestPolicy Managed(std::string id, std::string api_name, OriginHeaderBehavior headers,
                            std::vector<std::string> header_names, KeyListBehavior cookies,
                            KeyListBehavior query_strings) {
  OriginRequestPolicy p;
  p.id = std::move(id);
  p.name = std::move(api_name);
  p.header_behavior = headers;
  p.headers = std::move(header_names);
  p.cookies.behavior = cookies;
  p.query_strings.behavior = query_strings;
  return p;
}

// IDs checked against the AWS developer guide (AllViewer, AllViewerAndCloudFrontHeaders-2022-06)
// and aws-cdk's OriginRequestPolicy constants (all six); settings from the developer guide.
std::vector<OriginRequestPolicy> BuildManagedOriginRequestPolicies() {
  using H = OriginHeaderBehavior;
  using K = KeyListBehavior;
  // The CloudFront headers released through June 2022 (the guide's list for the 2022-06 policy).
  std::vector<std::string> cloudfront_2022 = {"CloudFront-Forwarded-Proto",
                                              "CloudFront-Is-Android-Viewer",
                                              "CloudFront-Is-Desktop-Viewer",
                                              "CloudFront-Is-IOS-Viewer",
                                              "CloudFront-Is-Mobile-Viewer",
                                              "CloudFront-Is-SmartTV-Viewer",
                                              "CloudFront-Is-Tablet-Viewer",
                                              "CloudFront-Viewer-Address",
                                              "CloudFront-Viewer-ASN",
                                              "CloudFront-Viewer-City",
                                              "CloudFront-Viewer-Country",
                                              "CloudFront-Viewer-Country-Name",
                                              "CloudFront-Viewer-Country-Region",
                                              "CloudFront-Viewer-Country-Region-Name",
                                              "CloudFront-Viewer-Http-Version",
                                              "CloudFront-Viewer-Latitude",
                                              "CloudFront-Viewer-Longitude",
                                              "CloudFront-Viewer-Metro-Code",
                                              "CloudFront-Viewer-Postal-Code",
                                              "CloudFront-Viewer-Time-Zone",
                                              "CloudFront-Viewer-TLS"};
  return {
      Managed("216adef6-5c7f-47e4-b989-5492eafa07d3", "Managed-AllViewer", H::kAllViewer, {},
              K::kAll, K::kAll),
      Managed("33f36d7e-f396-46d9-90e0-52428a34d9dc",
              "Managed-AllViewerAndCloudFrontHeaders-2022-06", H::kAllViewerAndWhitelistCloudFront,
              std::move(cloudfront_2022), K::kAll, K::kAll),
      Managed("b689b0a8-53d0-40ab-baf2-68738e2966ac", "Managed-AllViewerExceptHostHeader",
              H::kAllExcept, {"Host"}, K::kAll, K::kAll),
      Managed("59781a5b-3903-41f3-afcb-af62929ccde1", "Managed-CORS-CustomOrigin", H::kWhitelist,
              {"Origin"}, K::kNone, K::kNone),
      Managed("88a5eaf4-2fd4-4709-b370-b4c650ea3fcf", "Managed-CORS-S3Origin", H::kWhitelist,
              {"Origin", "Access-Control-Request-Headers", "Access-Control-Request-Method"},
              K::kNone, K::kNone),
      Managed("acba4595-bd28-49b8-b9fe-13317c0390fa", "Managed-UserAgentRefererHeaders",
              H::kWhitelist, {"User-Agent", "Referer"}, K::kNone, K::kNone),
  };
}

}  // namespace

absl::string_view ToString(OriginHeaderBehavior behavior) {
  for (const auto& [b, name] : kHeaderBehaviorNames) {
    if (b == behavior) return name;
  }
  return "none";
}

bool ParseOriginHeaderBehavior(absl::string_view text, OriginHeaderBehavior* out) {
  for (const auto& [b, name] : kHeaderBehaviorNames) {
    if (name == text) {
      *out = b;
      return true;
    }
  }
  return false;
}

std::ostream& operator<<(std::ostream& os, OriginHeaderBehavior behavior) {
  return os << ToString(behavior);
}

KeyList OriginRequestPolicy::ViewerHeaders() const {
  switch (header_behavior) {
    case OriginHeaderBehavior::kNone:
      return {};
    case OriginHeaderBehavior::kWhitelist:
      return {KeyListBehavior::kWhitelist, headers};
    case OriginHeaderBehavior::kAllViewer:
    case OriginHeaderBehavior::kAllViewerAndWhitelistCloudFront:
      return {KeyListBehavior::kAll, {}};
    case OriginHeaderBehavior::kAllExcept:
      return {KeyListBehavior::kAllExcept, headers};
  }
  return {};
}

std::ostream& operator<<(std::ostream& os, const OriginRequestPolicy& p) {
  return os << "OriginRequestPolicy{" << p.id << " " << p.name << " headers=" << p.header_behavior
            << "[" << absl::StrJoin(p.headers, ",") << "] cookies=" << p.cookies
            << " query=" << p.query_strings << "}";
}

const std::vector<OriginRequestPolicy>& ManagedOriginRequestPolicies() {
  static const auto* const kPolicies =
      new std::vector<OriginRequestPolicy>(BuildManagedOriginRequestPolicies());
  return *kPolicies;
}

const OriginRequestPolicy* FindManagedOriginRequestPolicy(absl::string_view id_or_name) {
  for (const OriginRequestPolicy& p : ManagedOriginRequestPolicies()) {
    if (NamesManagedPolicy(id_or_name, p.id, p.name)) return &p;
  }
  return nullptr;
}

}  // namespace edgesim::policy
