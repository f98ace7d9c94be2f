// worker_pool.h — the threads that may block: the edge server's origin fetches (DESIGN 5).
//
// EdgeCache::Handle blocks while it waits on an origin, so the event loops never call it: they
// hand such requests to this pool and go on serving hits. Tasks come in lanes, one per origin:
// at most `lane_concurrency` tasks of a lane run at once, the rest wait in the lane's own FIFO
// queue holding no thread, and free threads take the lanes in turn. So an origin that hangs ties
// up its own share of the threads, never every one: another origin's misses still run. Each
// lane's queue is bounded; a full one refuses the task, and the edge answers 503 (CloudFront's
// CapacityExceeded) instead of piling up work it cannot finish.
//
//   WorkerPool pool({.threads = 32, .queue_capacity = 4096, .lane_concurrency = 16});
//   if (!pool.TrySubmit("origin.example.com:80", [&] { edge.Handle(request, now, origin); })) {
//     /* 503 */
//   }
//   pool.Shutdown();   // runs what is queued, then joins
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "absl/strings/string_view.h"

namespace edgesim::emulator {

struct WorkerPoolOptions {
  int threads = 32;
  // Tasks waiting per lane.
  size_t queue_capacity = 4096;
  // Tasks of one lane running at once (at least 1).
  int lane_concurrency = 16;
};

// Thread-safe.
class WorkerPool {
 public:
  explicit WorkerPool(WorkerPoolOptions options);
  ~WorkerPool();  // Shutdown()
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task` in `lane`. False when the lane's queue is full or the pool is shut down; the
  // task is then not run.
  bool TrySubmit(absl::string_view lane, std::function<void()> task);
  // Queues past the lane's capacity, for tasks bounded elsewhere that must not be lost (a
  // stale-while-revalidate refresh: the core hands out at most one per key and waits for it).
  // False only once the pool is shut down.
  bool Submit(absl::string_view lane, std::function<void()> task);
  // Refuses new tasks, runs the queued ones, joins the threads. Idempotent.
  void Shutdown();

  size_t queued() const;
  uint64_t rejected() const;

 private:
  struct Lane {
    std::string name;
    std::deque<std::function<void()>> queue;
    int running = 0;
    bool listed = false;  // in ready_
  };

  bool Enqueue(absl::string_view lane, std::function<void()> task, bool bounded);
  // Lists `lane` in ready_ when it has a task to run and room to run it; true if it did.
  bool List(Lane& lane);
  // A running task of `lane` ended: true when the lane is listed again (wake a thread).
  bool Ended(Lane& lane);
  void Run();

  const WorkerPoolOptions options_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  // By name; node-based, so a Lane stays put while listed or running.
  std::unordered_map<std::string, Lane> lanes_;
  std::deque<Lane*> ready_;  // taken in turn
  size_t queued_ = 0;
  bool stopping_ = false;
  uint64_t rejected_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace edgesim::emulator
