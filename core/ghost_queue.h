// ghost_queue.h — a bounded FIFO of key fingerprints: objects recently evicted, without data.
//
// S3-FIFO's ghost queue G (Yang et al., SOSP '23, section 4): an object that comes back while
// its fingerprint is still remembered skips the small queue. As the paper's implementation note
// suggests, an entry is a 4-byte fingerprint plus its insertion number: a ring holds the
// fingerprints in FIFO order and a flat hash set maps each fingerprint to its newest insertion
// number, so a lookup is one probe and an entry taken out early (a ghost hit) leaves a dead ring
// slot that is simply skipped when it ages out. The ring grows geometrically and is reused, so
// steady-state pushes allocate nothing. Fingerprints may collide; a collision is a false ghost
// hit, which only admits one object to the main queue early.
//
//   GhostQueue ghost;
//   ghost.Push(0xbeef, /*limit=*/1000);
//   ghost.Take(0xbeef);   // true, and forgotten
//   ghost.Take(0xbeef);   // false
#pragma once

#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace edgesim::core {

class GhostQueue {
 public:
  // Remembers `fingerprint` as the newest entry, first dropping the oldest entries so that at
  // most max(limit, 1) remain (dead slots of taken entries count toward the limit).
  void Push(uint32_t fingerprint, uint64_t limit);
  // True when `fingerprint` is remembered; it is then forgotten.
  bool Take(uint32_t fingerprint);

  // Fingerprints currently remembered.
  uint64_t size() const { return newest_.size(); }
  // Heap bytes of the ring and the hash set.
  uint64_t memory_bytes() const;

 private:
  void PopOldest();
  void Grow();
  uint32_t& Slot(uint64_t seq) { return ring_[seq & (ring_.size() - 1)]; }

  // Power-of-two size; entry `seq` lives in slot seq mod size.
  std::vector<uint32_t> ring_;
  uint64_t oldest_seq_ = 0;  // first live slot
  uint64_t next_seq_ = 0;    // one past the newest slot
  // Fingerprint -> low 32 bits of its newest seq. The ring never holds 2^32 slots, so the
  // truncated seq identifies the slot unambiguously.
  absl::flat_hash_map<uint32_t, uint32_t> newest_;
};

}  // namespace edgesim::core
