// GhostQueue: a bounded FIFO of fingerprints with one-probe membership.
#include "core/ghost_queue.h"

#include "gtest/gtest.h"

namespace edgesim::core {
namespace {

TEST(GhostQueueTest, TakeFindsAPushedFingerprintOnce) {
  GhostQueue ghost;
  ghost.Push(7, /*limit=*/10);
  EXPECT_EQ(ghost.size(), 1u);
  EXPECT_TRUE(ghost.Take(7));
  EXPECT_FALSE(ghost.Take(7));
  EXPECT_FALSE(ghost.Take(8));
  EXPECT_EQ(ghost.size(), 0u);
}

TEST(GhostQueueTest, OldestFingerprintsLeaveFirstAtTheLimit) {
  GhostQueue ghost;
  for (uint32_t fp = 0; fp < 5; ++fp) ghost.Push(fp, /*limit=*/3);
  EXPECT_EQ(ghost.size(), 3u);
  EXPECT_FALSE(ghost.Take(0));
  EXPECT_FALSE(ghost.Take(1));
  EXPECT_TRUE(ghost.Take(2));
  EXPECT_TRUE(ghost.Take(4));
}

TEST(GhostQueueTest, RepushedFingerprintIsKeptByItsNewestSlot) {
  GhostQueue ghost;
  ghost.Push(1, /*limit=*/3);
  ghost.Push(2, /*limit=*/3);
  ghost.Push(1, /*limit=*/3);
  ghost.Push(3, /*limit=*/3);  // the first slot of 1 ages out; its newer slot remains
  EXPECT_TRUE(ghost.Take(1));
  EXPECT_TRUE(ghost.Take(2));
}

TEST(GhostQueueTest, ShrinkingLimitDropsTheExcessOnTheNextPush) {
  GhostQueue ghost;
  for (uint32_t fp = 0; fp < 100; ++fp) ghost.Push(fp, /*limit=*/100);
  EXPECT_EQ(ghost.size(), 100u);
  ghost.Push(100, /*limit=*/10);
  EXPECT_EQ(ghost.size(), 10u);
  EXPECT_TRUE(ghost.Take(91));
  EXPECT_FALSE(ghost.Take(90));
}

TEST(GhostQueueTest, GrowingKeepsFifoOrderAcrossTheWrap) {
  GhostQueue ghost;
  // Wrap the ring several times at a small limit, then let it grow past its first size.
  for (uint32_t fp = 0; fp < 1000; ++fp) ghost.Push(fp, /*limit=*/50);
  for (uint32_t fp = 1000; fp < 1500; ++fp) ghost.Push(fp, /*limit=*/400);
  EXPECT_EQ(ghost.size(), 400u);
  EXPECT_FALSE(ghost.Take(1099));
  EXPECT_TRUE(ghost.Take(1100));
  EXPECT_TRUE(ghost.Take(1499));
  EXPECT_GE(ghost.memory_bytes(), 400 * sizeof(uint32_t));
}

}  // namespace
}  // namespace edgesim::core
