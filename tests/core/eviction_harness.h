// eviction_harness.h — test helpers shared by the eviction policy tests.
//
// EvictionHarness plays the store: it owns the nodes, keeps its own count of what is admitted,
// enforces a byte budget by calling Evict() while over it, and checks every victim (admitted,
// not evicted or erased since). ZipfTrace and MissRatio replay a seeded trace with unit charges.
//
//   EvictionHarness h(MakePolicyOrDie("sieve"), /*budget_bytes=*/100);
//   size_t a = h.Admit(/*charge=*/40);
//   h.Access(a);
//   EXPECT_TRUE(h.Consistent());
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "core/eviction.h"
#include "gtest/gtest.h"
#include "policy/status_macros.h"

namespace edgesim::core {

inline std::unique_ptr<EvictionPolicy> MakePolicyOrDie(absl::string_view name,
                                                       uint64_t capacity_bytes = 1000) {
  auto policy = MakeEvictionPolicy(name, capacity_bytes);
  EDGESIM_CHECK(policy.ok());
  return *std::move(policy);
}

// A distinct fingerprint per key (an odd multiplier is a bijection on uint32).
inline uint32_t FingerprintOf(uint64_t key) { return static_cast<uint32_t>(key * 0x9E3779B1u); }

class EvictionHarness {
 public:
  enum class State { kNew, kAdmitted, kEvicted, kErased };

  EvictionHarness(std::unique_ptr<EvictionPolicy> policy, uint64_t budget_bytes)
      : policy_(std::move(policy)), budget_bytes_(budget_bytes) {}

  EvictionPolicy& policy() { return *policy_; }
  EvictionNode& node(size_t id) { return slots_[id].node; }
  State state(size_t id) const { return slots_[id].state; }
  size_t node_count() const { return slots_.size(); }
  uint64_t charged_bytes() const { return charged_bytes_; }
  uint64_t admitted() const { return admitted_; }
  // Ids in the order they were evicted.
  const std::vector<size_t>& victims() const { return victims_; }

  // Admits a new node (fingerprint derived from its id unless given), then evicts while over
  // budget. Returns its id.
  size_t Admit(uint32_t charge, absl::optional<uint32_t> fingerprint = absl::nullopt) {
    const size_t id = slots_.size();
    Slot& slot = slots_.emplace_back();
    slot.node.charge = charge;
    slot.node.fingerprint = fingerprint.value_or(FingerprintOf(id));
    ids_[&slot.node] = id;
    Readmit(id);
    return id;
  }

  // Admits a node that was evicted or erased again (the store reusing an entry).
  void Readmit(size_t id) {
    Slot& slot = slots_[id];
    if (slot.state == State::kAdmitted) {
      Expect(false, "Readmit of an admitted node");
      return;
    }
    slot.state = State::kAdmitted;
    policy_->OnInsert(slot.node);
    charged_bytes_ += slot.node.charge;
    ++admitted_;
    while (charged_bytes_ > budget_bytes_ && EvictOne().has_value()) {
    }
  }

  void Access(size_t id) {
    Expect(state(id) == State::kAdmitted, "Access of a node not admitted");
    policy_->OnAccess(node(id));
  }

  void Erase(size_t id) {
    Expect(state(id) == State::kAdmitted, "Erase of a node not admitted");
    policy_->OnErase(node(id));
    Release(id, State::kErased);
  }

  // One Evict(): the victim's id, or nullopt when the policy returned nullptr (an error unless
  // nothing is admitted).
  absl::optional<size_t> EvictOne() {
    EvictionNode* victim = policy_->Evict();
    if (victim == nullptr) {
      Expect(admitted_ == 0, absl::StrCat("Evict returned nullptr with ", admitted_, " admitted"));
      return absl::nullopt;
    }
    auto it = ids_.find(victim);
    if (it == ids_.end()) {
      Expect(false, "Evict returned a node the harness never created");
      return absl::nullopt;
    }
    Expect(state(it->second) == State::kAdmitted,
           absl::StrCat("victim ", it->second, " was not admitted"));
    Release(it->second, State::kEvicted);
    victims_.push_back(it->second);
    return it->second;
  }

  // Evicts until the policy is empty; the victims in order.
  std::vector<size_t> Drain() {
    std::vector<size_t> order;
    while (absl::optional<size_t> id = EvictOne()) order.push_back(*id);
    return order;
  }

  // No bad victim so far, the policy's sums equal the harness's, and the budget holds.
  ::testing::AssertionResult Consistent() const {
    if (!error_.empty()) return ::testing::AssertionFailure() << error_;
    if (policy_->charged_bytes() != charged_bytes_) {
      return ::testing::AssertionFailure()
             << "charged_bytes " << policy_->charged_bytes() << " != harness " << charged_bytes_;
    }
    if (policy_->size() != admitted_) {
      return ::testing::AssertionFailure()
             << "size " << policy_->size() << " != harness " << admitted_;
    }
    if (charged_bytes_ > budget_bytes_) {
      return ::testing::AssertionFailure()
             << charged_bytes_ << " bytes admitted over a budget of " << budget_bytes_;
    }
    return ::testing::AssertionSuccess();
  }

 private:
  struct Slot {
    EvictionNode node;
    State state = State::kNew;
  };

  void Release(size_t id, State state) {
    slots_[id].state = state;
    charged_bytes_ -= slots_[id].node.charge;
    --admitted_;
  }

  void Expect(bool condition, const std::string& message) {
    if (!condition && error_.empty()) error_ = message;
  }

  std::unique_ptr<EvictionPolicy> policy_;
  const uint64_t budget_bytes_;
  std::deque<Slot> slots_;  // a deque never moves its elements, so node addresses stay valid
  absl::flat_hash_map<const EvictionNode*, size_t> ids_;
  uint64_t charged_bytes_ = 0;
  uint64_t admitted_ = 0;
  std::vector<size_t> victims_;
  std::string error_;  // the first broken expectation
};

// Keys 0..keys-1 drawn with P(k) proportional to 1/(k+1)^alpha, reproducibly for a seed (only
// mt19937_64's raw output is used; the standard fixes it, unlike the distributions).
inline std::vector<uint32_t> ZipfTrace(uint32_t keys, size_t requests, double alpha,
                                       uint64_t seed) {
  std::vector<double> cdf(keys);
  double total = 0;
  for (uint32_t k = 0; k < keys; ++k) cdf[k] = total += 1.0 / std::pow(k + 1.0, alpha);
  std::mt19937_64 rng(seed);
  std::vector<uint32_t> trace(requests);
  for (uint32_t& key : trace) {
    const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53 * total;
    key = static_cast<uint32_t>(std::upper_bound(cdf.begin(), cdf.end(), u) - cdf.begin());
    if (key == keys) key = keys - 1;
  }
  return trace;
}

// Replays `trace` (unit charges, one node per key, reused when a key returns) through the
// policy with a budget of `capacity` objects; the fraction of requests that missed.
inline double MissRatio(absl::string_view policy_name, const std::vector<uint32_t>& trace,
                        uint64_t capacity) {
  std::unique_ptr<EvictionPolicy> policy = MakePolicyOrDie(policy_name, capacity);
  const uint32_t keys = trace.empty() ? 0 : *std::max_element(trace.begin(), trace.end()) + 1;
  std::vector<EvictionNode> nodes(keys);
  std::vector<bool> cached(keys);
  size_t misses = 0;
  for (uint32_t key : trace) {
    EvictionNode& node = nodes[key];
    if (cached[key]) {
      policy->OnAccess(node);
      continue;
    }
    ++misses;
    node.charge = 1;
    node.fingerprint = FingerprintOf(key);
    policy->OnInsert(node);
    cached[key] = true;
    while (policy->charged_bytes() > capacity) cached[policy->Evict() - nodes.data()] = false;
  }
  return trace.empty() ? 0 : static_cast<double>(misses) / trace.size();
}

}  // namespace edgesim::core
