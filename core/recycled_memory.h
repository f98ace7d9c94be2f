// recycled_memory.h — per-thread free lists for the cache's small, short-lived blocks.
//
// A cache at capacity frees one entry and one response for every object it admits (DESIGN 4).
// glibc serves blocks of that size (100–300 bytes) from its bins, and coalescing freed chunks
// with their neighbours (`unlink_chunk`, `malloc_consolidate`) touches cold memory: it was ~30 %
// of the store's miss profile. Here a freed block goes onto its thread's LIFO list for its
// 16-byte size class and the next allocation of that class on the thread takes it back, still in
// cache; nothing is coalesced. Each list keeps at most kRecycledBlocksPerClass blocks, moving
// the rest in batches to a shared pool that lists short of blocks draw from, so a thread holds at
// most a few MiB; blocks over kLargestRecycledBlock are never recycled. A block freed on another
// thread than the one that allocated it simply joins that thread's list: all blocks of a class
// are interchangeable.
//
// New blocks are carved from 2 MiB chunks advised to the kernel as huge pages (a store hit's
// random read of its entry then needs no page walk), and blocks are never given back: the memory
// in blocks is bounded by the most ever live at once, which for a cache is its capacity.
//
// Under AddressSanitizer every call goes straight to operator new/delete, so a use after free of
// an entry or response is still caught.
//
//   void* p = AllocateRecycled(136);
//   FreeRecycled(p, 136);              // the same size it was allocated with
//   void* q = AllocateRecycled(130);   // p again: same class, same thread
#pragma once

#include <cstddef>

namespace edgesim::core {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kRecyclesMemory = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kRecyclesMemory = false;
#else
inline constexpr bool kRecyclesMemory = true;
#endif
#else
inline constexpr bool kRecyclesMemory = true;
#endif

inline constexpr size_t kLargestRecycledBlock = 512;
inline constexpr size_t kRecycledBlocksPerClass = 1024;

// Never null (throws std::bad_alloc like operator new); 16-byte aligned.
void* AllocateRecycled(size_t bytes);
// REQUIRES: `p` came from AllocateRecycled(bytes), any thread.
void FreeRecycled(void* p, size_t bytes);

}  // namespace edgesim::core
