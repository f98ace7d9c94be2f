#include "policy/http_message.h"

#include "gtest/gtest.h"

namespace edgesim::policy {
namespace {

TEST(HeadersTest, NamesAreCaseInsensitiveAndOrderIsKept) {
  Headers h;
  h.Add("Accept-Language", "en-US");
  h.Add("accept-language", "fr");
  h.Add("X-Other", "1");
  EXPECT_TRUE(h.Has("ACCEPT-LANGUAGE"));
  EXPECT_EQ(*h.Get("accept-LANGUAGE"), "en-US");
  EXPECT_EQ(h.GetAll("Accept-Language"), (std::vector<absl::string_view>{"en-US", "fr"}));
  EXPECT_EQ(*h.GetCombined("accept-language"), "en-US, fr");
  EXPECT_FALSE(h.GetCombined("Cookie").has_value());
}

TEST(HeadersTest, SetReplacesEveryFieldOfTheName) {
  Headers h{{"Vary", "a"}, {"X", "1"}, {"vary", "b"}};
  h.Set("VARY", "c");
  EXPECT_EQ(h.GetAll("Vary"), (std::vector<absl::string_view>{"c"}));
  EXPECT_EQ(h.size(), 2u);
  h.Remove("x");
  EXPECT_FALSE(h.Has("X"));
}

TEST(RequestTest, SplitsPathAndQueryAtTheFirstQuestionMark) {
  Request r = Request::Get("/a/b.jpg?x=1?y=2");
  EXPECT_EQ(r.path(), "/a/b.jpg");
  EXPECT_EQ(r.query(), "x=1?y=2");
  EXPECT_TRUE(r.has_query());

  Request bare = Request::Get("/a");
  EXPECT_EQ(bare.path(), "/a");
  EXPECT_EQ(bare.query(), "");
  EXPECT_FALSE(bare.has_query());

  // "?" with nothing after it still counts as a query: the key keeps "/a?" distinct only if
  // the policy puts query strings in it.
  EXPECT_TRUE(Request::Get("/a?").has_query());
}

}  // namespace
}  // namespace edgesim::policy
