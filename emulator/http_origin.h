// http_origin.h — CloudFront's connection to an HTTP origin: HTTP/1.1 over a keep-alive pool
// with the origin's connection attempts and timeouts (SPEC 7.3, DESIGN 5).
//
// * Connect: up to ConnectionAttempts tries, each bounded by ConnectionTimeout; none succeeds ->
//   kUnavailable (CloudFront's 502, OriginConnectError).
// * Read: OriginReadTimeout bounds the wait for the first byte and every gap between reads. A
//   GET/HEAD that times out is dropped and retried on a new connection, ConnectionAttempts times
//   in all; other methods are not retried. No answer -> kDeadlineExceeded (504, OriginReadError).
// * ResponseCompletionTimeout, when set, bounds the whole answer, every attempt included: no head
//   by then -> kDeadlineExceeded; a head but not the whole body -> an incomplete answer (below).
// * Keep-alive: idle connections are pooled per host:port (at most `max_idle_connections`) and
//   closed once idle for OriginKeepaliveTimeout (checked whenever that origin's pool is used). A
//   pooled connection the origin closed meanwhile costs no attempt: a fresh one replaces it.
// * Bounds: response header (`max_header_bytes`) and body (`max_body_bytes`); larger -> an error
//   (502). SPEC 4.3: a body cut short of its Content-Length or its last chunk (the origin closed,
//   reset or went silent mid-body) is an answer marked `complete = false`; a body delimited by the
//   connection's close is complete by definition.
// * Shutdown: Abandon() ends every fetch in flight at once and refuses new ones (kCancelled), so
//   a silent origin cannot hold the edge's shutdown for OriginReadTimeout x ConnectionAttempts.
// * TLS: an endpoint with `tls` is reached over HTTPS (OriginProtocolPolicy https-only, or
//   match-viewer for an HTTPS viewer): SNI is the endpoint's host, the certificate is verified
//   against the system's CA store (plus `ca_file`) and the host name; the handshake counts as part
//   of connecting (ConnectionTimeout, ConnectionAttempts). A failed handshake is kUnavailable
//   (CloudFront's 502, SPEC 7.4's table). TLS and plain connections are pooled apart.
//
// Fetch blocks its caller: each read, write and connect tries the socket and waits in poll() for
// it, its deadline or Abandon, so timeouts work without an event loop or a timer of the caller's.
// AsyncFetch makes the same fetch (attempts, timeouts, bounds, keep-alive pool) on an event loop
// without blocking it, for plain HTTP: the edge's loops fetch their misses so, as nginx does.
// Thread-safe.
//
//   HttpOriginClient client({.max_body_bytes = 1 << 20});
//   policy::Origin settings;                        // timeouts and attempts
//   policy::Request get = policy::Request::Get("/index.html");
//   get.headers.Add("Host", "example.com");
//   absl::StatusOr<core::OriginResponse> r = client.Fetch({"127.0.0.1", 8081}, settings, get);
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "core/origin_fetcher.h"
#include "policy/distribution.h"
#include "policy/http_message.h"

namespace boost::asio {
class io_context;
}

namespace edgesim::emulator {

struct HttpEndpoint {
  std::string host;
  int port = 80;
  bool tls = false;  // HTTPS

  bool operator==(const HttpEndpoint&) const = default;
};

std::ostream& operator<<(std::ostream& os, const HttpEndpoint& endpoint);

struct HttpClientOptions {
  // Largest body read into memory; a larger answer is an error (502).
  uint64_t max_body_bytes = uint64_t{256} << 20;
  // Largest status line plus header block accepted from an origin.
  uint32_t max_header_bytes = 64 << 10;
  // Idle keep-alive connections kept per host:port.
  int max_idle_connections = 64;
  // A PEM file of CAs trusted for TLS origins besides the system's (a local test origin's own CA);
  // empty: the system's only. A file that does not load makes every TLS fetch fail.
  std::string ca_file;
};

class HttpOriginClient {
 public:
  explicit HttpOriginClient(HttpClientOptions options);
  ~HttpOriginClient();
  HttpOriginClient(const HttpOriginClient&) = delete;
  HttpOriginClient& operator=(const HttpOriginClient&) = delete;

  // Sends `request` (method, target, headers and body as given) to `endpoint` with the
  // connection attempts and timeouts of `settings`, and reads the whole answer. Any HTTP status is
  // a response; errors are kUnavailable (no connection), kDeadlineExceeded (no answer in time),
  // kResourceExhausted (answer over a bound), kDataLoss (not HTTP) and kCancelled (abandoned).
  absl::StatusOr<core::OriginResponse> Fetch(const HttpEndpoint& endpoint,
                                             const policy::Origin& settings,
                                             const policy::Request& request);

  using Callback = std::function<void(absl::StatusOr<core::OriginResponse>)>;

  // Fetch without blocking: the exchange runs on `loop` (whose thread runs its io_context) and
  // `done` is called there, once, never within this call. Its connections are pooled apart, for
  // `loop` only (their sockets are its). `settings` and `request` must outlive the call to
  // `done`. REQUIRES: !endpoint.tls.
  void AsyncFetch(boost::asio::io_context& loop, const HttpEndpoint& endpoint,
                  const policy::Origin& settings, const policy::Request& request, Callback done);

  // Closes the connections pooled for `loop`'s fetches: before its io_context goes away.
  void Release(boost::asio::io_context& loop);

  // Ends the fetches in flight (their connections are closed; they return kCancelled) and makes
  // every later Fetch return kCancelled at once. For shutting down; thread-safe, idempotent.
  void Abandon();

  // Idle connections pooled for `endpoint` right now (for tests and stats).
  int IdleConnections(const HttpEndpoint& endpoint) const;

 private:
  struct Impl;
  struct LoopFetch;
  std::unique_ptr<Impl> impl_;
};

}  // namespace edgesim::emulator
