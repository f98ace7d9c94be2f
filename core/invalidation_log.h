// invalidation_log.h — lazy invalidation, as Varnish bans (STYLE 6.10), for CloudFront paths.
//
// Creating an invalidation never walks the cache. It appends `{seq, effective_time, path}` to
// this log; every stored object remembers the newest seq already checked against it; a lookup
// tests an object only against invalidations newer than that, and remembers the new head. So
// `/*` costs O(1) whatever the cache holds, and the steady-state hit path costs one atomic load.
// A budgeted sweep (ShardedStore::Sweep) visits objects no request touches, after which Trim()
// drops what no stored object can still need.
//
// Paths (SPEC 6.2, policy/invalidation.h) match an object's `object_path` (key path plus
// `?query` when the query is in the key): exact paths through a hash set, wildcards through a
// trie of prefixes, so a test walks the object's path once instead of scanning every prefix.
//
// Effective time: an invalidation takes effect at a POP when it has propagated there (SPEC 6.5).
// Each POP's cache has its own log, so each can use its own delay. Effective times never go
// backwards within a log (a later invalidation is clamped to the previous one's time), which is
// what makes `EffectiveHead(now)` a single seq. Effective times are rounded up to whole seconds,
// HTTP's resolution and the store's.
//
//   InvalidationLog log;
//   log.Add(*InvalidationPath::Parse("/images/*"), now);
//   uint32_t head = log.EffectiveHead(now);
//   if (entry_checked < head && log.Invalidates("/images/a.jpg", entry_checked, head)) ...;
//
// Thread-safe: Add, Trim and Invalidates take one mutex (Invalidates runs once per object per
// new invalidation, never on the steady-state hit path); EffectiveHead is lock-free, also while
// an invalidation is still propagating.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "policy/invalidation.h"

namespace edgesim::core {

struct InvalidationLogCounters {
  uint64_t added = 0;
  uint64_t tests = 0;    // Invalidates() calls that looked at the index
  uint64_t matches = 0;  // ... and found a match
  uint64_t trimmed = 0;
  uint64_t retained = 0;  // invalidations still held

  bool operator==(const InvalidationLogCounters&) const = default;
};

class InvalidationLog {
 public:
  InvalidationLog();
  ~InvalidationLog();
  InvalidationLog(const InvalidationLog&) = delete;
  InvalidationLog& operator=(const InvalidationLog&) = delete;

  // Appends one invalidation, in effect from `effective_time` (clamped to the previous one's).
  // Returns its seq: 1, 2, 3, ...
  uint32_t Add(const policy::InvalidationPath& path, absl::Time effective_time);

  // When the newest invalidation takes effect: its effective time after the clamp and rounding
  // above. The Unix epoch when there is none.
  absl::Time NewestEffectiveTime() const;

  // The newest seq in effect at `now`; 0 when none. Objects stored at `now` record this as
  // checked: nothing up to it can apply to them.
  uint32_t EffectiveHead(absl::Time now) const;

  // True when an invalidation with after_seq < seq <= upto_seq matches `object_path`.
  // REQUIRES: upto_seq <= EffectiveHead(now) for the caller's now.
  bool Invalidates(absl::string_view object_path, uint32_t after_seq, uint32_t upto_seq) const;

  // Drops every invalidation with seq <= oldest_checked: the caller has proven that no stored
  // object was checked less far than that (a full sweep). Returns how many were dropped.
  uint64_t Trim(uint32_t oldest_checked);

  InvalidationLogCounters counters() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  // seq (high 32 bits) and effective time in whole seconds since the Unix epoch (low 32) of the
  // newest invalidation, so EffectiveHead's common case (everything in effect) is one load.
  std::atomic<uint64_t> newest_{0};
};

}  // namespace edgesim::core
