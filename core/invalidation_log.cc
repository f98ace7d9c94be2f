#include "core/invalidation_log.h"

#include <algorithm>
#include <deque>
#include <limits>
#include <mutex>
#include <string>
#include <vector>

#include "absl/types/optional.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/strings/match.h"
#include "core/epoch_seconds.h"
#include "policy/status_macros.h"

namespace edgesim::core {
namespace {

// The seqs of the invalidations that share one path, ascending (seqs are appended in order).
using Seqs = absl::InlinedVector<uint32_t, 1>;

bool AnyInWindow(const Seqs& seqs, uint32_t after_seq, uint32_t upto_seq) {
  const auto it = std::upper_bound(seqs.begin(), seqs.end(), after_seq);
  return it != seqs.end() && *it <= upto_seq;
}

void EraseSeq(Seqs& seqs, uint32_t seq) {
  const auto it = std::lower_bound(seqs.begin(), seqs.end(), seq);
  EDGESIM_CHECK(it != seqs.end() && *it == seq);
  seqs.erase(it);
}

uint64_t Pack(uint32_t seq, uint32_t effective_seconds) {
  return (static_cast<uint64_t>(seq) << 32) | effective_seconds;
}
uint32_t SeqOf(uint64_t packed) { return static_cast<uint32_t>(packed >> 32); }
uint32_t SecondsOf(uint64_t packed) { return static_cast<uint32_t>(packed); }

// A node of PrefixTrie.
struct PrefixNode {
  explicit PrefixNode(absl::string_view label = "") : label(label) {}

  std::string label;  // the bytes from the parent to this node; empty only at the root
  Seqs seqs;          // of the prefixes ending here
  std::vector<std::unique_ptr<PrefixNode>> children;  // by label[0], ascending
};

// The slot of the child whose label starts with `first`, or where it would go. `NodeT` is
// PrefixNode or const PrefixNode.
template <typename NodeT>
auto LowerBound(NodeT& node, char first) {
  return std::lower_bound(
      node.children.begin(), node.children.end(), first,
      [](const std::unique_ptr<PrefixNode>& child, char c) { return child->label[0] < c; });
}

// The child whose whole label starts `path`, or null.
template <typename NodeT>
NodeT* FindChild(NodeT& node, absl::string_view path) {
  if (path.empty()) return nullptr;
  const auto it = LowerBound(node, path[0]);
  if (it == node.children.end() || !absl::StartsWith(path, (*it)->label)) return nullptr;
  return it->get();
}

size_t CommonPrefixLength(absl::string_view a, absl::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  return std::mismatch(a.begin(), a.begin() + n, b.begin()).first - a.begin();
}

// Inserts a node owning the first `at` bytes of `slot`'s label above it.
void Split(std::unique_ptr<PrefixNode>& slot, size_t at) {
  auto upper = std::make_unique<PrefixNode>(absl::string_view(slot->label).substr(0, at));
  slot->label.erase(0, at);
  upper->children.push_back(std::move(slot));
  slot = std::move(upper);
}

// Restores the trie's invariant after a removal: a node with no seqs and one child absorbs it.
void MergeIfPassThrough(PrefixNode& node) {
  if (!node.seqs.empty() || node.children.size() != 1) return;
  std::unique_ptr<PrefixNode> child = std::move(node.children.front());
  node.label += child->label;
  node.seqs = std::move(child->seqs);
  node.children = std::move(child->children);
}

// A radix trie of wildcard prefixes. Every node but the root holds seqs or has two or more
// children, so it has fewer than twice as many nodes as distinct prefixes, and a query consumes
// the object path once, whatever the number of prefixes.
class PrefixTrie {
 public:
  void Add(absl::string_view prefix, uint32_t seq) {
    PrefixNode* node = &root_;
    while (!prefix.empty()) {
      const auto it = LowerBound(*node, prefix[0]);
      if (it == node->children.end() || (*it)->label[0] != prefix[0]) {
        node = node->children.insert(it, std::make_unique<PrefixNode>(prefix))->get();
        break;
      }
      const size_t common = CommonPrefixLength((*it)->label, prefix);
      if (common < (*it)->label.size()) Split(*it, common);
      node = it->get();
      prefix.remove_prefix(common);
    }
    node->seqs.push_back(seq);  // seqs arrive in ascending order
  }

  // REQUIRES: Add(prefix, seq) happened and was not removed yet.
  void Remove(absl::string_view prefix, uint32_t seq) {
    std::vector<PrefixNode*> chain = {&root_};
    while (!prefix.empty()) {
      PrefixNode* child = FindChild(*chain.back(), prefix);
      EDGESIM_CHECK(child != nullptr);
      prefix.remove_prefix(child->label.size());
      chain.push_back(child);
    }
    PrefixNode& node = *chain.back();
    EraseSeq(node.seqs, seq);
    if (chain.size() == 1 || !node.seqs.empty()) return;
    if (!node.children.empty()) {
      MergeIfPassThrough(node);
      return;
    }
    PrefixNode& parent = *chain[chain.size() - 2];
    parent.children.erase(LowerBound(parent, node.label[0]));
    if (chain.size() > 2) MergeIfPassThrough(parent);
  }

  // True when a prefix of `path` (itself included) holds a seq in (after_seq, upto_seq].
  bool AnyPrefixOf(absl::string_view path, uint32_t after_seq, uint32_t upto_seq) const {
    for (const PrefixNode* node = &root_; node != nullptr; node = FindChild(*node, path)) {
      path.remove_prefix(node->label.size());
      if (AnyInWindow(node->seqs, after_seq, upto_seq)) return true;
    }
    return false;
  }

 private:
  PrefixNode root_;
};

}  // namespace

struct InvalidationLog::Impl {
  struct Item {
    uint32_t seq;
    uint32_t effective_seconds;  // non-decreasing along `items`
    policy::InvalidationPath path;
  };

  void Index(const Item& item) {  // REQUIRES: mu held exclusively
    if (item.path.is_wildcard()) {
      prefixes.Add(item.path.prefix(), item.seq);
    } else {
      exact[item.path.text()].push_back(item.seq);
    }
  }

  void Unindex(const Item& item) {  // REQUIRES: mu held exclusively
    if (item.path.is_wildcard()) {
      prefixes.Remove(item.path.prefix(), item.seq);
      return;
    }
    const auto it = exact.find(item.path.text());
    EDGESIM_CHECK(it != exact.end());
    EraseSeq(it->second, item.seq);
    if (it->second.empty()) exact.erase(it);
  }

  // The slow path of EffectiveHead: the seqs are contiguous after `trimmed_through`, and the
  // effective times non-decreasing, so the head is the count of retained items in effect.
  // The answer is remembered with the seconds it holds for, so that while an invalidation
  // propagates (every lookup between its creation and its effective time lands here) lookups
  // read the window instead of taking the lock.
  uint32_t HeadAt(uint32_t now_seconds) const {
    if (const absl::optional<uint32_t> cached = window.Get(now_seconds)) return *cached;
    std::lock_guard<std::mutex> lock(mu);
    const auto in_effect = std::partition_point(
        items.begin(), items.end(),
        [now_seconds](const Item& item) { return item.effective_seconds <= now_seconds; });
    const uint32_t head = trimmed_through + static_cast<uint32_t>(in_effect - items.begin());
    if (in_effect != items.end()) {
      const uint32_t from = in_effect == items.begin() ? 0 : std::prev(in_effect)->effective_seconds;
      window.Set(head, from, in_effect->effective_seconds);
    }
    return head;
  }

  // A seqlock over (head, [from, until)): an odd version is being written.
  struct HeadWindow {
    std::atomic<uint64_t> version{0};
    std::atomic<uint32_t> head{0}, from{1}, until{0};  // empty until first Set

    absl::optional<uint32_t> Get(uint32_t now_seconds) const {
      const uint64_t v = version.load();
      if (v & 1) return absl::nullopt;
      const uint32_t h = head.load(), f = from.load(), u = until.load();
      if (version.load() != v || now_seconds < f || now_seconds >= u) return absl::nullopt;
      return h;
    }
    // REQUIRES: the log's mutex (one writer at a time).
    void Set(uint32_t h, uint32_t f, uint32_t u) {
      version.fetch_add(1);
      head.store(h);
      from.store(f);
      until.store(u);
      version.fetch_add(1);
    }
  };
  mutable HeadWindow window;

  // A plain (fair) pthread mutex: absl::Mutex is invisible to ThreadSanitizer in Debian's build,
  // and glibc's reader-preferring rwlock let busy readers starve Add.
  mutable std::mutex mu;
  // Guarded by mu:
  std::deque<Item> items;  // by seq
  absl::flat_hash_map<std::string, Seqs> exact;
  PrefixTrie prefixes;
  uint32_t trimmed_through = 0;  // every seq up to it is gone
  uint64_t added = 0;
  uint64_t trimmed = 0;
  // Read by counters() without the lock.
  std::atomic<uint64_t> tests{0};
  std::atomic<uint64_t> matches{0};
};

InvalidationLog::InvalidationLog() : impl_(std::make_unique<Impl>()) {}
InvalidationLog::~InvalidationLog() = default;

uint32_t InvalidationLog::Add(const policy::InvalidationPath& path, absl::Time effective_time) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  // Only writers store `newest_`, all under `mu`.
  const uint64_t newest = newest_.load(std::memory_order_relaxed);
  EDGESIM_CHECK(SeqOf(newest) < std::numeric_limits<uint32_t>::max());
  const uint32_t seq = SeqOf(newest) + 1;
  const uint32_t effective_seconds = std::max(EpochSecondsCeil(effective_time), SecondsOf(newest));
  impl_->items.push_back({seq, effective_seconds, path});
  impl_->Index(impl_->items.back());
  ++impl_->added;
  // Release: a reader that sees this seq also sees the index entries for it.
  newest_.store(Pack(seq, effective_seconds), std::memory_order_release);
  return seq;
}

absl::Time InvalidationLog::NewestEffectiveTime() const {
  return absl::FromUnixSeconds(SecondsOf(newest_.load(std::memory_order_acquire)));
}

uint32_t InvalidationLog::EffectiveHead(absl::Time now) const {
  const uint64_t newest = newest_.load(std::memory_order_acquire);
  const uint32_t now_seconds = EpochSecondsFloor(now);
  if (now_seconds >= SecondsOf(newest)) return SeqOf(newest);
  return impl_->HeadAt(now_seconds);
}

bool InvalidationLog::Invalidates(absl::string_view object_path, uint32_t after_seq,
                                  uint32_t upto_seq) const {
  if (after_seq >= upto_seq) return false;
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->tests.fetch_add(1, std::memory_order_relaxed);
  const auto exact = impl_->exact.find(object_path);
  const bool match =
      (exact != impl_->exact.end() && AnyInWindow(exact->second, after_seq, upto_seq)) ||
      impl_->prefixes.AnyPrefixOf(object_path, after_seq, upto_seq);
  if (match) impl_->matches.fetch_add(1, std::memory_order_relaxed);
  return match;
}

uint64_t InvalidationLog::Trim(uint32_t oldest_checked) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  uint64_t dropped = 0;
  while (!impl_->items.empty() && impl_->items.front().seq <= oldest_checked) {
    impl_->Unindex(impl_->items.front());
    impl_->trimmed_through = impl_->items.front().seq;
    impl_->items.pop_front();
    ++dropped;
  }
  impl_->trimmed += dropped;
  return dropped;
}

InvalidationLogCounters InvalidationLog::counters() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return {.added = impl_->added,
          .tests = impl_->tests.load(std::memory_order_relaxed),
          .matches = impl_->matches.load(std::memory_order_relaxed),
          .trimmed = impl_->trimmed,
          .retained = impl_->items.size()};
}

}  // namespace edgesim::core
