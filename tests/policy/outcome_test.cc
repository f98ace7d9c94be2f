#include "policy/outcome.h"

#include "gtest/gtest.h"

namespace edgesim::policy {
namespace {

// SPEC 5: X-Cache = x-edge-response-result-type + " from cloudfront".
TEST(OutcomeTest, XCacheSpellsEveryResultTypeLikeCloudFront) {
  EXPECT_EQ(XCacheValue(CacheOutcome::kHit), "Hit from cloudfront");
  EXPECT_EQ(XCacheValue(CacheOutcome::kRefreshHit), "RefreshHit from cloudfront");
  EXPECT_EQ(XCacheValue(CacheOutcome::kMiss), "Miss from cloudfront");
  EXPECT_EQ(XCacheValue(CacheOutcome::kError), "Error from cloudfront");
  EXPECT_EQ(XCacheValue(CacheOutcome::kRedirect), "Redirect from cloudfront");
  EXPECT_EQ(XCacheValue(CacheOutcome::kLimitExceeded), "LimitExceeded from cloudfront");
  EXPECT_EQ(XCacheValue(CacheOutcome::kCapacityExceeded), "CapacityExceeded from cloudfront");
}

// SPEC 8.3: the detailed type equals the result type except for shield hits and error details.
TEST(OutcomeTest, DetailedResultType) {
  EXPECT_EQ(DetailedResultType(CacheOutcome::kHit, ErrorDetail::kNone), "Hit");
  EXPECT_EQ(DetailedResultType(CacheOutcome::kHit, ErrorDetail::kNone, true), "OriginShieldHit");
  EXPECT_EQ(DetailedResultType(CacheOutcome::kMiss, ErrorDetail::kNone, true), "Miss");
  EXPECT_EQ(DetailedResultType(CacheOutcome::kError, ErrorDetail::kOriginConnectError),
            "OriginConnectError");
  EXPECT_EQ(DetailedResultType(CacheOutcome::kError, ErrorDetail::kNone), "Error");
  EXPECT_EQ(DetailedResultType(CacheOutcome::kError, ErrorDetail::kFunctionExecutionError),
            "FunctionExecutionError");
  EXPECT_EQ(DetailedResultType(CacheOutcome::kFunctionGeneratedResponse, ErrorDetail::kNone),
            "FunctionGeneratedResponse");
  EXPECT_EQ(XCacheValue(CacheOutcome::kFunctionGeneratedResponse),
            "FunctionGeneratedResponse from cloudfront");
  // An error detail never leaks into a non-error outcome.
  EXPECT_EQ(DetailedResultType(CacheOutcome::kMiss, ErrorDetail::kOriginReadError), "Miss");
}

TEST(OutcomeTest, ParseResultTypeRoundTripsAndRejectsUnknown) {
  for (CacheOutcome o :
       {CacheOutcome::kHit, CacheOutcome::kRefreshHit, CacheOutcome::kMiss, CacheOutcome::kError,
        CacheOutcome::kRedirect, CacheOutcome::kLimitExceeded, CacheOutcome::kCapacityExceeded,
        CacheOutcome::kFunctionGeneratedResponse}) {
    CacheOutcome parsed = CacheOutcome::kHit;
    ASSERT_TRUE(ParseResultType(ResultType(o), &parsed)) << o;
    EXPECT_EQ(parsed, o);
  }
  CacheOutcome parsed;
  EXPECT_FALSE(ParseResultType("hit", &parsed));  // exact case
  EXPECT_FALSE(ParseResultType("Hit from cloudfront", &parsed));
}

}  // namespace
}  // namespace edgesim::policy
