#include "policy/distribution.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace edgesim::policy {
namespace {

bool IsRegion(absl::string_view label) {
  return !label.empty() && std::all_of(label.begin(), label.end(), [](char c) {
    return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-';
  });
}

}  // namespace

const Origin* DistributionConfig::FindOrigin(absl::string_view id) const {
  for (const Origin& o : origins) {
    if (o.id == id) return &o;
  }
  return nullptr;
}

const OriginGroup* DistributionConfig::FindOriginGroup(absl::string_view id) const {
  for (const OriginGroup& g : origin_groups) {
    if (g.id == id) return &g;
  }
  return nullptr;
}

const Origin* DistributionConfig::FindTargetOrigin(absl::string_view target_id) const {
  const OriginGroup* group = FindOriginGroup(target_id);
  if (group == nullptr) return FindOrigin(target_id);
  return group->member_origin_ids.empty() ? nullptr : FindOrigin(group->member_origin_ids[0]);
}

const CustomErrorResponse* DistributionConfig::FindCustomErrorResponse(int status) const {
  for (const CustomErrorResponse& r : custom_error_responses) {
    if (r.error_code == status) return &r;
  }
  return nullptr;
}

Distribution SingleOriginDistribution(absl::string_view origin_domain, CachePolicy policy) {
  Distribution d;
  Origin origin;
  origin.id = "origin";
  origin.domain_name = std::string(origin_domain);
  d.config.origins.push_back(std::move(origin));
  d.config.default_behavior.target_origin_id = "origin";
  d.config.default_behavior.cache_policy = std::move(policy);
  return d;
}

absl::optional<S3Domain> ParseS3Domain(absl::string_view domain) {
  const std::string lower = absl::AsciiStrToLower(domain);
  absl::string_view host = lower;
  if (!absl::ConsumeSuffix(&host, ".amazonaws.com")) return absl::nullopt;
  std::vector<absl::string_view> labels = absl::StrSplit(host, '.');
  size_t n = labels.size();
  if (n < 2 || labels[0].empty()) return absl::nullopt;
  absl::string_view last = labels[n - 1];
  bool website = false;
  if (last == "s3") {
    n -= 1;
  } else if (absl::ConsumePrefix(&last, "s3-website-") && IsRegion(last)) {
    website = true;
    n -= 1;
  } else if (n >= 3 && IsRegion(last) && (labels[n - 2] == "s3" || labels[n - 2] == "s3-website")) {
    website = labels[n - 2] == "s3-website";
    n -= 2;
  } else {
    return absl::nullopt;
  }
  return S3Domain{absl::StrJoin(labels.begin(), labels.begin() + n, "."), website};
}

bool UsesS3OriginConfig(const Origin& origin) {
  const absl::optional<S3Domain> s3 = ParseS3Domain(origin.domain_name);
  const Origin defaults;
  return origin.kind == OriginKind::kS3 && !(s3.has_value() && s3->website) &&
         origin.http_port == defaults.http_port && origin.https_port == defaults.https_port &&
         origin.protocol_policy == defaults.protocol_policy &&
         origin.keepalive_timeout == defaults.keepalive_timeout;
}

}  // namespace edgesim::policy
