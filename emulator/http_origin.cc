#include "emulator/http_origin.h"

#include <errno.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <climits>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "boost/asio/connect.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/post.hpp"
#include "boost/asio/ssl.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/asio/write.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "policy/status_macros.h"

namespace edgesim::emulator {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using SteadyTime = std::chrono::steady_clock::time_point;

std::chrono::nanoseconds ToChrono(absl::Duration d) {
  return absl::ToChronoNanoseconds(std::max(d, absl::Milliseconds(1)));
}

// `timeout`, or less when the answer's `deadline` (ResponseCompletionTimeout) comes first.
absl::Duration Within(absl::Duration timeout, SteadyTime deadline) {
  if (deadline == SteadyTime::max()) return timeout;
  return std::min(timeout, absl::FromChrono(deadline - std::chrono::steady_clock::now()));
}

bool Passed(SteadyTime deadline) { return std::chrono::steady_clock::now() >= deadline; }

std::string Key(const HttpEndpoint& endpoint) {
  return absl::StrCat(endpoint.tls ? "https://" : "", endpoint.host, ":", endpoint.port);
}

// The prefix of every failure's message: which origin.
std::string Where(const HttpEndpoint& endpoint) {
  return absl::StrCat("origin ", Key(endpoint), ": ");
}

// Why a connection step failed; a timeout names the setting that bounded it.
std::string ConnectionError(const beast::error_code& ec) {
  return ec == beast::error::timeout ? "no answer within ConnectionTimeout" : ec.message();
}

// When an operation given `timeout` from now must end; none for a timeout past any origin's.
SteadyTime DeadlineAfter(absl::Duration timeout) {
  if (timeout >= absl::Hours(24 * 365)) return SteadyTime::max();
  return std::chrono::steady_clock::now() + ToChrono(timeout);
}

// A connected socket's blocking reads and writes, each bounded by the stream's deadline: a call
// tries the socket first and waits in poll() only when the origin is not ready, on the socket and
// on the client's abandon signal at once. A fetch blocks its worker anyway; this way it costs its
// send and receive calls (and a poll per wait), where an io_context per connection re-armed a
// timer and ran a reactor round for every operation. Beast's synchronous HTTP reads and writes,
// and Asio's synchronous TLS stream, run over it.
class DeadlineStream {
 public:
  using lowest_layer_type = tcp::socket;
  using executor_type = tcp::socket::executor_type;

  DeadlineStream(tcp::socket& socket, int abandon_fd) : socket_(socket), abandon_fd_(abandon_fd) {}

  tcp::socket& lowest_layer() { return socket_; }
  executor_type get_executor() { return socket_.get_executor(); }
  void expires_at(SteadyTime deadline) { deadline_ = deadline; }

  template <typename MutableBuffers>
  size_t read_some(const MutableBuffers& buffers, beast::error_code& ec) {
    return Transfer(buffers, POLLIN, ec, [](int fd, msghdr* m) {
      const ssize_t n = ::recvmsg(fd, m, MSG_DONTWAIT);
      return n == 0 ? ssize_t{-2} : n;  // the origin closed its side
    });
  }
  template <typename ConstBuffers>
  size_t write_some(const ConstBuffers& buffers, beast::error_code& ec) {
    return Transfer(buffers, POLLOUT, ec, [](int fd, msghdr* m) {
      return ::sendmsg(fd, m, MSG_DONTWAIT | MSG_NOSIGNAL);
    });
  }
  // The throwing forms complete Beast's SyncReadStream and SyncWriteStream; unused here.
  template <typename MutableBuffers>
  size_t read_some(const MutableBuffers& buffers) {
    return OrThrow([&](beast::error_code& ec) { return read_some(buffers, ec); });
  }
  template <typename ConstBuffers>
  size_t write_some(const ConstBuffers& buffers) {
    return OrThrow([&](beast::error_code& ec) { return write_some(buffers, ec); });
  }

  // Until the socket is ready for `events` (or has an error the next call reports): false with
  // `ec` at the deadline (timeout) or once the client is abandoned (operation_aborted).
  bool Wait(short events, beast::error_code& ec) {
    for (;;) {
      int wait_ms = -1;
      if (deadline_ != SteadyTime::max()) {
        const auto left = deadline_ - std::chrono::steady_clock::now();
        if (left <= std::chrono::nanoseconds::zero()) {
          ec = beast::error::timeout;
          return false;
        }
        wait_ms = static_cast<int>(std::min<int64_t>(
            INT_MAX, std::chrono::ceil<std::chrono::milliseconds>(left).count()));
      }
      std::array<pollfd, 2> fds = {pollfd{socket_.native_handle(), events, 0},
                                   pollfd{abandon_fd_, POLLIN, 0}};
      const int n = ::poll(fds.data(), fds.size(), wait_ms);
      if (n < 0 && errno != EINTR) {
        ec.assign(errno, boost::asio::error::get_system_category());
        return false;
      }
      if (fds[1].revents != 0) {
        ec = asio::error::operation_aborted;
        return false;
      }
      if (n > 0 && fds[0].revents != 0) return true;
    }
  }

 private:
  // At most this many buffers go in one call; the rest in the next (a partial transfer).
  static constexpr size_t kMaxIovecs = 64;

  template <typename Call>
  static size_t OrThrow(Call call) {
    beast::error_code ec;
    const size_t n = call(ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }

  // `call` returns the bytes moved, -1 with errno, or -2 for the peer's end of stream.
  template <typename Buffers, typename Call>
  size_t Transfer(const Buffers& buffers, short events, beast::error_code& ec, Call call) {
    std::array<iovec, kMaxIovecs> iov;
    size_t count = 0;
    for (auto it = asio::buffer_sequence_begin(buffers);
         it != asio::buffer_sequence_end(buffers) && count < kMaxIovecs; ++it) {
      const auto b = *it;
      if (b.size() == 0) continue;
      iov[count++] = iovec{const_cast<void*>(static_cast<const void*>(b.data())), b.size()};
    }
    ec.clear();
    if (count == 0) return 0;
    msghdr m{};
    m.msg_iov = iov.data();
    m.msg_iovlen = count;
    for (;;) {
      const ssize_t n = call(socket_.native_handle(), &m);
      if (n >= 0) return static_cast<size_t>(n);
      if (n == -2) {
        ec = asio::error::eof;
        return 0;
      }
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        ec.assign(errno, boost::asio::error::get_system_category());
        return 0;
      }
      if (!Wait(events, ec)) return 0;
    }
  }

  tcp::socket& socket_;
  const int abandon_fd_;
  SteadyTime deadline_ = SteadyTime::max();
};

// One origin connection: its socket (non-blocking, driven by DeadlineStream), TLS over it for an
// HTTPS endpoint, and what it has read ahead.
struct Connection {
  // Beast reads into what the buffer has room for, 512 bytes at least: a head and a small body
  // then take one read, not three.
  static constexpr size_t kReadAhead = 16 << 10;

  Connection(asio::io_context& io, int abandon_fd) : socket(io), stream(socket, abandon_fd) {
    buffer.reserve(kReadAhead);
  }

  tcp::socket socket;
  DeadlineStream stream;
  std::optional<ssl::stream<DeadlineStream&>> tls;  // over `stream`, to an HTTPS endpoint
  beast::flat_buffer buffer;
  SteadyTime idle_until;

  // Plain HTTP or TLS, for the operations both speak.
  template <typename Operation>
  void WithStream(Operation&& operation) {
    if (tls) return operation(*tls);
    operation(stream);
  }

  // The origin closed it (or sent something unasked) while it was idle.
  bool PeerClosedOrSent() {
    pollfd p{socket.native_handle(), POLLIN, 0};
    return ::poll(&p, 1, 0) != 0;
  }
};

// SNI and certificate verification against the host name (RFC 6125), within what is left of the
// connection's timeout.
absl::Status Handshake(Connection& c, const HttpEndpoint& endpoint, ssl::context& context,
                       absl::Duration timeout) {
  ssl::stream<DeadlineStream&>& tls = c.tls.emplace(c.stream, context);
  beast::error_code not_an_address;
  asio::ip::make_address(endpoint.host, not_an_address);
  // RFC 6066 section 3: SNI names a host, never an IP address.
  if (not_an_address && SSL_set_tlsext_host_name(tls.native_handle(), endpoint.host.c_str()) != 1) {
    return absl::UnavailableError(absl::StrCat(Where(endpoint), "bad TLS server name"));
  }
  tls.set_verify_mode(ssl::verify_peer);
  tls.set_verify_callback(ssl::host_name_verification(endpoint.host));
  c.stream.expires_at(DeadlineAfter(timeout));
  beast::error_code ec;
  tls.handshake(ssl::stream_base::client, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat(Where(endpoint), "TLS handshake failed: ", ConnectionError(ec)));
  }
  return absl::OkStatus();
}

// One address: a non-blocking connect() waited for until `deadline`.
beast::error_code ConnectTo(Connection& c, const tcp::endpoint& address, SteadyTime deadline) {
  beast::error_code ec;
  if (c.socket.is_open()) c.socket.close(ec);
  c.socket.open(address.protocol(), ec);
  if (!ec) c.socket.non_blocking(true, ec);
  if (ec) return ec;
  if (::connect(c.socket.native_handle(), address.data(), address.size()) == 0) return ec;
  if (errno != EINPROGRESS) return {errno, boost::asio::error::get_system_category()};
  c.stream.expires_at(deadline);
  if (!c.stream.Wait(POLLOUT, ec)) return ec;
  int error = 0;
  socklen_t size = sizeof(error);
  if (::getsockopt(c.socket.native_handle(), SOL_SOCKET, SO_ERROR, &error, &size) != 0) {
    error = errno;
  }
  return {error, boost::asio::error::get_system_category()};
}

absl::Status ResolveFailure(const HttpEndpoint& endpoint, const beast::error_code& ec) {
  return absl::UnavailableError(
      absl::StrCat(Where(endpoint), "cannot resolve: ", ConnectionError(ec)));
}

absl::StatusOr<tcp::resolver::results_type> Resolve(Connection& c, const HttpEndpoint& endpoint) {
  tcp::resolver resolver(c.socket.get_executor());
  beast::error_code ec;
  tcp::resolver::results_type addresses =
      resolver.resolve(endpoint.host, std::to_string(endpoint.port), ec);
  if (ec) return ResolveFailure(endpoint, ec);
  return addresses;
}

absl::Status ConnectFailure(const HttpEndpoint& endpoint, const beast::error_code& ec) {
  return absl::UnavailableError(
      absl::StrCat(Where(endpoint), "cannot connect: ", ConnectionError(ec)));
}

absl::Status Connect(Connection& c, const HttpEndpoint& endpoint, absl::Duration timeout) {
  absl::StatusOr<tcp::resolver::results_type> addresses = Resolve(c, endpoint);
  if (!addresses.ok()) return addresses.status();
  // Every address in turn, within one ConnectionTimeout, as Asio's range connect.
  const SteadyTime deadline = DeadlineAfter(timeout);
  beast::error_code ec = asio::error::host_not_found;
  for (const auto& entry : *addresses) {
    ec = ConnectTo(c, entry.endpoint(), deadline);
    if (!ec || ec == beast::error::timeout || ec == asio::error::operation_aborted) break;
  }
  if (ec) return ConnectFailure(endpoint, ec);
  c.socket.set_option(tcp::no_delay(true), ec);
  return absl::OkStatus();
}

// TLS 1.2 or later; the system's CAs and `ca_file`'s. A CA file that does not load is kept as
// the error every TLS fetch returns.
absl::StatusOr<std::unique_ptr<ssl::context>> OriginTlsContext(const std::string& ca_file) {
  auto context = std::make_unique<ssl::context>(ssl::context::tls_client);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                       ssl::context::no_tlsv1_1);
  beast::error_code ec;
  context->set_default_verify_paths(ec);
  if (!ec && !ca_file.empty()) context->load_verify_file(ca_file, ec);
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("origin CA file ", ca_file, ": ", ec.message()));
  }
  return context;
}

absl::Status Abandoned(const HttpEndpoint& endpoint) {
  return absl::CancelledError(
      absl::StrCat(Where(endpoint), "fetch abandoned, the edge is shutting down"));
}

// What one request on one connection came to.
struct Exchanged {
  absl::StatusOr<core::OriginResponse> response = absl::UnknownError("not sent");
  // Nothing came back on a reused connection: the origin had closed it, ask again elsewhere.
  bool stale_connection = false;
  // The connection may carry the next request.
  bool reusable = false;
};

// The body is a view of the request's shared buffer, which outlives the write: never copied.
using OutgoingRequest = http::request<http::span_body<const char>>;

OutgoingRequest ToBeast(const policy::Request& request) {
  OutgoingRequest out;
  out.method_string(request.method);
  out.target(request.target);
  out.version(11);
  for (const auto& [name, value] : request.headers.fields()) out.insert(name, value);
  // SPEC 5: CloudFront keeps origin connections alive.
  out.set(http::field::connection, "keep-alive");
  if (request.body != nullptr) {
    out.body() = boost::beast::span<const char>(request.body->data(), request.body->size());
  }
  // Content-Length of the body (0 for none), as CloudFront frames what it forwards (SPEC 13.4).
  out.prepare_payload();
  return out;
}

core::OriginResponse FromBeast(http::response<http::string_body>&& message, bool complete) {
  core::OriginResponse r;
  r.head.status = static_cast<int>(message.result_int());
  r.head.headers.Reserve(std::distance(message.begin(), message.end()));
  for (const auto& field : message) {
    r.head.headers.Add(absl::string_view(field.name_string().data(), field.name_string().size()),
                       absl::string_view(field.value().data(), field.value().size()));
  }
  r.body_size = message.body().size();
  r.body = core::MakeBody(std::move(message.body()));
  r.complete = complete;
  return r;
}

using ResponseParser = http::response_parser<http::string_body>;

Exchanged SendFailed(const HttpEndpoint& endpoint, const beast::error_code& ec, bool reused) {
  Exchanged out;
  out.stale_connection = reused;
  out.response =
      absl::UnavailableError(absl::StrCat(Where(endpoint), "send failed: ", ec.message()));
  return out;
}

// The parser for the answer to a `method` request, within the client's bounds.
void Bound(ResponseParser& parser, const HttpClientOptions& options, absl::string_view method) {
  parser.header_limit(options.max_header_bytes);
  parser.body_limit(options.max_body_bytes);
  parser.skip(method == "HEAD");
}

// What an exchange came to once reading the answer ended with `ec` (none: the answer is whole).
Exchanged Received(const beast::error_code& ec, ResponseParser& parser,
                   const HttpEndpoint& endpoint, const policy::Origin& settings,
                   const HttpClientOptions& options, bool reused, SteadyTime deadline);

Exchanged Exchange(Connection& c, const HttpEndpoint& endpoint, const policy::Origin& settings,
                   const policy::Request& request, const HttpClientOptions& options, bool reused,
                   SteadyTime deadline) {
  const OutgoingRequest message = ToBeast(request);
  beast::error_code ec;
  c.stream.expires_at(DeadlineAfter(Within(settings.read_timeout, deadline)));
  c.WithStream([&](auto& stream) { http::write(stream, message, ec); });
  if (ec) return SendFailed(endpoint, ec, reused);
  ResponseParser parser;
  Bound(parser, options, request.method);
  c.buffer.clear();
  // Each read gets its own deadline: OriginReadTimeout bounds the first byte and every gap.
  c.stream.expires_at(DeadlineAfter(Within(settings.read_timeout, deadline)));
  // Over plain HTTP the answer is seldom in the moment the request is out: wait for it, rather
  // than try a read that fails first. (TLS may hold read-ahead records: its reads go first.)
  if (!c.tls) c.stream.Wait(POLLIN, ec);
  while (!ec && !parser.is_done()) {
    c.WithStream([&](auto& stream) { http::read_some(stream, c.buffer, parser, ec); });
    c.stream.expires_at(DeadlineAfter(Within(settings.read_timeout, deadline)));
  }
  return Received(ec, parser, endpoint, settings, options, reused, deadline);
}

Exchanged Received(const beast::error_code& ec, ResponseParser& parser,
                   const HttpEndpoint& endpoint, const policy::Origin& settings,
                   const HttpClientOptions& options, bool reused, SteadyTime deadline) {
  Exchanged out;
  if (!ec) {
    out.reusable = parser.get().keep_alive() && !parser.need_eof();
    out.response = FromBeast(parser.release(), /*complete=*/true);
    return out;
  }
  if (parser.is_header_done() && !parser.need_eof() && ec != http::error::body_limit) {
    // SPEC 4.3: the body stopped short of its Content-Length or last chunk (the origin closed or
    // reset the connection, went silent, or broke the chunking): served, not cached.
    out.response = FromBeast(parser.release(), /*complete=*/false);
    return out;
  }
  // Named only on failure: a fetch that succeeds builds no message.
  const std::string where = Where(endpoint);
  if (ec == beast::error::timeout && Passed(deadline)) {
    out.response = absl::DeadlineExceededError(
        absl::StrCat(where, "no complete answer within ResponseCompletionTimeout (",
                     absl::FormatDuration(*settings.response_completion_timeout), ")"));
  } else if (ec == beast::error::timeout) {
    out.response =
        absl::DeadlineExceededError(absl::StrCat(where, "no answer within OriginReadTimeout (",
                                                 absl::FormatDuration(settings.read_timeout), ")"));
  } else if (ec == http::error::body_limit) {
    out.response = absl::ResourceExhaustedError(
        absl::StrCat(where, "body larger than ", options.max_body_bytes, " bytes"));
  } else if (ec == http::error::header_limit) {
    out.response = absl::ResourceExhaustedError(
        absl::StrCat(where, "response header larger than ", options.max_header_bytes, " bytes"));
  } else if (!parser.got_some()) {
    out.stale_connection = reused;
    out.response = absl::UnavailableError(
        absl::StrCat(where, "connection closed without an answer: ", ec.message()));
  } else {
    out.response =
        absl::DataLossError(absl::StrCat(where, "invalid HTTP response: ", ec.message()));
  }
  return out;
}

// The attempts of one fetch (SPEC 7.3), whichever way its exchanges are made: how many, the
// answer's deadline, and why the last one failed.
struct Attempts {
  Attempts(const HttpEndpoint& endpoint, const policy::Origin& settings,
           const policy::Request& request)
      : count(std::max<int64_t>(1, settings.connection_attempts)),
        // SPEC 7.3: GET and HEAD are retried after a response timeout; other methods are not.
        retries_reads(request.method == "GET" || request.method == "HEAD"),
        // SPEC 7.3: ResponseCompletionTimeout bounds the whole answer, every attempt included.
        deadline(settings.response_completion_timeout
                     ? std::chrono::steady_clock::now() +
                           absl::ToChronoNanoseconds(*settings.response_completion_timeout)
                     : SteadyTime::max()),
        last(absl::UnavailableError(absl::StrCat(Where(endpoint), "no attempt made"))) {}

  // Whether to try again after a connection could not be made.
  bool RetryAfterConnect(absl::Status failure) {
    last = std::move(failure);
    ++made;
    return made < count && !Passed(deadline);
  }

  // Whether to try again after an exchange that brought no answer.
  bool RetryAfterExchange(const Exchanged& result) {
    if (result.stale_connection) return made < count;  // not an attempt: the origin had hung up
    last = result.response.status();
    ++made;
    const bool retry = retries_reads && !Passed(deadline) &&
                       (last.code() == absl::StatusCode::kUnavailable ||
                        last.code() == absl::StatusCode::kDeadlineExceeded);
    return retry && made < count;
  }

  const int64_t count;
  const bool retries_reads;
  const SteadyTime deadline;
  int64_t made = 0;
  absl::Status last;
};

}  // namespace

std::ostream& operator<<(std::ostream& os, const HttpEndpoint& endpoint) {
  return os << Key(endpoint);
}

struct HttpOriginClient::Impl {
  explicit Impl(HttpClientOptions o)
      : options(o),
        tls_context(OriginTlsContext(options.ca_file)),
        abandon_fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}
  ~Impl() {
    if (abandon_fd >= 0) ::close(abandon_fd);
  }

  // A pooled connection still within its keep-alive; expired and closed ones are dropped. The
  // liveness check (a poll) runs outside the lock, so fetches do not queue behind it.
  std::unique_ptr<Connection> Take(const std::string& key) {
    for (;;) {
      std::unique_ptr<Connection> c = Pop(key);
      if (c == nullptr || !c->PeerClosedOrSent()) return c;
    }
  }

  std::unique_ptr<Connection> Pop(const std::string& key) {
    std::vector<std::unique_ptr<Connection>> dropped;  // closed outside the lock
    std::lock_guard<std::mutex> lock(mu);
    std::vector<std::unique_ptr<Connection>>& idle = pools[key];
    DropExpired(idle, &dropped);
    if (idle.empty()) return nullptr;
    std::unique_ptr<Connection> c = std::move(idle.back());
    idle.pop_back();
    return c;
  }

  void Give(const std::string& key, std::unique_ptr<Connection> c, absl::Duration keepalive) {
    std::vector<std::unique_ptr<Connection>> dropped;
    // Not clamped like the socket deadlines: a zero keep-alive pools nothing reusable.
    c->idle_until = std::chrono::steady_clock::now() + absl::ToChronoNanoseconds(keepalive);
    std::lock_guard<std::mutex> lock(mu);
    std::vector<std::unique_ptr<Connection>>& idle = pools[key];
    DropExpired(idle, &dropped);
    if (static_cast<int>(idle.size()) < options.max_idle_connections) {
      idle.push_back(std::move(c));
    } else {
      dropped.push_back(std::move(c));
    }
  }

  static void DropExpired(std::vector<std::unique_ptr<Connection>>& idle,
                          std::vector<std::unique_ptr<Connection>>* dropped) {
    const SteadyTime now = std::chrono::steady_clock::now();
    auto expired = std::stable_partition(idle.begin(), idle.end(),
                                         [&](const auto& c) { return c->idle_until > now; });
    std::move(expired, idle.end(), std::back_inserter(*dropped));
    idle.erase(expired, idle.end());
  }

  // Connects `c`, and for an HTTPS endpoint shakes hands, both within ConnectionTimeout.
  absl::Status Open(Connection& c, const HttpEndpoint& endpoint, const policy::Origin& settings,
                    SteadyTime deadline) {
    const SteadyTime start = std::chrono::steady_clock::now();
    const absl::Duration timeout = Within(settings.connection_timeout, deadline);
    if (endpoint.tls && !tls_context.ok()) return tls_context.status();
    if (absl::Status s = Connect(c, endpoint, timeout); !s.ok() || !endpoint.tls) return s;
    const absl::Duration left =
        timeout - absl::FromChrono(std::chrono::steady_clock::now() - start);
    return Handshake(c, endpoint, **tls_context, left);
  }

  bool IsAbandoned() const { return abandoned.load(std::memory_order_acquire); }

  void Forget(const LoopFetch* fetch) {
    std::lock_guard<std::mutex> lock(async_mu);
    in_flight.erase(fetch);
  }

  const HttpClientOptions options;
  // For HTTPS endpoints; shared by their connections (OpenSSL contexts are thread-safe once set).
  const absl::StatusOr<std::unique_ptr<ssl::context>> tls_context;
  // Owns the connections' sockets and resolves names; never run: the sockets are driven by
  // DeadlineStream. Declared before `pools`, so it outlives the pooled connections.
  asio::io_context io;
  // Readable once abandoned, for good: every wait of every fetch, now or later, ends on it.
  const int abandon_fd;
  std::atomic<bool> abandoned{false};
  mutable std::mutex mu;
  absl::flat_hash_map<std::string, std::vector<std::unique_ptr<Connection>>> pools;
  // The asynchronous fetches in flight, for Abandon.
  std::mutex async_mu;
  absl::flat_hash_map<const LoopFetch*, std::weak_ptr<LoopFetch>> in_flight;
};

// One fetch made on an event loop: Fetch's attempts, pool, request and parsing, with Asio's
// asynchronous operations in place of waits in poll(), and a timer (cancelling the socket's
// operation) for each deadline. Its connections are the loop's: pooled under the loop's own key,
// since their sockets belong to its io_context.
struct HttpOriginClient::LoopFetch : std::enable_shared_from_this<LoopFetch> {
  LoopFetch(Impl& impl, asio::io_context& loop, const HttpEndpoint& endpoint,
            const policy::Origin& settings, const policy::Request& request, Callback done)
      : impl(impl),
        loop(loop),
        endpoint(endpoint),
        settings(settings),
        request(request),
        key(LoopKey(endpoint, loop)),
        attempts(endpoint, settings, request),
        message(ToBeast(request)),
        timer(loop),
        done(std::move(done)) {}

  static std::string LoopKey(const HttpEndpoint& endpoint, const asio::io_context& loop) {
    return absl::StrCat(Key(endpoint), "@", reinterpret_cast<uintptr_t>(&loop));
  }

  void Attempt() {
    if (impl.IsAbandoned()) return End(Abandoned(endpoint));
    c = impl.Take(key);
    reused = c != nullptr;
    if (reused) return Send();
    c = std::make_unique<Connection>(loop, impl.abandon_fd);
    // One ConnectionTimeout for the name and the connection. An IP literal needs no resolver; a
    // name is resolved asynchronously (getaddrinfo on Asio's resolver thread): the loop never
    // blocks on DNS.
    Arm(DeadlineAfter(Within(settings.connection_timeout, attempts.deadline)));
    beast::error_code ec;
    const asio::ip::address literal = asio::ip::make_address(endpoint.host, ec);
    if (!ec) return Connect(std::array<tcp::endpoint, 1>{tcp::endpoint(literal, endpoint.port)});
    resolver.emplace(loop);
    resolver->async_resolve(
        endpoint.host, std::to_string(endpoint.port),
        [self = shared_from_this()](beast::error_code ec, tcp::resolver::results_type addresses) {
          if (ec) return self->NotConnected(ResolveFailure(self->endpoint, self->Disarm(ec)));
          self->Connect(addresses);
        });
  }

  // Tries each address in turn until one connects.
  template <typename Addresses>
  void Connect(const Addresses& addresses) {
    asio::async_connect(c->socket, addresses,
                        [self = shared_from_this()](beast::error_code ec, const tcp::endpoint&) {
                          self->OnConnect(self->Disarm(ec));
                        });
  }

  void OnConnect(beast::error_code ec) {
    if (ec) return NotConnected(ConnectFailure(endpoint, ec));
    c->socket.set_option(tcp::no_delay(true), ec);
    Send();
  }

  void NotConnected(absl::Status failure) {
    if (impl.IsAbandoned()) return End(Abandoned(endpoint));
    if (attempts.RetryAfterConnect(std::move(failure))) return Attempt();
    End(attempts.last);
  }

  void Send() {
    Arm(DeadlineAfter(Within(settings.read_timeout, attempts.deadline)));
    http::async_write(c->socket, message,
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        self->OnSent(self->Disarm(ec));
                      });
  }

  void OnSent(beast::error_code ec) {
    if (ec) return AfterExchange(SendFailed(endpoint, ec, reused));
    parser.emplace();
    Bound(*parser, impl.options, request.method);
    c->buffer.clear();
    Read();
  }

  // Each read gets its own deadline: OriginReadTimeout bounds the first byte and every gap.
  void Read() {
    Arm(DeadlineAfter(Within(settings.read_timeout, attempts.deadline)));
    http::async_read_some(c->socket, c->buffer, *parser,
                          [self = shared_from_this()](beast::error_code ec, size_t) {
                            self->OnRead(self->Disarm(ec));
                          });
  }

  void OnRead(beast::error_code ec) {
    if (!ec && !parser->is_done()) return Read();
    AfterExchange(
        Received(ec, *parser, endpoint, settings, impl.options, reused, attempts.deadline));
  }

  void AfterExchange(Exchanged result) {
    if (impl.IsAbandoned()) return End(Abandoned(endpoint));
    if (result.response.ok()) {
      if (result.reusable) impl.Give(key, std::move(c), settings.keepalive_timeout);
      return End(std::move(result.response));
    }
    if (attempts.RetryAfterExchange(result)) return Attempt();
    End(attempts.last);
  }

  // Bounds the next operation by `deadline`: when it passes, the socket's operation is cancelled.
  void Arm(SteadyTime deadline) {
    timed_out = false;
    const uint64_t armed = ++generation;
    if (deadline == SteadyTime::max()) return;
    timer.expires_at(deadline);
    timer.async_wait([self = shared_from_this(), armed](beast::error_code ec) {
      if (ec || armed != self->generation) return;  // the operation ended first
      self->timed_out = true;
      self->Cancel();
    });
  }

  // An operation's outcome: a cancellation the timer made is a timeout.
  beast::error_code Disarm(beast::error_code ec) {
    ++generation;
    timer.cancel();
    if (timed_out && ec == asio::error::operation_aborted) return beast::error::timeout;
    return ec;
  }

  // Abandon: the operation in progress ends (operation_aborted), then the fetch sees why.
  void Cancel() {
    beast::error_code ignored;
    if (resolver) resolver->cancel();
    if (c != nullptr) c->socket.cancel(ignored);
  }

  void End(absl::StatusOr<core::OriginResponse> result) {
    timer.cancel();
    impl.Forget(this);
    // Never from within the caller's own call to AsyncFetch.
    asio::post(loop, [done = std::move(done), result = std::move(result)]() mutable {
      done(std::move(result));
    });
  }

  Impl& impl;
  asio::io_context& loop;
  const HttpEndpoint endpoint;
  const policy::Origin& settings;
  const policy::Request& request;
  const std::string key;
  Attempts attempts;
  const OutgoingRequest message;
  asio::steady_timer timer;
  Callback done;
  std::optional<tcp::resolver> resolver;  // while a name is resolved
  std::unique_ptr<Connection> c;
  bool reused = false;
  std::optional<ResponseParser> parser;
  uint64_t generation = 0;
  bool timed_out = false;
};

HttpOriginClient::HttpOriginClient(HttpClientOptions options)
    : impl_(std::make_unique<Impl>(options)) {}
HttpOriginClient::~HttpOriginClient() = default;

absl::StatusOr<core::OriginResponse> HttpOriginClient::Fetch(const HttpEndpoint& endpoint,
                                                             const policy::Origin& settings,
                                                             const policy::Request& request) {
  const std::string key = Key(endpoint);
  Attempts attempts(endpoint, settings, request);
  for (;;) {
    std::unique_ptr<Connection> c = impl_->Take(key);
    const bool reused = c != nullptr;
    if (!reused) c = std::make_unique<Connection>(impl_->io, impl_->abandon_fd);
    if (impl_->IsAbandoned()) return Abandoned(endpoint);
    const absl::Status connected =
        reused ? absl::OkStatus() : impl_->Open(*c, endpoint, settings, attempts.deadline);
    Exchanged result;
    if (connected.ok()) {
      result = Exchange(*c, endpoint, settings, request, impl_->options, reused, attempts.deadline);
    }
    if (impl_->IsAbandoned()) return Abandoned(endpoint);
    if (!connected.ok()) {
      if (attempts.RetryAfterConnect(connected)) continue;
      return attempts.last;
    }
    if (result.response.ok()) {
      if (result.reusable) impl_->Give(key, std::move(c), settings.keepalive_timeout);
      return std::move(result.response);
    }
    if (!attempts.RetryAfterExchange(result)) return attempts.last;
  }
}

void HttpOriginClient::AsyncFetch(boost::asio::io_context& loop, const HttpEndpoint& endpoint,
                                  const policy::Origin& settings, const policy::Request& request,
                                  Callback done) {
  EDGESIM_CHECK(!endpoint.tls);
  auto fetch =
      std::make_shared<LoopFetch>(*impl_, loop, endpoint, settings, request, std::move(done));
  {
    std::lock_guard<std::mutex> lock(impl_->async_mu);
    impl_->in_flight.emplace(fetch.get(), fetch);
  }
  asio::post(loop, [fetch] { fetch->Attempt(); });
}

void HttpOriginClient::Release(boost::asio::io_context& loop) {
  std::vector<std::unique_ptr<Connection>> dropped;
  std::lock_guard<std::mutex> lock(impl_->mu);
  const std::string suffix = absl::StrCat("@", reinterpret_cast<uintptr_t>(&loop));
  for (auto& [key, idle] : impl_->pools) {
    if (!absl::EndsWith(key, suffix)) continue;
    std::move(idle.begin(), idle.end(), std::back_inserter(dropped));
    idle.clear();
  }
}

void HttpOriginClient::Abandon() {
  impl_->abandoned.store(true, std::memory_order_release);
  // The wait a fetch is in, or its next one, ends at once (operation_aborted); a fetch between
  // waits sees `abandoned` when its exchange ends. The count is never read back, so the eventfd
  // stays readable.
  {
    // The asynchronous fetches in flight end on their loops.
    std::lock_guard<std::mutex> lock(impl_->async_mu);
    for (const auto& [unused, weak] : impl_->in_flight) {
      if (std::shared_ptr<LoopFetch> fetch = weak.lock()) {
        asio::post(fetch->loop, [fetch] { fetch->Cancel(); });
      }
    }
  }
  const uint64_t one = 1;
  if (impl_->abandon_fd < 0) return;
  // Fails only when the counter is full: readable either way.
  [[maybe_unused]] const ssize_t written = ::write(impl_->abandon_fd, &one, sizeof(one));
}

int HttpOriginClient::IdleConnections(const HttpEndpoint& endpoint) const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto it = impl_->pools.find(Key(endpoint));
  return it == impl_->pools.end() ? 0 : static_cast<int>(it->second.size());
}

}  // namespace edgesim::emulator
