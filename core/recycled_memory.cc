#include "core/recycled_memory.h"

#include <array>
#include <new>
#include <utility>

namespace edgesim::core {
namespace {

constexpr size_t kClassBytes = 16;
constexpr size_t kClasses = kLargestRecycledBlock / kClassBytes;

size_t ClassOf(size_t bytes) { return (bytes + kClassBytes - 1) / kClassBytes - 1; }

struct FreeBlock {
  FreeBlock* next;
};

struct FreeLists {
  std::array<FreeBlock*, kClasses> heads{};
  std::array<size_t, kClasses> counts{};

  ~FreeLists();
};

// Trivially destructible, so it stays readable after the thread's FreeLists is destroyed: a block
// freed by a later thread_local destructor then goes to operator delete.
thread_local bool lists_destroyed = false;
thread_local FreeLists lists;

FreeLists::~FreeLists() {
  lists_destroyed = true;
  for (FreeBlock* head : heads) {
    while (head != nullptr) ::operator delete(std::exchange(head, head->next));
  }
}

FreeLists* ThisThreadLists() { return lists_destroyed ? nullptr : &lists; }

}  // namespace

void* AllocateRecycled(size_t bytes) {
  if (!kRecyclesMemory || bytes == 0 || bytes > kLargestRecycledBlock) return ::operator new(bytes);
  const size_t c = ClassOf(bytes);
  if (FreeLists* l = ThisThreadLists(); l != nullptr && l->heads[c] != nullptr) {
    FreeBlock* block = l->heads[c];
    l->heads[c] = block->next;
    --l->counts[c];
    return block;
  }
  // Always the whole class, so any thread may hand the block out again for any size of it.
  return ::operator new((c + 1) * kClassBytes);
}

void FreeRecycled(void* p, size_t bytes) {
  if (kRecyclesMemory && bytes != 0 && bytes <= kLargestRecycledBlock) {
    if (FreeLists* l = ThisThreadLists()) {
      const size_t c = ClassOf(bytes);
      if (l->counts[c] < kRecycledBlocksPerClass) {
        l->heads[c] = new (p) FreeBlock{l->heads[c]};
        ++l->counts[c];
        return;
      }
    }
  }
  ::operator delete(p);
}

}  // namespace edgesim::core
