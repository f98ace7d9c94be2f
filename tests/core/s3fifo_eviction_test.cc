// S3-FIFO's order (Yang et al., SOSP '23, Algorithm 1): one-hit wonders leave through the small
// queue into the ghost, ghost hits and objects hit twice in the small queue enter the main queue,
// and the main queue reinserts hit objects with their frequency decremented.
#include "core/s3fifo_eviction.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/core/eviction_harness.h"

namespace edgesim::core {
namespace {

using ::testing::ElementsAre;

// Capacity 100 bytes: the small queue is evicted from once it holds 10 bytes, and the main
// queue's share is 90 bytes.
constexpr uint64_t kCapacity = 100;

class S3FifoEvictionTest : public ::testing::Test {
 protected:
  // The harness's budget is unbounded: these tests call Evict() themselves.
  S3FifoEvictionTest()
      : h_(std::make_unique<S3FifoEviction>(kCapacity), /*budget_bytes=*/UINT64_MAX) {}

  const S3FifoEviction& s3() { return static_cast<const S3FifoEviction&>(h_.policy()); }
  size_t Evict() { return h_.EvictOne().value(); }
  void Hit(size_t id, int times) {
    for (int i = 0; i < times; ++i) h_.Access(id);
  }
  // Admits `id`, evicts it from the small queue into the ghost and admits it again: it is then in
  // the main queue.
  size_t AdmitToMain(uint32_t charge) {
    const size_t id = h_.Admit(charge);
    EDGESIM_CHECK(Evict() == id);
    h_.Readmit(id);
    EDGESIM_CHECK(s3().InMainForTest(h_.node(id)));
    return id;
  }

  EvictionHarness h_;
};

TEST_F(S3FifoEvictionTest, HitsAreLockFree) { EXPECT_FALSE(s3().access_needs_lock()); }

TEST_F(S3FifoEvictionTest, NewObjectsEnterTheSmallQueue) {
  const size_t a = h_.Admit(1);
  EXPECT_TRUE(s3().InSmallForTest(h_.node(a)));
  EXPECT_FALSE(s3().InMainForTest(h_.node(a)));
}

TEST_F(S3FifoEvictionTest, FrequencyIsATwoBitCounterSaturatingAtThree) {
  const size_t a = h_.Admit(1);
  Hit(a, 2);
  EXPECT_EQ(h_.node(a).access.load(), 2);
  Hit(a, 10);
  EXPECT_EQ(h_.node(a).access.load(), 3);
}

TEST_F(S3FifoEvictionTest, OneHitWonderLeavesThroughTheSmallQueueIntoTheGhost) {
  const size_t a = h_.Admit(10), b = h_.Admit(10);
  EXPECT_EQ(Evict(), a);
  EXPECT_EQ(s3().GhostSizeForTest(), 1u);
  EXPECT_TRUE(s3().InSmallForTest(h_.node(b)));
}

TEST_F(S3FifoEvictionTest, GhostHitIsAdmittedToMainAndLeavesTheGhost) {
  const size_t a = h_.Admit(10);
  h_.Admit(10);
  ASSERT_EQ(Evict(), a);
  h_.Readmit(a);
  EXPECT_TRUE(s3().InMainForTest(h_.node(a)));
  EXPECT_EQ(s3().GhostSizeForTest(), 0u);
  const size_t c = h_.Admit(10);  // a fingerprint the ghost never saw
  EXPECT_TRUE(s3().InSmallForTest(h_.node(c)));
}

TEST_F(S3FifoEvictionTest, ObjectHitTwiceInTheSmallQueueMovesToMainWithItsFrequencyCleared) {
  const size_t a = h_.Admit(10), b = h_.Admit(10);
  Hit(a, 2);
  EXPECT_EQ(Evict(), b);
  EXPECT_TRUE(s3().InMainForTest(h_.node(a)));
  EXPECT_EQ(h_.node(a).access.load(), 0);
  EXPECT_EQ(s3().GhostSizeForTest(), 1u);
}

// Algorithm 1 promotes only when freq > 1; one hit in the small queue is not enough.
TEST_F(S3FifoEvictionTest, ObjectHitOnceInTheSmallQueueIsStillEvicted) {
  const size_t a = h_.Admit(10);
  h_.Admit(10);
  Hit(a, 1);
  EXPECT_EQ(Evict(), a);
}

TEST_F(S3FifoEvictionTest, MainReinsertsHitObjectsWithTheFrequencyDecremented) {
  const size_t a = AdmitToMain(10), b = AdmitToMain(10);  // a is the older
  Hit(a, 3);
  EXPECT_EQ(Evict(), b);
  EXPECT_EQ(h_.node(a).access.load(), 2);
  EXPECT_EQ(Evict(), a);  // alone in main: reinserted at 2 and 1, evicted at 0
}

TEST_F(S3FifoEvictionTest, SmallQueueIsEvictedFromOnlyOnceItHoldsItsShare) {
  const size_t a = AdmitToMain(50);
  const size_t c = h_.Admit(9);  // under the small queue's 10 bytes
  EXPECT_EQ(Evict(), a);
  EXPECT_EQ(Evict(), c);  // main empty: the small queue goes regardless
  const size_t d = AdmitToMain(50);
  const size_t e = h_.Admit(10), f = h_.Admit(1);
  // Small holds 11 bytes: e goes; then small holds 1 byte, so main's d goes before f.
  EXPECT_THAT(h_.Drain(), ElementsAre(e, d, f));
}

TEST_F(S3FifoEvictionTest, EraseFromEitherQueueReleasesTheCharge) {
  const size_t a = AdmitToMain(30);
  const size_t b = h_.Admit(5);
  h_.Erase(a);
  h_.Erase(b);
  EXPECT_EQ(s3().charged_bytes(), 0u);
  EXPECT_TRUE(h_.Consistent());
  EXPECT_EQ(h_.policy().Evict(), nullptr);
}

// With unit charges the main queue's 90 bytes hold 90 objects, and so does the ghost.
TEST(S3FifoGhostTest, GhostRemembersAsManyFingerprintsAsMainHoldsObjects) {
  EvictionHarness h(std::make_unique<S3FifoEviction>(kCapacity), /*budget_bytes=*/kCapacity);
  const size_t first = h.Admit(1);
  for (int i = 0; i < 1000; ++i) h.Admit(1);
  ASSERT_TRUE(h.Consistent());
  const auto& s3 = static_cast<const S3FifoEviction&>(h.policy());
  EXPECT_EQ(s3.GhostSizeForTest(), 90u);
  EXPECT_GT(s3.overhead_bytes(), 90 * sizeof(uint32_t));
  // `first` aged out of the ghost long ago: back in the small queue.
  h.Readmit(first);
  EXPECT_TRUE(s3.InSmallForTest(h.node(first)));
}

// S3-FIFO's paper reports lower miss ratios than LRU on skewed workloads. On Zipf(1.0) traces of
// this shape the gap is 0.03 to 0.16 at every size tried (seeds 1 to 3; e.g. S3-FIFO 0.34 vs
// LRU 0.42 at 5% of the keys), far above the margin, so the ordering is asserted directly.
TEST(S3FifoMissRatioTest, ZipfMissRatioIsNoWorseThanLru) {
  const std::vector<uint32_t> trace =
      ZipfTrace(/*keys=*/10000, /*requests=*/100000, /*alpha=*/1.0, /*seed=*/1);
  for (uint64_t capacity : {100, 500, 2000}) {
    EXPECT_LE(MissRatio("s3fifo", trace, capacity), MissRatio("lru", trace, capacity) + 0.005)
        << "capacity " << capacity;
  }
}

}  // namespace
}  // namespace edgesim::core
