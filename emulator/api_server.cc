#include "emulator/api_server.h"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "emulator/worker_pool.h"

namespace edgesim::emulator {
namespace {

// Every connection of the API port waits in one lane: there is no origin to keep apart.
constexpr absl::string_view kApiLane = "api";

// httplib's TaskQueue over a bounded WorkerPool. A task is a connection to serve and close; it
// is never dropped (its socket would leak): when the queue is full, the accepting thread runs it.
class BoundedApiTaskQueue : public httplib::TaskQueue {
 public:
  explicit BoundedApiTaskQueue(const ApiServerLimits& limits)
      : pool_({.threads = limits.threads,
               .queue_capacity = limits.queue_capacity,
               .lane_concurrency = limits.threads}) {}

  void enqueue(std::function<void()> fn) override {
    if (!pool_.TrySubmit(kApiLane, fn)) fn();
  }
  void shutdown() override { pool_.Shutdown(); }

 private:
  WorkerPool pool_;
};

// httplib's default_socket_options without SO_REUSEPORT: one listener per port.
void ExclusiveSocketOptions(socket_t sock) {
  const int yes = 1;
  setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
}

}  // namespace

void LimitApiServer(httplib::Server& server, const ApiServerLimits& limits) {
  const int64_t usec = absl::ToInt64Microseconds(limits.timeout);
  server.set_read_timeout(usec / 1'000'000, usec % 1'000'000);
  server.set_write_timeout(usec / 1'000'000, usec % 1'000'000);
  server.set_keep_alive_timeout(std::max<int64_t>(1, absl::ToInt64Seconds(limits.timeout)));
  server.set_keep_alive_max_count(limits.keep_alive_max_requests);
  server.new_task_queue = [limits] { return new BoundedApiTaskQueue(limits); };
  server.set_socket_options(ExclusiveSocketOptions);
}

absl::StatusOr<int> BindApiServer(httplib::Server& server, const std::string& host, int port) {
  errno = 0;
  const int bound =
      port == 0 ? server.bind_to_any_port(host) : (server.bind_to_port(host, port) ? port : -1);
  if (bound >= 0) return bound;
  const int error = errno;
  return absl::UnavailableError(absl::StrCat(
      host, ":", port, ": cannot bind", error == 0 ? "" : ": ", error == 0 ? "" : strerror(error),
      error == EADDRINUSE ? " (is another edgesim serve running on it?)" : ""));
}

}  // namespace edgesim::emulator
