// EvictionQueue: intrusive FIFO links, exact count and bytes, queue tags.
#include "core/eviction_queue.h"

#include "gtest/gtest.h"

namespace edgesim::core {
namespace {

TEST(EvictionQueueTest, PushFrontMakesTheFirstNodeTheTail) {
  EvictionQueue queue(/*tag=*/3);
  EvictionNode a, b, c;
  a.charge = 1;
  b.charge = 2;
  c.charge = 4;
  queue.PushFront(a);
  queue.PushFront(b);
  queue.PushFront(c);
  EXPECT_EQ(queue.tail(), &a);
  EXPECT_EQ(queue.head(), &c);
  EXPECT_EQ(a.prev, &b);
  EXPECT_EQ(b.next, &a);
  EXPECT_EQ(queue.size(), 3u);
  EXPECT_EQ(queue.bytes(), 7u);
  EXPECT_EQ(b.queue, 3);
}

TEST(EvictionQueueTest, RemoveRelinksNeighboursAndClearsTheNode) {
  EvictionQueue queue(/*tag=*/1);
  EvictionNode a, b, c;
  b.charge = 5;
  queue.PushFront(a);
  queue.PushFront(b);
  queue.PushFront(c);
  queue.Remove(b);
  EXPECT_EQ(a.prev, &c);
  EXPECT_EQ(c.next, &a);
  EXPECT_EQ(b.prev, nullptr);
  EXPECT_EQ(b.next, nullptr);
  EXPECT_EQ(b.queue, 0);
  EXPECT_FALSE(queue.Holds(b));
  EXPECT_EQ(queue.size(), 2u);
  EXPECT_EQ(queue.bytes(), 0u);
  queue.Remove(a);
  queue.Remove(c);
  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(queue.tail(), nullptr);
}

TEST(EvictionQueueTest, MoveToFrontMakesTheTailTheHead) {
  EvictionQueue queue(/*tag=*/1);
  EvictionNode a, b;
  queue.PushFront(a);
  queue.PushFront(b);
  queue.MoveToFront(a);
  EXPECT_EQ(queue.head(), &a);
  EXPECT_EQ(queue.tail(), &b);
  EXPECT_EQ(queue.size(), 2u);
}

TEST(EvictionQueueTest, PopTailTakesTheOldestUntilEmpty) {
  EvictionQueue queue(/*tag=*/1);
  EvictionNode a, b;
  a.charge = 3;
  b.charge = 4;
  queue.PushFront(a);
  queue.PushFront(b);
  EXPECT_EQ(queue.PopTail(), &a);
  EXPECT_EQ(a.queue, 0);
  EXPECT_EQ(queue.bytes(), 4u);
  EXPECT_EQ(queue.PopTail(), &b);
  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(queue.PopTail(), nullptr);
}

TEST(EvictionQueueDeathTest, RemovingANodeOfAnotherQueueIsAProgrammerError) {
  EvictionQueue small(/*tag=*/1), main(/*tag=*/2);
  EvictionNode a;
  small.PushFront(a);
  EXPECT_DEATH(main.Remove(a), "Holds");
  EXPECT_DEATH(main.PushFront(a), "queue == 0");
}

}  // namespace
}  // namespace edgesim::core
