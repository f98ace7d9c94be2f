#include "core/viewer_head.h"

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace edgesim::core {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

Fields Walk(const EdgeResult& r) {
  Fields out;
  ForEachViewerHeader(r, [&](absl::string_view n, absl::string_view v) {
    out.emplace_back(std::string(n), std::string(v));
  });
  return out;
}

TEST(ViewerHeadTest, OriginHeadersThenCloudFrontsInOrder) {
  const std::string pop = "IAD89-C1";
  const std::string via = policy::ViaValue(pop);
  EdgeResult r;
  r.outcome = policy::CacheOutcome::kHit;
  r.viewer.headers = {{"Content-Type", "text/html"}};
  r.pop = &pop;
  r.via = &via;
  r.request_id = policy::MakeRequestId(1, 2);
  r.age = absl::Seconds(42);
  EXPECT_EQ(Walk(r), (Fields{{"Content-Type", "text/html"},
                             {"X-Cache", "Hit from cloudfront"},
                             {"Via", via},
                             {"X-Amz-Cf-Pop", "IAD89-C1"},
                             {"X-Amz-Cf-Id", std::string(r.request_id.view())},
                             {"Age", "42"}}));
  EXPECT_EQ(ViewerHeaders(r).size(), 6u);
}

// SPEC 3.7: no Age under a second; no Via or POP for an answer no cache made.
TEST(ViewerHeadTest, NoAgeAtZeroAndNothingACacheDidNotMake) {
  EdgeResult r;
  r.outcome = policy::CacheOutcome::kError;
  EXPECT_EQ(Walk(r), (Fields{{"X-Cache", "Error from cloudfront"}}));
}

TEST(ViewerHeadTest, AStoredObjectsHeadUnlessTheViewersDiffers) {
  EdgeResult r;
  r.stored = MakeStoredResponse({200, {{"ETag", "\"v1\""}, {"Set-Cookie", "s=1"}}}, nullptr, {}, 0);
  EXPECT_EQ(HeadersOf(r).Get("ETag"), "\"v1\"");
  r.viewer.headers = {{"ETag", "\"v1\""}};  // this viewer's head (a withheld Set-Cookie)
  EXPECT_FALSE(HeadersOf(r).Has("Set-Cookie"));
}

}  // namespace
}  // namespace edgesim::core
