#include "emulator/worker_pool.h"

#include <utility>

namespace edgesim::emulator {

WorkerPool::WorkerPool(WorkerPoolOptions options) : options_(options) {
  threads_.reserve(options_.threads);
  for (int i = 0; i < options_.threads; ++i) threads_.emplace_back([this] { Run(); });
}

WorkerPool::~WorkerPool() { Shutdown(); }

bool WorkerPool::TrySubmit(std::function<void()> task) { return Enqueue(std::move(task), true); }

bool WorkerPool::Submit(std::function<void()> task) { return Enqueue(std::move(task), false); }

bool WorkerPool::Enqueue(std::function<void()> task, bool bounded) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || (bounded && queue_.size() >= options_.queue_capacity)) {
      ++rejected_;
      return false;
    }
    queue_.push_back(std::move(task));
  }
  ready_.notify_one();
  return true;
}

void WorkerPool::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
}

size_t WorkerPool::queued() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

uint64_t WorkerPool::rejected() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rejected_;
}

void WorkerPool::Run() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to run
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

}  // namespace edgesim::emulator
