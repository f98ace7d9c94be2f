// worker_pool.h — the threads that may block: the edge server's origin fetches (DESIGN 5).
//
// EdgeCache::Handle blocks while it waits on an origin, so the event loops never call it: they
// hand such requests to this pool and go on serving hits. The queue is bounded; a full queue
// refuses the task, and the edge answers 503 (CloudFront's CapacityExceeded) instead of piling
// up work it cannot finish.
//
//   WorkerPool pool({.threads = 32, .queue_capacity = 4096});
//   if (!pool.TrySubmit([&] { edge.Handle(request, now, origin); })) { /* 503 */ }
//   pool.Shutdown();   // runs what is queued, then joins
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace edgesim::emulator {

struct WorkerPoolOptions {
  int threads = 32;
  size_t queue_capacity = 4096;
};

// Thread-safe.
class WorkerPool {
 public:
  explicit WorkerPool(WorkerPoolOptions options);
  ~WorkerPool();  // Shutdown()
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // False when the queue is full or the pool is shut down; the task is then not run.
  bool TrySubmit(std::function<void()> task);
  // Queues past the capacity, for tasks bounded elsewhere that must not be lost (a
  // stale-while-revalidate refresh: the core hands out at most one per key and waits for it).
  // False only once the pool is shut down.
  bool Submit(std::function<void()> task);
  // Refuses new tasks, runs the queued ones, joins the threads. Idempotent.
  void Shutdown();

  size_t queued() const;
  uint64_t rejected() const;

 private:
  bool Enqueue(std::function<void()> task, bool bounded);
  void Run();

  const WorkerPoolOptions options_;
  mutable std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  uint64_t rejected_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace edgesim::emulator
