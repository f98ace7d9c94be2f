#include "emulator/worker_pool.h"

#include <algorithm>
#include <utility>

namespace edgesim::emulator {

WorkerPool::WorkerPool(WorkerPoolOptions options) : options_(options) {
  threads_.reserve(options_.threads);
  for (int i = 0; i < options_.threads; ++i) threads_.emplace_back([this] { Run(); });
}

WorkerPool::~WorkerPool() { Shutdown(); }

bool WorkerPool::TrySubmit(absl::string_view lane, std::function<void()> task) {
  return Enqueue(lane, std::move(task), true);
}

bool WorkerPool::Submit(absl::string_view lane, std::function<void()> task) {
  return Enqueue(lane, std::move(task), false);
}

bool WorkerPool::Enqueue(absl::string_view name, std::function<void()> task, bool bounded) {
  bool listed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = lanes_.find(std::string(name));
    const size_t waiting = it == lanes_.end() ? 0 : it->second.queue.size();
    if (stopping_ || (bounded && waiting >= options_.queue_capacity)) {
      ++rejected_;
      return false;
    }
    if (it == lanes_.end()) {
      it = lanes_.emplace(std::string(name), Lane{.name = std::string(name)}).first;
    }
    it->second.queue.push_back(std::move(task));
    ++queued_;
    listed = List(it->second);
  }
  if (listed) wake_.notify_one();
  return true;
}

bool WorkerPool::List(Lane& lane) {
  if (lane.listed || lane.queue.empty() || lane.running >= std::max(1, options_.lane_concurrency)) {
    return false;
  }
  lane.listed = true;
  ready_.push_back(&lane);
  return true;
}

void WorkerPool::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
}

size_t WorkerPool::queued() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queued_;
}

uint64_t WorkerPool::rejected() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rejected_;
}

void WorkerPool::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    // A lane at its limit keeps its queue until one of its tasks ends; at shutdown the threads
    // wait for that too, so every queued task runs.
    wake_.wait(lock, [this] { return !ready_.empty() || (stopping_ && queued_ == 0); });
    if (ready_.empty()) return;
    Lane& lane = *ready_.front();
    ready_.pop_front();
    lane.listed = false;
    std::function<void()> task = std::move(lane.queue.front());
    lane.queue.pop_front();
    --queued_;
    ++lane.running;
    if (List(lane)) wake_.notify_one();  // to the back: the lanes take turns
    if (stopping_ && queued_ == 0) wake_.notify_all();
    lock.unlock();
    task();
    task = nullptr;  // what it holds goes outside the lock
    lock.lock();
    if (Ended(lane)) wake_.notify_one();
  }
}

bool WorkerPool::Ended(Lane& lane) {
  --lane.running;
  if (List(lane)) return true;
  if (lane.queue.empty() && lane.running == 0 && !lane.listed) lanes_.erase(std::string(lane.name));
  return false;
}

}  // namespace edgesim::emulator
