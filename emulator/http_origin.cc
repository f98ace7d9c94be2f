#include "emulator/http_origin.h"

#include <poll.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "boost/asio/connect.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/post.hpp"
#include "boost/asio/ssl.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"

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

// One origin connection with its own io_context: the thread holding it runs the context until
// the one operation it started completes or its deadline closes the socket.
struct Connection {
  asio::io_context io{1};
  beast::tcp_stream stream{io};
  std::optional<ssl::stream<beast::tcp_stream&>> tls;  // over `stream`, to an HTTPS endpoint
  beast::flat_buffer buffer;
  SteadyTime idle_until;

  // Plain HTTP or TLS, for the operations both speak.
  template <typename Operation>
  void WithStream(Operation&& operation) {
    if (tls) return operation(*tls);
    operation(stream);
  }

  template <class Initiate>
  beast::error_code Run(absl::Duration timeout, Initiate initiate) {
    beast::error_code result;
    stream.expires_after(ToChrono(timeout));
    initiate([&result](beast::error_code ec, auto&&...) { result = ec; });
    io.restart();
    io.run();
    return result;
  }

  // The origin closed it (or sent something unasked) while it was idle.
  bool PeerClosedOrSent() {
    pollfd p{stream.socket().native_handle(), POLLIN, 0};
    return ::poll(&p, 1, 0) != 0;
  }
};

// SNI and certificate verification against the host name (RFC 6125), within what is left of the
// connection's timeout.
absl::Status Handshake(Connection& c, const HttpEndpoint& endpoint, ssl::context& context,
                       absl::Duration timeout) {
  ssl::stream<beast::tcp_stream&>& tls = c.tls.emplace(c.stream, context);
  beast::error_code not_an_address;
  asio::ip::make_address(endpoint.host, not_an_address);
  // RFC 6066 section 3: SNI names a host, never an IP address.
  if (not_an_address && SSL_set_tlsext_host_name(tls.native_handle(), endpoint.host.c_str()) != 1) {
    return absl::UnavailableError(absl::StrCat("origin ", Key(endpoint), ": bad TLS server name"));
  }
  tls.set_verify_mode(ssl::verify_peer);
  tls.set_verify_callback(ssl::host_name_verification(endpoint.host));
  const beast::error_code ec = c.Run(timeout, [&](auto handler) {
    tls.async_handshake(ssl::stream_base::client, handler);
  });
  if (ec) {
    return absl::UnavailableError(absl::StrCat(
        "origin ", Key(endpoint), ": TLS handshake failed: ",
        ec == beast::error::timeout ? "no answer within ConnectionTimeout" : ec.message()));
  }
  return absl::OkStatus();
}

absl::Status Connect(Connection& c, const HttpEndpoint& endpoint, absl::Duration timeout) {
  tcp::resolver resolver(c.io);
  beast::error_code ec;
  const tcp::resolver::results_type addresses =
      resolver.resolve(endpoint.host, std::to_string(endpoint.port), ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("origin ", Key(endpoint), ": cannot resolve: ", ec.message()));
  }
  ec = c.Run(timeout, [&](auto handler) { c.stream.async_connect(addresses, handler); });
  if (ec) {
    return absl::UnavailableError(absl::StrCat(
        "origin ", Key(endpoint), ": cannot connect: ",
        ec == beast::error::timeout ? "no answer within ConnectionTimeout" : ec.message()));
  }
  c.stream.socket().set_option(tcp::no_delay(true), ec);
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
      absl::StrCat("origin ", Key(endpoint), ": fetch abandoned, the edge is shutting down"));
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
  for (const auto& field : message) {
    r.head.headers.Add(absl::string_view(field.name_string().data(), field.name_string().size()),
                       absl::string_view(field.value().data(), field.value().size()));
  }
  r.body_size = message.body().size();
  r.body = core::MakeBody(std::move(message.body()));
  r.complete = complete;
  return r;
}

Exchanged Exchange(Connection& c, const HttpEndpoint& endpoint, const policy::Origin& settings,
                   const policy::Request& request, const HttpClientOptions& options, bool reused,
                   SteadyTime deadline) {
  Exchanged out;
  const std::string where = absl::StrCat("origin ", Key(endpoint), ": ");
  const OutgoingRequest message = ToBeast(request);
  beast::error_code ec = c.Run(Within(settings.read_timeout, deadline), [&](auto handler) {
    c.WithStream([&](auto& stream) { http::async_write(stream, message, handler); });
  });
  if (ec) {
    out.stale_connection = reused;
    out.response = absl::UnavailableError(absl::StrCat(where, "send failed: ", ec.message()));
    return out;
  }
  http::response_parser<http::string_body> parser;
  parser.header_limit(options.max_header_bytes);
  parser.body_limit(options.max_body_bytes);
  parser.skip(request.method == "HEAD");
  c.buffer.clear();
  // Each read gets its own deadline: OriginReadTimeout bounds the first byte and every gap.
  while (!parser.is_done()) {
    ec = c.Run(Within(settings.read_timeout, deadline),
               [&](auto handler) {
                 c.WithStream([&](auto& stream) {
                   http::async_read_some(stream, c.buffer, parser, handler);
                 });
               });
    if (ec) break;
  }
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

}  // namespace

std::ostream& operator<<(std::ostream& os, const HttpEndpoint& endpoint) {
  return os << Key(endpoint);
}

struct HttpOriginClient::Impl {
  explicit Impl(HttpClientOptions o) : options(o), tls_context(OriginTlsContext(options.ca_file)) {}

  // A pooled connection still within its keep-alive; expired and closed ones are dropped.
  std::unique_ptr<Connection> Take(const std::string& key) {
    std::vector<std::unique_ptr<Connection>> dropped;  // closed outside the lock
    std::lock_guard<std::mutex> lock(mu);
    std::vector<std::unique_ptr<Connection>>& idle = pools[key];
    DropExpired(idle, &dropped);
    while (!idle.empty()) {
      std::unique_ptr<Connection> c = std::move(idle.back());
      idle.pop_back();
      if (!c->PeerClosedOrSent()) return c;
      dropped.push_back(std::move(c));
    }
    return nullptr;
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

  // Registers `c` as in use, so Abandon reaches it; false once abandoned.
  bool Use(Connection* c) {
    std::lock_guard<std::mutex> lock(mu);
    if (abandoned) return false;
    busy.insert(c);
    return true;
  }

  // Ends Use(c); false when the client was abandoned meanwhile.
  bool Unuse(Connection* c) {
    std::lock_guard<std::mutex> lock(mu);
    busy.erase(c);
    return !abandoned;
  }

  const HttpClientOptions options;
  // For HTTPS endpoints; shared by their connections (OpenSSL contexts are thread-safe once set).
  const absl::StatusOr<std::unique_ptr<ssl::context>> tls_context;
  mutable std::mutex mu;
  absl::flat_hash_map<std::string, std::vector<std::unique_ptr<Connection>>> pools;
  // Connections a fetch is using; each is touched by its fetch's thread only, apart from the
  // close Abandon posts to its io_context.
  absl::flat_hash_set<Connection*> busy;
  bool abandoned = false;
};

HttpOriginClient::HttpOriginClient(HttpClientOptions options)
    : impl_(std::make_unique<Impl>(options)) {}
HttpOriginClient::~HttpOriginClient() = default;

absl::StatusOr<core::OriginResponse> HttpOriginClient::Fetch(const HttpEndpoint& endpoint,
                                                             const policy::Origin& settings,
                                                             const policy::Request& request) {
  const std::string key = Key(endpoint);
  // SPEC 7.3: GET and HEAD are retried after a response timeout; other methods are not.
  const bool retries_reads = request.method == "GET" || request.method == "HEAD";
  const int64_t attempts = std::max<int64_t>(1, settings.connection_attempts);
  // SPEC 7.3: ResponseCompletionTimeout bounds the whole answer, every attempt included.
  const SteadyTime deadline =
      settings.response_completion_timeout
          ? std::chrono::steady_clock::now() +
                absl::ToChronoNanoseconds(*settings.response_completion_timeout)
          : SteadyTime::max();
  absl::Status last = absl::UnavailableError(absl::StrCat("origin ", key, ": no attempt made"));
  for (int64_t attempt = 0; attempt < attempts;) {
    std::unique_ptr<Connection> c = impl_->Take(key);
    const bool reused = c != nullptr;
    if (!reused) c = std::make_unique<Connection>();
    if (!impl_->Use(c.get())) return Abandoned(endpoint);
    const absl::Status connected =
        reused ? absl::OkStatus() : impl_->Open(*c, endpoint, settings, deadline);
    Exchanged result;
    if (connected.ok()) {
      result = Exchange(*c, endpoint, settings, request, impl_->options, reused, deadline);
    }
    if (!impl_->Unuse(c.get())) return Abandoned(endpoint);
    if (!connected.ok()) {
      last = connected;
      ++attempt;
      if (Passed(deadline)) break;
      continue;
    }
    if (result.stale_connection) continue;  // not an attempt: the origin had hung up
    if (result.response.ok()) {
      if (result.reusable) impl_->Give(key, std::move(c), settings.keepalive_timeout);
      return std::move(result.response);
    }
    last = result.response.status();
    ++attempt;
    const bool retry = retries_reads && !Passed(deadline) &&
                       (last.code() == absl::StatusCode::kUnavailable ||
                        last.code() == absl::StatusCode::kDeadlineExceeded);
    if (!retry) break;
  }
  return last;
}

void HttpOriginClient::Abandon() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->abandoned = true;
  // Closed on the connection's own thread, inside its io_context: the read or connect it waits
  // on ends at once (operation_aborted). A connection between operations finds the close queued
  // when it runs its context next.
  for (Connection* c : impl_->busy) asio::post(c->io, [c] { c->stream.close(); });
}

int HttpOriginClient::IdleConnections(const HttpEndpoint& endpoint) const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto it = impl_->pools.find(Key(endpoint));
  return it == impl_->pools.end() ? 0 : static_cast<int>(it->second.size());
}

}  // namespace edgesim::emulator
