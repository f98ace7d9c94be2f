#include "core/request_collapser.h"

#include <latch>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace edgesim::core {
namespace {

constexpr uint64_t kHash = 0x5eed;

CollapsedResult Shareable(absl::string_view body) {
  return {absl::OkStatus(), MakeStoredResponse({200, {}}, MakeBody(std::string(body)), {}), true};
}

// What each of `n` threads saw after joining `key` at once.
struct FlightOutcome {
  int leaders = 0;
  CollapsedResult leader_result;
  std::vector<CollapsedResult> follower_results;
};

// `n` threads join `key`; the leader waits until all have joined, then completes with `result`.
FlightOutcome RunFlight(RequestCollapser& collapser, int n, const CollapsedResult& result) {
  std::latch joined(n);
  std::mutex mu;
  FlightOutcome outcome;
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&] {
      const RequestCollapser::Ticket ticket = collapser.Join("key", kHash);
      joined.count_down();
      if (ticket.leader()) {
        joined.wait();  // every follower has joined
        EXPECT_EQ(collapser.counters().followers, static_cast<uint64_t>(n - 1));
        collapser.Complete(ticket, result);
        std::lock_guard<std::mutex> lock(mu);
        ++outcome.leaders;
        outcome.leader_result = result;
        return;
      }
      CollapsedResult r = collapser.Wait(ticket);
      std::lock_guard<std::mutex> lock(mu);
      outcome.follower_results.push_back(std::move(r));
    });
  }
  for (std::thread& t : threads) t.join();
  return outcome;
}

constexpr int kThreads = 8;

TEST(RequestCollapserTest, OneLeaderAndEveryFollowerGetsItsResponse) {
  RequestCollapser collapser;
  const FlightOutcome outcome = RunFlight(collapser, kThreads, Shareable("v1"));
  EXPECT_EQ(outcome.leaders, 1);
  ASSERT_EQ(outcome.follower_results.size(), static_cast<size_t>(kThreads - 1));
  for (const CollapsedResult& r : outcome.follower_results) {
    EXPECT_TRUE(r.status.ok()) << r.status;
    EXPECT_TRUE(r.shareable);
    EXPECT_EQ(r.response, outcome.leader_result.response);  // the same object, not a copy
  }
  EXPECT_EQ(collapser.counters(), (CollapserCounters{.leaders = 1,
                                                     .followers = kThreads - 1,
                                                     .served_by_leader = kThreads - 1,
                                                     .released = 0,
                                                     .in_flight = 0}));
}

TEST(RequestCollapserTest, LeadersErrorReachesFollowers) {
  RequestCollapser collapser;
  const FlightOutcome outcome = RunFlight(
      collapser, kThreads, {absl::UnavailableError("connection refused"), nullptr, false});
  ASSERT_EQ(outcome.follower_results.size(), static_cast<size_t>(kThreads - 1));
  for (const CollapsedResult& r : outcome.follower_results) {
    EXPECT_EQ(r.status, absl::UnavailableError("connection refused"));
  }
  // Answered with the error: none of them goes to the origin.
  EXPECT_EQ(collapser.counters().served_by_leader, static_cast<uint64_t>(kThreads - 1));
  EXPECT_EQ(collapser.counters().released, 0u);
}

TEST(RequestCollapserTest, NonShareableResponseReleasesFollowers) {
  RequestCollapser collapser;
  CollapsedResult ttl_zero = Shareable("private");
  ttl_zero.shareable = false;
  const FlightOutcome outcome = RunFlight(collapser, kThreads, ttl_zero);
  ASSERT_EQ(outcome.follower_results.size(), static_cast<size_t>(kThreads - 1));
  for (const CollapsedResult& r : outcome.follower_results) {
    EXPECT_TRUE(r.status.ok());
    EXPECT_FALSE(r.shareable);
  }
  EXPECT_EQ(collapser.counters().released, static_cast<uint64_t>(kThreads - 1));
  EXPECT_EQ(collapser.counters().served_by_leader, 0u);
}

TEST(RequestCollapserTest, DifferentKeysDoNotCollapseEvenWithOneHash) {
  RequestCollapser collapser;
  const RequestCollapser::Ticket a = collapser.Join("a", kHash);
  const RequestCollapser::Ticket b = collapser.Join("b", kHash);
  const RequestCollapser::Ticket c = collapser.Join("c", kHash + 1);
  EXPECT_TRUE(a.leader());
  EXPECT_TRUE(b.leader());
  EXPECT_TRUE(c.leader());
  EXPECT_EQ(collapser.counters().in_flight, 3u);
  for (const auto* t : {&a, &b, &c}) collapser.Complete(*t, Shareable("x"));
  EXPECT_EQ(collapser.counters().in_flight, 0u);
  EXPECT_EQ(collapser.counters().followers, 0u);
}

TEST(RequestCollapserTest, FollowerThatWaitsAfterCompletionGetsTheResult) {
  RequestCollapser collapser;
  const RequestCollapser::Ticket leader = collapser.Join("k", kHash);
  const RequestCollapser::Ticket follower = collapser.Join("k", kHash);
  ASSERT_TRUE(leader.leader());
  ASSERT_FALSE(follower.leader());
  const CollapsedResult result = Shareable("v1");
  collapser.Complete(leader, result);
  EXPECT_EQ(collapser.Wait(follower).response, result.response);
}

TEST(RequestCollapserTest, JoinAfterCompleteStartsANewFlight) {
  RequestCollapser collapser;
  const RequestCollapser::Ticket first = collapser.Join("k", kHash);
  EXPECT_EQ(collapser.counters().in_flight, 1u);
  collapser.Complete(first, Shareable("v1"));
  EXPECT_EQ(collapser.counters().in_flight, 0u);
  const RequestCollapser::Ticket second = collapser.Join("k", kHash);
  EXPECT_TRUE(second.leader());
  const RequestCollapser::Ticket follower = collapser.Join("k", kHash);
  EXPECT_FALSE(follower.leader());
  const CollapsedResult v2 = Shareable("v2");
  collapser.Complete(second, v2);
  EXPECT_EQ(collapser.Wait(follower).response, v2.response);
  EXPECT_EQ(
      collapser.counters(),
      (CollapserCounters{
          .leaders = 2, .followers = 1, .served_by_leader = 1, .released = 0, .in_flight = 0}));
}

}  // namespace
}  // namespace edgesim::core
