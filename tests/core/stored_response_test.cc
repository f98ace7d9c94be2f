#include "core/stored_response.h"

#include <vector>

#include "gtest/gtest.h"

namespace edgesim::core {
namespace {

TEST(StoredResponseTest, SizeDefaultsToTheBodyAndCountsHeaders) {
  ResponseRef r = MakeStoredResponse({200, {{"ETag", "\"v1\""}}}, MakeBody("hello"), {});
  EXPECT_EQ(r->body_size, 5u);
  EXPECT_EQ(r->body_view(), "hello");
  EXPECT_EQ(r->ByteSize(),
            kStoredResponseCharge + 5 + sizeof(policy::Headers::Field) + 4 + 4);
}

TEST(StoredResponseTest, SizeOnlyResponsesHaveNoBody) {
  ResponseRef r = MakeStoredResponse({404, {}}, nullptr, {}, 12345);
  EXPECT_EQ(r->body_size, 12345u);
  EXPECT_EQ(r->body_view(), "");
  EXPECT_EQ(r->ByteSize(), kStoredResponseCharge + 12345);
}

TEST(StoredResponseTest, TheChargeIsAFixedFigureNotTheLayout) {
  EXPECT_EQ(kStoredResponseCharge, 128u);
  EXPECT_LE(sizeof(StoredResponse), kStoredResponseCharge);
}

TEST(StoredResponseTest, EqualTermsAreSharedAndManyDistinctOnesStillKept) {
  StorageTerms terms;
  terms.stale_while_revalidate = absl::Seconds(30);
  ResponseRef a = MakeStoredResponse({200, {}}, nullptr, terms, 1);
  ResponseRef b = MakeStoredResponse({200, {}}, nullptr, terms, 1);
  EXPECT_EQ(&a->terms(), &b->terms());
  EXPECT_EQ(a->terms(), terms);
  // Far more distinct values than are shared: each object still keeps its own terms.
  std::vector<ResponseRef> many;
  for (int i = 0; i < 3000; ++i) {
    terms.stale_if_error = absl::Seconds(i);
    many.push_back(MakeStoredResponse({200, {}}, nullptr, terms, 1));
  }
  for (int i = 0; i < 3000; ++i) EXPECT_EQ(many[i]->terms().stale_if_error, absl::Seconds(i));
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
