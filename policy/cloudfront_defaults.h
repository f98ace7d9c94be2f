// cloudfront_defaults.h — what CloudFront takes for a DistributionConfig member left out.
//
// One table for both readers of a config: the model's structs (distribution.h) start from these
// values, and the emulator fills them into the JSON a read answers
// (emulator/distribution_config_shape.h), so `explain`, the simulator and `get-distribution-config`
// agree on a config that omits them. Sources: the API reference's member documentation (botocore's
// cloudfront 2020-05-31 model) and SPEC 7.3. Members the model requires have no CloudFront default;
// for those the table holds what aws-cli's `--origin-domain-name` shorthand sends (API 1.3),
// which is what edgesim assumes when a hand-built or S3 origin does not say.
#pragma once

#include <array>
#include <cstdint>

#include "absl/strings/string_view.h"

namespace edgesim::policy {

// Origin: "the default (if you don't specify otherwise) is 3" attempts, 10 s to connect (SPEC 7.3).
inline constexpr int kDefaultConnectionAttempts = 3;
inline constexpr int64_t kDefaultConnectionTimeoutSeconds = 10;
// CustomOriginConfig / S3OriginConfig: 30 s response timeout, 5 s keep-alive (SPEC 7.3).
inline constexpr int64_t kDefaultOriginReadTimeoutSeconds = 30;
inline constexpr int64_t kDefaultOriginKeepaliveTimeoutSeconds = 5;
// Required in CustomOriginConfig; the CLI shorthand's values.
inline constexpr int kDefaultHttpPort = 80;
inline constexpr int kDefaultHttpsPort = 443;
inline constexpr absl::string_view kDefaultOriginProtocolPolicy = "http-only";

// Cache behaviors. ViewerProtocolPolicy is required (the CLI shorthand sends allow-all). Compress
// is off unless the config says so: the console's "Compress objects automatically: Yes" is a
// console default, not the API's (SPEC 4.6 needs Compress=true to compress at all).
inline constexpr absl::string_view kDefaultViewerProtocolPolicy = "allow-all";
inline constexpr bool kDefaultCompress = false;
// AllowedMethods and its CachedMethods when absent: GET and HEAD (SPEC 4.1's smallest set).
inline constexpr std::array<absl::string_view, 2> kDefaultMethods = {"GET", "HEAD"};

// DistributionConfig: every edge location unless a cheaper class is asked for.
inline constexpr absl::string_view kDefaultPriceClass = "PriceClass_All";

}  // namespace edgesim::policy
