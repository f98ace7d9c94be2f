// eviction.h — which object leaves a full cache: one small interface, policies behind it.
//
// The store never decides what to evict (STYLE 6.1 "keep storage dumb"); it tells the policy
// what was admitted, touched and erased, and asks it for victims while it is over its byte
// budget. CloudFront documents no algorithm (SPEC 3.1, SPEC B14), so the policy is a
// choice: "fifo" and "lru" (exact, for textbook comparisons), "sieve" (Zhang et al., NSDI '24)
// and "s3fifo" (Yang et al., SOSP '23). FIFO ignores hits, SIEVE and S3-FIFO mark them with a
// per-node atomic, so a hit takes no exclusive lock; LRU's move-to-front needs the shard lock
// (`access_needs_lock()`).
//
// Nodes are intrusive: the store embeds an EvictionNode in each entry, so a policy costs no
// allocation per object. Every method except OnAccess (when !access_needs_lock()) is called under
// the owning shard's lock.
//
//   auto policy = MakeEvictionPolicy("sieve", /*capacity_bytes=*/1 << 20);
//   policy->OnInsert(node);                 // admitted
//   policy->OnAccess(node);                 // hit
//   EvictionNode* victim = policy->Evict(); // the store then frees it
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace edgesim::core {

struct EvictionNode {
  EvictionNode* prev = nullptr;
  EvictionNode* next = nullptr;
  // Bytes the object costs the cache (store-computed, constant while admitted).
  uint32_t charge = 0;
  // Bits of the key's hash, for ghost queues (S3-FIFO) that outlive the node.
  uint32_t fingerprint = 0;
  // Set on hits without a lock: SIEVE's visited bit, S3-FIFO's 2-bit frequency.
  std::atomic<uint8_t> access{0};
  // Which of the policy's queues holds the node (policy-private).
  uint8_t queue = 0;
};

// For a policy's next victim, fetched one admission ahead (at capacity each admission evicts):
// the node and the 64 bytes from it, so the header its owner embeds it in (the store's entry,
// 56 bytes, read right after the eviction) arrives whole even when it straddles two lines.
// Prefetching never faults, so `node` may be null (hence the address arithmetic on integers).
inline void PrefetchVictim(const EvictionNode* node) {
  const auto address = reinterpret_cast<uintptr_t>(node);
  __builtin_prefetch(reinterpret_cast<const void*>(address));
  __builtin_prefetch(reinterpret_cast<const void*>(address + 63));
}

class EvictionPolicy {
 public:
  virtual ~EvictionPolicy() = default;

  virtual absl::string_view name() const = 0;
  // True when OnAccess must run under the shard lock.
  virtual bool access_needs_lock() const = 0;
  // For lock-free policies: the `node.access` value from which OnAccess changes nothing, so a
  // hit on such a node may skip the call. 0 when OnAccess never changes `access`.
  virtual uint8_t saturated_access() const { return 0; }

  // REQUIRES: `node` is not admitted; node.charge and node.fingerprint are set.
  virtual void OnInsert(EvictionNode& node) = 0;
  // A hit on an admitted node. Lock-free policies touch only `node.access`.
  virtual void OnAccess(EvictionNode& node) = 0;
  // REQUIRES: `node` is admitted. Removes it without counting it as evicted (invalidation,
  // expiry, replacement).
  virtual void OnErase(EvictionNode& node) = 0;
  // Chooses a victim among admitted nodes, removes it from the policy and returns it; nullptr
  // when nothing is admitted.
  virtual EvictionNode* Evict() = 0;

  // Sum of the admitted nodes' charges.
  virtual uint64_t charged_bytes() const = 0;
  virtual uint64_t size() const = 0;
  // Bytes the policy itself holds beyond the nodes (ghost queues), for memory accounting.
  virtual uint64_t overhead_bytes() const { return 0; }
};

// "fifo", "lru", "sieve", "s3fifo". `capacity_bytes` sizes S3-FIFO's small queue (10%) and ghost
// queue. InvalidArgument for any other name, listing the known ones.
absl::StatusOr<std::unique_ptr<EvictionPolicy>> MakeEvictionPolicy(absl::string_view name,
                                                                   uint64_t capacity_bytes);

// The names MakeEvictionPolicy accepts, for flags, configs and test suites.
const std::vector<absl::string_view>& EvictionPolicyNames();

}  // namespace edgesim::core
