// serve.h — `edgesim serve`: the emulator as a process (DESIGN 5).
//
// Loads the distributions (one per --config, plus the embedded demo with --demo; none at all is
// fine: CloudFront's API creates them), starts the edge (emulator/edge_server.h), and on the API
// port the admin API (emulator/admin_api.h) and CloudFront's REST API (emulator/cloudfront_api.h)
// over one ControlPlane that deploys like config files do; prints the
// bound addresses as its first stdout lines, machine-readable even with port 0 (the https line
// only with --listen-tls, always before the api line):
//   edge listening on http://127.0.0.1:41234
//   edge listening on https://127.0.0.1:41236
//   api listening on http://127.0.0.1:41235
// then serves until SIGINT or SIGTERM, when it stops accepting, finishes the requests in flight,
// flushes the access logs and exits 0.
//
//   edgesim serve --demo --listen 127.0.0.1:8080
//   edgesim serve --config site.json --pops IAD89-C1,FRA56-P1 --manual-clock --access-log logs/
//
// After the addresses, a line per distribution ("distribution ID DOMAIN") and the curl command
// that reaches it. On stderr, whatever the flags: a hint the first time a Host no distribution
// answers arrives (emulator/console_log.h).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"

namespace edgesim::cli {

struct ServeFlags {
  std::vector<std::string> configs;
  std::string listen = "127.0.0.1:8080";
  std::string api = "127.0.0.1:4510";
  int threads = 0;
  std::string pops = "IAD89-C1";
  bool regional = false;
  std::string origin_shield;
  bool manual_clock = false;
  std::string s3_endpoint;
  std::vector<std::string> origin_dirs;
  // Origin workers one origin's fetches hold at once; the others wait in its queue
  // (worker_pool.h).
  int origin_concurrency = 16;
  // Plain-HTTP fetches of one origin in flight on each event loop (EdgeServerOptions).
  int origin_loop_fetches = 256;
  std::string access_log;
  uint64_t cache_size = uint64_t{1} << 30;
  bool demo = false;
  // The window within which every cache applies an invalidation (ControlPlaneOptions).
  double invalidation_delay = 15;
  double deploy_delay = 0;
  std::vector<std::string> propagation_delays;  // [POP=]SECONDS
  // Viewer connections (SPEC B17).
  double viewer_idle_timeout = 60;
  double viewer_read_timeout = 30;
  double viewer_write_timeout = 30;
  int max_viewer_connections = 10000;
  double api_timeout = 5;  // emulator/api_server.h
  std::vector<std::string> origins;  // ORIGIN_ID=http://HOST:PORT (OriginOptions::origin_urls)
  // Largest viewer request body (edgesim's bound; CloudFront documents none, SPEC 13.4).
  uint64_t max_request_body = uint64_t{16} << 20;
  // CloudFront-Viewer-Country when the viewer sends none (SPEC 13.3).
  std::string viewer_country = "US";
  // HTTPS for viewers (SPEC 4.7): off while empty. Without a certificate and key, a self-signed
  // one is made at start-up (emulator/self_signed_certificate.h).
  std::string listen_tls;
  std::string tls_cert;
  std::string tls_key;
  // CAs trusted for TLS origins besides the system's (emulator/http_origin.h).
  std::string origin_ca_file;
  // SigV4 credentials for origins behind an origin access control or identity (SPEC 10.2); empty:
  // AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN at start-up.
  std::string origin_access_key_id;
  std::string origin_secret_access_key;
  std::string origin_session_token;
  // The Region signed for; empty: each origin's (from its S3 domain; us-east-1 otherwise).
  std::string origin_signing_region;
  // A line per request on stderr (emulator/console_log.h): time, POP, method, path, status,
  // X-Cache, detailed result type, time upstream.
  bool verbose = false;
  // edgesim's own x-edgesim-detailed-result-type on every answer (CloudFront sends none).
  bool debug_headers = false;
  // Answer CORS preflights at the edge (ModelOptions::answer_cors_preflight_at_edge, SPEC 11.3).
  bool answer_cors_preflight = false;
  // CPU time a CloudFront function run by TestFunction may use (core::FunctionRuntimeLimits;
  // CloudFront publishes none, SPEC 15.5).
  double function_compute_budget_ms = 1;
};

// Registers the subcommand; `run` is called with the parsed flags.
CLI::App* AddServeCommand(CLI::App& app, ServeFlags& flags);

// Blocks until SIGINT/SIGTERM. Exit codes as RunApp's: 2 for bad flags or configs, 1 when a port
// cannot be bound.
int RunServe(const ServeFlags& flags, std::ostream& out, std::ostream& err);

}  // namespace edgesim::cli
