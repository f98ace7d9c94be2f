#include "core/stored_response.h"

#include "gtest/gtest.h"

namespace edgesim::core {
namespace {

TEST(StoredResponseTest, SizeDefaultsToTheBodyAndCountsHeaders) {
  ResponseRef r = MakeStoredResponse({200, {{"ETag", "\"v1\""}}}, MakeBody("hello"), {});
  EXPECT_EQ(r->body_size, 5u);
  EXPECT_EQ(r->body_view(), "hello");
  EXPECT_EQ(r->ByteSize(),
            sizeof(StoredResponse) + 5 + sizeof(policy::Headers::Field) + 4 + 4);
}

TEST(StoredResponseTest, SizeOnlyResponsesHaveNoBody) {
  ResponseRef r = MakeStoredResponse({404, {}}, nullptr, {}, 12345);
  EXPECT_EQ(r->body_size, 12345u);
  EXPECT_EQ(r->body_view(), "");
  EXPECT_EQ(r->ByteSize(), sizeof(StoredResponse) + 12345);
}

TEST(StoredResponseTest, RefsShareOneObjectAndBodiesAreShared) {
  BodyRef body = MakeBody(std::string(1000, 'x'));
  ResponseRef a = MakeStoredResponse({200, {}}, body, {});
  ResponseRef b = MakeStoredResponse({200, {}}, body, {});
  ResponseRef a2 = a;
  EXPECT_EQ(a2.get(), a.get());
  EXPECT_EQ(a->body.get(), b->body.get());
  EXPECT_EQ(body.use_count(), 3);
}

}  // namespace
}  // namespace edgesim::core
