#include "policy/conditional_request.h"

#include "gtest/gtest.h"

namespace edgesim::policy {
namespace {

struct Case {
  const char* name;
  const char* method;
  Headers request;
  Headers representation;
  bool not_modified;
};

const Headers kObject = {{"ETag", "\"v2\""}, {"Last-Modified", "Sun, 01 Nov 2026 10:00:00 GMT"}};

class NotModifiedTest : public ::testing::TestWithParam<Case> {};

TEST_P(NotModifiedTest, Evaluates) {
  const Case& c = GetParam();
  Request r = Request::Get("/a");
  r.method = c.method;
  r.headers = c.request;
  EXPECT_EQ(NotModified(r, c.representation), c.not_modified);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc9110, NotModifiedTest,
    ::testing::Values(
        Case{"NoValidators", "GET", {}, kObject, false},
        Case{"EtagMatches", "GET", {{"If-None-Match", "\"v2\""}}, kObject, true},
        Case{"WeakComparison", "GET", {{"If-None-Match", "W/\"v2\""}}, kObject, true},
        Case{"ListMatches", "HEAD", {{"If-None-Match", "\"v1\", \"v2\""}}, kObject, true},
        Case{"Star", "GET", {{"If-None-Match", "*"}}, kObject, true},
        Case{"EtagDiffers", "GET", {{"If-None-Match", "\"v1\""}}, kObject, false},
        Case{"EtagBeatsDate",
             "GET",
             {{"If-None-Match", "\"v1\""}, {"If-Modified-Since", "Sun, 01 Nov 2026 11:00:00 GMT"}},
             kObject,
             false},
        Case{"NotModifiedSince",
             "GET",
             {{"If-Modified-Since", "Sun, 01 Nov 2026 10:00:00 GMT"}},
             kObject,
             true},
        Case{"ModifiedSince",
             "GET",
             {{"If-Modified-Since", "Sun, 01 Nov 2026 09:59:59 GMT"}},
             kObject,
             false},
        Case{"BadDate", "GET", {{"If-Modified-Since", "yesterday"}}, kObject, false},
        Case{"NoEtagToMatch",
             "GET",
             {{"If-None-Match", "\"v2\""}},
             {{"Last-Modified", "Sun, 01 Nov 2026 10:00:00 GMT"}},
             false},
        Case{"OnlyGetAndHead", "POST", {{"If-None-Match", "\"v2\""}}, kObject, false}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace edgesim::policy
