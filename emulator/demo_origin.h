// demo_origin.h — the in-process origin behind `edgesim serve --demo`.
//
// A tiny static site in the usual deploy shape: HTML pages that ask to be cached briefly
// (`Cache-Control: max-age=30`) and content-hashed assets cached for a year
// (`max-age=31536000, immutable`), each with an ETag and Last-Modified so revalidations get 304s;
// any other path is a 404 page without Cache-Control (the demo distribution caches it for its
// ErrorCachingMinTTL). Every fetch is counted, so a learner can watch hits spare the origin.
//
//   DemoOrigin origin;
//   edge->Handle(policy::Request::Get("/assets/app.3f9a1c.js"), now, origin);
//   origin.fetches();   // 1
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "core/origin_fetcher.h"

namespace edgesim::emulator {

class DemoOrigin final : public core::OriginFetcher {
 public:
  // The paths the demo site serves, pages first.
  static const std::vector<std::string>& Paths();

  absl::StatusOr<core::OriginResponse> Fetch(const core::OriginRequest& request,
                                             absl::Time now) override;

  uint64_t fetches() const { return fetches_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> fetches_{0};
};

}  // namespace edgesim::emulator
