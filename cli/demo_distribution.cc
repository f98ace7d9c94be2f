#include "cli/demo_distribution.h"

#include "policy/distribution_json_reader.h"

namespace edgesim::cli {

absl::string_view DemoDistributionJson() {
  return R"json({
  "ETag": "E2EDGESIMDEMO",
  "Distribution": {
    "Id": "E1EDGESIMDEMO1",
    "DomainName": "d111111abcdef8.cloudfront.net",
    "DistributionConfig": {
      "CallerReference": "edgesim-demo",
      "Comment": "edgesim demo: hashed assets for a year, HTML briefly",
      "Enabled": true,
      "DefaultRootObject": "index.html",
      "Origins": {
        "Quantity": 1,
        "Items": [{
          "Id": "demo-origin",
          "DomainName": "127.0.0.1",
          "CustomOriginConfig": {"HTTPPort": 8081, "HTTPSPort": 443, "OriginProtocolPolicy": "http-only"}
        }]
      },
      "DefaultCacheBehavior": {
        "TargetOriginId": "demo-origin",
        "ViewerProtocolPolicy": "allow-all",
        "Compress": true,
        "CachePolicyId": "edgesim-demo-html"
      },
      "CacheBehaviors": {
        "Quantity": 1,
        "Items": [{
          "PathPattern": "/assets/*",
          "TargetOriginId": "demo-origin",
          "ViewerProtocolPolicy": "allow-all",
          "Compress": true,
          "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"
        }]
      },
      "CustomErrorResponses": {
        "Quantity": 1,
        "Items": [{"ErrorCode": 404, "ErrorCachingMinTTL": 10}]
      }
    }
  },
  "CachePolicies": [{
    "Id": "edgesim-demo-html",
    "CachePolicyConfig": {
      "Name": "edgesim-demo-html",
      "Comment": "HTML: a minute by default, five minutes at most",
      "MinTTL": 0,
      "DefaultTTL": 60,
      "MaxTTL": 300,
      "ParametersInCacheKeyAndForwardedToOrigin": {
        "EnableAcceptEncodingGzip": true,
        "EnableAcceptEncodingBrotli": true,
        "HeadersConfig": {"HeaderBehavior": "none"},
        "CookiesConfig": {"CookieBehavior": "none"},
        "QueryStringsConfig": {"QueryStringBehavior": "none"}
      }
    }
  }]
})json";
}

absl::StatusOr<policy::Distribution> LoadDemoDistribution() {
  return policy::LoadDistributionJson(DemoDistributionJson());
}

}  // namespace edgesim::cli
