// batch_worker.h — a bounded queue that one background thread drains in batches, for work the
// request path hands off and must never wait for (access-log lines, console lines).
//
// `Push` never blocks: when the queue is full or closed the item is dropped and counted, as a busy
// CloudFront delays or drops log delivery rather than slow viewers (SPEC 8). The thread hands the
// consumer everything queued at once, so a burst costs one wake-up. `Close` (or the destructor)
// drains what is queued, then stops the thread.
//
// The consumer runs on the worker's thread and may use its owner's members, so an owner declares
// its BatchWorker last: it is then destroyed (drained and joined) before the members it uses.
//
//   BatchWorker<std::string> lines(4096, [&](std::vector<std::string>& batch) {
//     for (const std::string& line : batch) out << line;
//   });
//   lines.Push("hello\n");  // false (and counted as dropped) when full
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace edgesim::core {

struct BatchWorkerCounters {
  uint64_t done = 0;     // handed to the consumer
  uint64_t dropped = 0;  // refused: the queue was full, or closed
};

// Thread-safe.
template <typename T>
class BatchWorker {
 public:
  using Consumer = std::function<void(std::vector<T>& batch)>;

  BatchWorker(size_t capacity, Consumer consume)
      : capacity_(capacity), consume_(std::move(consume)), thread_([this] { Run(); }) {}
  ~BatchWorker() { Close(); }
  BatchWorker(const BatchWorker&) = delete;
  BatchWorker& operator=(const BatchWorker&) = delete;

  bool Push(T item) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (closing_ || queue_.size() >= capacity_) {
        ++counters_.dropped;
        return false;
      }
      queue_.push_back(std::move(item));
    }
    ready_.notify_one();
    return true;
  }

  // Hands every queued item to the consumer and stops the thread. Idempotent; later items are
  // dropped.
  void Close() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      closing_ = true;
    }
    ready_.notify_one();
    std::lock_guard<std::mutex> join_lock(join_mu_);
    if (thread_.joinable()) thread_.join();
  }

  BatchWorkerCounters counters() const {
    std::lock_guard<std::mutex> lock(mu_);
    return counters_;
  }
  void ResetCounters() {
    std::lock_guard<std::mutex> lock(mu_);
    counters_ = BatchWorkerCounters();
  }

 private:
  void Run() {
    std::vector<T> batch;
    for (;;) {
      bool closing;
      {
        std::unique_lock<std::mutex> lock(mu_);
        ready_.wait(lock, [this] { return closing_ || !queue_.empty(); });
        closing = closing_;
        batch.swap(queue_);
      }
      if (!batch.empty()) consume_(batch);
      {
        std::lock_guard<std::mutex> lock(mu_);
        counters_.done += batch.size();
      }
      batch.clear();
      if (closing) return;
    }
  }

  const size_t capacity_;
  const Consumer consume_;
  mutable std::mutex mu_;
  std::condition_variable ready_;
  std::vector<T> queue_;
  bool closing_ = false;
  BatchWorkerCounters counters_;
  std::mutex join_mu_;  // two concurrent Close() calls join once
  std::thread thread_;  // last: starts after every member it uses
};

}  // namespace edgesim::core
