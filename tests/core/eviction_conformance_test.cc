// What every eviction policy must do, whatever its order (STYLE 6.7: one conformance suite
// per pluggable interface). Order-specific behaviour lives in <policy>_eviction_test.cc.
#include <algorithm>
#include <random>
#include <string>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "core/eviction.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/core/eviction_harness.h"

namespace edgesim::core {
namespace {

using ::testing::HasSubstr;
using ::testing::UnorderedElementsAreArray;

class EvictionConformanceTest : public ::testing::TestWithParam<absl::string_view> {
 protected:
  EvictionHarness MakeHarness(uint64_t budget_bytes) {
    return EvictionHarness(MakePolicyOrDie(GetParam(), budget_bytes), budget_bytes);
  }
};

TEST_P(EvictionConformanceTest, NameMatchesFactoryName) {
  EXPECT_EQ(MakePolicyOrDie(GetParam())->name(), GetParam());
}

TEST_P(EvictionConformanceTest, EvictOnEmptyReturnsNull) {
  std::unique_ptr<EvictionPolicy> policy = MakePolicyOrDie(GetParam());
  EXPECT_EQ(policy->Evict(), nullptr);
  EXPECT_EQ(policy->size(), 0u);
  EXPECT_EQ(policy->charged_bytes(), 0u);
}

TEST_P(EvictionConformanceTest, BudgetHoldsAfterEveryInsertAndVictimsWereAdmitted) {
  EvictionHarness h = MakeHarness(/*budget_bytes=*/2000);
  std::mt19937 rng(7);
  for (int i = 0; i < 500; ++i) {
    h.Admit(/*charge=*/1 + rng() % 300);
    ASSERT_TRUE(h.Consistent()) << "after insert " << i;
  }
  EXPECT_GT(h.victims().size(), 0u);
  EXPECT_GT(h.admitted(), 0u);
}

TEST_P(EvictionConformanceTest, DrainReturnsEveryAdmittedNodeOnceThenNull) {
  EvictionHarness h = MakeHarness(/*budget_bytes=*/UINT64_MAX);
  std::vector<size_t> ids;
  for (uint32_t i = 0; i < 50; ++i) ids.push_back(h.Admit(/*charge=*/1 + i));
  for (size_t i = 0; i < ids.size(); i += 3) h.Access(ids[i]);
  EXPECT_THAT(h.Drain(), UnorderedElementsAreArray(ids));
  EXPECT_TRUE(h.Consistent());
  EXPECT_EQ(h.policy().Evict(), nullptr);
}

TEST_P(EvictionConformanceTest, EraseReleasesChargeAndNodeIsNeverAVictim) {
  EvictionHarness h = MakeHarness(/*budget_bytes=*/UINT64_MAX);
  std::vector<size_t> kept;
  for (uint32_t i = 0; i < 40; ++i) {
    const size_t id = h.Admit(/*charge=*/10 + i);
    if (i % 4 == 0) h.Access(id);
    if (i % 2 == 0) kept.push_back(id);
  }
  for (size_t id = 1; id < 40; id += 2) {
    const uint64_t before = h.policy().charged_bytes();
    h.Erase(id);
    EXPECT_EQ(h.policy().charged_bytes(), before - h.node(id).charge);
    ASSERT_TRUE(h.Consistent());
  }
  // A victim that was erased would break Consistent(); the drain also proves none is returned.
  EXPECT_THAT(h.Drain(), UnorderedElementsAreArray(kept));
  EXPECT_TRUE(h.Consistent());
}

TEST_P(EvictionConformanceTest, ReadmittedNodeIsTrackedAgain) {
  EvictionHarness h = MakeHarness(/*budget_bytes=*/UINT64_MAX);
  const size_t a = h.Admit(/*charge=*/5);
  const size_t b = h.Admit(/*charge=*/7);
  h.Erase(a);
  ASSERT_TRUE(h.EvictOne().has_value());
  EXPECT_EQ(h.state(b), EvictionHarness::State::kEvicted);
  h.Readmit(a);
  h.Readmit(b);
  EXPECT_TRUE(h.Consistent());
  EXPECT_THAT(h.Drain(), UnorderedElementsAreArray({a, b}));
}

// Thousands of seeded inserts, re-admissions, hits, erases and evictions; every invariant is
// checked after every operation.
TEST_P(EvictionConformanceTest, RandomizedOperationsKeepInvariants) {
  EvictionHarness h = MakeHarness(/*budget_bytes=*/5000);
  std::mt19937 rng(20240611);
  auto random_node = [&] { return static_cast<size_t>(rng() % h.node_count()); };
  for (int op = 0; op < 8000; ++op) {
    const unsigned dice = rng() % 10;
    if (h.node_count() == 0 || dice < 3) {
      h.Admit(/*charge=*/rng() % 400);  // zero charges included
    } else {
      const size_t id = random_node();
      const bool admitted = h.state(id) == EvictionHarness::State::kAdmitted;
      if (!admitted && dice < 5) {
        h.Readmit(id);
      } else if (admitted && dice < 8) {
        h.Access(id);
      } else if (admitted && dice == 8) {
        h.Erase(id);
      } else if (dice == 9) {
        h.EvictOne();
      }
    }
    ASSERT_TRUE(h.Consistent()) << "after op " << op;
  }
  EXPECT_GT(h.victims().size(), 100u);
}

// Concurrent hits, as the store makes them: without a lock when access_needs_lock() is false
// (touching only the node's atomic; TSan checks that, -DEDGESIM_TSAN=ON), under the shard lock
// otherwise (LRU). No structural change runs meanwhile, as the store's shard lock guarantees.
TEST_P(EvictionConformanceTest, ConcurrentAccessesKeepThePolicyIntact) {
  std::unique_ptr<EvictionPolicy> policy = MakePolicyOrDie(GetParam());
  const bool needs_lock = policy->access_needs_lock();
  EvictionHarness h(std::move(policy), /*budget_bytes=*/UINT64_MAX);
  std::vector<size_t> ids;
  for (int i = 0; i < 64; ++i) ids.push_back(h.Admit(/*charge=*/1));
  std::vector<EvictionNode*> nodes;
  for (size_t id : ids) nodes.push_back(&h.node(id));

  std::mutex shard_lock;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&policy = h.policy(), &nodes, &shard_lock, needs_lock, t] {
      for (int i = 0; i < 20000; ++i) {
        EvictionNode& node = *nodes[(i * 7 + t) % nodes.size()];
        if (needs_lock) {
          std::lock_guard<std::mutex> lock(shard_lock);
          policy.OnAccess(node);
        } else {
          policy.OnAccess(node);
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  EXPECT_TRUE(h.Consistent());
  EXPECT_THAT(h.Drain(), UnorderedElementsAreArray(ids));
  EXPECT_TRUE(h.Consistent());
}

INSTANTIATE_TEST_SUITE_P(AllPolicies, EvictionConformanceTest,
                         ::testing::ValuesIn(EvictionPolicyNames()),
                         [](const ::testing::TestParamInfo<absl::string_view>& info) {
                           return std::string(info.param);
                         });

TEST(MakeEvictionPolicyTest, UnknownNameIsInvalidArgumentListingTheKnownOnes) {
  auto policy = MakeEvictionPolicy("bogus", 1000);
  ASSERT_EQ(policy.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(policy.status().message(), HasSubstr("bogus"));
  for (absl::string_view name : EvictionPolicyNames()) {
    EXPECT_THAT(policy.status().message(), HasSubstr(name));
  }
}

TEST(MakeEvictionPolicyTest, NamesAreTheThreeDocumentedPolicies) {
  EXPECT_THAT(EvictionPolicyNames(), UnorderedElementsAreArray({"lru", "sieve", "s3fifo"}));
}

}  // namespace
}  // namespace edgesim::core
