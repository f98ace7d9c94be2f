#include "core/shared_head.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace edgesim::core {
namespace {

// Slot 1: the version, slot 2: the content length, as decimal text.
class DecimalRenderer final : public HeadRenderer {
 public:
  std::string Value(int slot, const ObjectNumbers& n) const override {
    ++renders;
    return slot == 1 ? absl::StrCat(n.version) : absl::StrCat(n.content_length);
  }
  size_t ValueLength(int slot, const ObjectNumbers& n) const override {
    return Value(slot, n).size();
  }
  mutable std::atomic<int> renders{0};
};

uint64_t ChargeOf(const policy::Headers& headers) {
  uint64_t bytes = 0;
  for (const auto& [name, value] : headers.fields()) {
    bytes += sizeof(policy::Headers::Field) + name.size() + value.size();
  }
  return bytes;
}

SharedHeadRef Shared(std::shared_ptr<const HeadRenderer> renderer) {
  return MakeSharedHead({200,
                         {{"Cache-Control", "max-age=60"},
                          {"x-version", SlotValue(1)},
                          {"Content-Length", SlotValue(2)}}},
                        std::move(renderer));
}

TEST(SharedHeadTest, RendersSlotsInPlaceOnFirstRead) {
  auto renderer = std::make_shared<DecimalRenderer>();
  StoredHeaders h(Shared(renderer), {.content_length = 1234, .version = 7});
  EXPECT_TRUE(h.renders());
  EXPECT_EQ(h.status(), 200);
  // Names are read from the shared head: nothing rendered.
  EXPECT_TRUE(h.Has("x-version"));
  EXPECT_FALSE(h.Has("ETag"));
  EXPECT_EQ(renderer->renders, 0);
  const policy::Headers want{
      {"Cache-Control", "max-age=60"}, {"x-version", "7"}, {"Content-Length", "1234"}};
  EXPECT_EQ(h.whole().headers, want);
  EXPECT_FALSE(h.renders());
  const int after_first = renderer->renders;
  EXPECT_EQ(h.Get("Content-Length"), "1234");
  EXPECT_EQ(renderer->renders, after_first);  // kept, not rendered again
}

TEST(SharedHeadTest, ChargeIsTheRenderedHeadsWithoutRendering) {
  auto renderer = std::make_shared<DecimalRenderer>();
  StoredHeaders h(Shared(renderer), {.content_length = 99999, .version = 12});
  const uint64_t unrendered = h.ByteCharge();
  EXPECT_TRUE(h.renders());
  EXPECT_EQ(unrendered, ChargeOf(h.whole().headers));
  EXPECT_EQ(h.ByteCharge(), unrendered);
}

TEST(SharedHeadTest, WholeHeadsRenderNothingAndKeepSlotLikeValues) {
  // Without a renderer a one-byte value is a value like any other.
  StoredHeaders h(policy::Response{404, {{"X-Odd", SlotValue(1)}}});
  EXPECT_FALSE(h.renders());
  EXPECT_EQ(h.status(), 404);
  EXPECT_EQ(h.Get("X-Odd"), SlotValue(1));
  EXPECT_EQ(h.ByteCharge(), ChargeOf(h.whole().headers));
}

TEST(SharedHeadTest, CopiesShareTheHeadAndRenderApart) {
  auto renderer = std::make_shared<DecimalRenderer>();
  SharedHeadRef shared = Shared(renderer);
  StoredHeaders a(shared, {.version = 1});
  StoredHeaders b = a;
  EXPECT_EQ(&a.shared(), &b.shared());
  EXPECT_EQ(a.Get("x-version"), "1");
  EXPECT_TRUE(b.renders());  // a's rendering is a's
  EXPECT_EQ(b.Get("x-version"), "1");
  EXPECT_EQ(shared->use_count(), 3);  // this ref and each rendered head's origin
}

TEST(SharedHeadTest, ConcurrentFirstReadsAgreeOnOneRenderedHead) {
  auto renderer = std::make_shared<DecimalRenderer>();
  StoredHeaders h(Shared(renderer), {.content_length = 5, .version = 3});
  std::vector<const policy::Response*> seen(4);
  std::vector<std::thread> readers;
  for (size_t i = 0; i < seen.size(); ++i) {
    readers.emplace_back([&, i] { seen[i] = &h.whole(); });
  }
  for (std::thread& t : readers) t.join();
  for (const policy::Response* r : seen) EXPECT_EQ(r, &h.whole());
  EXPECT_EQ(h.Get("x-version"), "3");
}

TEST(SharedHeadTest, CopyOfRendersOneFieldAndKeepsNothing) {
  auto renderer = std::make_shared<DecimalRenderer>();
  StoredHeaders h(Shared(renderer), {.content_length = 42, .version = 9});
  EXPECT_EQ(h.CopyOf("x-version"), "9");
  EXPECT_EQ(h.CopyOf("cache-control"), "max-age=60");
  EXPECT_EQ(h.CopyOf("ETag"), absl::nullopt);
  EXPECT_EQ(renderer->renders, 1);
  EXPECT_TRUE(h.renders());
  EXPECT_EQ(StoredHeaders(policy::Response{200, {{"ETag", "\"a\""}}}).CopyOf("ETag"), "\"a\"");
}

TEST(SharedHeadTest, MovesTakeTheHeadAlong) {
  auto renderer = std::make_shared<DecimalRenderer>();
  SharedHeadRef shared = Shared(renderer);
  StoredHeaders a(shared, {.version = 4});
  StoredHeaders b(std::move(a));
  EXPECT_EQ(&b.shared(), shared.get());
  EXPECT_EQ(shared->use_count(), 2);
  StoredHeaders c(policy::Response{});
  c = std::move(b);
  EXPECT_EQ(c.Get("x-version"), "4");
}

}  // namespace
}  // namespace edgesim::core
