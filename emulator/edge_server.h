// edge_server.h — the emulator's edge: an HTTP/1.1 server in front of the distributions'
// caches (DESIGN 5, SPEC 4.3, 5, 7.4, 8).
//
// Boost.Beast, asynchronous, one io_context per thread. One listening socket (no SO_REUSEPORT, so
// a second server on the same port fails to bind), and optionally a second one speaking TLS
// (Boost.Asio's ssl::stream; its requests have `https` set), accept on the first loop and hand
// the connections to the loops in turn; a failed accept (out of descriptors) is retried after a
// growing pause. The connections here only move bytes; what happens to a request in between is
// viewer_exchange.h's: routed by Host and `x-edgesim-pop`, then the request pipeline's two phases
// (core/request_pipeline.h):
//   * on the event loop, phase one: a fresh hit (or a cached error, a viewer 304, a cached custom
//     error page) is answered right there;
//   * otherwise phase two: a miss that leads its flight to a plain-HTTP origin is fetched on the
//     same loop, asynchronously, holding no thread (HttpOriginClient::AsyncFetch), at most
//     `origin_loop_fetches` per origin and loop at once;
//   * the rest (collapsed followers, HTTPS, S3 and directory origins, the loop's overflow) runs
//     on a bounded pool of origin workers, in the lane of the origin it goes to (worker_pool.h: at
//     most `origin_concurrency` workers per origin, so a hung origin never delays another's
//     misses; 503 CapacityExceeded when that origin's queue is full), and the answer is posted
//     back to the connection's loop. Stale-while-revalidate refreshes run on the pool too, in
//     their origin's lane.
// Answers are written by response_writer.h with one gather write (head + shared body), in request
// order, so pipelined requests are safe, and logged by access_log_record.h (and published to the
// live console's stream, request_event_log.h). Request line +
// headers over 20,480 bytes or a URL over 8,192 bytes get 413 and the connection is closed,
// unlogged (SPEC 4.3), like a request without one Host or with a target that is not a path
// (policy/request_target.h, 400). A Host no distribution answers gets CloudFront's 403 "The
// request could not be satisfied". Viewer connections time out while idle, while a request
// arrives and while an answer is not taken (SPEC B17); one tick timer per loop checks them, so a
// request arms no timer of its own.
//
//   DistributionRegistry registry;  // ... Add distributions
//   core::SystemClock clock;
//   auto server = *EdgeServer::Start(registry, {.port = 0, .clock = &clock});
//   server->port();      // the bound port
//   server->Shutdown();  // stop accepting, finish in-flight requests, join
//
// Shutdown waits 5 s for the requests in flight, then abandons the origin fetches still blocked
// (`origin_client`; their viewers get a 502), so a silent origin cannot hold it up.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/clock.h"
#include "emulator/access_log_writer.h"
#include "emulator/console_log.h"
#include "emulator/distribution_registry.h"
#include "emulator/http_origin.h"
#include "emulator/request_event_log.h"

namespace edgesim::emulator {

struct EdgeServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0: the OS picks one
  int threads = 0;       // event loops; 0: one per hardware thread
  int origin_workers = 32;
  // Requests waiting per origin for a worker (then 503 CapacityExceeded).
  size_t origin_queue = 4096;
  // Workers one origin's ("domain:port") fetches hold at once: a hung origin holds no more.
  int origin_concurrency = 16;
  // Plain-HTTP fetches of one origin in flight at once on each event loop; they hold no worker,
  // only a socket, and the ones past this go to the workers. 0: every fetch goes to the workers.
  int origin_loop_fetches = 256;
  // The origins' connections, shared by every distribution's router: Shutdown abandons the
  // fetches still in flight after its grace period. Optional.
  HttpOriginClient* origin_client = nullptr;
  // Largest viewer request body held in memory (then 413): edgesim's bound, CloudFront documents
  // no general one (SPEC 13.4).
  size_t max_request_body_bytes = size_t{16} << 20;
  // SPEC B17 (UNCONFIRMED values): a connection is closed when it waits for its next request
  // longer than `idle_timeout`, when a request's head and body are not all in `read_timeout`
  // after its first byte, or when the viewer takes longer than `write_timeout` to take an answer.
  absl::Duration idle_timeout = absl::Seconds(60);
  absl::Duration read_timeout = absl::Seconds(30);
  absl::Duration write_timeout = absl::Seconds(30);
  // Connections beyond this many are closed once accepted: descriptors stay for the admin API and
  // the origins.
  int max_connections = 10000;
  core::Clock* clock = nullptr;             // required
  AccessLogWriter* access_log = nullptr;    // optional
  // The lurker: every cache is swept with this budget at this interval (real time).
  absl::Duration sweep_interval = absl::Seconds(1);
  uint64_t sweep_budget = 10000;
  // A second listener for HTTPS viewers (ViewerProtocolPolicy, SPEC 4.7); none when absent. Its
  // connections share the timeouts and max_connections above; a TLS handshake must end within
  // read_timeout.
  struct Tls {
    std::string host = "127.0.0.1";
    uint16_t port = 8443;  // 0: the OS picks one
    // PEM; InvalidArgument from Start when they do not load or do not match.
    std::string certificate_pem;
    std::string private_key_pem;
  };
  std::optional<Tls> tls;
  // Optional: every answered request a distribution owns is published here too (the live
  // console's stream), from where it is logged.
  RequestEventLog* events = nullptr;
  // Optional (`edgesim serve`'s stderr): a line per answered request when it logs requests
  // (--verbose), and a hint the first time a Host no distribution answers arrives.
  ConsoleLog* console = nullptr;
  // --debug-headers: every answer of a distribution carries edgesim's own
  // `x-edgesim-detailed-result-type` (its access log's, SPEC 8.3: OriginConnectError,
  // OriginReadTimeout, ...). Off by default: CloudFront sends no such header.
  bool debug_headers = false;
};

// What the edge counts beyond the caches' own counters.
struct EdgeServerCounters {
  uint64_t connections = 0;
  uint64_t requests = 0;
  uint64_t unknown_host = 0;       // 403: no distribution for the Host
  uint64_t too_large = 0;          // 413 (SPEC 4.3)
  uint64_t bad_requests = 0;       // 400: unparsable
  uint64_t capacity_exceeded = 0;  // 503: the origin queue was full
  uint64_t from_event_loop = 0;    // answered in the pipeline's first phase
  uint64_t to_workers = 0;         // handed to the origin workers
  uint64_t accept_errors = 0;      // accept() failed (e.g. out of descriptors); retried
  uint64_t refused_connections = 0;  // closed at once: max_connections were open
  uint64_t timed_out = 0;          // closed by idle_timeout, read_timeout or write_timeout
  uint64_t tls_handshake_failures = 0;  // closed: not TLS, no common cipher, or timed out
  uint64_t fetched_on_loop = 0;         // origin fetches made on an event loop (plain HTTP origins)
};

class EdgeServer {
 public:
  // Binds and starts serving. InvalidArgument for a bad address, Unavailable when the port cannot
  // be bound.
  static absl::StatusOr<std::unique_ptr<EdgeServer>> Start(DistributionRegistry& registry,
                                                           EdgeServerOptions options);
  ~EdgeServer();  // Shutdown()
  EdgeServer(const EdgeServer&) = delete;
  EdgeServer& operator=(const EdgeServer&) = delete;

  uint16_t port() const;
  // The TLS listener's bound port; 0 without one.
  uint16_t tls_port() const;
  // Stops accepting, closes idle connections, finishes the requests in flight (and their
  // writes; origin fetches still blocked after the grace are abandoned), then joins every
  // thread. Idempotent; thread-safe.
  void Shutdown();
  // Since the start, or since the last ResetCounters (POST /_edgesim/reset). Thread-safe.
  EdgeServerCounters counters() const;
  void ResetCounters();

  // Defined in edge_server.cc (public so its file-local connection class can name it).
  struct Impl;

 private:
  explicit EdgeServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace edgesim::emulator
