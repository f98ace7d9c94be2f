// admin_api.h — `edgesim serve`'s admin API under /_edgesim/ on the API port (DESIGN 5), JSON
// in and out.
//
//   GET  /_edgesim/health                  {"status": "ok"}
//   GET  /_edgesim/clock                   {"time": RFC 3339, "unix_seconds": N, "manual": bool}
//   POST /_edgesim/clock/advance           {"seconds": N}          (409 unless --manual-clock)
//   POST /_edgesim/clock/set               {"time": "2026-01-01T00:00:00Z"} or {"unix_seconds": N}
//                                          or what GET answered (both alike, "manual" ignored)
//                                          (409 likewise). The clock runs forward only, to
//                                          2106-02-07T06:28:15Z at most (core/epoch_seconds.h):
//                                          a negative, non-finite or farther move is a 400.
//   GET  /_edgesim/stats                   per distribution, per cache (POP / regional / shield),
//                                          per behavior: the core counters; the edge's counters;
//                                          the console's event stream's (cli/console.h)
//   GET  /_edgesim/cache?distribution=ID&pop=POP&limit=N   the entries of one cache: the first
//                                          N (default 100, at most 100000) of "total";
//                                          "truncated" when some were left out
//   POST /_edgesim/reset, POST /moto-api/reset     empties every cache and counter, the edge's
//                                          too, and resets the CloudFront API's state
//                                          (ControlPlane::Reset); the clock and the access log
//                                          files stay (their counters restart)
//   GET  /_edgesim/invalidations/bill      the invalidation pricing ledger (with a ControlPlane)
//   GET  /_edgesim/state                   the API's custom policy-like resources by kind (with a
//                                          ControlPlane): {"cache_policies": [{"Id", "Name",
//                                          "ETag", "LastModifiedTime"}], ...}
//   POST /_edgesim/invalidate              {"distribution": "ID", "paths": ["/a", "/b*"]}
//        -> {"paths": N}: in effect at once in every cache of the distribution (no propagation
//        delay; the CloudFront API's invalidations model that). "distribution" may be left out
//        while one runs. Every path is validated first (SPEC 6.2): one bad path, nothing applied.
// The live console's routes (GET /_edgesim/console, /_edgesim/events, /_edgesim/explain) are
// cli/console.h's: they run the explain model, which lives in cli/.
// Errors are {"error": {"code": ..., "message": ...}} with 400 (bad JSON or values; a missing body
// says what is expected, e.g. {"seconds": N}), 404 (unknown distribution or cache), 409 (the
// clock is not manual) or 413 (a body over 1 MiB). A POST with neither Content-Length nor
// Transfer-Encoding has an empty body (RFC 9112 section 6.3): reset needs none.
//
// The routes are mounted on a caller's httplib::Server, so CloudFront's REST API
// (cloudfront_api.h) shares the port by mounting its own routes on the same server.
//
//   httplib::Server api;
//   MountAdminApi(api, registry, {.clock = &clock, .manual_clock = &clock});
//   api.listen("127.0.0.1", 4510);
#pragma once

#include "absl/strings/string_view.h"
#include "core/clock.h"
#include "emulator/access_log_writer.h"
#include "emulator/control_plane.h"
#include "emulator/distribution_registry.h"
#include "emulator/edge_server.h"
#include "emulator/request_event_log.h"
#include "httplib.h"

namespace edgesim::emulator {

struct AdminApiOptions {
  const core::Clock* clock = nullptr;      // required
  core::ManualClock* manual_clock = nullptr;  // the same clock when --manual-clock; else null
  // Optional: adds the edge's counters to stats; reset zeroes them.
  EdgeServer* edge = nullptr;
  AccessLogWriter* access_log = nullptr;        // optional: adds the log's counters to stats
  ControlPlane* control_plane = nullptr;        // optional: the bill route and the API's reset
  const RequestEventLog* events = nullptr;      // optional: adds the console's stream counters
};

// Everything referenced must outlive `server`'s use of the routes.
void MountAdminApi(httplib::Server& server, DistributionRegistry& registry,
                   AdminApiOptions options);

// Writes the admin API's error answer, {"error": {"code": ..., "message": ...}}, for what refuses
// a request before its route runs (cross_site_guard.h).
void WriteAdminApiError(httplib::Response& res, int status, absl::string_view code,
                        absl::string_view message);

}  // namespace edgesim::emulator
