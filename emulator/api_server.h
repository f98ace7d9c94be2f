// api_server.h — the limits of `edgesim serve`'s API port (the httplib::Server the admin API and
// CloudFront's REST API share) and its exclusive bind.
//
// cpp-httplib's defaults are a pool of max(8, cores - 1) threads behind an unbounded queue, and a
// listening socket with SO_REUSEPORT, so a second `edgesim serve` on the same --api port binds
// too and the kernel splits the connections between both. LimitApiServer gives the port:
//   - a pool of `threads` over a queue of `queue_capacity` connections; past that, the accepting
//     thread serves the connection itself, so no more are accepted until a thread frees up (the
//     kernel's backlog holds the rest): memory and file descriptors stay bounded;
//   - `timeout` for each read and write and for an idle keep-alive connection: a client that
//     stops sending half-way through a request is closed after it; a keep-alive connection serves
//     at most `keep_alive_max_requests` requests;
//   - SO_REUSEADDR only (a restarted serve rebinds a port its predecessor left in TIME_WAIT).
// httplib has no deadline for a whole request: a client trickling a byte within every `timeout`
// holds a thread for as long as it trickles; `threads` such clients fill the pool.
//
//   httplib::Server api;
//   LimitApiServer(api, {.timeout = absl::Seconds(5)});
//   absl::StatusOr<int> port = BindApiServer(api, "127.0.0.1", 4510);   // 0: any port
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "httplib.h"

namespace edgesim::emulator {

struct ApiServerLimits {
  int threads = 32;
  size_t queue_capacity = 256;
  absl::Duration timeout = absl::Seconds(5);  // whole seconds for the keep-alive idle timeout
  int keep_alive_max_requests = 100;
};

// Before the server is bound.
void LimitApiServer(httplib::Server& server, const ApiServerLimits& limits);

// Binds `host`:`port` (0: any free port) and returns the port. Unavailable, naming the address
// and the reason (e.g. "Address already in use"), when it cannot.
absl::StatusOr<int> BindApiServer(httplib::Server& server, const std::string& host, int port);

}  // namespace edgesim::emulator
