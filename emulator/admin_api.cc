#include "emulator/admin_api.h"

#include <functional>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "core/epoch_seconds.h"
#include "emulator/request_body.h"
#include "nlohmann/json.hpp"
#include "policy/cache_key.h"
#include "policy/invalidation.h"
#include "policy/json_reader.h"
#include "policy/status_macros.h"

namespace edgesim::emulator {
namespace {

using nlohmann::json;
using policy::JsonReader;

void WriteJson(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(2) + "\n", "application/json");
}

void Error(httplib::Response& res, int status, absl::string_view code, absl::string_view message) {
  WriteJson(res, status,
            {{"error", {{"code", std::string(code)}, {"message", std::string(message)}}}});
}

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime(absl::RFC3339_sec, t, absl::UTCTimeZone());
}

void InvalidArgument(httplib::Response& res, const absl::Status& status) {
  Error(res, 400, "InvalidArgument", status.message());
}

// The longest admin body read: an invalidation of a few thousand paths fits.
constexpr size_t kMaxAdminBodyBytes = 1 << 20;

// A POST route that reads its own body (request_body.h): the same bound for every Content-Type,
// and no wait for a body a request without Content-Length or Transfer-Encoding does not have.
using BodyHandler = std::function<void(const httplib::Request& req, const std::string& body,
                                       httplib::Response& res)>;
void PostWithBody(httplib::Server& server, const std::string& path, BodyHandler handler) {
  server.Post(
      path, [handler = std::move(handler)](const httplib::Request& req, httplib::Response& res,
                                           const httplib::ContentReader& content) {
        absl::StatusOr<std::string> body = ReadRequestBody(req, res, content, kMaxAdminBodyBytes);
        if (!body.ok()) {
          res.set_header("Connection", "close");
          return absl::IsResourceExhausted(body.status())
                     ? Error(res, 413, "BodyTooLarge", body.status().message())
                     : Error(res, 400, "InvalidArgument", body.status().message());
        }
        handler(req, *body, res);
      });
}

// The body as a JSON object with none but the `allowed` keys: a misspelt one would otherwise
// be ignored, and the call do something else than asked. An error reply (and nullopt) otherwise,
// saying what is expected (`shape`, e.g. {"seconds": N}).
absl::optional<json> ParseObject(const std::string& text, httplib::Response& res,
                                 std::initializer_list<absl::string_view> allowed,
                                 absl::string_view shape) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    InvalidArgument(res, absl::InvalidArgumentError(
                             absl::StrCat("the body is empty: expected a JSON object ", shape)));
    return absl::nullopt;
  }
  absl::StatusOr<json> body = policy::ParseJson(text);
  if (!body.ok()) {
    InvalidArgument(res, absl::InvalidArgumentError(absl::StrCat(
                             body.status().message(), "; expected a JSON object ", shape)));
    return absl::nullopt;
  }
  if (absl::Status s = JsonReader(*body, "").OnlyKeys(allowed); !s.ok()) {
    InvalidArgument(res, s);
    return absl::nullopt;
  }
  return *std::move(body);
}

// {"distribution": "ID" (optional), "paths": ["/a", ...]}, every path checked before any applies.
absl::Status ReadInvalidation(const JsonReader& body, std::string* id,
                              std::vector<policy::InvalidationPath>* paths) {
  if (const JsonReader v = body.Field("distribution"); v.present()) {
    EDGESIM_ASSIGN_OR_RETURN(*id, v.String());
  }
  EDGESIM_ASSIGN_OR_RETURN(const JsonReader list, body.Required("paths"));
  EDGESIM_ASSIGN_OR_RETURN(const std::vector<JsonReader> items, list.Items());
  if (items.empty()) return list.Error("expected at least one path");
  for (const JsonReader& item : items) {
    EDGESIM_ASSIGN_OR_RETURN(const std::string text, item.String());
    absl::StatusOr<policy::InvalidationPath> path = policy::InvalidationPath::Parse(text);
    if (!path.ok()) return item.Error(path.status().message());
    paths->push_back(*std::move(path));
  }
  return absl::OkStatus();
}

std::string LatestTimeText() {
  return absl::StrCat(Rfc3339(core::kLatestTime), " (unix_seconds ", core::kLatestEpochSeconds,
                      "), the latest time edgesim models: cached entries keep 32-bit seconds");
}

// {"seconds": 90}: how far to advance the manual clock from `now`; a finite number >= 0 that
// keeps the clock at or before core::kLatestTime.
absl::StatusOr<absl::Duration> ReadAdvance(const JsonReader& body, absl::Time now) {
  EDGESIM_ASSIGN_OR_RETURN(const JsonReader seconds, body.Required("seconds"));
  // Any number >= 0 here, so a huge one gets the message below.
  EDGESIM_ASSIGN_OR_RETURN(const absl::Duration by, seconds.Seconds(absl::InfiniteDuration()));
  if (by > core::kLatestTime - now) {
    return seconds.Error(absl::StrCat("the clock (", Rfc3339(now), ") may advance at most ",
                                      absl::ToInt64Seconds(core::kLatestTime - now),
                                      " s: it stops at ", LatestTimeText()));
  }
  return by;
}

// {"time": "2026-01-01T00:00:00Z"} or {"unix_seconds": 1767225600}, or both when they name the
// same second, so the body GET /_edgesim/clock answers (with its "manual") sets the clock back to
// that moment: where to set the manual clock, at most core::kLatestTime.
absl::StatusOr<absl::Time> ReadTime(const JsonReader& body) {
  const JsonReader unix_seconds = body.Field("unix_seconds");
  const JsonReader time = body.Field("time");
  if (!unix_seconds.present() && !time.present()) {
    return body.Error("expected \"time\" (RFC 3339) or \"unix_seconds\"");
  }
  absl::optional<absl::Time> from_seconds, from_text;
  if (unix_seconds.present()) {
    EDGESIM_ASSIGN_OR_RETURN(const int64_t seconds, unix_seconds.Int());
    from_seconds = absl::FromUnixSeconds(seconds);
  }
  if (time.present()) {
    EDGESIM_ASSIGN_OR_RETURN(const std::string text, time.String());
    absl::Time t;
    std::string err;
    if (!absl::ParseTime(absl::RFC3339_full, text, &t, &err)) {
      return time.Error("expected an RFC 3339 time, e.g. \"2026-01-01T00:00:00Z\"");
    }
    from_text = t;
  }
  if (from_seconds && from_text &&
      absl::ToUnixSeconds(*from_text) != absl::ToUnixSeconds(*from_seconds)) {
    return time.Error(absl::StrCat("names ", Rfc3339(*from_text), " but \"unix_seconds\" ",
                                   Rfc3339(*from_seconds), ": send one, or both alike"));
  }
  const absl::Time t = from_seconds ? *from_seconds : *from_text;
  if (t > core::kLatestTime) {
    return (unix_seconds.present() ? unix_seconds : time)
        .Error(absl::StrCat("past ", LatestTimeText()));
  }
  return t;
}

json CountersJson(const core::CounterSnapshot& s) {
  json j = json::object();
  for (size_t i = 0; i < s.values.size(); ++i) {
    j[std::string(core::ToString(static_cast<core::Counter>(i)))] = s.values[i];
  }
  return j;
}

json StoreJson(const core::StoreCounters& s) {
  return {{"entries", s.entries},
          {"charged_bytes", s.charged_bytes},
          {"capacity_bytes", s.capacity_bytes},
          {"inserts", s.inserts},
          {"replacements", s.replacements},
          {"rejected", s.rejected},
          {"evictions", s.evictions},
          {"expirations", s.expirations},
          {"invalidation_kills_on_lookup", s.invalidation_kills_on_lookup},
          {"invalidation_kills_by_sweep", s.invalidation_kills_by_sweep}};
}

json CacheStatsJson(const core::EdgeCache& cache) {
  const policy::DistributionConfig& config = cache.distribution().config;
  json behaviors = json::array();
  const std::vector<core::CounterSnapshot> per_behavior = cache.BehaviorCounters();
  for (size_t i = 0; i < per_behavior.size(); ++i) {
    // BehaviorTable order: the configured behaviors, then the default one.
    const std::string pattern =
        i < config.behaviors.size() ? config.behaviors[i].path_pattern : "*";
    behaviors.push_back({{"path_pattern", pattern}, {"counters", CountersJson(per_behavior[i])}});
  }
  return {{"name", cache.options().pop},
          {"tier", std::string(core::ToString(cache.options().tier))},
          {"counters", CountersJson(cache.TotalCounters())},
          {"store", StoreJson(cache.store_counters())},
          {"behaviors", std::move(behaviors)}};
}

json StatsJson(const RegistrySnapshot& snapshot, const AdminApiOptions& options) {
  json distributions = json::array();
  for (const auto& d : snapshot.distributions()) {
    json caches = json::array();
    for (const core::EdgeCache* cache : d->Caches()) caches.push_back(CacheStatsJson(*cache));
    distributions.push_back({{"id", d->id()},
                             {"domain_name", d->distribution().domain_name},
                             {"caches", std::move(caches)}});
  }
  json out = {{"distributions", std::move(distributions)}};
  if (options.edge != nullptr) {
    const EdgeServerCounters c = options.edge->counters();
    out["edge"] = {
        {"connections", c.connections},         {"requests", c.requests},
        {"unknown_host", c.unknown_host},       {"too_large", c.too_large},
        {"bad_requests", c.bad_requests},       {"capacity_exceeded", c.capacity_exceeded},
        {"from_event_loop", c.from_event_loop}, {"to_workers", c.to_workers},
        {"accept_errors", c.accept_errors},     {"refused_connections", c.refused_connections},
        {"timed_out", c.timed_out},
        {"tls_handshake_failures", c.tls_handshake_failures},
        {"fetched_on_loop", c.fetched_on_loop}};
  }
  if (options.access_log != nullptr) {
    const AccessLogCounters c = options.access_log->counters();
    out["access_log"] = {{"written", c.written}, {"dropped", c.dropped}};
  }
  if (options.events != nullptr) {
    const RequestEventLogCounters c = options.events->counters();
    out["events"] = {{"published", c.published},
                     {"subscribers", c.subscribers},
                     {"dropped_subscribers", c.dropped_subscribers},
                     {"refused_subscribers", c.refused_subscribers}};
  }
  return out;
}

// The distribution `id` names, or the only one when `id` is empty; a 404 reply (and nullptr)
// otherwise.
const LiveDistribution* FindDistribution(const RegistrySnapshot& snapshot, const std::string& id,
                                         httplib::Response& res) {
  const LiveDistribution* d = nullptr;
  if (!id.empty()) {
    d = snapshot.Find(id);
  } else if (snapshot.distributions().size() == 1) {
    d = snapshot.distributions().front().get();
  }
  if (d == nullptr) {
    Error(res, 404, "NoSuchDistribution",
          id.empty() ? "several distributions run: name one (distribution=ID)"
                     : absl::StrCat("no distribution ", id));
  }
  return d;
}

// The entries one listing shows: each costs about 1 KiB of JSON while the answer is built (a
// 1 GiB cache holds millions), and glibc keeps that high-water mark in the arena of each API
// thread that built one, so large defaults make the process grow listing after listing.
constexpr int kDefaultCacheListLimit = 100;
constexpr int kMaxCacheListLimit = 100'000;

void ListCache(const httplib::Request& req, httplib::Response& res,
               const RegistrySnapshot& snapshot, absl::Time now) {
  const LiveDistribution* d = FindDistribution(snapshot, req.get_param_value("distribution"), res);
  if (d == nullptr) return;
  const std::string pop = req.has_param("pop") ? req.get_param_value("pop") : d->pops().front();
  const core::EdgeCache* cache = d->network().FindCache(pop);
  if (cache == nullptr) return Error(res, 404, "NoSuchCache", absl::StrCat("no cache ", pop));
  int limit = kDefaultCacheListLimit;
  if (req.has_param("limit") && (!absl::SimpleAtoi(req.get_param_value("limit"), &limit) ||
                                 limit < 1 || limit > kMaxCacheListLimit)) {
    return Error(res, 400, "InvalidArgument",
                 absl::StrCat("limit must be 1 to ", kMaxCacheListLimit));
  }
  json entries = json::array();
  size_t total = 0;
  cache->store().ForEach([&](const core::EntryView& e) {
    if (++total > static_cast<size_t>(limit)) return;
    policy::CacheKey key;
    key.bytes = e.key;
    key.object_path = e.object_path;
    entries.push_back({{"key", key.ToDisplayString()},
                       {"path", e.object_path},
                       {"status", e.response->head.status()},
                       {"age", absl::ToInt64Seconds(now - e.origin_time)},
                       {"ttl_left", absl::ToInt64Seconds(e.fresh_until - now)},
                       {"fresh", now < e.fresh_until},
                       {"size", e.response->body_size},
                       {"charge", e.charge}});
  });
  WriteJson(res, 200,
            {{"distribution", d->id()},
             {"pop", pop},
             {"total", total},
             {"truncated", total > entries.size()},
             {"entries", std::move(entries)}});
}

void Invalidate(const std::string& text, httplib::Response& res, const RegistrySnapshot& snapshot,
                absl::Time now) {
  const absl::optional<json> body = ParseObject(text, res, {"distribution", "paths"},
                                                R"({"distribution": "ID", "paths": ["/a"]})");
  if (!body) return;
  std::string id;
  std::vector<policy::InvalidationPath> parsed;
  if (absl::Status s = ReadInvalidation(JsonReader(*body, ""), &id, &parsed); !s.ok()) {
    return InvalidArgument(res, s);
  }
  const LiveDistribution* d = FindDistribution(snapshot, id, res);
  if (d == nullptr) return;
  for (const policy::InvalidationPath& path : parsed) d->Invalidate(path, now);
  WriteJson(res, 200, {{"distribution", d->id()}, {"paths", parsed.size()}});
}

}  // namespace

void MountAdminApi(httplib::Server& server, DistributionRegistry& registry,
                   AdminApiOptions options) {
  server.Get("/_edgesim/health", [](const httplib::Request&, httplib::Response& res) {
    WriteJson(res, 200, {{"status", "ok"}});
  });
  server.Get("/_edgesim/clock", [options](const httplib::Request&, httplib::Response& res) {
    const absl::Time now = options.clock->Now();
    WriteJson(res, 200,
              {{"time", Rfc3339(now)},
               {"unix_seconds", absl::ToUnixSeconds(now)},
               {"manual", options.manual_clock != nullptr}});
  });
  PostWithBody(
      server, "/_edgesim/clock/advance",
      [options](const httplib::Request&, const std::string& text, httplib::Response& res) {
        if (options.manual_clock == nullptr) {
          return Error(res, 409, "ClockNotManual", "the clock is real: start with --manual-clock");
        }
        const absl::optional<json> body = ParseObject(text, res, {"seconds"}, R"({"seconds": N})");
        if (!body) return;
        const absl::StatusOr<absl::Duration> by =
            ReadAdvance(JsonReader(*body, ""), options.manual_clock->Now());
        if (!by.ok()) return InvalidArgument(res, by.status());
        if (!options.manual_clock->Advance(*by)) {  // another advance came first
          return Error(res, 400, "InvalidArgument",
                       absl::StrCat("seconds: the clock stops at ", LatestTimeText()));
        }
        WriteJson(res, 200, {{"time", Rfc3339(options.manual_clock->Now())}});
      });
  PostWithBody(server, "/_edgesim/clock/set",
               [options](const httplib::Request&, const std::string& text, httplib::Response& res) {
                 if (options.manual_clock == nullptr) {
                   return Error(res, 409, "ClockNotManual",
                                "the clock is real: start with --manual-clock");
                 }
                 const absl::optional<json> body =
                     ParseObject(text, res, {"time", "unix_seconds", "manual"},
                                 R"({"time": "2026-01-01T00:00:00Z"} or {"unix_seconds": N})");
                 if (!body) return;
                 const absl::StatusOr<absl::Time> t = ReadTime(JsonReader(*body, ""));
                 if (!t.ok()) return InvalidArgument(res, t.status());
                 if (!options.manual_clock->Set(*t)) {
                   return Error(res, 400, "InvalidArgument",
                                absl::StrCat("time runs forward only: the clock is at ",
                                             Rfc3339(options.manual_clock->Now())));
                 }
                 WriteJson(res, 200, {{"time", Rfc3339(options.manual_clock->Now())}});
               });
  server.Get("/_edgesim/stats",
             [&registry, options](const httplib::Request&, httplib::Response& res) {
               WriteJson(res, 200, StatsJson(*registry.Snapshot(), options));
             });
  server.Get("/_edgesim/cache",
             [&registry, options](const httplib::Request& req, httplib::Response& res) {
               ListCache(req, res, *registry.Snapshot(), options.clock->Now());
             });
  PostWithBody(server, "/_edgesim/invalidate",
               [&registry, options](const httplib::Request&, const std::string& text,
                                    httplib::Response& res) {
                 Invalidate(text, res, *registry.Snapshot(), options.clock->Now());
               });
  if (options.control_plane != nullptr) {
    server.Get("/_edgesim/invalidations/bill",
               [options](const httplib::Request&, httplib::Response& res) {
                 WriteJson(res, 200, options.control_plane->InvalidationBill(options.clock->Now()));
               });
    server.Get("/_edgesim/state", [options](const httplib::Request&, httplib::Response& res) {
      WriteJson(res, 200, options.control_plane->CustomPolicies());
    });
    // SPEC 10: the origin access controls and identities the API holds.
    server.Get("/_edgesim/origin-access",
               [options](const httplib::Request&, httplib::Response& res) {
                 WriteJson(res, 200, options.control_plane->OriginAccessState());
               });
  }
  // Reset takes no body; one sent is read and ignored.
  auto reset = [&registry, options](const httplib::Request&, const std::string&,
                                    httplib::Response& res) {
    // First, so the caches emptied below are those of the distributions that remain.
    if (options.control_plane != nullptr) options.control_plane->Reset(options.clock->Now());
    for (const auto& d : registry.Snapshot()->distributions()) d->Reset();
    if (options.edge != nullptr) options.edge->ResetCounters();
    if (options.access_log != nullptr) options.access_log->ResetCounters();
    WriteJson(res, 200, {{"reset", true}});
  };
  PostWithBody(server, "/_edgesim/reset", reset);
  PostWithBody(server, "/moto-api/reset", reset);
}

void WriteAdminApiError(httplib::Response& res, int status, absl::string_view code,
                        absl::string_view message) {
  Error(res, status, code, message);
}

}  // namespace edgesim::emulator
