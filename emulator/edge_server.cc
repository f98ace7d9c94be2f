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

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "boost/asio.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "core/error_page.h"
#include "emulator/worker_pool.h"
#include "policy/ascii_case.h"
#include "policy/outcome.h"
#include "policy/status_macros.h"

namespace edgesim::emulator {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using SteadyTime = std::chrono::steady_clock::time_point;

// SPEC 4.3: CloudFront's request limits.
constexpr size_t kMaxHeaderBytes = 20480;
constexpr size_t kMaxUrlBytes = 8192;
// X-Amz-Cf-Id: 40 bytes in base64url (54 characters) padded with "==".
constexpr size_t kRequestIdLength = 56;
// How long Shutdown waits for requests in flight (a hanging origin) before it stops anyway.
constexpr absl::Duration kShutdownGrace = absl::Seconds(5);

absl::string_view View(beast::string_view s) { return absl::string_view(s.data(), s.size()); }

uint64_t Mix(uint64_t x) {  // splitmix64's finalizer
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Unique X-Amz-Cf-Ids for one event loop, written into a caller's buffer (no allocation).
class RequestIds {
 public:
  explicit RequestIds(uint64_t seed) : base_(Mix(seed)) {}

  void Next(char* out) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    uint8_t bytes[42] = {};  // 40 used; two zero bytes pad the last group
    uint64_t word = Mix(base_ + next_++);
    for (int i = 0; i < 5; ++i) {
      for (int b = 0; b < 8; ++b) bytes[i * 8 + b] = static_cast<uint8_t>(word >> (8 * b));
      word = Mix(word);
    }
    for (int g = 0; g < 14; ++g) {
      const uint32_t v = (bytes[3 * g] << 16) | (bytes[3 * g + 1] << 8) | bytes[3 * g + 2];
      for (int k = 0; k < 4; ++k) out[4 * g + k] = kAlphabet[(v >> (18 - 6 * k)) & 63];
    }
    out[54] = out[55] = '=';
  }

 private:
  const uint64_t base_;
  uint64_t next_ = 0;
};

// SPEC 5: "1.1 <32 hex>.cloudfront.net (CloudFront)", stable per POP.
void AppendVia(std::string& out, absl::string_view pop) {
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t h = std::hash<std::string_view>{}(std::string_view(pop.data(), pop.size()));
  char hex[32];
  for (int w = 0; w < 2; ++w) {
    h = Mix(h);
    for (int i = 0; i < 16; ++i) hex[w * 16 + i] = kHex[(h >> (60 - 4 * i)) & 15];
  }
  out.append("1.1 ").append(hex, sizeof(hex)).append(".cloudfront.net (CloudFront)");
}

// Headers the edge writes itself, or that describe one hop only.
bool IsFramingHeader(absl::string_view name) {
  switch (name.size()) {
    case 2:
      return policy::AsciiEqualsIgnoreCase(name, "te");
    case 7:
      return policy::AsciiEqualsIgnoreCase(name, "trailer") ||
             policy::AsciiEqualsIgnoreCase(name, "upgrade");
    case 10:
      return policy::AsciiEqualsIgnoreCase(name, "connection") ||
             policy::AsciiEqualsIgnoreCase(name, "keep-alive");
    case 14:
      return policy::AsciiEqualsIgnoreCase(name, "content-length");
    case 16:
      return policy::AsciiEqualsIgnoreCase(name, "proxy-connection");
    case 17:
      return policy::AsciiEqualsIgnoreCase(name, "transfer-encoding");
    default:
      return false;
  }
}

const std::string& XCache(policy::CacheOutcome outcome) {
  static const auto* const kValues = [] {
    auto* values = new std::array<std::string, 7>();
    for (int i = 0; i < 7; ++i) (*values)[i] = policy::XCacheValue(policy::CacheOutcome(i));
    return values;
  }();
  return (*kValues)[static_cast<int>(outcome)];
}

// The headers behind an answer: a stored object's own, unless the cache had to build them.
const policy::Headers& HeadersOf(const core::EdgeResult& r) {
  return r.stored != nullptr && r.viewer.headers.empty() ? r.stored->head.headers
                                                         : r.viewer.headers;
}

// What a Content-Length says for this answer, if one is sent: the body's length, or for HEAD the
// length a GET would have had.
absl::optional<uint64_t> ContentLength(const core::EdgeResult& r, bool head_request) {
  const int status = r.viewer.status;
  if (status == 304 || status == 204 || (status >= 100 && status < 200)) return absl::nullopt;
  if (!head_request) return r.body_size;
  if (r.stored != nullptr) return r.stored->body_size;
  uint64_t n;
  const auto header = HeadersOf(r).Get("Content-Length");
  if (header && absl::SimpleAtoi(*header, &n)) return n;
  return absl::nullopt;
}

// CloudFront's own error page (SPEC 5: `Server: CloudFront`) for what the edge refuses itself.
core::EdgeResult Generated(int status, policy::CacheOutcome outcome, policy::ErrorDetail detail,
                           absl::string_view message) {
  core::EdgeResult r;
  r.outcome = outcome;
  r.error_detail = detail;
  r.viewer.status = status;
  r.viewer.headers.Add("Server", "CloudFront");
  r.viewer.headers.Add("Content-Type", "text/html");
  r.body = core::MakeBody(absl::StrCat(
      "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\" "
      "\"http://www.w3.org/TR/html4/loose.dtd\">\n<HTML><HEAD><META HTTP-EQUIV=\"Content-Type\" "
      "CONTENT=\"text/html; charset=iso-8859-1\">\n<TITLE>ERROR: The request could not be "
      "satisfied</TITLE>\n</HEAD><BODY>\n<H1>",
      status, " ERROR</H1>\n<H2>The request could not be satisfied.</H2>\n<HR noshade size=\"1px\">\n",
      message, "\n<BR clear=\"all\">\n<HR noshade size=\"1px\">\n<PRE>\nGenerated by cloudfront "
      "(CloudFront)\n</PRE>\n</BODY></HTML>"));
  r.body_size = r.body->size();
  return r;
}

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
    explicit Loop(uint64_t seed) : ids(seed), guard(net::make_work_guard(io)) {}

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
    RequestIds ids;
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

// One viewer connection. Requests are handled one at a time, in order: a pipelined request waits
// in the read buffer until the previous answer is written.
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
      peer_ip_ = peer.address().to_string();
      peer_port_ = peer.port();
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
    parser_->header_limit(kMaxHeaderBytes);
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
    if (ec == http::error::end_of_stream || ec == net::error::operation_aborted || ec == net::error::eof ||
        ec == net::error::connection_reset || ec == http::error::partial_message) {
      return Close();
    }
    if (ec) {
      LoopCounters::Bump(loop_.counters.bad_requests);
      return Refuse(400, "Bad request.");
    }
    const auto& req = parser_->get();
    if (req.target().size() > kMaxUrlBytes) {
      LoopCounters::Bump(loop_.counters.too_large);
      return Refuse(413, "Request URL too long.");
    }
    LoopCounters::Bump(loop_.counters.requests);
    start_ = std::chrono::steady_clock::now();
    cs_bytes_ = bytes;
    keep_alive_ = req.keep_alive();
    request_.method.assign(req.method_string().data(), req.method_string().size());
    request_.target.assign(req.target().data(), req.target().size());
    request_.http_minor_version = req.version() % 10;
    request_.headers = policy::Headers();
    for (const auto& field : req) {
      request_.headers.Add(View(field.name_string()), View(field.value()));
    }
    loop_.ids.Next(request_id_);
    Dispatch();
  }

  void Dispatch() {
    pop_ = nullptr;
    const auto& routing = loop_.Routing(server_.registry);
    if (snapshot_ != routing) snapshot_ = routing;
    const absl::string_view host = request_.headers.Get("Host").value_or("");
    distribution_ = snapshot_->Route(host);
    if (distribution_ == nullptr) {
      LoopCounters::Bump(loop_.counters.unknown_host);
      // Not logged: no distribution owns the request.
      return Write(Generated(403, policy::CacheOutcome::kError, policy::ErrorDetail::kInvalidRequest,
                             "Bad request. We can't connect to the server for this app or website "
                             "at this time."),
                   /*log=*/false);
    }
    pop_ = &distribution_->PopName(request_.headers.Get("x-edgesim-pop").value_or(""));
    core::EdgeCache& cache = distribution_->Pop(*pop_);
    const absl::Time now = server_.options.clock->Now();
    absl::optional<core::EdgeResult> answer = cache.TryHandleFromCache(request_, now);
    if (answer) {
      const policy::CustomErrorResponse* custom =
          core::ErrorPageFor(distribution_->distribution().config, *answer);
      absl::optional<core::EdgeResult> page;
      if (custom != nullptr) {
        page = cache.TryHandleFromCache(
            core::ErrorPageRequest(request_, custom->response_page_path), now);
      }
      if (custom == nullptr || page) {
        if (page) core::SubstituteErrorPage(*answer, std::move(*page), *custom);
        LoopCounters::Bump(loop_.counters.from_event_loop);
        return Answer(std::move(*answer));
      }
    }
    ToWorkers(std::move(answer));
  }

  // Runs on an origin worker: whatever is left of the request, blocking on the origin.
  core::EdgeResult ResolveBlocking(absl::optional<core::EdgeResult> answer) {
    core::EdgeNetwork& network = distribution_->network();
    const absl::Time now = server_.options.clock->Now();
    auto handle = [&](const policy::Request& request) {
      absl::StatusOr<core::EdgeResult> r =
          network.Handle(*pop_, request, now, distribution_->origin());
      EDGESIM_CHECK(r.ok());  // the POP came from this distribution
      return *std::move(r);
    };
    if (!answer) answer = handle(request_);
    if (const policy::CustomErrorResponse* custom =
            core::ErrorPageFor(distribution_->distribution().config, *answer)) {
      core::SubstituteErrorPage(
          *answer, handle(core::ErrorPageRequest(request_, custom->response_page_path)), *custom);
    }
    return *std::move(answer);
  }

  void ToWorkers(absl::optional<core::EdgeResult> answer) {
    LoopCounters::Bump(loop_.counters.to_workers);
    const bool queued = server_.pool.TrySubmit(
        [self = shared_from_this(), answer = std::move(answer)]() mutable {
          core::EdgeResult r = self->ResolveBlocking(std::move(answer));
          net::post(self->socket_.get_executor(),
                    [self, r = std::move(r)]() mutable { self->Answer(std::move(r)); });
        });
    if (queued) return;
    LoopCounters::Bump(loop_.counters.capacity_exceeded);
    Write(Generated(503, policy::CacheOutcome::kCapacityExceeded, policy::ErrorDetail::kNone,
                    "Too many requests are waiting for the origin."),
          /*log=*/true);
  }

  void Answer(core::EdgeResult r) {
    if (r.background_refresh) Refresh(std::move(*r.background_refresh));
    r.background_refresh.reset();
    Write(std::move(r), /*log=*/true);
  }

  // A stale-while-revalidate refresh, on the pool. Never refused for a full queue: the core hands
  // out at most one per key and keeps the key claimed until it has run.
  void Refresh(core::BackgroundRefresh refresh) {
    server_.pool.Submit([snapshot = snapshot_, distribution = distribution_, pop = pop_,
                            refresh = std::move(refresh), clock = server_.options.clock] {
      (void)snapshot;  // keeps `distribution` alive
      (void)distribution->network().Revalidate(*pop, refresh, clock->Now(), distribution->origin());
    });
  }

  // A request the edge refuses before routing (SPEC 4.3): answered, not logged, and the
  // connection closed.
  void Refuse(int status, absl::string_view message) {
    keep_alive_ = false;
    request_.method = "GET";
    loop_.ids.Next(request_id_);
    pop_ = nullptr;
    Write(Generated(status, policy::CacheOutcome::kError, policy::ErrorDetail::kInvalidRequest,
                    message),
          /*log=*/false);
  }

  void Write(core::EdgeResult r, bool log) {
    result_ = std::move(r);
    log_ = log && server_.options.access_log != nullptr && distribution_ != nullptr;
    const bool close = !keep_alive_ || server_.stopping.load(std::memory_order_relaxed);
    const bool head_request = request_.method == "HEAD";
    const core::EdgeResult& a = result_;
    head_.clear();
    head_.append(request_.http_minor_version == 0 ? "HTTP/1.0 " : "HTTP/1.1 ");
    absl::StrAppend(&head_, a.viewer.status, " ");
    const absl::string_view reason =
        View(http::obsolete_reason(http::int_to_status(a.viewer.status)));
    head_.append(reason.data(), reason.size()).append("\r\n");
    for (const auto& [name, value] : HeadersOf(a).fields()) {
      if (IsFramingHeader(name)) continue;
      head_.append(name).append(": ").append(value).append("\r\n");
    }
    content_length_ = ContentLength(a, head_request);
    if (content_length_) absl::StrAppend(&head_, "Content-Length: ", *content_length_, "\r\n");
    head_.append("X-Cache: ").append(XCache(a.outcome)).append("\r\n");
    if (pop_ != nullptr) {
      head_.append("Via: ");
      AppendVia(head_, *pop_);
      head_.append("\r\nX-Amz-Cf-Pop: ").append(*pop_).append("\r\n");
    }
    head_.append("X-Amz-Cf-Id: ").append(request_id_, kRequestIdLength).append("\r\n");
    // SPEC 3.7: no Age when 0.
    if (a.age >= absl::Seconds(1)) {
      absl::StrAppend(&head_, "Age: ", absl::ToInt64Seconds(a.age), "\r\n");
    }
    if (close) {
      head_.append("Connection: close\r\n");
    } else if (request_.http_minor_version == 0) {
      head_.append("Connection: keep-alive\r\n");
    }
    head_.append("\r\n");
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
    result_ = core::EdgeResult();  // lets the body go
    if (ec || close_after_write_) return Close();
    DoRead();
  }

  void Log(beast::error_code ec, size_t bytes) {
    const SteadyTime done = std::chrono::steady_clock::now();
    const core::EdgeResult& a = result_;
    policy::AccessLogRecord r;
    r.time = server_.options.clock->Now();
    r.edge_location = *pop_;
    r.sc_bytes = bytes;
    r.c_ip = peer_ip_;
    r.c_port = peer_port_;
    r.method = request_.method;
    r.host = distribution_->distribution().domain_name;
    r.uri_stem = std::string(request_.path());
    r.sc_status = a.viewer.status;
    const policy::Headers& in = request_.headers;
    r.referer = std::string(in.Get("Referer").value_or(""));
    r.user_agent = std::string(in.Get("User-Agent").value_or(""));
    r.uri_query = std::string(request_.query());
    r.host_header = std::string(in.Get("Host").value_or(""));
    r.forwarded_for = std::string(in.Get("X-Forwarded-For").value_or(""));
    r.request_id = std::string(request_id_, kRequestIdLength);
    r.protocol = "http";
    r.protocol_version = request_.http_minor_version == 0 ? "HTTP/1.0" : "HTTP/1.1";
    r.cs_bytes = cs_bytes_;
    r.time_taken = absl::FromChrono(done - start_);
    r.time_to_first_byte = absl::FromChrono(first_byte_ - start_);
    r.response_result_type = std::string(policy::ResultType(a.outcome));
    // SPEC 8.3: a viewer gone before the last byte turns the final result into an Error.
    const bool hung_up = static_cast<bool>(ec);
    r.result_type = hung_up ? "Error" : r.response_result_type;
    r.detailed_result_type =
        hung_up ? "ClientCommError"
                : std::string(policy::DetailedResultType(a.outcome, a.error_detail,
                                                         a.origin_shield_hit));
    r.content_type = std::string(HeadersOf(a).Get("Content-Type").value_or(""));
    r.content_len = content_length_;
    server_.options.access_log->Log(distribution_->id(), std::move(r));
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
  std::string peer_ip_;
  int peer_port_ = 0;

  // The request being answered.
  policy::Request request_;
  char request_id_[kRequestIdLength];
  size_t cs_bytes_ = 0;
  bool keep_alive_ = true;
  SteadyTime start_, first_byte_;
  // Routing: the snapshot keeps the distribution alive while the request is in flight.
  std::shared_ptr<const RegistrySnapshot> snapshot_;
  const LiveDistribution* distribution_ = nullptr;
  const std::string* pop_ = nullptr;

  // The answer being written: its body is referenced, not copied, by the gather write.
  core::EdgeResult result_;
  std::string head_;
  absl::optional<uint64_t> content_length_;
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
