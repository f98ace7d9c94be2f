#include "cli/serve.h"

#include <pthread.h>
#include <signal.h>

#include <cstdlib>
#include <fstream>
#include <atomic>
#include <map>
#include <optional>
#include <sstream>
#include <memory>
#include <thread>
#include <utility>

#include "absl/algorithm/container.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "cli/app.h"
#include "cli/console.h"
#include "cli/demo_distribution.h"
#include "cli/distribution_file.h"
#include "core/clock.h"
#include "emulator/access_log_writer.h"
#include "emulator/request_event_log.h"
#include "emulator/admin_api.h"
#include "emulator/api_server.h"
#include "emulator/cloudfront_api.h"
#include "emulator/console_log.h"
#include "emulator/control_plane.h"
#include "emulator/cross_site_guard.h"
#include "emulator/demo_origin.h"
#include "emulator/distribution_registry.h"
#include "emulator/edge_server.h"
#include "emulator/http_origin.h"
#include "emulator/js_function_runner.h"
#include "emulator/key_value_store_api.h"
#include "emulator/origin_router.h"
#include "emulator/self_signed_certificate.h"
#include "httplib.h"
#include "policy/status_macros.h"

namespace edgesim::cli {
namespace {

struct HostPort {
  std::string host;
  uint16_t port = 0;
};

absl::StatusOr<HostPort> ParseHostPort(absl::string_view flag, absl::string_view text) {
  const size_t colon = text.rfind(':');
  int port;
  if (colon == absl::string_view::npos || colon == 0 ||
      !absl::SimpleAtoi(text.substr(colon + 1), &port) || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, " \"", text, "\" is not HOST:PORT (e.g. 127.0.0.1:8080; port 0: any)"));
  }
  return HostPort{std::string(text.substr(0, colon)), static_cast<uint16_t>(port)};
}

// Where origins of the loaded and API-created distributions go instead of their DomainName, by
// origin id: --origin-dir ID=DIR and --origin ID=URL, both repeatable.
struct OriginMappings {
  std::map<std::string, std::string> dirs;
  std::map<std::string, std::string> urls;
};

// `flag`'s ORIGIN_ID=VALUE occurrences, by id.
absl::StatusOr<std::map<std::string, std::string>> ParseOriginFlags(
    absl::string_view flag, absl::string_view value_name, const std::vector<std::string>& flags) {
  std::map<std::string, std::string> by_id;
  for (const std::string& text : flags) {
    const size_t eq = text.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat(flag, " \"", text, "\" is not ORIGIN_ID=", value_name));
    }
    by_id[text.substr(0, eq)] = text.substr(eq + 1);
  }
  return by_id;
}

absl::StatusOr<OriginMappings> ParseOriginMappings(const ServeFlags& f) {
  OriginMappings m;
  EDGESIM_ASSIGN_OR_RETURN(m.dirs, ParseOriginFlags("--origin-dir", "DIRECTORY", f.origin_dirs));
  EDGESIM_ASSIGN_OR_RETURN(m.urls, ParseOriginFlags("--origin", "http://HOST:PORT", f.origins));
  return m;
}

// The key value stores cloudfront.kvs() reads at the edge: the control plane's (SPEC 15.8). The
// edge starts before the control plane exists (the control plane adopts what the edge serves), so
// the edge is given this view, bound to the control plane's once it is built; until then, and
// for configs loaded from files, no store exists.
class EdgeKeyValueStores final : public core::KeyValueLookup {
 public:
  void Bind(std::unique_ptr<core::KeyValueLookup> stores) {
    owned_ = std::move(stores);
    stores_.store(owned_.get(), std::memory_order_release);
  }
  std::optional<std::string> Get(absl::string_view store_id,
                                 absl::string_view key) const override {
    const core::KeyValueLookup* stores = stores_.load(std::memory_order_acquire);
    return stores != nullptr ? stores->Get(store_id, key) : std::nullopt;
  }
  std::optional<core::KeyValueStoreMeta> Meta(absl::string_view store_id) const override {
    const core::KeyValueLookup* stores = stores_.load(std::memory_order_acquire);
    return stores != nullptr ? stores->Meta(store_id) : std::nullopt;
  }

 private:
  std::unique_ptr<core::KeyValueLookup> owned_;
  std::atomic<const core::KeyValueLookup*> stores_{nullptr};
};

// --invalidation-delay, --deploy-delay, --propagation-delay [POP=]SECONDS (repeatable; a POP
// must be one of --pops).
absl::StatusOr<emulator::ControlPlaneOptions> ControlPlaneOptionsFor(
    const ServeFlags& f, const emulator::EdgeTopology& topology) {
  emulator::ControlPlaneOptions options;
  options.function_runner = std::make_shared<emulator::JsFunctionRunner>(topology.functions);
  options.invalidation_completion_delay = absl::Seconds(f.invalidation_delay);
  options.distribution_deploy_delay = absl::Seconds(f.deploy_delay);
  options.s3_endpoint = f.s3_endpoint;  // key value stores' ImportSource
  for (const std::string& flag : f.propagation_delays) {
    const size_t eq = flag.find('=');
    const std::string pop = eq == std::string::npos ? "" : flag.substr(0, eq);
    const std::string seconds = eq == std::string::npos ? flag : flag.substr(eq + 1);
    double value;
    if (!absl::SimpleAtod(seconds, &value) || !(value >= 0) || value > 1e9 ||
        (eq != std::string::npos && absl::c_find(topology.pops, pop) == topology.pops.end())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--propagation-delay \"", flag, "\" is not [POP=]SECONDS with a POP of --pops"));
    }
    if (pop.empty()) {
      options.default_propagation_delay = absl::Seconds(value);
    } else {
      options.propagation_delay_by_pop[pop] = absl::Seconds(value);
    }
  }
  return options;
}

// The credentials origins behind an OAC or OAI are signed with (SPEC 10.2): the flags, else the
// usual AWS environment variables; nullopt without an access key and a secret.
absl::optional<emulator::AwsCredentials> OriginCredentials(const ServeFlags& f) {
  auto pick = [](const std::string& flag, const char* variable) {
    const char* env = std::getenv(variable);
    return !flag.empty() ? flag : std::string(env != nullptr ? env : "");
  };
  emulator::AwsCredentials c{
      .access_key_id = pick(f.origin_access_key_id, "AWS_ACCESS_KEY_ID"),
      .secret_access_key = pick(f.origin_secret_access_key, "AWS_SECRET_ACCESS_KEY"),
      .session_token = pick(f.origin_session_token, "AWS_SESSION_TOKEN")};
  if (c.access_key_id.empty() || c.secret_access_key.empty()) return absl::nullopt;
  return c;
}

// Builds the LiveDistribution serving `d`, for config files and the CloudFront API alike: the
// --origin-dir and --origin entries naming its origins, the S3 endpoint, the serve topology.
class Deployer {
 public:
  Deployer(const ServeFlags& f, OriginMappings mappings, emulator::EdgeTopology topology)
      : flags_(f),
        mappings_(std::move(mappings)),
        topology_(std::move(topology)),
        origins_(std::make_shared<emulator::HttpOriginClient>(
            emulator::HttpClientOptions{.ca_file = f.origin_ca_file})),
        credentials_(OriginCredentials(f)) {}

  absl::StatusOr<std::shared_ptr<emulator::LiveDistribution>> operator()(
      policy::Distribution d) const {
    emulator::OriginOptions options;
    options.s3_endpoint = flags_.s3_endpoint;
    options.http_client = origins_;
    auto ours = [&](const std::map<std::string, std::string>& by_id) {
      std::map<std::string, std::string> out;
      for (const auto& [id, value] : by_id) {
        if (d.config.FindOrigin(id) != nullptr) out[id] = value;
      }
      return out;
    };
    options.origin_dirs = ours(mappings_.dirs);
    options.origin_urls = ours(mappings_.urls);
    options.origin_credentials = credentials_;
    options.signing_region = flags_.origin_signing_region;
    EDGESIM_ASSIGN_OR_RETURN(std::unique_ptr<emulator::OriginRouter> router,
                             emulator::OriginRouter::Create(d.config, std::move(options)));
    return emulator::LiveDistribution::Create(std::move(d), topology_, std::move(router));
  }

  const emulator::EdgeTopology& topology() const { return topology_; }
  const OriginMappings& mappings() const { return mappings_; }
  // Every distribution's connections to its origins.
  emulator::HttpOriginClient& origins() const { return *origins_; }
  const absl::optional<emulator::AwsCredentials>& credentials() const { return credentials_; }

 private:
  const ServeFlags& flags_;
  const OriginMappings mappings_;
  const emulator::EdgeTopology topology_;
  const std::shared_ptr<emulator::HttpOriginClient> origins_;
  const absl::optional<emulator::AwsCredentials> credentials_;
};

struct Loaded {
  emulator::DistributionRegistry registry;
  std::string demo_id;  // empty without --demo
};

// Without --config, --origin-dir and --origin may name origins of distributions the API will
// create; with it, each must name an origin of a loaded distribution (a typo fails at start-up).
absl::Status LoadDistributions(const ServeFlags& f, const Deployer& deploy, Loaded& loaded) {
  std::map<std::string, std::string> unused;  // origin id -> the flag naming it
  for (const auto& [id, dir] : deploy.mappings().dirs) unused[id] = "--origin-dir";
  for (const auto& [id, url] : deploy.mappings().urls) unused[id] = "--origin";
  for (const std::string& path : f.configs) {
    EDGESIM_ASSIGN_OR_RETURN(policy::Distribution d, LoadDistributionFile(path));
    for (const policy::Origin& o : d.config.origins) unused.erase(o.id);
    EDGESIM_ASSIGN_OR_RETURN(auto live, deploy(std::move(d)));
    if (absl::Status s = loaded.registry.Add(std::move(live)); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": ", s.message()));
    }
  }
  if (!unused.empty() && !f.configs.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(unused.begin()->second, " ", unused.begin()->first,
                     "=...: no distribution of --config has an origin with this id"));
  }
  if (f.demo) {
    EDGESIM_ASSIGN_OR_RETURN(policy::Distribution d, LoadDemoDistribution());
    EDGESIM_ASSIGN_OR_RETURN(
        auto live, emulator::LiveDistribution::Create(std::move(d), deploy.topology(),
                                                      std::make_unique<emulator::DemoOrigin>()));
    loaded.demo_id = live->id();
    EDGESIM_RETURN_IF_ERROR(loaded.registry.Add(std::move(live)));
  }
  return absl::OkStatus();
}

void PrintDemoHelp(std::ostream& out, const std::string& edge, const std::string& api,
                   const std::string& demo_id, bool manual_clock, double invalidation_delay) {
  out << "\nedgesim demo: a distribution with /assets/* cached a year and HTML briefly, in front "
         "of "
         "a built-in origin.\nTry:\n"
      << "  curl -si " << edge << "/                      # Miss, then Hit on the second call\n"
      << "  curl -si " << edge << "/assets/app.3f9a1c.js  # cached for a year\n"
      << "  curl -si " << edge << "/missing               # a 404, cached for 10 s\n"
      << "  curl -si -H 'x-edgesim-pop: IAD89-C1' " << edge << "/about.html\n"
      << "  curl -s " << api << "/_edgesim/stats\n"
      << "  curl -s " << api << "/_edgesim/cache\n";
  if (manual_clock) {
    out << "  curl -s -X POST -d '{\"seconds\": 31}' " << api
        << "/_edgesim/clock/advance   # the HTML expires\n";
  }
  out << "The AWS CLI drives it too (CloudFront's API on " << api << "):\n"
      << "  export AWS_ENDPOINT_URL_CLOUDFRONT=" << api
      << " AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1\n"
      << "  aws cloudfront list-distributions --query 'DistributionList.Items[].[Id,DomainName]'\n"
      << "  aws cloudfront create-invalidation --distribution-id " << demo_id
      << " --paths '/*' --query Invalidation.Id --output text\n"
      << "  aws cloudfront wait invalidation-completed --distribution-id " << demo_id
      << " --id <the invalidation id>\n";
  if (manual_clock) {
    out << "  # on the manual clock an invalidation completes once the clock passes "
           "--invalidation-delay:\n"
        << "  curl -s -X POST -d '{\"seconds\": " << invalidation_delay << "}' " << api
        << "/_edgesim/clock/advance\n";
  }
  out.flush();
}

// Each distribution and how to reach it: the edge routes by Host (any Host while only one runs).
void PrintDistributions(std::ostream& out, const emulator::RegistrySnapshot& snapshot,
                        const std::string& edge_url) {
  const auto& all = snapshot.distributions();
  for (const auto& d : all) {
    const std::vector<std::string> hosts = emulator::HostNames(d->distribution());
    out << "distribution " << d->id() << " " << d->distribution().domain_name << "\n"
        << "  Host: " << absl::StrJoin(hosts, ", ")
        << (all.size() == 1 ? " (or any, while it is the only distribution)" : "") << "\n"
        << "  curl -si -H 'Host: " << hosts.front() << "' " << edge_url << "/\n";
  }
}

// SIGINT and SIGTERM, taken by Wait() rather than by a handler: blocked before any server thread
// starts, so every thread inherits the mask and none is interrupted. The old mask comes back
// when serve returns (tests run it in process).
class BlockedSignals {
 public:
  BlockedSignals() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, &old_);
  }
  ~BlockedSignals() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
  BlockedSignals(const BlockedSignals&) = delete;
  BlockedSignals& operator=(const BlockedSignals&) = delete;

  void Wait() {
    int signal = 0;
    sigwait(&set_, &signal);
  }

 private:
  sigset_t set_, old_;
};

absl::StatusOr<std::string> ReadPemFile(absl::string_view flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) return absl::InvalidArgumentError(absl::StrCat(flag, " ", path, ": cannot read it"));
  return text.str();
}

// --listen-tls HOST:PORT with --tls-cert and --tls-key, or neither: then a self-signed certificate
// for the local names and every distribution loaded at start-up.
absl::StatusOr<std::optional<emulator::EdgeServerOptions::Tls>> TlsOptionsFor(
    const ServeFlags& f, const emulator::DistributionRegistry& registry) {
  if (f.listen_tls.empty()) {
    if (!f.tls_cert.empty() || !f.tls_key.empty()) {
      return absl::InvalidArgumentError("--tls-cert and --tls-key need --listen-tls");
    }
    return std::nullopt;
  }
  EDGESIM_ASSIGN_OR_RETURN(const HostPort address, ParseHostPort("--listen-tls", f.listen_tls));
  emulator::EdgeServerOptions::Tls tls;
  tls.host = address.host;
  tls.port = address.port;
  if (f.tls_cert.empty() != f.tls_key.empty()) {
    return absl::InvalidArgumentError("--tls-cert and --tls-key go together");
  }
  if (!f.tls_cert.empty()) {
    EDGESIM_ASSIGN_OR_RETURN(tls.certificate_pem, ReadPemFile("--tls-cert", f.tls_cert));
    EDGESIM_ASSIGN_OR_RETURN(tls.private_key_pem, ReadPemFile("--tls-key", f.tls_key));
    return tls;
  }
  std::vector<std::string> names = {"localhost", "*.cloudfront.localhost"};
  for (const auto& d : registry.Snapshot()->distributions()) {
    names.push_back(d->distribution().domain_name);
  }
  EDGESIM_ASSIGN_OR_RETURN(emulator::PemCertificate made,
                           emulator::MakeSelfSignedCertificate(names));
  tls.certificate_pem = std::move(made.certificate_pem);
  tls.private_key_pem = std::move(made.private_key_pem);
  return tls;
}

}  // namespace

CLI::App* AddServeCommand(CLI::App& app, ServeFlags& f) {
  CLI::App* cmd = app.add_subcommand(
      "serve", "Run a local CloudFront: an HTTP edge in front of your origins, plus an admin API");
  cmd->add_option("--config", f.configs,
                  "DistributionConfig JSON, one distribution each (repeatable); none: only what "
                  "the CloudFront API creates");
  cmd->add_option("--listen", f.listen, "Edge address HOST:PORT (port 0: any)");
  cmd->add_option("--api", f.api, "Admin API address HOST:PORT (port 0: any)");
  cmd->add_option("--threads", f.threads, "Event-loop threads (0: one per hardware thread)")
      ->check(CLI::Range(0, 1024));
  cmd->add_option("--pops", f.pops, "Comma-separated POPs; header x-edgesim-pop picks one");
  cmd->add_flag("--regional", f.regional, "Put regional edge caches between POPs and origins");
  cmd->add_option("--origin-shield", f.origin_shield,
                  "Region acting as Origin Shield (implies --regional), e.g. us-east-1");
  cmd->add_flag("--manual-clock", f.manual_clock,
                "Time moves only through POST /_edgesim/clock/advance or /set");
  cmd->add_option("--s3-endpoint", f.s3_endpoint,
                  "S3-compatible endpoint for S3 origins, e.g. http://127.0.0.1:5000");
  cmd->add_option("--origin-dir", f.origin_dirs,
                  "Serve an origin from a directory: ORIGIN_ID=DIR (repeatable)");
  cmd->add_option("--origin-concurrency", f.origin_concurrency,
                  "Origin workers (of the 32) one origin's fetches may hold at once; more wait "
                  "in that origin's queue, so a hung origin cannot slow the others")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--origin-loop-fetches", f.origin_loop_fetches,
                  "Plain-HTTP fetches of one origin in flight at once on each event loop, "
                  "holding no worker; more go to the origin workers (0: all do)")
      ->check(CLI::Range(0, 4096));
  cmd->add_option("--access-log", f.access_log,
                  "Standard access log file, or an existing directory for one file per "
                  "distribution");
  cmd->add_option("--cache-size", f.cache_size, "Bytes per cache (each POP, each regional cache)")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--demo", f.demo, "Also run the built-in demo distribution and origin");
  cmd->add_option("--invalidation-delay", f.invalidation_delay,
                  "Seconds within which each POP applies an invalidation, at its own moment; "
                  "InProgress until the last has (0: every POP at once)")
      ->check(CLI::Range(0.0, 1e9));
  cmd->add_option("--deploy-delay", f.deploy_delay,
                  "Seconds a created or updated distribution stays InProgress before Deployed")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--propagation-delay", f.propagation_delays,
                  "[POP=]SECONDS before an invalidation takes effect in a POP, or in every POP "
                  "not named (repeatable)");
  cmd->add_option("--viewer-idle-timeout", f.viewer_idle_timeout,
                  "Seconds a viewer connection may wait for its next request")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--viewer-read-timeout", f.viewer_read_timeout,
                  "Seconds a viewer has to send a whole request once its first byte arrived")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--viewer-write-timeout", f.viewer_write_timeout,
                  "Seconds a viewer has to take an answer before its connection is closed")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--max-viewer-connections", f.max_viewer_connections,
                  "Open viewer connections beyond which new ones are closed at once")
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--api-timeout", f.api_timeout,
                  "Seconds the API port waits on a read, a write or an idle keep-alive "
                  "connection before closing it")
      ->check(CLI::Range(0.001, 3600.0));
  cmd->add_option("--origin", f.origins,
                  "Send an origin's requests to a local server: ORIGIN_ID=http://HOST:PORT "
                  "(repeatable); the origin still sees its configured DomainName as Host");
  cmd->add_option("--max-request-body", f.max_request_body,
                  "Largest viewer request body in bytes (larger: 413); edgesim's bound, "
                  "CloudFront documents none")
      ->check(CLI::Range(uint64_t{0}, uint64_t{1} << 32));
  cmd->add_option("--viewer-country", f.viewer_country,
                  "CloudFront-Viewer-Country (ISO 3166-1 alpha-2) for viewers that send none "
                  "themselves; stands in for geolocation");
  cmd->add_option("--listen-tls", f.listen_tls,
                  "HTTPS edge address HOST:PORT (port 0: any); off unless given");
  cmd->add_option("--tls-cert", f.tls_cert,
                  "PEM certificate chain for --listen-tls (default: a self-signed one made at "
                  "start-up)");
  cmd->add_option("--tls-key", f.tls_key, "PEM private key of --tls-cert");
  cmd->add_option("--origin-ca-file", f.origin_ca_file,
                  "PEM CAs trusted for HTTPS origins besides the system's")
      ->check(CLI::ExistingFile);
  cmd->add_option("--origin-access-key-id", f.origin_access_key_id,
                  "access key that signs (SigV4) requests to origins behind an origin access "
                  "control or identity (default: $AWS_ACCESS_KEY_ID)");
  cmd->add_option("--origin-secret-access-key", f.origin_secret_access_key,
                  "its secret (default: $AWS_SECRET_ACCESS_KEY)");
  cmd->add_option("--origin-session-token", f.origin_session_token,
                  "its session token, sent as X-Amz-Security-Token (default: $AWS_SESSION_TOKEN)");
  cmd->add_option("--origin-signing-region", f.origin_signing_region,
                  "Region origin requests are signed for (default: each origin's, from "
                  "bucket.s3.REGION.amazonaws.com; us-east-1 otherwise)");
  cmd->add_flag("--verbose,--log-requests", f.verbose,
                "A line per request on stderr: time, POP, method, path, status, X-Cache, "
                "detailed result type (why an error is one), time upstream");
  cmd->add_flag("--debug-headers", f.debug_headers,
                "Add edgesim's x-edgesim-detailed-result-type header to every answer (e.g. "
                "OriginConnectError on a 502); CloudFront sends no such header");
  cmd->add_flag("--answer-cors-preflight", f.answer_cors_preflight,
                "Answer CORS preflights at the edge (204 and the response headers policy's CORS "
                "headers) instead of forwarding them; CloudFront documents forwarding");
  cmd->add_option("--function-compute-budget-ms", f.function_compute_budget_ms,
                  "CPU milliseconds a CloudFront function may use, at the edge and in TestFunction, before it is "
                  "stopped; ComputeUtilization is measured against it (CloudFront publishes no "
                  "figure; at most 1000, the runtime's wall-clock cap)")
      ->check(CLI::Range(0.001, 1000.0));
  return cmd;
}

int RunServe(const ServeFlags& f, std::ostream& out, std::ostream& err) {
  // First: every thread started below (origin pools, the log writer, the servers) inherits it.
  BlockedSignals signals;
  absl::StatusOr<HostPort> listen = ParseHostPort("--listen", f.listen);
  if (!listen.ok()) return Fail(err, listen.status());
  absl::StatusOr<HostPort> api_address = ParseHostPort("--api", f.api);
  if (!api_address.ok()) return Fail(err, api_address.status());

  emulator::EdgeTopology topology;
  topology.pops = absl::StrSplit(f.pops, ',', absl::SkipWhitespace());
  topology.regional = f.regional;
  topology.origin_shield = f.origin_shield;
  topology.cache_size_bytes = f.cache_size;
  topology.viewer_country = f.viewer_country;
  topology.answer_cors_preflight_at_edge = f.answer_cors_preflight;
  topology.functions.compute_budget = absl::Microseconds(f.function_compute_budget_ms * 1000);
  EdgeKeyValueStores edge_key_value_stores;
  topology.functions.key_values = &edge_key_value_stores;
  // Checked here, not only when a distribution is built: serve may start with none.
  if (absl::StatusOr<core::CacheTopology> t = emulator::MakeCacheTopology(topology); !t.ok()) {
    return Fail(err, absl::InvalidArgumentError(
                         absl::StrCat("--pops / --origin-shield: ", t.status().message())));
  }
  absl::StatusOr<emulator::ControlPlaneOptions> control_plane_options =
      ControlPlaneOptionsFor(f, topology);
  if (!control_plane_options.ok()) return Fail(err, control_plane_options.status());
  control_plane_options->s3_credentials = OriginCredentials(f);  // ImportSource reads
  absl::StatusOr<OriginMappings> mappings = ParseOriginMappings(f);
  if (!mappings.ok()) return Fail(err, mappings.status());
  const Deployer deploy(f, *std::move(mappings), std::move(topology));
  Loaded loaded;
  if (absl::Status s = LoadDistributions(f, deploy, loaded); !s.ok()) {
    return Fail(err, s);
  }

  absl::StatusOr<std::optional<emulator::EdgeServerOptions::Tls>> tls =
      TlsOptionsFor(f, loaded.registry);
  if (!tls.ok()) return Fail(err, tls.status());

  std::unique_ptr<core::Clock> clock;
  core::ManualClock* manual = nullptr;
  if (f.manual_clock) {
    auto m = std::make_unique<core::ManualClock>(
        absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now())));
    manual = m.get();
    clock = std::move(m);
  } else {
    clock = std::make_unique<core::SystemClock>();
  }

  std::unique_ptr<emulator::AccessLogWriter> access_log;
  if (!f.access_log.empty()) {
    absl::StatusOr<std::unique_ptr<emulator::AccessLogWriter>> opened =
        emulator::AccessLogWriter::Open(f.access_log);
    if (!opened.ok()) return Fail(err, opened.status());
    access_log = *std::move(opened);
  }

  // The live console's request stream (console.h): published by the edge, read by the API port.
  emulator::RequestEventLog events;
  emulator::ConsoleLog console(err, {.requests = f.verbose});
  absl::StatusOr<std::unique_ptr<emulator::EdgeServer>> edge =
      emulator::EdgeServer::Start(loaded.registry, {.host = listen->host,
                                                    .port = listen->port,
                                                    .threads = f.threads,
                                                    .origin_concurrency = f.origin_concurrency,
                                                    .origin_loop_fetches = f.origin_loop_fetches,
                                                    .origin_client = &deploy.origins(),
                                                    .max_request_body_bytes = f.max_request_body,
                                                    .idle_timeout = absl::Seconds(f.viewer_idle_timeout),
                                                    .read_timeout = absl::Seconds(f.viewer_read_timeout),
                                                    .write_timeout = absl::Seconds(f.viewer_write_timeout),
                                                    .max_connections = f.max_viewer_connections,
                                                    .clock = clock.get(),
                                                    .access_log = access_log.get(),
                                                    .tls = *std::move(tls),
                                                    .events = &events,
                                                    .console = &console,
                                                    .debug_headers = f.debug_headers});
  if (!edge.ok()) {
    return Fail(
        err, edge.status(),
        edge.status().code() == absl::StatusCode::kInvalidArgument ? kExitInvalid : kExitFailure);
  }

  emulator::ControlPlane control_plane(loaded.registry, std::cref(deploy),
                                       *std::move(control_plane_options));
  control_plane.AdoptRegistered(clock->Now());
  edge_key_value_stores.Bind(control_plane.KeyValueLookupView());
  httplib::Server api;
  emulator::LimitApiServer(api, {.timeout = absl::Seconds(f.api_timeout)});
  emulator::MountCrossSiteGuard(api, {.api_host = api_address->host});
  emulator::MountAdminApi(api, loaded.registry,
                          {.clock = clock.get(),
                           .manual_clock = manual,
                           .edge = edge->get(),
                           .access_log = access_log.get(),
                           .control_plane = &control_plane,
                           .events = &events});
  emulator::MountCloudFrontApi(api, control_plane, *clock);
  emulator::MountKeyValueStoreApi(api, control_plane, *clock);
  MountConsole(api, loaded.registry, events);
  const absl::StatusOr<int> api_port =
      emulator::BindApiServer(api, api_address->host, api_address->port);
  if (!api_port.ok()) {
    (*edge)->Shutdown();
    return Fail(err, absl::UnavailableError(absl::StrCat("--api ", api_port.status().message())),
                kExitFailure);
  }
  std::thread api_thread([&api] { api.listen_after_bind(); });
  // Ready before the address is printed (and before stop() could miss a listener not yet running).
  while (!api.is_running()) std::this_thread::yield();

  const std::string edge_url = absl::StrCat("http://", listen->host, ":", (*edge)->port());
  const std::string api_url = absl::StrCat("http://", api_address->host, ":", *api_port);
  out << "edge listening on " << edge_url << "\n";
  if ((*edge)->tls_port() != 0) {
    out << "edge listening on https://" << ParseHostPort("--listen-tls", f.listen_tls)->host << ":"
        << (*edge)->tls_port() << "\n";
  }
  out << "api listening on " << api_url << "\n";
  out << "console on " << api_url << kConsolePath << "\n";
  PrintDistributions(out, *loaded.registry.Snapshot(), edge_url);
  if (deploy.credentials().has_value()) {
    out << "origin signing: SigV4 with access key " << deploy.credentials()->access_key_id
        << " for origins behind an origin access control or identity\n";
  } else {
    out << "origin signing: no credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or "
           "--origin-access-key-id and --origin-secret-access-key): origins behind an origin "
           "access control or identity are fetched unsigned\n";
  }
  out.flush();
  if (!loaded.demo_id.empty()) {
    PrintDemoHelp(out, edge_url, api_url, loaded.demo_id, f.manual_clock,
                  f.invalidation_delay);
  }

  signals.Wait();
  (*edge)->Shutdown();
  events.Close();  // ends the event streams, which would hold the API's threads
  api.stop();
  api_thread.join();
  if (access_log) access_log->Close();
  console.Close();
  return kExitOk;
}

}  // namespace edgesim::cli
