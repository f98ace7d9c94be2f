#include "cli/live_driver.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "policy/cache_policy.h"
#include "policy/distribution_json_writer.h"
#include "policy/json_reader.h"
#include "policy/status_macros.h"

namespace edgesim::cli {
namespace {

using nlohmann::json;

// Deadlines for one exchange with the server; the scripted origin answers at once.
constexpr int kConnectSeconds = 5;
constexpr int kReadSeconds = 30;

httplib::Client LocalClient(int port, bool https = false) {
  httplib::Client c(absl::StrCat(https ? "https" : "http", "://127.0.0.1:", port));
  // The edge's certificate is the self-signed one serve makes at start-up.
  if (https) c.enable_server_certificate_verification(false);
  c.set_connection_timeout(kConnectSeconds);
  c.set_read_timeout(kReadSeconds);
  // Targets go out exactly as the scenario spells them.
  c.set_url_encode(false);
  return c;
}

// The scenario's distribution with every origin served by the scripted origin on `port`, each
// naming itself in kOriginIdHeader.
policy::DistributionConfig PointedAt(policy::DistributionConfig config, int port) {
  for (policy::Origin& o : config.origins) {
    o.domain_name = "127.0.0.1";
    o.kind = policy::OriginKind::kCustom;
    o.http_port = port;
    o.protocol_policy = "http-only";
    o.origin_path.clear();
    o.custom_headers.emplace_back(kOriginIdHeader, o.id);
  }
  return config;
}

// The config file for `serve`: the writer's DistributionConfig, plus the behaviors'
// FunctionAssociations and the functions they run as a "Functions" list (SPEC 15.7), which the
// writer, knowing no config-file extensions, leaves out.
std::string ConfigFileJson(const policy::DistributionConfig& config) {
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(policy::DistributionConfigToJson(config));
  nlohmann::ordered_json functions = nlohmann::ordered_json::array();
  auto associate = [&](const policy::CacheBehavior& b, nlohmann::ordered_json& out) {
    if (b.function_associations.empty()) return;
    nlohmann::ordered_json items = nlohmann::ordered_json::array();
    for (const policy::FunctionAssociation& a : b.function_associations) {
      items.push_back({{"FunctionARN", a.name}, {"EventType", a.event_type}});
      functions.push_back({{"Name", a.name},
                           {"FunctionConfig", {{"Runtime", a.runtime}}},
                           {"FunctionCode", a.code}});
    }
    out["FunctionAssociations"] = {{"Quantity", items.size()}, {"Items", items}};
  };
  associate(config.default_behavior, j["DefaultCacheBehavior"]);
  for (size_t i = 0; i < config.behaviors.size(); ++i) {
    associate(config.behaviors[i], j["CacheBehaviors"]["Items"][i]);
  }
  if (!functions.empty()) j["Functions"] = functions;
  // Replace, not throw, on code that is not UTF-8, as the writer does.
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

absl::StatusOr<std::string> MakeTempDir() {
  const char* base = getenv("TMPDIR");
  std::string pattern =
      absl::StrCat(base != nullptr && *base != '\0' ? base : "/tmp", "/edgesim-play-XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("cannot create a directory like ", pattern));
  }
  return pattern;
}

absl::Status WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) return absl::InternalError(absl::StrCat(path, ": write failed"));
  return absl::OkStatus();
}

absl::StatusOr<std::string> Body(const httplib::Result& r, const std::string& what) {
  if (!r) return absl::UnavailableError(absl::StrCat(what, ": ", httplib::to_string(r.error())));
  if (r->status != 200) {
    return absl::FailedPreconditionError(absl::StrCat(what, ": ", r->status, " ", r->body));
  }
  return r->body;
}

// The Unix seconds of a GET /_edgesim/clock answer ({"unix_seconds": n, ...}).
absl::StatusOr<int64_t> ClockSeconds(const std::string& body) {
  EDGESIM_ASSIGN_OR_RETURN(const nlohmann::json j, policy::ParseJson(body));
  EDGESIM_ASSIGN_OR_RETURN(const policy::JsonReader seconds,
                           policy::JsonReader(j, "").Required("unix_seconds"));
  return seconds.Int();
}

}  // namespace

std::string LiveDriver::Unsupported(const sim::Scenario& scenario) {
  std::vector<const sim::OriginScript*> scripts = {&scenario.origin};
  for (const auto& [id, script] : scenario.origins) scripts.push_back(&script);
  for (const sim::OriginScript* script : scripts) {
    for (const sim::OriginOutage& o : script->outages) {
      if (o.failure == sim::OriginOutage::Failure::kTimeout) {
        return "live driver cannot script a timeout";
      }
      if (o.failure == sim::OriginOutage::Failure::kRefused) {
        return "live driver cannot script a refused connection";
      }
    }
  }
  const policy::DistributionConfig& c = scenario.distribution.config;
  std::vector<const policy::CacheBehavior*> behaviors = {&c.default_behavior};
  for (const policy::CacheBehavior& b : c.behaviors) behaviors.push_back(&b);
  for (const policy::CacheBehavior* b : behaviors) {
    if (!b->cache_policy_id.empty() &&
        policy::FindManagedCachePolicy(b->cache_policy_id) == nullptr) {
      return "live driver cannot write a custom cache policy into the server's config";
    }
  }
  return "";
}

absl::StatusOr<std::unique_ptr<LiveDriver>> LiveDriver::Create(const sim::Scenario& scenario,
                                                               const LiveDriverOptions& options) {
  if (std::string why = Unsupported(scenario); !why.empty()) {
    return absl::FailedPreconditionError(why);
  }
  std::unique_ptr<LiveDriver> d(new LiveDriver());
  EDGESIM_ASSIGN_OR_RETURN(d->temp_dir_, MakeTempDir());
  d->origin_ = std::make_unique<ScriptedOrigin>(scenario.origin, absl::Now(), scenario.origins);
  if (d->origin_->port() == 0) return absl::UnavailableError("scripted origin: no port to bind");
  const std::string config = d->temp_dir_ + "/distribution.json";
  EDGESIM_RETURN_IF_ERROR(
      WriteFile(config,
                ConfigFileJson(PointedAt(scenario.distribution.config, d->origin_->port()))));
  EDGESIM_ASSIGN_OR_RETURN(
      d->serve_, emulator::ServeChild::Start(
                     options.binary, {"--manual-clock", "--threads", "2", "--config", config,
                                      "--listen-tls", "127.0.0.1:0",
                                      "--pops", absl::StrJoin(sim::StepPops(scenario), ",")}));
  httplib::Client api = LocalClient(d->serve_->api_port());
  EDGESIM_ASSIGN_OR_RETURN(std::string clock, Body(api.Get("/_edgesim/clock"), "GET clock"));
  const absl::StatusOr<int64_t> unix_seconds = ClockSeconds(clock);
  if (!unix_seconds.ok()) {
    return absl::InternalError(
        absl::StrCat("GET /_edgesim/clock: ", unix_seconds.status().message()));
  }
  d->epoch_ = absl::FromUnixSeconds(*unix_seconds);
  d->origin_->Restart(d->epoch_);
  return d;
}

LiveDriver::~LiveDriver() {
  serve_.reset();
  origin_.reset();
  if (!temp_dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(temp_dir_, ignored);
  }
}

absl::StatusOr<std::string> LiveDriver::AdminPost(const std::string& path,
                                                  const std::string& body) {
  httplib::Client api = LocalClient(serve_->api_port());
  return Body(api.Post(path.c_str(), body, "application/json"), absl::StrCat("POST ", path));
}

absl::Status LiveDriver::AdvanceTo(absl::Duration at) {
  if (at <= at_) return absl::OkStatus();
  EDGESIM_RETURN_IF_ERROR(AdminPost("/_edgesim/clock/advance",
                                    json({{"seconds", absl::ToDoubleSeconds(at - at_)}}).dump())
                              .status());
  at_ = at;
  origin_->SetTime(epoch_ + at);
  return absl::OkStatus();
}

absl::StatusOr<sim::Observation> LiveDriver::Request(const policy::Request& request,
                                                     const std::string& pop) {
  httplib::Request req;
  req.method = request.method;
  req.path = request.target;
  for (const auto& [name, value] : request.headers.fields()) req.headers.emplace(name, value);
  if (!request.headers.Has("Accept-Encoding")) req.headers.emplace("Accept-Encoding", "identity");
  if (!pop.empty()) req.headers.emplace("x-edgesim-pop", pop);
  httplib::Client edge = request.https ? LocalClient(serve_->tls_port(), /*https=*/true)
                                       : LocalClient(serve_->edge_port());
  const httplib::Result r = edge.send(req);
  if (!r) {
    return absl::UnavailableError(absl::StrCat("edge: ", httplib::to_string(r.error())));
  }
  policy::Headers headers;
  for (const auto& [name, value] : r->headers) headers.Add(name, value);
  return sim::ObservationFrom(r->status, std::move(headers), r->body);
}

absl::Status LiveDriver::Deploy(const std::vector<std::string>& paths) {
  origin_->Deploy(paths);
  return absl::OkStatus();
}

absl::Status LiveDriver::Invalidate(const std::vector<std::string>& paths) {
  return AdminPost("/_edgesim/invalidate", json({{"paths", paths}}).dump()).status();
}

}  // namespace edgesim::cli
