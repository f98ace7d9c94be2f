// The console's event ring and subscriptions, in-process: bounds, replay, resuming, dropping a
// slow subscriber, and publishers racing subscribers (built under TSan as well).
#include "emulator/request_event_log.h"

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace edgesim::emulator {
namespace {

RequestEvent EventLogTestEvent(const std::string& path) {
  RequestEvent e;
  e.request.target = path;
  e.x_cache = "Miss from cloudfront";
  return e;
}

std::vector<uint64_t> EventLogTestIds(const RequestEventLog::Batch& batch) {
  std::vector<uint64_t> ids;
  for (const auto& e : batch.events) ids.push_back(e->id);
  return ids;
}

TEST(RequestEventLogTest, KeepsTheLastEventsAndReplaysThemToANewSubscriber) {
  RequestEventLog log({.ring_capacity = 3, .queue_capacity = 10});
  for (int i = 0; i < 5; ++i) log.Publish(EventLogTestEvent(absl::StrCat("/", i)));
  auto s = log.Subscribe(0);
  ASSERT_TRUE(s.ok()) << s.status();
  const RequestEventLog::Batch first = (*s)->Next(absl::ZeroDuration());
  EXPECT_EQ(EventLogTestIds(first), (std::vector<uint64_t>{3, 4, 5}));
  EXPECT_EQ(first.events[0]->request.target, "/2");
  EXPECT_FALSE(first.ended);

  log.Publish(EventLogTestEvent("/5"));
  EXPECT_EQ(EventLogTestIds((*s)->Next(absl::Seconds(10))), (std::vector<uint64_t>{6}));
  EXPECT_TRUE((*s)->Next(absl::ZeroDuration()).events.empty());  // a timeout: nothing new
  ASSERT_NE(log.Find(6), nullptr);
  EXPECT_EQ(log.Find(6)->request.target, "/5");
  ASSERT_NE(log.Find(4), nullptr);
  EXPECT_EQ(log.Find(4)->request.target, "/3");
  EXPECT_EQ(log.Find(3), nullptr);  // gone from the ring
  EXPECT_EQ(log.Find(7), nullptr);
  EXPECT_EQ(log.counters().published, 6u);
}

TEST(RequestEventLogTest, HandsBackTheOldestEventOnceNoOneElseHoldsIt) {
  RequestEventLog log({.ring_capacity = 2, .queue_capacity = 10});
  EXPECT_EQ(log.Publish(std::make_shared<RequestEvent>(EventLogTestEvent("/1"))), nullptr);
  EXPECT_EQ(log.Publish(std::make_shared<RequestEvent>(EventLogTestEvent("/2"))), nullptr);
  // The ring is full: /1 leaves it, and nothing else holds it.
  std::shared_ptr<RequestEvent> spare =
      log.Publish(std::make_shared<RequestEvent>(EventLogTestEvent("/3")));
  ASSERT_NE(spare, nullptr);
  EXPECT_EQ(spare->id, 1u);
  EXPECT_EQ(spare->request.target, "/1");
  // Filled again and published: the kept events are the last two, each as published.
  spare->request.target = "/4";
  EXPECT_NE(log.Publish(std::move(spare)), nullptr);  // /2 comes back
  EXPECT_EQ(log.Find(1), nullptr);
  ASSERT_NE(log.Find(4), nullptr);
  EXPECT_EQ(log.Find(4)->request.target, "/4");
  EXPECT_EQ(log.Find(3)->request.target, "/3");
}

TEST(RequestEventLogTest, NeverHandsBackAnEventSomeoneStillHolds) {
  RequestEventLog log({.ring_capacity = 1, .queue_capacity = 10});
  auto s = log.Subscribe(0);
  ASSERT_TRUE(s.ok());
  log.Publish(EventLogTestEvent("/kept"));
  const RequestEventLog::EventRef held = log.Find(1);  // as the explain route holds one
  // /kept leaves the ring, but the subscriber's queue and `held` still hold it.
  EXPECT_EQ(log.Publish(std::make_shared<RequestEvent>(EventLogTestEvent("/next"))), nullptr);
  const RequestEventLog::Batch batch = (*s)->Next(absl::ZeroDuration());
  ASSERT_EQ(EventLogTestIds(batch), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(batch.events[0]->request.target, "/kept");
  EXPECT_EQ(held->request.target, "/kept");
}

TEST(RequestEventLogTest, ResumesAfterTheLastEventSeen) {
  RequestEventLog log({.ring_capacity = 10});
  for (int i = 0; i < 4; ++i) log.Publish(EventLogTestEvent("/a"));
  auto s = log.Subscribe(2);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(EventLogTestIds((*s)->Next(absl::ZeroDuration())), (std::vector<uint64_t>{3, 4}));
}

TEST(RequestEventLogTest, DropsASubscriberThatFallsBehindWithoutHoldingThePublisher) {
  RequestEventLog log({.ring_capacity = 100, .queue_capacity = 2});
  auto slow = log.Subscribe(0);
  auto fast = log.Subscribe(0);
  ASSERT_TRUE(slow.ok() && fast.ok());
  log.Publish(EventLogTestEvent("/1"));
  log.Publish(EventLogTestEvent("/2"));
  EXPECT_EQ((*fast)->Next(absl::ZeroDuration()).events.size(), 2u);
  log.Publish(EventLogTestEvent("/3"));  // the slow one's queue is full: it is cut off
  const RequestEventLog::Batch cut = (*slow)->Next(absl::ZeroDuration());
  EXPECT_TRUE(cut.ended);
  EXPECT_TRUE(cut.events.empty());
  const RequestEventLog::Batch kept = (*fast)->Next(absl::ZeroDuration());
  EXPECT_FALSE(kept.ended);
  EXPECT_EQ(EventLogTestIds(kept), (std::vector<uint64_t>{3}));
  EXPECT_EQ(log.counters().dropped_subscribers, 1u);
}

TEST(RequestEventLogTest, RefusesSubscribersBeyondTheBoundUntilOneLeaves) {
  RequestEventLog log({.max_subscribers = 2});
  auto a = log.Subscribe(0);
  auto b = log.Subscribe(0);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(absl::IsResourceExhausted(log.Subscribe(0).status()));
  EXPECT_EQ(log.counters().subscribers, 2u);
  EXPECT_EQ(log.counters().refused_subscribers, 1u);
  a->reset();
  EXPECT_TRUE(log.Subscribe(0).ok());
}

TEST(RequestEventLogTest, CloseEndsAWaitingSubscriptionAndRefusesNewOnes) {
  RequestEventLog log;
  auto s = log.Subscribe(0);
  ASSERT_TRUE(s.ok());
  std::thread closer([&log] { log.Close(); });
  // Wakes on Close rather than at the (hang-guarding) timeout.
  EXPECT_TRUE((*s)->Next(absl::Seconds(30)).ended);
  closer.join();
  EXPECT_TRUE(absl::IsUnavailable(log.Subscribe(0).status()));
}

TEST(RequestEventLogTest, PublishersAndSubscribersRaceSafely) {
  RequestEventLog log({.ring_capacity = 50, .queue_capacity = 100, .max_subscribers = 4});
  constexpr int kPublishers = 3;
  constexpr int kPerPublisher = 2000;
  std::atomic<bool> done = false;
  std::vector<std::thread> threads;
  for (int p = 0; p < kPublishers; ++p) {
    threads.emplace_back([&log] {
      for (int i = 0; i < kPerPublisher; ++i) log.Publish(EventLogTestEvent("/race"));
    });
  }
  std::atomic<uint64_t> last_seen = 0;
  for (int c = 0; c < 4; ++c) {
    threads.emplace_back([&] {
      while (!done.load()) {
        auto s = log.Subscribe(0);
        if (!s.ok()) continue;
        for (int n = 0; n < 5; ++n) {
          const RequestEventLog::Batch b = (*s)->Next(absl::Milliseconds(1));
          uint64_t previous = 0;
          for (const auto& e : b.events) {
            EXPECT_GT(e->id, previous);  // in order within a subscription
            previous = e->id;
            last_seen.store(e->id);
          }
          if (b.ended) break;
        }
        log.Find(last_seen.load());
      }
    });
  }
  for (int p = 0; p < kPublishers; ++p) threads[p].join();
  done = true;
  for (size_t t = kPublishers; t < threads.size(); ++t) threads[t].join();
  EXPECT_EQ(log.counters().published, uint64_t{kPublishers * kPerPublisher});
  EXPECT_EQ(log.counters().subscribers, 0u);
  ASSERT_NE(log.Find(kPublishers * kPerPublisher), nullptr);
}

}  // namespace
}  // namespace edgesim::emulator
