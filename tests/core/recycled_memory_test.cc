#include "core/recycled_memory.h"

#include <cstring>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace edgesim::core {
namespace {

TEST(RecycledMemoryTest, AFreedBlockServesTheNextAllocationOfItsClassOnTheThread) {
  if (!kRecyclesMemory) GTEST_SKIP() << "AddressSanitizer build: every block goes to malloc";
  void* p = AllocateRecycled(130);
  std::memset(p, 0xab, 130);
  FreeRecycled(p, 130);
  void* q = AllocateRecycled(144);  // 130 and 144 share the 16-byte class
  EXPECT_EQ(q, p);
  std::memset(q, 0xcd, 144);  // the whole class is usable
  FreeRecycled(q, 144);
}

TEST(RecycledMemoryTest, OtherClassesAndLargeBlocksGetTheirOwnMemory) {
  void* p = AllocateRecycled(64);
  FreeRecycled(p, 64);
  void* other_class = AllocateRecycled(200);
  EXPECT_NE(other_class, p);
  void* large = AllocateRecycled(kLargestRecycledBlock + 1);
  std::memset(large, 0, kLargestRecycledBlock + 1);
  FreeRecycled(large, kLargestRecycledBlock + 1);
  FreeRecycled(other_class, 200);
}

TEST(RecycledMemoryTest, BlocksMoveBetweenThreadsAndSurviveTheirExit) {
  std::vector<void*> blocks;
  for (int i = 0; i < 3000; ++i) blocks.push_back(AllocateRecycled(100));
  // Freed on a thread that exits: more than one list holds, the rest go back to malloc.
  std::thread([&] {
    for (void* p : blocks) FreeRecycled(p, 100);
    for (int i = 0; i < 100; ++i) {
      void* p = AllocateRecycled(112);
      std::memset(p, 1, 112);
      FreeRecycled(p, 112);
    }
  }).join();
  for (int i = 0; i < 100; ++i) {
    void* p = AllocateRecycled(100);
    std::memset(p, 2, 100);
    FreeRecycled(p, 100);
  }
}

}  // namespace
}  // namespace edgesim::core
