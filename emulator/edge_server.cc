#include "emulator/edge_server.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "boost/asio.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "emulator/access_log_record.h"
#include "emulator/response_writer.h"
#include "emulator/viewer_exchange.h"
#include "emulator/worker_pool.h"
#include "policy/outcome.h"
#include "policy/response_head.h"
#include "policy/status_macros.h"

namespace edgesim::emulator {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using SteadyTime = std::chrono::steady_clock::time_point;

// How long Shutdown waits for requests in flight (a hanging origin) before it stops anyway.
constexpr absl::Duration kShutdownGrace = absl::Seconds(5);

// ---- The server ---------------------------------------------------------------------------

class Session;

struct alignas(64) LoopCounters {
  std::atomic<uint64_t> connections{0}, requests{0}, unknown_host{0}, too_large{0},
      bad_requests{0}, capacity_exceeded{0}, from_event_loop{0}, to_workers{0};

  // One writer (the loop's thread): a relaxed load and store, no locked instruction.
  static void Bump(std::atomic<uint64_t>& c) {
    c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
};

}  // namespace

struct EdgeServer::Impl {
  // One event loop and its acceptor; everything here is touched by its own thread only, except
  // the counters (read by counters()).
  struct Loop {
    explicit Loop(uint64_t seed)
        : id_base(policy::RequestIdBase(seed, "")), guard(net::make_work_guard(io)) {}

    // X-Amz-Cf-Ids: this loop's own sequence, so no two threads share a counter.
    policy::RequestId NextId() { return policy::MakeRequestId(id_base, next_id++); }

    // The registry as of now; a new snapshot only when the registry changed.
    const std::shared_ptr<const RegistrySnapshot>& Routing(const DistributionRegistry& registry) {
      const uint64_t v = registry.version();
      if (v != version) {
        snapshot = registry.Snapshot();
        version = v;
      }
      return snapshot;
    }

    net::io_context io{1};
    std::optional<tcp::acceptor> acceptor;
    std::vector<std::weak_ptr<Session>> sessions;
    std::shared_ptr<const RegistrySnapshot> snapshot;
    uint64_t version = ~uint64_t{0};
    const uint64_t id_base;
    uint64_t next_id = 0;
    LoopCounters counters;
    net::executor_work_guard<net::io_context::executor_type> guard;
  };

  Impl(DistributionRegistry& registry, EdgeServerOptions options)
      : registry(registry),
        options(std::move(options)),
        pool({.threads = this->options.origin_workers,
              .queue_capacity = this->options.origin_queue}) {}

  absl::Status Listen();
  void Accept(Loop& loop);
  void ScheduleSweep();
  void Shutdown();

  DistributionRegistry& registry;
  const EdgeServerOptions options;
  std::vector<std::unique_ptr<Loop>> loops;
  std::vector<std::thread> threads;
  WorkerPool pool;
  std::optional<net::steady_timer> sweep_timer;
  std::atomic<bool> stopping{false};
  std::atomic<int> live_sessions{0};
  uint16_t port = 0;
  std::mutex shutdown_mu;
  bool shut_down = false;
};

namespace {

using Loop = EdgeServer::Impl::Loop;

// One viewer connection: it moves bytes. It reads a request, hands it to viewer_exchange.h's two
// phases (the second on the origin workers), writes the answer and logs it. Requests are handled
// one at a time, in order: a pipelined request waits in the read buffer until the previous answer
// is written.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(EdgeServer::Impl& server, Loop& loop, tcp::socket socket)
      : server_(server), loop_(loop), socket_(std::move(socket)) {
    server_.live_sessions.fetch_add(1, std::memory_order_relaxed);
    head_.reserve(1024);
  }
  ~Session() { server_.live_sessions.fetch_sub(1, std::memory_order_acq_rel); }

  void Start() {
    beast::error_code ec;
    const tcp::endpoint peer = socket_.remote_endpoint(ec);
    if (!ec) {
      facts_.c_ip = peer.address().to_string();
      facts_.c_port = peer.port();
    }
    socket_.set_option(tcp::no_delay(true), ec);
    DoRead();
  }

  // Shutdown: a connection waiting for its next request is closed; one with a request in flight
  // finishes it first.
  void CloseIfIdle() {
    if (!reading_) return;
    beast::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
  }

 private:
  void DoRead() {
    if (server_.stopping.load(std::memory_order_relaxed)) return Close();
    parser_.emplace();
    parser_->header_limit(kMaxViewerHeaderBytes);
    parser_->body_limit(server_.options.max_request_body_bytes);
    reading_ = true;
    http::async_read(socket_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t bytes) {
                       self->OnRead(ec, bytes);
                     });
  }

  void OnRead(beast::error_code ec, size_t bytes) {
    reading_ = false;
    if (ec == http::error::header_limit || ec == http::error::body_limit) {
      LoopCounters::Bump(loop_.counters.too_large);
      return Refuse(413, "Request header or body too large.");
    }
    if (ec == http::error::end_of_stream || ec == net::error::operation_aborted ||
        ec == net::error::eof || ec == net::error::connection_reset ||
        ec == http::error::partial_message) {
      return Close();
    }
    if (ec) {
      LoopCounters::Bump(loop_.counters.bad_requests);
      return Refuse(400, "Bad request.");
    }
    const auto& req = parser_->get();
    if (req.target().size() > kMaxViewerUrlBytes) {
      LoopCounters::Bump(loop_.counters.too_large);
      return Refuse(413, "Request URL too long.");
    }
    LoopCounters::Bump(loop_.counters.requests);
    start_ = std::chrono::steady_clock::now();
    facts_.cs_bytes = bytes;
    keep_alive_ = req.keep_alive();
    ReadViewerRequest(req, exchange_.request);
    exchange_.id = loop_.NextId();
    if (AnswerFromCache(exchange_, loop_.Routing(server_.registry), server_.options.clock->Now())) {
      if (exchange_.distribution == nullptr) {
        LoopCounters::Bump(loop_.counters.unknown_host);
        return Write(/*log=*/false);  // no distribution owns the request
      }
      LoopCounters::Bump(loop_.counters.from_event_loop);
      return Answer();
    }
    ToWorkers();
  }

  void ToWorkers() {
    LoopCounters::Bump(loop_.counters.to_workers);
    const bool queued = server_.pool.TrySubmit([self = shared_from_this()] {
      AnswerUpstream(self->exchange_, self->server_.options.clock->Now());
      net::post(self->socket_.get_executor(), [self] { self->Answer(); });
    });
    if (queued) return;
    LoopCounters::Bump(loop_.counters.capacity_exceeded);
    exchange_.answer =
        RefusalAnswer(503, policy::CacheOutcome::kCapacityExceeded, policy::ErrorDetail::kNone,
                      "Too many requests are waiting for the origin.", exchange_.id);
    Write(/*log=*/true);
  }

  // A stale-while-revalidate refresh goes to the pool, never refused for a full queue: the core
  // hands out at most one per key and keeps the key claimed until it has run.
  void Answer() {
    if (std::function<void()> refresh = TakeRefreshJob(exchange_, server_.options.clock)) {
      server_.pool.Submit(std::move(refresh));
    }
    Write(/*log=*/true);
  }

  // A request the edge refuses before routing (SPEC 4.3): answered, not logged, and the
  // connection closed.
  void Refuse(int status, absl::string_view message) {
    keep_alive_ = false;
    exchange_.request.method = "GET";
    exchange_.distribution = nullptr;
    exchange_.id = loop_.NextId();
    exchange_.answer = RefusalAnswer(status, policy::CacheOutcome::kError,
                                     policy::ErrorDetail::kInvalidRequest, message, exchange_.id);
    Write(/*log=*/false);
  }

  void Write(bool log) {
    log_ = log && server_.options.access_log != nullptr && exchange_.distribution != nullptr;
    const bool close = !keep_alive_ || server_.stopping.load(std::memory_order_relaxed);
    const core::EdgeResult& a = exchange_.answer;
    facts_.content_length = WriteResponseHead(
        a,
        {.head_request = exchange_.request.method == "HEAD",
         .http10 = exchange_.request.http_minor_version == 0,
         .close = close},
        head_);
    close_after_write_ = close;
    first_byte_ = std::chrono::steady_clock::now();
    const std::array<net::const_buffer, 2> buffers = {
        net::buffer(head_), net::buffer(a.body ? a.body->data() : nullptr, a.body_size)};
    net::async_write(socket_, buffers, [self = shared_from_this()](beast::error_code ec, size_t n) {
      self->OnWrite(ec, n);
    });
  }

  void OnWrite(beast::error_code ec, size_t bytes) {
    if (log_) Log(ec, bytes);
    exchange_.answer = core::EdgeResult();  // lets the body go
    if (ec || close_after_write_) return Close();
    DoRead();
  }

  void Log(beast::error_code ec, size_t bytes) {
    facts_.sc_bytes = bytes;
    facts_.time = server_.options.clock->Now();
    facts_.time_taken = absl::FromChrono(std::chrono::steady_clock::now() - start_);
    facts_.time_to_first_byte = absl::FromChrono(first_byte_ - start_);
    facts_.hung_up = static_cast<bool>(ec);
    server_.options.access_log->Log(exchange_.distribution->id(),
                                    AccessLogRecordFor(exchange_, facts_));
  }

  void Close() {
    beast::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_send, ec);
    socket_.close(ec);
  }

  EdgeServer::Impl& server_;
  Loop& loop_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool reading_ = false;
  bool keep_alive_ = true;

  // The request being answered, and what the connection measures of it.
  ViewerExchange exchange_;
  ConnectionFacts facts_;
  SteadyTime start_, first_byte_;
  std::string head_;
  bool close_after_write_ = false;
  bool log_ = false;
};

}  // namespace

absl::Status EdgeServer::Impl::Listen() {
  beast::error_code ec;
  const net::ip::address address = net::ip::make_address(options.host, ec);
  if (ec) return absl::InvalidArgumentError(absl::StrCat("--listen: bad address \"", options.host, "\""));
  const int n = options.threads > 0 ? options.threads
                                    : std::max(1u, std::thread::hardware_concurrency());
  std::random_device random;
  for (int i = 0; i < n; ++i) {
    auto loop = std::make_unique<Loop>((uint64_t{random()} << 32) ^ random() ^ i);
    tcp::acceptor& acceptor = loop->acceptor.emplace(loop->io);
    const tcp::endpoint endpoint(address, i == 0 ? options.port : port);
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) {
      acceptor.set_option(net::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>(true), ec);
    }
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      return absl::UnavailableError(absl::StrCat("--listen ", options.host, ":", endpoint.port(),
                                                 ": ", ec.message()));
    }
    if (i == 0) port = acceptor.local_endpoint().port();
    loops.push_back(std::move(loop));
  }
  return absl::OkStatus();
}

void EdgeServer::Impl::Accept(Loop& loop) {
  loop.acceptor->async_accept(loop.io, [this, &loop](beast::error_code ec, tcp::socket socket) {
    if (ec || stopping.load()) return;  // closed by Shutdown
    LoopCounters::Bump(loop.counters.connections);
    auto session = std::make_shared<Session>(*this, loop, std::move(socket));
    // Forget closed sessions once the list has doubled since the last pruning.
    if (loop.sessions.size() >= 64 && loop.sessions.size() == loop.sessions.capacity()) {
      std::erase_if(loop.sessions, [](const auto& w) { return w.expired(); });
    }
    loop.sessions.push_back(session);
    session->Start();
    Accept(loop);
  });
}

void EdgeServer::Impl::ScheduleSweep() {
  sweep_timer->expires_after(absl::ToChronoNanoseconds(options.sweep_interval));
  sweep_timer->async_wait([this](beast::error_code ec) {
    if (ec || stopping.load()) return;
    // On the pool: a sweep takes shard locks, which an event loop should not wait for.
    pool.TrySubmit([snapshot = registry.Snapshot(), this] {
      const absl::Time now = options.clock->Now();
      for (const auto& d : snapshot->distributions()) d->Sweep(now, options.sweep_budget);
    });
    ScheduleSweep();
  });
}

void EdgeServer::Impl::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(shutdown_mu);
    if (shut_down) return;
    shut_down = true;
  }
  stopping.store(true);
  for (auto& loop : loops) {
    net::post(loop->io, [l = loop.get(), this] {
      beast::error_code ec;
      l->acceptor->close(ec);
      if (l == loops.front().get()) sweep_timer->cancel();
      for (const auto& weak : l->sessions) {
        if (auto session = weak.lock()) session->CloseIfIdle();
      }
    });
  }
  const absl::Time deadline = absl::Now() + kShutdownGrace;
  while (live_sessions.load(std::memory_order_acquire) > 0 && absl::Now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  pool.Shutdown();
  for (auto& loop : loops) {
    loop->guard.reset();
    loop->io.stop();
  }
  for (std::thread& t : threads) t.join();
}

absl::StatusOr<std::unique_ptr<EdgeServer>> EdgeServer::Start(DistributionRegistry& registry,
                                                              EdgeServerOptions options) {
  EDGESIM_CHECK(options.clock != nullptr);
  auto impl = std::make_unique<Impl>(registry, std::move(options));
  EDGESIM_RETURN_IF_ERROR(impl->Listen());
  for (auto& loop : impl->loops) impl->Accept(*loop);
  impl->sweep_timer.emplace(impl->loops.front()->io);
  impl->ScheduleSweep();
  for (auto& loop : impl->loops) {
    impl->threads.emplace_back([l = loop.get()] {
      // Handlers do not throw (Beast errors arrive as error codes); a stray exception must not
      // kill the loop silently.
      for (;;) {
        try {
          l->io.run();
          return;
        } catch (const std::exception&) {
        }
      }
    });
  }
  return std::unique_ptr<EdgeServer>(new EdgeServer(std::move(impl)));
}

EdgeServer::EdgeServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EdgeServer::~EdgeServer() { Shutdown(); }

uint16_t EdgeServer::port() const { return impl_->port; }
void EdgeServer::Shutdown() { impl_->Shutdown(); }

EdgeServerCounters EdgeServer::counters() const {
  EdgeServerCounters total;
  for (const auto& loop : impl_->loops) {
    const LoopCounters& c = loop->counters;
    total.connections += c.connections.load(std::memory_order_relaxed);
    total.requests += c.requests.load(std::memory_order_relaxed);
    total.unknown_host += c.unknown_host.load(std::memory_order_relaxed);
    total.too_large += c.too_large.load(std::memory_order_relaxed);
    total.bad_requests += c.bad_requests.load(std::memory_order_relaxed);
    total.capacity_exceeded += c.capacity_exceeded.load(std::memory_order_relaxed);
    total.from_event_loop += c.from_event_loop.load(std::memory_order_relaxed);
    total.to_workers += c.to_workers.load(std::memory_order_relaxed);
  }
  return total;
}

}  // namespace edgesim::emulator
