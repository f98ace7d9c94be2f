// resource_ids.h — the names CloudFront gives what its API creates: distribution ids
// (`EDFDVBD6EXAMPLE`), domain names (`d111111abcdef8.cloudfront.net`), invalidation ids, ETags and
// cache policy ids (UUIDs), in the shapes API 1.2 records.
//
// Random but seedable, so a test can expect the same names twice; not thread-safe (the
// ControlPlane calls it under its lock).
//
//   ResourceIds ids(/*seed=*/42);
//   ids.DistributionId();   // "E" + 13 of [A-Z0-9]
//   ids.DomainName();       // "d" + 13 of [a-z0-9] + ".cloudfront.net"
//   ids.ETag();             // 13 of [A-Z0-9], new every call
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include "absl/strings/string_view.h"

namespace edgesim::emulator {

class ResourceIds {
 public:
  // 0: seeded from std::random_device.
  explicit ResourceIds(uint64_t seed = 0);

  std::string DistributionId();  // E + 13 upper-alnum
  // d + 13 lower-alnum + "." + `suffix` (policy::DistributionDomainSuffix).
  std::string DomainName(absl::string_view suffix = "cloudfront.net");
  std::string InvalidationId();  // I + 13 upper-alnum
  std::string ETag();            // 13 upper-alnum
  std::string CachePolicyId();   // a version 4 UUID, lowercase

 private:
  std::string Chars(const char* alphabet, int count);

  std::mt19937_64 rng_;
};

}  // namespace edgesim::emulator
