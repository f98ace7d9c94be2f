#include "core/recycled_memory.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <mutex>
#include <new>
#include <utility>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace edgesim::core {
namespace {

constexpr size_t kClassBytes = 16;
constexpr size_t kClasses = kLargestRecycledBlock / kClassBytes;
// What one move between a thread's list and the shared pool carries.
constexpr size_t kBatch = kRecycledBlocksPerClass / 2;

size_t ClassOf(size_t bytes) { return (bytes + kClassBytes - 1) / kClassBytes - 1; }
size_t ClassBytes(size_t c) { return (c + 1) * kClassBytes; }

struct FreeBlock {
  FreeBlock* next;
};

// Blocks no thread's list has room for (and the lists of exited threads): every block is
// recycled forever, so the memory in blocks is bounded by the most ever live at once. Blocks
// move in whole chains, so a list refilled from the pool walks none of them (they are cold).
struct Chain {
  FreeBlock* head;
  size_t count;
};
struct SharedPool {
  std::mutex mu;
  std::array<std::vector<Chain>, kClasses> chains;
};

SharedPool& Pool() {
  static auto* const pool = new SharedPool;
  return *pool;
}

// Blocks are carved from chunks the kernel is asked to back with huge pages: a cache's entries are
// read at random (a hit reads its index slot, then its entry), and with 4 KiB pages each of those
// reads first walks the page tables, which cost as much as the read itself in the store's hit
// profile (bench/RESULTS.md). One 2 MiB page maps ~15,000 entries.
constexpr size_t kChunkBytes = size_t{2} << 20;

char* NewChunk() {
  void* chunk = std::aligned_alloc(kChunkBytes, kChunkBytes);
  if (chunk == nullptr) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  madvise(chunk, kChunkBytes, MADV_HUGEPAGE);  // a hint: without huge pages, 4 KiB ones serve
#endif
  return static_cast<char*>(chunk);
}

struct FreeLists {
  std::array<FreeBlock*, kClasses> heads{};
  std::array<size_t, kClasses> counts{};
  char* chunk_next = nullptr;  // the unused rest of the thread's chunk
  char* chunk_end = nullptr;

  ~FreeLists();

  void* Carve(size_t bytes) {
    if (static_cast<size_t>(chunk_end - chunk_next) < bytes) {
      // The rest of the old chunk (under 512 bytes) is abandoned.
      chunk_next = NewChunk();
      chunk_end = chunk_next + kChunkBytes;
    }
    return std::exchange(chunk_next, chunk_next + bytes);
  }

  // Moves the newest `n` blocks of class `c` (recently freed, so in cache) to the pool as a chain.
  void ToPool(size_t c, size_t n) {
    n = std::min(n, counts[c]);
    if (n == 0) return;
    FreeBlock* head = heads[c];
    FreeBlock* last = head;
    for (size_t i = 1; i < n; ++i) last = last->next;
    heads[c] = std::exchange(last->next, nullptr);
    counts[c] -= n;
    SharedPool& pool = Pool();
    std::lock_guard<std::mutex> lock(pool.mu);
    pool.chains[c].push_back({head, n});
  }
  // REQUIRES: the list of class `c` is empty. Takes one chain, if the pool has one.
  void FromPool(size_t c) {
    SharedPool& pool = Pool();
    std::lock_guard<std::mutex> lock(pool.mu);
    if (pool.chains[c].empty()) return;
    const Chain chain = pool.chains[c].back();
    pool.chains[c].pop_back();
    heads[c] = chain.head;
    counts[c] = chain.count;
  }
};

// Trivially destructible, so it stays readable after the thread's FreeLists is destroyed: a block
// freed by a later thread_local destructor then goes straight to the pool.
thread_local bool lists_destroyed = false;
thread_local FreeLists lists;

FreeLists::~FreeLists() {
  lists_destroyed = true;
  for (size_t c = 0; c < kClasses; ++c) ToPool(c, counts[c]);
}

FreeLists* ThisThreadLists() { return lists_destroyed ? nullptr : &lists; }

}  // namespace

void* AllocateRecycled(size_t bytes) {
  if (!kRecyclesMemory || bytes == 0 || bytes > kLargestRecycledBlock) return ::operator new(bytes);
  const size_t c = ClassOf(bytes);
  FreeLists* l = ThisThreadLists();
  // A thread_local destructor allocating: any memory of the class makes a good block.
  if (l == nullptr) return ::operator new(ClassBytes(c));
  if (l->heads[c] == nullptr) l->FromPool(c);
  if (FreeBlock* block = l->heads[c]; block != nullptr) {
    l->heads[c] = block->next;
    // The next allocation of the class reads that block's link: a block freed by a limbo's
    // collection or refilled from the pool is cold by then, and that read was most of this
    // function's time in the store's miss profile. It is written once handed out, hence for write.
    __builtin_prefetch(l->heads[c], 1);
    --l->counts[c];
    return block;
  }
  // Always the whole class, so any thread may hand the block out again for any size of it.
  return l->Carve(ClassBytes(c));
}

void FreeRecycled(void* p, size_t bytes) {
  if (!kRecyclesMemory || bytes == 0 || bytes > kLargestRecycledBlock) {
    ::operator delete(p);
    return;
  }
  const size_t c = ClassOf(bytes);
  FreeLists* l = ThisThreadLists();
  if (l == nullptr) {
    SharedPool& pool = Pool();
    std::lock_guard<std::mutex> lock(pool.mu);
    pool.chains[c].push_back({new (p) FreeBlock{nullptr}, 1});
    return;
  }
  l->heads[c] = new (p) FreeBlock{l->heads[c]};
  if (++l->counts[c] > kRecycledBlocksPerClass) l->ToPool(c, kBatch);
}

}  // namespace edgesim::core
