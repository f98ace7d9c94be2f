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

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "boost/asio.hpp"
#include "boost/asio/ssl.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "emulator/access_log_record.h"
#include "emulator/origin_router.h"
#include "emulator/request_event.h"
#include "emulator/response_writer.h"
#include "emulator/viewer_exchange.h"
#include "emulator/worker_pool.h"
#include "policy/outcome.h"
#include "policy/request_target.h"
#include "policy/response_head.h"
#include "policy/status_macros.h"
#include "policy/viewer_protocol.h"

namespace edgesim::emulator {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using SteadyTime = std::chrono::steady_clock::time_point;

// How long Shutdown waits for requests in flight (a hanging origin) before it abandons their
// origin fetches; then how long the abandoned ones get to write their 502 and be logged.
constexpr absl::Duration kShutdownGrace = absl::Seconds(5);
// After a failed accept (EMFILE, ENFILE, ENOBUFS, ENOMEM: the connection stays in the backlog),
// the pause before the next try, doubled on each failure in a row.
constexpr std::chrono::milliseconds kFirstAcceptPause{50};
constexpr std::chrono::milliseconds kLongestAcceptPause{1000};
constexpr absl::Duration kAbandonedWriteGrace = absl::Seconds(1);
// The origin workers' lane of the cache sweeps: apart from every origin's.
constexpr absl::string_view kSweepLane = "sweep";

// ---- The server ---------------------------------------------------------------------------

class Session;

// Where a viewer connection is, for its deadlines (SPEC B17): waiting for a request's first
// byte (idle_timeout), reading the rest of it (read_timeout), waiting for the answer (no
// deadline here: the origin has its own), writing it (write_timeout).
enum class Phase : uint8_t { kWaiting, kReading, kAnswering, kWriting };
constexpr size_t kPhases = 4;

struct alignas(64) LoopCounters {
  std::atomic<uint64_t> connections{0}, requests{0}, unknown_host{0}, too_large{0}, bad_requests{0},
      capacity_exceeded{0}, from_event_loop{0}, to_workers{0}, accept_errors{0},
      refused_connections{0}, timed_out{0}, tls_handshake_failures{0}, fetched_on_loop{0};

  // One writer (the loop's thread): a relaxed load and store, no locked instruction.
  static void Bump(std::atomic<uint64_t>& c) {
    c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
};

}  // namespace

struct EdgeServer::Impl {
  // One event loop; everything here is touched by its own thread only, except the counters (read
  // by counters()).
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
    std::vector<std::weak_ptr<Session>> sessions;
    // Counts the deadline timer's ticks; a connection notes the tick its phase began.
    net::steady_timer deadline_timer{io};
    uint64_t tick = 0;
    std::shared_ptr<const RegistrySnapshot> snapshot;
    uint64_t version = ~uint64_t{0};
    const uint64_t id_base;
    uint64_t next_id = 0;
    // The next console event to fill: one the event log handed back, so publishing reuses its
    // storage (request_event_log.h).
    std::shared_ptr<RequestEvent> spare_event;
    LoopCounters counters;
    // Origin fetches in flight on this loop, by origin lane (EdgeServerOptions::origin_loop_fetches);
    // a lane leaves when its last fetch ends, so the map holds only origins being fetched.
    absl::flat_hash_map<std::string, int> fetching;
    net::executor_work_guard<net::io_context::executor_type> guard;

    bool TakeFetchSlot(const std::string& lane, int limit) {
      if (limit <= 0) return false;
      int& n = fetching[lane];
      if (n >= limit) return false;
      ++n;
      return true;
    }
    void GiveFetchSlot(const std::string& lane) {
      auto it = fetching.find(lane);
      if (--it->second == 0) fetching.erase(it);
    }
  };

  Impl(DistributionRegistry& registry, EdgeServerOptions options)
      : registry(registry),
        options(std::move(options)),
        pool({.threads = this->options.origin_workers,
              .queue_capacity = this->options.origin_queue,
              .lane_concurrency = this->options.origin_concurrency}) {}

  // A listening socket, plain or TLS, and its accept retry timer (on the first loop).
  struct Listener {
    // Spelt out: clang cannot default-construct a nested class with member initializers while
    // the enclosing class holds an optional of it.
    Listener() {}

    std::optional<tcp::acceptor> acceptor;
    std::optional<net::steady_timer> retry_timer;
    std::chrono::milliseconds pause = kFirstAcceptPause;
    ssl::context* tls = nullptr;  // null: plain HTTP
    uint16_t port = 0;
  };

  absl::Status Listen();
  absl::Status Bind(absl::string_view flag, const std::string& host, uint16_t port,
                    Listener& listener);
  absl::Status MakeTlsContext(const EdgeServerOptions::Tls& tls);
  void Accept(Listener& listener);
  void RetryAccept(Listener& listener);
  void StartSession(Loop& loop, tcp::socket socket, ssl::context* tls);
  void ConfigureDeadlines();
  void ScheduleDeadlines(Loop& loop);
  void ScheduleSweep();
  void Shutdown();
  // Waits up to `grace` for every session to end.
  void AwaitSessions(absl::Duration grace) const;

  DistributionRegistry& registry;
  const EdgeServerOptions options;
  std::vector<std::unique_ptr<Loop>> loops;
  std::vector<std::thread> threads;
  WorkerPool pool;
  // On the first loop: the listening sockets (plain, then TLS when configured), and the next loop
  // to get a connection.
  Listener plain;
  std::optional<Listener> tls_listener;
  std::optional<ssl::context> tls_context;
  size_t next_loop = 0;
  // How often the deadline timers tick, and each phase's deadline in ticks (0: none).
  std::chrono::nanoseconds tick_period{0};
  std::array<uint64_t, kPhases> deadline_ticks{};
  std::optional<net::steady_timer> sweep_timer;
  std::atomic<bool> stopping{false};
  std::atomic<int> live_sessions{0};
  std::mutex shutdown_mu;
  EdgeServerCounters TotalCounters() const;
  // What ResetCounters saw: counters() answers the counts since.
  std::mutex counters_mu;
  EdgeServerCounters counters_baseline;
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
  Session(EdgeServer::Impl& server, Loop& loop, tcp::socket socket, ssl::context* tls)
      : server_(server), loop_(loop), socket_(std::move(socket)) {
    if (tls != nullptr) tls_.emplace(socket_, *tls);
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
    if (tls_) return Handshake();
    DoRead();
  }

  // Shutdown: a connection waiting for its next request is closed; one with a request in flight
  // finishes it first.
  void CloseIfIdle() {
    if (phase_ == Phase::kWaiting || phase_ == Phase::kReading) Abort();
  }

  // The deadline timer's tick: true when the connection has been in its phase too long and is
  // closed (SPEC B17). A request's first byte is noticed here, within a tick of its arrival.
  bool CloseIfLate(uint64_t tick) {
    if (phase_ == Phase::kWaiting && (buffer_.size() > 0 || parser_->got_some())) {
      Enter(Phase::kReading);
    }
    const uint64_t limit = server_.deadline_ticks[static_cast<size_t>(phase_)];
    if (limit == 0 || tick - phase_tick_ <= limit) return false;
    LoopCounters::Bump(loop_.counters.timed_out);
    Abort();
    return true;
  }

 private:
  void Enter(Phase phase) {
    phase_ = phase;
    phase_tick_ = loop_.tick;
  }

  // Plain HTTP or TLS, for the operations both speak.
  template <typename Operation>
  void WithStream(Operation&& operation) {
    if (tls_) return operation(*tls_);
    operation(socket_);
  }

  // The handshake is part of reading the first request: bounded by read_timeout, and a viewer
  // that sends anything but a ClientHello is closed.
  void Handshake() {
    Enter(Phase::kReading);
    tls_->async_handshake(ssl::stream_base::server,
                          [self = shared_from_this()](beast::error_code ec) {
                            self->OnHandshake(ec);
                          });
  }

  void OnHandshake(beast::error_code ec) {
    if (ec) {
      LoopCounters::Bump(loop_.counters.tls_handshake_failures);
      return Close();
    }
    // SPEC 8.2: the log's ssl-protocol and ssl-cipher, in OpenSSL's names as CloudFront's.
    SSL* native = tls_->native_handle();
    facts_.ssl_protocol = SSL_get_version(native);
    facts_.ssl_cipher = SSL_get_cipher_name(native);
    DoRead();
  }

  // Closes the socket under the operation in progress, which then ends with an error.
  void Abort() {
    beast::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
  }

  void DoRead() {
    if (server_.stopping.load(std::memory_order_relaxed)) return Close();
    parser_.emplace();
    parser_->header_limit(kMaxViewerHeaderBytes);
    parser_->body_limit(server_.options.max_request_body_bytes);
    Enter(buffer_.size() > 0 ? Phase::kReading : Phase::kWaiting);
    WithStream([this](auto& stream) {
      http::async_read(stream, buffer_, *parser_,
                       [self = shared_from_this()](beast::error_code ec, size_t bytes) {
                         self->OnRead(ec, bytes);
                       });
    });
  }

  void OnRead(beast::error_code ec, size_t bytes) {
    Enter(Phase::kAnswering);
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
    ReadViewerRequest(parser_->get(), exchange_.request);
    exchange_.request.viewer_address = facts_.c_ip;
    exchange_.request.viewer_port = facts_.c_port;
    exchange_.request.https = tls_.has_value();
    if (absl::Status s = policy::ToOriginForm(exchange_.request); !s.ok()) {
      LoopCounters::Bump(loop_.counters.bad_requests);
      return Refuse(400, s.message());
    }
    exchange_.id = loop_.NextId();
    upstream_time_.reset();
    if (AnswerFromCache(exchange_, loop_.Routing(server_.registry), server_.options.clock->Now())) {
      if (exchange_.distribution == nullptr) {
        LoopCounters::Bump(loop_.counters.unknown_host);
        if (server_.options.console != nullptr) {
          server_.options.console->UnknownHost(exchange_.request.headers.Get("Host").value_or(""),
                                               *exchange_.snapshot);
        }
        return Write(/*log=*/false);  // no distribution owns the request
      }
      if (exchange_.pop < 0) {
        LoopCounters::Bump(loop_.counters.bad_requests);
        return Write(/*log=*/false);  // no POP of this edge: no cache saw it
      }
      LoopCounters::Bump(loop_.counters.from_event_loop);
      return Answer();
    }
    Upstream();
  }

  // Phase two: answered at once (an object another request stored since the lookup), fetched on
  // this loop when the origin speaks plain HTTP and the loop has room for it (--origin-loop-fetches),
  // as nginx fetches on its event loop; otherwise on the origin workers.
  void Upstream() {
    const std::string lane = OriginLane(exchange_, exchange_.pending.fetch.behavior_index);
    if (StartUpstream(exchange_, server_.options.clock->Now())) {
      LoopCounters::Bump(loop_.counters.from_event_loop);
      return Answer();
    }
    if (!exchange_.flight || !FetchOnLoop(lane)) ToWorkers(lane);
  }

  bool FetchOnLoop(const std::string& lane) {
    auto* router = dynamic_cast<OriginRouter*>(&exchange_.distribution->origin());
    if (router == nullptr || !loop_.TakeFetchSlot(lane, server_.options.origin_loop_fetches)) {
      return false;
    }
    const SteadyTime start = std::chrono::steady_clock::now();
    auto fetched = [self = shared_from_this(), lane,
                    start](absl::StatusOr<core::OriginResponse> response) {
      self->loop_.GiveFetchSlot(lane);
      self->upstream_time_ = absl::FromChrono(std::chrono::steady_clock::now() - start);
      FinishUpstream(self->exchange_, std::move(response), self->server_.options.clock->Now());
      self->Answer();
    };
    if (!router->AsyncFetch(loop_.io, exchange_.flight.request(), std::move(fetched))) {
      loop_.GiveFetchSlot(lane);
      return false;
    }
    LoopCounters::Bump(loop_.counters.fetched_on_loop);
    return true;
  }

  void ToWorkers(const std::string& lane) {
    LoopCounters::Bump(loop_.counters.to_workers);
    const bool queued = server_.pool.TrySubmit(lane, [self = shared_from_this()] {
      const SteadyTime start = std::chrono::steady_clock::now();
      AnswerUpstream(self->exchange_, self->server_.options.clock->Now());
      // Read on the loop after the post below, which orders it.
      self->upstream_time_ = absl::FromChrono(std::chrono::steady_clock::now() - start);
      net::post(self->socket_.get_executor(), [self] { self->Answer(); });
    });
    if (queued) return;
    exchange_.flight = core::OriginFlight();  // the requests collapsed on it get the error too
    LoopCounters::Bump(loop_.counters.capacity_exceeded);
    exchange_.answer =
        RefusalAnswer(503, policy::CacheOutcome::kCapacityExceeded, policy::ErrorDetail::kNone,
                      "Too many requests are waiting for the origin.", exchange_.id);
    Write(/*log=*/true);
  }

  // A stale-while-revalidate refresh goes to the pool, never refused for a full queue: the core
  // hands out at most one per key and keeps the key claimed until it has run.
  void Answer() {
    PointRedirectAtTlsListener();
    if (std::function<void()> refresh = TakeRefreshJob(exchange_, server_.options.clock)) {
      server_.pool.Submit(OriginLane(exchange_, exchange_.answer.behavior_index),
                          std::move(refresh));
    }
    Write(/*log=*/true);
  }

  // SPEC 4.7's Location is https:// and the Host the viewer sent; this edge's HTTPS is the TLS
  // listener, whose port replaces the Host's unless it is 443. Without a TLS listener, or a Host,
  // the Location stays as the pipeline made it.
  void PointRedirectAtTlsListener() {
    core::EdgeResult& a = exchange_.answer;
    if (a.outcome != policy::CacheOutcome::kRedirect || !server_.tls_listener) return;
    const absl::optional<absl::string_view> host = exchange_.request.headers.Get("Host");
    if (!host) return;
    a.viewer.headers.Set("Location", policy::HttpsLocation(*host, exchange_.request.target,
                                                           server_.tls_listener->port));
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
    const ConsoleLog* console = server_.options.console;
    log_ = log && exchange_.distribution != nullptr &&
           (server_.options.access_log != nullptr || server_.options.events != nullptr ||
            (console != nullptr && console->logs_requests()));
    const core::EdgeResult& a = exchange_.answer;
    // A truncated answer ends with the connection: the viewer sees the cut (SPEC 4.3).
    const bool close =
        !keep_alive_ || a.truncated || server_.stopping.load(std::memory_order_relaxed);
    facts_.content_length = WriteResponseHead(
        a,
        {.head_request = exchange_.request.method == "HEAD",
         .http10 = exchange_.request.http_minor_version == 0,
         .close = close,
         .detailed_result_type = server_.options.debug_headers && exchange_.distribution != nullptr
                                     ? DetailedResultTypeOf(a, /*hung_up=*/false)
                                     : absl::string_view()},
        head_);
    close_after_write_ = close;
    Enter(Phase::kWriting);
    first_byte_ = std::chrono::steady_clock::now();
    const std::array<net::const_buffer, 2> buffers = {
        net::buffer(head_), net::buffer(a.body ? a.body->data() : nullptr, a.body_size)};
    WithStream([this, &buffers](auto& stream) {
      net::async_write(stream, buffers,
                       [self = shared_from_this()](beast::error_code ec, size_t n) {
                         self->OnWrite(ec, n);
                       });
    });
  }

  void OnWrite(beast::error_code ec, size_t bytes) {
    if (log_) Log(ec, bytes);
    exchange_.answer = core::EdgeResult();  // lets the body go
    if (ec || close_after_write_) return Close();
    DoRead();
  }

  // The access log record is built only for a reader of it (the access log, or the console's
  // request lines with --verbose); the console's event stream takes its own event.
  void Log(beast::error_code ec, size_t bytes) {
    facts_.sc_bytes = bytes;
    facts_.time = server_.options.clock->Now();
    facts_.time_taken = absl::FromChrono(std::chrono::steady_clock::now() - start_);
    facts_.time_to_first_byte = absl::FromChrono(first_byte_ - start_);
    facts_.hung_up = static_cast<bool>(ec);
    if (RequestEventLog* events = server_.options.events; events != nullptr) {
      std::shared_ptr<RequestEvent>& event = loop_.spare_event;
      if (event == nullptr) event = std::make_shared<RequestEvent>();
      FillRequestEvent(exchange_, facts_, *event);
      event = events->Publish(std::move(event));
    }
    ConsoleLog* console = server_.options.console;
    const bool console_lines = console != nullptr && console->logs_requests();
    if (!console_lines && server_.options.access_log == nullptr) return;
    policy::AccessLogRecord record = AccessLogRecordFor(exchange_, facts_);
    if (console_lines) {
      console->Request(record, policy::XCacheValue(exchange_.answer.outcome),
                       exchange_.answer.contacted_origin ? upstream_time_ : absl::nullopt);
    }
    if (server_.options.access_log != nullptr) {
      server_.options.access_log->Log(exchange_.distribution->id(), std::move(record));
    }
  }

  void Close() {
    beast::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_send, ec);
    socket_.close(ec);
  }

  EdgeServer::Impl& server_;
  Loop& loop_;
  tcp::socket socket_;
  std::optional<ssl::stream<tcp::socket&>> tls_;  // over socket_, on the TLS listener
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Phase phase_ = Phase::kWaiting;
  uint64_t phase_tick_ = 0;
  bool keep_alive_ = true;

  // The request being answered, and what the connection measures of it.
  ViewerExchange exchange_;
  ConnectionFacts facts_;
  SteadyTime start_, first_byte_;
  // How long phase two (tiers and origin) took; none for answers from phase one.
  absl::optional<absl::Duration> upstream_time_;
  std::string head_;
  bool close_after_write_ = false;
  bool log_ = false;
};

}  // namespace

absl::Status EdgeServer::Impl::Listen() {
  const int n = options.threads > 0 ? options.threads
                                    : std::max(1u, std::thread::hardware_concurrency());
  std::random_device random;
  for (int i = 0; i < n; ++i) {
    loops.push_back(std::make_unique<Loop>((uint64_t{random()} << 32) ^ random() ^ i));
  }
  EDGESIM_RETURN_IF_ERROR(Bind("--listen", options.host, options.port, plain));
  if (!options.tls) return absl::OkStatus();
  EDGESIM_RETURN_IF_ERROR(MakeTlsContext(*options.tls));
  tls_listener.emplace();
  tls_listener->tls = &*tls_context;
  return Bind("--listen-tls", options.tls->host, options.tls->port, *tls_listener);
}

absl::Status EdgeServer::Impl::Bind(absl::string_view flag, const std::string& host,
                                    uint16_t port, Listener& listener) {
  beast::error_code ec;
  const net::ip::address address = net::ip::make_address(host, ec);
  if (ec) return absl::InvalidArgumentError(absl::StrCat(flag, ": bad address \"", host, "\""));
  // SO_REUSEADDR only (a port left in TIME_WAIT is fine); without SO_REUSEPORT, a port another
  // process listens on fails here.
  const tcp::endpoint endpoint(address, port);
  tcp::acceptor& acceptor = listener.acceptor.emplace(loops.front()->io);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat(flag, " ", host, ":", port, ": ", ec.message()));
  }
  listener.port = acceptor.local_endpoint().port();
  listener.retry_timer.emplace(loops.front()->io);
  return absl::OkStatus();
}

// TLS 1.2 and 1.3 only, as CloudFront's default security policy for viewers.
absl::Status EdgeServer::Impl::MakeTlsContext(const EdgeServerOptions::Tls& tls) {
  ssl::context& context = tls_context.emplace(ssl::context::tls_server);
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                      ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  beast::error_code ec;
  context.use_certificate_chain(net::buffer(tls.certificate_pem), ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("--tls-cert: not a PEM certificate chain (", ec.message(), ")"));
  }
  context.use_private_key(net::buffer(tls.private_key_pem), ssl::context::pem, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("--tls-key: not a PEM private key of --tls-cert's certificate (",
                     ec.message(), ")"));
  }
  if (SSL_CTX_check_private_key(context.native_handle()) != 1) {
    return absl::InvalidArgumentError("--tls-key: not the key of --tls-cert's certificate");
  }
  return absl::OkStatus();
}

// The loops take the connections in turn, as SO_REUSEPORT's hashing would spread them; both
// listeners count against one max_connections.
void EdgeServer::Impl::Accept(Listener& listener) {
  Loop& loop = *loops[next_loop++ % loops.size()];
  listener.acceptor->async_accept(
      loop.io, [this, &loop, &listener](beast::error_code ec, tcp::socket socket) {
        if (stopping.load()) return;  // closed by Shutdown
        if (ec) return RetryAccept(listener);
        listener.pause = kFirstAcceptPause;
        if (live_sessions.load(std::memory_order_relaxed) >= options.max_connections) {
          LoopCounters::Bump(loops.front()->counters.refused_connections);
          socket.close(ec);
        } else {
          net::post(loop.io,
                    [this, &loop, tls = listener.tls, socket = std::move(socket)]() mutable {
                      StartSession(loop, std::move(socket), tls);
                    });
        }
        Accept(listener);
      });
}

// Out of descriptors, accept() fails until some close; the listening socket stays readable, so
// retrying at once would spin. The backlog keeps the connections meanwhile.
void EdgeServer::Impl::RetryAccept(Listener& listener) {
  LoopCounters::Bump(loops.front()->counters.accept_errors);
  listener.retry_timer->expires_after(listener.pause);
  listener.pause = std::min(listener.pause * 2, kLongestAcceptPause);
  listener.retry_timer->async_wait([this, &listener](beast::error_code ec) {
    if (!ec && !stopping.load()) Accept(listener);
  });
}

void EdgeServer::Impl::StartSession(Loop& loop, tcp::socket socket, ssl::context* tls) {
  if (stopping.load()) return;
  LoopCounters::Bump(loop.counters.connections);
  auto session = std::make_shared<Session>(*this, loop, std::move(socket), tls);
  loop.sessions.push_back(session);  // the deadline timer forgets it once closed
  session->Start();
}

// A tick of a quarter of the shortest timeout (10 ms to 1 s): a connection is closed between its
// timeout and its timeout plus a tick.
void EdgeServer::Impl::ConfigureDeadlines() {
  absl::Duration shortest = absl::Seconds(4);
  for (const absl::Duration d : {options.idle_timeout, options.read_timeout, options.write_timeout}) {
    shortest = std::min(shortest, d);
  }
  const absl::Duration tick = std::clamp(shortest / 4, absl::Milliseconds(10), absl::Seconds(1));
  tick_period = absl::ToChronoNanoseconds(tick);
  const auto ticks = [tick](absl::Duration d) {
    if (d <= absl::ZeroDuration() || d == absl::InfiniteDuration()) return uint64_t{0};
    return static_cast<uint64_t>(absl::Ceil(d, tick) / tick);
  };
  deadline_ticks[static_cast<size_t>(Phase::kWaiting)] = ticks(options.idle_timeout);
  deadline_ticks[static_cast<size_t>(Phase::kReading)] = ticks(options.read_timeout);
  deadline_ticks[static_cast<size_t>(Phase::kWriting)] = ticks(options.write_timeout);
}

void EdgeServer::Impl::ScheduleDeadlines(Loop& loop) {
  loop.deadline_timer.expires_after(tick_period);
  loop.deadline_timer.async_wait([this, &loop](beast::error_code ec) {
    if (ec || stopping.load()) return;
    ++loop.tick;
    std::erase_if(loop.sessions, [&loop](const std::weak_ptr<Session>& weak) {
      const std::shared_ptr<Session> session = weak.lock();
      return session == nullptr || session->CloseIfLate(loop.tick);
    });
    ScheduleDeadlines(loop);
  });
}

void EdgeServer::Impl::ScheduleSweep() {
  sweep_timer->expires_after(absl::ToChronoNanoseconds(options.sweep_interval));
  sweep_timer->async_wait([this](beast::error_code ec) {
    if (ec || stopping.load()) return;
    // On the pool: a sweep takes shard locks, which an event loop should not wait for.
    pool.TrySubmit(kSweepLane, [snapshot = registry.Snapshot(), this] {
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
      l->deadline_timer.cancel();
      if (l == loops.front().get()) {
        for (Listener* listener : {&plain, tls_listener ? &*tls_listener : nullptr}) {
          if (listener == nullptr) continue;
          listener->acceptor->close(ec);
          listener->retry_timer->cancel();
        }
        sweep_timer->cancel();
      }
      for (const auto& weak : l->sessions) {
        if (auto session = weak.lock()) session->CloseIfIdle();
      }
    });
  }
  AwaitSessions(kShutdownGrace);
  // Fetches still blocked on an origin end now (their viewers get a 502), so joining the workers
  // cannot wait out OriginReadTimeout x ConnectionAttempts.
  if (options.origin_client != nullptr) options.origin_client->Abandon();
  pool.Shutdown();
  AwaitSessions(kAbandonedWriteGrace);
  for (auto& loop : loops) {
    loop->guard.reset();
    loop->io.stop();
  }
  for (std::thread& t : threads) t.join();
  // The loops' pooled origin connections go while their io_contexts are still there.
  const std::shared_ptr<const RegistrySnapshot> routing = registry.Snapshot();
  for (auto& loop : loops) {
    if (options.origin_client != nullptr) options.origin_client->Release(loop->io);
    for (const std::shared_ptr<LiveDistribution>& d : routing->distributions()) {
      if (auto* router = dynamic_cast<OriginRouter*>(&d->origin())) router->Release(loop->io);
    }
  }
}

void EdgeServer::Impl::AwaitSessions(absl::Duration grace) const {
  const absl::Time deadline = absl::Now() + grace;
  while (live_sessions.load(std::memory_order_acquire) > 0 && absl::Now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

absl::StatusOr<std::unique_ptr<EdgeServer>> EdgeServer::Start(DistributionRegistry& registry,
                                                              EdgeServerOptions options) {
  EDGESIM_CHECK(options.clock != nullptr);
  auto impl = std::make_unique<Impl>(registry, std::move(options));
  EDGESIM_RETURN_IF_ERROR(impl->Listen());
  impl->ConfigureDeadlines();
  impl->Accept(impl->plain);
  if (impl->tls_listener) impl->Accept(*impl->tls_listener);
  for (auto& loop : impl->loops) impl->ScheduleDeadlines(*loop);
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

uint16_t EdgeServer::port() const { return impl_->plain.port; }
uint16_t EdgeServer::tls_port() const {
  return impl_->tls_listener ? impl_->tls_listener->port : 0;
}
void EdgeServer::Shutdown() { impl_->Shutdown(); }

namespace {

// Each edge counter: a loop's count, the total's field.
constexpr std::pair<std::atomic<uint64_t> LoopCounters::*, uint64_t EdgeServerCounters::*>
    kEdgeCounterFields[] = {
        {&LoopCounters::connections, &EdgeServerCounters::connections},
        {&LoopCounters::requests, &EdgeServerCounters::requests},
        {&LoopCounters::unknown_host, &EdgeServerCounters::unknown_host},
        {&LoopCounters::too_large, &EdgeServerCounters::too_large},
        {&LoopCounters::bad_requests, &EdgeServerCounters::bad_requests},
        {&LoopCounters::capacity_exceeded, &EdgeServerCounters::capacity_exceeded},
        {&LoopCounters::from_event_loop, &EdgeServerCounters::from_event_loop},
        {&LoopCounters::to_workers, &EdgeServerCounters::to_workers},
        {&LoopCounters::accept_errors, &EdgeServerCounters::accept_errors},
        {&LoopCounters::refused_connections, &EdgeServerCounters::refused_connections},
        {&LoopCounters::timed_out, &EdgeServerCounters::timed_out},
        {&LoopCounters::tls_handshake_failures, &EdgeServerCounters::tls_handshake_failures},
        {&LoopCounters::fetched_on_loop, &EdgeServerCounters::fetched_on_loop}};

}  // namespace

// Since the start: each loop's counters have one writer, its thread, so a reset cannot zero
// them; it moves the baseline counters() subtracts instead.
EdgeServerCounters EdgeServer::Impl::TotalCounters() const {
  EdgeServerCounters total;
  for (const auto& loop : loops) {
    for (const auto& [count, field] : kEdgeCounterFields) {
      total.*field += (loop->counters.*count).load(std::memory_order_relaxed);
    }
  }
  return total;
}

EdgeServerCounters EdgeServer::counters() const {
  EdgeServerCounters total = impl_->TotalCounters();
  std::lock_guard<std::mutex> lock(impl_->counters_mu);
  for (const auto& fields : kEdgeCounterFields) {
    uint64_t EdgeServerCounters::*field = fields.second;
    total.*field -= std::min(total.*field, impl_->counters_baseline.*field);
  }
  return total;
}

void EdgeServer::ResetCounters() {
  const EdgeServerCounters now = impl_->TotalCounters();
  std::lock_guard<std::mutex> lock(impl_->counters_mu);
  impl_->counters_baseline = now;
}

}  // namespace edgesim::emulator
