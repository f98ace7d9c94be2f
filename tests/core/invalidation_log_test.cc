#include "core/invalidation_log.h"

#include <algorithm>
#include <atomic>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/core/test_time.h"
#include "tests/policy/invalidation_worked_cases.h"

namespace edgesim::core {
namespace {

using policy::InvalidationPath;

InvalidationPath P(absl::string_view text) {
  absl::StatusOr<InvalidationPath> path = InvalidationPath::Parse(text);
  EXPECT_TRUE(path.ok()) << text << ": " << path.status();
  return path.value();
}

// Adds `paths` in effect at kT0 and returns the head at kT0.
uint32_t AddAll(InvalidationLog& log, const std::vector<std::string>& paths) {
  for (const std::string& path : paths) log.Add(P(path), kT0);
  return log.EffectiveHead(kT0);
}

// ---- SPEC 6.2 worked examples, through the log
// ---------------------------------------------------------------

using policy::spec62::CachedObject;
using policy::spec62::Spec62Case;

class Spec62LogTest : public testing::TestWithParam<Spec62Case> {};

TEST_P(Spec62LogTest, LogAgreesWithTheSpecTable) {
  const Spec62Case& c = GetParam();
  absl::StatusOr<InvalidationPath> path = InvalidationPath::Parse(c.invalidation_path);
  // A rejected path never reaches a log.
  ASSERT_EQ(path.ok(), c.accepted) << path.status();
  if (!c.accepted) return;
  InvalidationLog log;
  // An unrelated exact path and prefix around the row's, so the row is found among others.
  log.Add(P("/unrelated.css"), kT0);
  const uint32_t seq = log.Add(*path, kT0);
  log.Add(P("/other/*"), kT0);
  ASSERT_EQ(log.EffectiveHead(kT0), seq + 1);
  for (const CachedObject& object : c.objects) {
    EXPECT_EQ(log.Invalidates(object.KeyPath(), seq - 1, seq), c.invalidated) << object.KeyPath();
    EXPECT_FALSE(log.Invalidates(object.KeyPath(), seq, seq + 1)) << object.KeyPath();
  }
}

INSTANTIATE_TEST_SUITE_P(Spec62, Spec62LogTest, testing::ValuesIn(policy::spec62::kCases),
                         [](const testing::TestParamInfo<Spec62Case>& info) {
                           return info.param.name;
                         });

// ---- Matching
// ------------------------------------------------------------------------------------------

TEST(InvalidationLogTest, ExactPathMatchesOnlyItself) {
  InvalidationLog log;
  const uint32_t head = AddAll(log, {"/a"});
  EXPECT_TRUE(log.Invalidates("/a", 0, head));
  EXPECT_FALSE(log.Invalidates("/ab", 0, head));
  EXPECT_FALSE(log.Invalidates("/a/", 0, head));
  EXPECT_FALSE(log.Invalidates("/", 0, head));
}

TEST(InvalidationLogTest, WildcardMatchesItsPrefixAndEverythingLonger) {
  InvalidationLog log;
  const uint32_t head = AddAll(log, {"/a*"});
  EXPECT_TRUE(log.Invalidates("/a", 0, head));
  EXPECT_TRUE(log.Invalidates("/ab", 0, head));
  EXPECT_TRUE(log.Invalidates("/a/b/c.png", 0, head));
  EXPECT_FALSE(log.Invalidates("/", 0, head));
  EXPECT_FALSE(log.Invalidates("/b", 0, head));
}

TEST(InvalidationLogTest, SlashStarMatchesEveryPath) {
  InvalidationLog log;
  const uint32_t head = AddAll(log, {"/*"});
  for (const char* path : {"/", "/index.html", "/a/b/c?x=1", "/?x=1"}) {
    EXPECT_TRUE(log.Invalidates(path, 0, head)) << path;
  }
}

TEST(InvalidationLogTest, QueryVariantIsItsOwnExactPath) {
  InvalidationLog log;
  const uint32_t exact = log.Add(P("/a?x=1"), kT0);
  const uint32_t wildcard = log.Add(P("/a*"), kT0);
  EXPECT_TRUE(log.Invalidates("/a?x=1", 0, exact));
  EXPECT_FALSE(log.Invalidates("/a", 0, exact));
  EXPECT_FALSE(log.Invalidates("/a?x=2", 0, exact));
  EXPECT_TRUE(log.Invalidates("/a?x=2", exact, wildcard));
  EXPECT_TRUE(log.Invalidates("/a", exact, wildcard));
}

TEST(InvalidationLogTest, CaseSensitiveAndNoDecoding) {
  InvalidationLog log;
  const uint32_t head = AddAll(log, {"/Images/*", "/A.jpg", "/%41.png", "/b%2A"});
  EXPECT_FALSE(log.Invalidates("/images/x.png", 0, head));
  EXPECT_TRUE(log.Invalidates("/Images/x.png", 0, head));
  EXPECT_FALSE(log.Invalidates("/a.jpg", 0, head));
  EXPECT_FALSE(log.Invalidates("/A.png", 0, head));
  EXPECT_TRUE(log.Invalidates("/%41.png", 0, head));
  EXPECT_FALSE(log.Invalidates("/bc", 0, head));  // %2A is no wildcard
}

TEST(InvalidationLogTest, OverlappingPrefixesAndSplitLabels) {
  InvalidationLog log;
  // Each prefix splits or extends the one before it in the trie.
  const uint32_t abc = log.Add(P("/abc*"), kT0);
  const uint32_t ab = log.Add(P("/ab*"), kT0);
  const uint32_t abd = log.Add(P("/abd*"), kT0);
  const uint32_t abcdef = log.Add(P("/abcdef*"), kT0);
  EXPECT_TRUE(log.Invalidates("/abcdefg", abcdef - 1, abcdef));
  EXPECT_FALSE(log.Invalidates("/abcde", abcdef - 1, abcdef));
  EXPECT_TRUE(log.Invalidates("/abcde", abc - 1, abc));
  EXPECT_TRUE(log.Invalidates("/ab", ab - 1, ab));
  EXPECT_FALSE(log.Invalidates("/abc", abd - 1, abd));
  EXPECT_TRUE(log.Invalidates("/abd", abd - 1, abd));
  EXPECT_FALSE(log.Invalidates("/a", 0, abcdef));
}

// ---- Seq window
// ----------------------------------------------------------------------------------------

TEST(InvalidationLogTest, OnlySeqsInsideTheWindowCount) {
  InvalidationLog log;
  EXPECT_EQ(log.Add(P("/x"), kT0), 1u);
  EXPECT_EQ(log.Add(P("/y/*"), kT0), 2u);
  EXPECT_EQ(log.Add(P("/x"), kT0), 3u);
  EXPECT_TRUE(log.Invalidates("/x", 0, 1));
  EXPECT_FALSE(log.Invalidates("/x", 1, 2));
  EXPECT_TRUE(log.Invalidates("/x", 1, 3));
  EXPECT_TRUE(log.Invalidates("/x", 2, 3));
  EXPECT_FALSE(log.Invalidates("/x", 3, 3));
  EXPECT_FALSE(log.Invalidates("/y/z", 0, 1));
  EXPECT_TRUE(log.Invalidates("/y/z", 1, 2));
  EXPECT_FALSE(log.Invalidates("/y/z", 2, 3));
}

// ---- Effective time
// ------------------------------------------------------------------------------------

TEST(InvalidationLogTest, EmptyLogHeadIsZero) {
  InvalidationLog log;
  EXPECT_EQ(log.EffectiveHead(kT0), 0u);
  EXPECT_EQ(log.EffectiveHead(absl::InfiniteFuture()), 0u);
}

TEST(InvalidationLogTest, HeadLagsUntilEffectiveThenCatchesUp) {
  InvalidationLog log;
  const uint32_t first = log.Add(P("/a"), kT0 + absl::Seconds(10));
  EXPECT_EQ(log.EffectiveHead(kT0), 0u);
  EXPECT_EQ(log.EffectiveHead(kT0 + absl::Seconds(10)), first);
  const uint32_t second = log.Add(P("/b"), kT0 + absl::Seconds(20));
  EXPECT_EQ(log.EffectiveHead(kT0 + absl::Seconds(15)), first);
  EXPECT_EQ(log.EffectiveHead(kT0 + absl::Seconds(20)), second);
  EXPECT_EQ(log.EffectiveHead(kT0 + absl::Hours(1)), second);
}

TEST(InvalidationLogTest, EarlierEffectiveTimeIsClampedToThePrevious) {
  InvalidationLog log;
  log.Add(P("/a"), kT0 + absl::Seconds(10));
  const uint32_t second = log.Add(P("/b"), kT0 + absl::Seconds(5));
  EXPECT_EQ(log.EffectiveHead(kT0 + absl::Seconds(9)), 0u);
  EXPECT_EQ(log.EffectiveHead(kT0 + absl::Seconds(10)), second);
}

TEST(InvalidationLogTest, EffectiveTimeRoundsUpToWholeSeconds) {
  InvalidationLog log;
  const uint32_t fractional = log.Add(P("/a"), kT0 + absl::Milliseconds(1500));
  EXPECT_EQ(log.EffectiveHead(kT0 + absl::Milliseconds(1999)), 0u);
  EXPECT_EQ(log.EffectiveHead(kT0 + absl::Seconds(2)), fractional);
  const uint32_t whole = log.Add(P("/b"), kT0 + absl::Seconds(3));
  EXPECT_EQ(log.EffectiveHead(kT0 + absl::Milliseconds(2999)), fractional);
  EXPECT_EQ(log.EffectiveHead(kT0 + absl::Seconds(3)), whole);
}

// ---- Trim and counters
// ---------------------------------------------------------------------------------

TEST(InvalidationLogTest, TrimDropsOldInvalidationsAndCountsThem) {
  InvalidationLog log;
  log.Add(P("/a"), kT0);
  log.Add(P("/b/*"), kT0);
  const uint32_t kept = log.Add(P("/c*"), kT0);
  EXPECT_EQ(log.Trim(2), 2u);
  EXPECT_FALSE(log.Invalidates("/a", 0, kept));
  EXPECT_FALSE(log.Invalidates("/b/x", 0, kept));
  EXPECT_TRUE(log.Invalidates("/c/x", 0, kept));
  EXPECT_EQ(log.EffectiveHead(kT0), kept);
  EXPECT_EQ(log.Trim(2), 0u);
  const InvalidationLogCounters c = log.counters();
  EXPECT_EQ(c.added, 3u);
  EXPECT_EQ(c.trimmed, 2u);
  EXPECT_EQ(c.retained, 1u);
}

TEST(InvalidationLogTest, HeadAfterTrimCountsTheTrimmedSeqs) {
  InvalidationLog log;
  log.Add(P("/a"), kT0);
  const uint32_t in_effect = log.Add(P("/b"), kT0);
  log.Add(P("/c"), kT0 + absl::Seconds(60));
  log.Trim(in_effect);
  EXPECT_EQ(log.EffectiveHead(kT0), in_effect);
}

TEST(InvalidationLogTest, TrimmedPathCanBeAddedAgain) {
  InvalidationLog log;
  log.Add(P("/a*"), kT0);
  log.Add(P("/a"), kT0);
  log.Trim(2);
  const uint32_t again = log.Add(P("/a*"), kT0);
  EXPECT_TRUE(log.Invalidates("/ab", 0, again));
  EXPECT_FALSE(log.Invalidates("/ab", again, again));
}

TEST(InvalidationLogTest, CountersCountTestsAndMatches) {
  InvalidationLog log;
  const uint32_t head = AddAll(log, {"/a", "/b*"});
  EXPECT_TRUE(log.Invalidates("/a", 0, head));
  EXPECT_TRUE(log.Invalidates("/bc", 0, head));
  EXPECT_FALSE(log.Invalidates("/c", 0, head));
  EXPECT_FALSE(log.Invalidates("/a", head, head));  // empty window: no test
  EXPECT_EQ(
      log.counters(),
      (InvalidationLogCounters{.added = 2, .tests = 3, .matches = 2, .trimmed = 0, .retained = 2}));
}

// ---- Scale and cross-checks
// ----------------------------------------------------------------------------

TEST(InvalidationLogTest, TenThousandPrefixes) {
  constexpr int kPrefixes = 10'000;
  InvalidationLog log;
  for (int i = 0; i < kPrefixes; ++i) log.Add(P(absl::StrCat("/p/", i, "/*")), kT0);
  const uint32_t head = log.EffectiveHead(kT0);
  ASSERT_EQ(head, static_cast<uint32_t>(kPrefixes));
  // Prefix i has seq i + 1.
  EXPECT_TRUE(log.Invalidates("/p/1234/x.png", 1234, 1235));
  EXPECT_FALSE(log.Invalidates("/p/1234/x.png", 0, 1234));
  EXPECT_FALSE(log.Invalidates("/p/1234/x.png", 1235, head));
  EXPECT_FALSE(log.Invalidates("/p/12345/x.png", 0, head));
  EXPECT_FALSE(log.Invalidates("/p/1234", 0, head));
  EXPECT_FALSE(log.Invalidates("/q/1/x", 0, head));
  EXPECT_EQ(log.Trim(kPrefixes / 2), static_cast<uint64_t>(kPrefixes / 2));
  EXPECT_FALSE(log.Invalidates("/p/1234/x.png", 0, head));
  EXPECT_TRUE(log.Invalidates("/p/9999/x.png", 0, head));
  EXPECT_EQ(log.counters().retained, static_cast<uint64_t>(kPrefixes / 2));
}

// Random paths over a tiny alphabet, so prefixes share, split and merge in every way; the log
// must agree with InvalidationPath::Matches over the seqs it retains.
TEST(InvalidationLogTest, AgreesWithLinearScanAcrossAddsAndTrims) {
  std::mt19937 rng(62);
  const auto random_path = [&rng] {
    std::string path = "/";
    const int length = std::uniform_int_distribution<int>(0, 5)(rng);
    for (int i = 0; i < length; ++i) path += "ab/"[rng() % 3];
    return path;
  };
  InvalidationLog log;
  std::vector<InvalidationPath> added;  // seq i + 1 at index i
  uint32_t trimmed = 0;
  for (int round = 0; round < 20; ++round) {
    for (int i = 0; i < 30; ++i) {
      added.push_back(P(rng() % 2 ? random_path() + "*" : random_path()));
      log.Add(added.back(), kT0);
    }
    trimmed = std::min<uint32_t>(trimmed + rng() % 40, added.size());
    log.Trim(trimmed);
    const uint32_t head = log.EffectiveHead(kT0);
    for (int q = 0; q < 50; ++q) {
      const std::string object = random_path();
      const uint32_t after = trimmed + rng() % (head - trimmed + 1);
      const uint32_t upto = after + rng() % (head - after + 1);
      bool expected = false;
      for (uint32_t seq = after + 1; seq <= upto; ++seq) {
        expected = expected || added[seq - 1].Matches(object);
      }
      ASSERT_EQ(log.Invalidates(object, after, upto), expected)
          << object << " in (" << after << ", " << upto << "]";
    }
  }
}

// ---- Concurrency (run under TSan)
// ----------------------------------------------------------------------

// Invalidation i (seq i + 1) is `/w/i` (every tenth a wildcard `/w/i/*`), in effect at
// kT0 + (i + 1) s. Readers check that what they see is a consistent prefix of that history while
// the writer appends.
std::string ConcurrentPath(uint32_t i) {
  return i % 10 == 0 ? absl::StrCat("/w/", i, "/*") : absl::StrCat("/w/", i);
}
std::string ConcurrentObject(uint32_t i) {
  return i % 10 == 0 ? absl::StrCat("/w/", i, "/x") : absl::StrCat("/w/", i);
}

TEST(InvalidationLogTest, ReadersSeeAConsistentLogWhileOneThreadAdds) {
  constexpr uint32_t kAdds = 2000;
  InvalidationLog log;
  std::atomic<bool> writing{true};
  std::thread writer([&] {
    for (uint32_t i = 0; i < kAdds; ++i) log.Add(P(ConcurrentPath(i)), kT0 + absl::Seconds(i + 1));
    writing = false;
  });
  std::vector<std::thread> readers;
  for (uint32_t r = 0; r < 3; ++r) {
    readers.emplace_back([&, k = r]() mutable {
      uint32_t last_head = 0;
      do {
        const uint32_t head = log.EffectiveHead(absl::InfiniteFuture());
        EXPECT_GE(head, last_head);
        last_head = head;
        k = (k * 7 + 13) % (kAdds + 100);
        const uint32_t at_k = log.EffectiveHead(kT0 + absl::Seconds(k));  // usually slow path
        EXPECT_LE(at_k, k);
        EXPECT_GE(at_k, std::min(k, head));
        if (head > 0) {
          const std::string newest = ConcurrentObject(head - 1);
          EXPECT_TRUE(log.Invalidates(newest, head - 1, head)) << newest;
          EXPECT_FALSE(log.Invalidates(newest, 0, head - 1)) << newest;
        }
        EXPECT_GE(log.counters().added, head);
      } while (writing);
    });
  }
  writer.join();
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(log.EffectiveHead(kT0 + absl::Seconds(kAdds / 2)), kAdds / 2);
  EXPECT_EQ(log.counters().added, kAdds);
}

}  // namespace
}  // namespace edgesim::core

namespace edgesim::core {
namespace {

// While an invalidation propagates, EffectiveHead answers from a remembered window; the window
// must never outlive the seconds it is right for, whichever way time moves between calls.
TEST(InvalidationLogTest, EffectiveHeadDuringPropagationFollowsTimeBothWays) {
  InvalidationLog log;
  log.Add(P("/a"), kT0 + absl::Seconds(10));
  log.Add(P("/b"), kT0 + absl::Seconds(20));
  log.Add(P("/c"), kT0 + absl::Seconds(30));
  for (int t : {5, 15, 12, 25, 9, 35, 29, 30, 19, 20, 0}) {
    const uint32_t expected = t >= 30 ? 3 : t >= 20 ? 2 : t >= 10 ? 1 : 0;
    EXPECT_EQ(log.EffectiveHead(kT0 + absl::Seconds(t)), expected) << "at +" << t << "s";
  }
}

TEST(InvalidationLogTest, NewestEffectiveTimeIsAfterClampAndRounding) {
  InvalidationLog log;
  EXPECT_EQ(log.NewestEffectiveTime(), absl::UnixEpoch());
  log.Add(P("/a"), kT0 + absl::Milliseconds(9500));
  EXPECT_EQ(log.NewestEffectiveTime(), kT0 + absl::Seconds(10));
  log.Add(P("/b"), kT0 + absl::Seconds(5));  // clamped to the previous one's
  EXPECT_EQ(log.NewestEffectiveTime(), kT0 + absl::Seconds(10));
}

}  // namespace
}  // namespace edgesim::core
