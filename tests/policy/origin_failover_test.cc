#include "policy/origin_failover.h"

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace edgesim::policy {
namespace {

const OriginGroup kFailoverTestGroup{"g", {500, 502, 503, 504}, {"primary", "secondary"}, ""};

TEST(MethodFailsOver, OnlyTheReadMethods) {
  for (const char* m : {"GET", "HEAD", "OPTIONS"}) EXPECT_TRUE(MethodFailsOver(m)) << m;
  for (const char* m : {"POST", "PUT", "PATCH", "DELETE", "get"}) {
    EXPECT_FALSE(MethodFailsOver(m)) << m;
  }
}

TEST(AnswerFailsOver, OnTheGroupsCodesOnly) {
  EXPECT_TRUE(AnswerFailsOver(kFailoverTestGroup, 503));
  EXPECT_TRUE(AnswerFailsOver(kFailoverTestGroup, 500));
  EXPECT_FALSE(AnswerFailsOver(kFailoverTestGroup, 200));
  EXPECT_FALSE(AnswerFailsOver(kFailoverTestGroup, 304));
  EXPECT_FALSE(AnswerFailsOver(kFailoverTestGroup, 404));  // SPEC 12.2 worked example
}

TEST(AnswerFailsOver, OnNoConnectionOrNoAnswerInTime) {
  EXPECT_TRUE(AnswerFailsOver(kFailoverTestGroup, absl::UnavailableError("refused")));
  EXPECT_TRUE(AnswerFailsOver(kFailoverTestGroup, absl::DeadlineExceededError("slow")));
  // A malformed answer is the viewer's 502, as from a plain origin.
  EXPECT_FALSE(AnswerFailsOver(kFailoverTestGroup, absl::InternalError("garbage")));
}

}  // namespace
}  // namespace edgesim::policy
