#include "cli/console.h"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "cli/console_files.h"
#include "cli/explain.h"
#include "emulator/admin_api.h"
#include "nlohmann/json.hpp"

namespace edgesim::cli {
namespace {

using emulator::RequestEvent;
using emulator::RequestEventLog;
using nlohmann::json;

// The page loads its own files and talks to this port only; nothing inline runs.
constexpr char kConsolePolicy[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

// How long an idle stream waits before a comment line: a closed tab frees its stream by then.
constexpr absl::Duration kConsoleHeartbeat = absl::Seconds(2);

absl::string_view ContentTypeOf(absl::string_view name) {
  if (absl::EndsWith(name, ".html")) return "text/html; charset=utf-8";
  if (absl::EndsWith(name, ".css")) return "text/css; charset=utf-8";
  return "text/javascript; charset=utf-8";
}

void ServeConsoleFile(absl::string_view name, httplib::Response& res) {
  const EmbeddedFile* file = FindConsoleFile(name);
  if (file == nullptr) {
    return emulator::WriteAdminApiError(res, 404, "NotFound",
                                        absl::StrCat("no console file ", name));
  }
  res.set_header("Content-Security-Policy", kConsolePolicy);
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("Cache-Control", "no-cache");
  res.set_content(std::string(file->bytes), std::string(ContentTypeOf(name)));
}

// The model's explanation of `e`, run on today's configuration of its distribution.
absl::StatusOr<Explanation> ExplainEvent(const RequestEvent& e,
                                         const emulator::RegistrySnapshot& snapshot,
                                         const policy::Distribution** distribution) {
  const emulator::LiveDistribution* d = snapshot.Find(e.distribution_id);
  if (d == nullptr) {
    return absl::NotFoundError(absl::StrCat("distribution ", e.distribution_id, " is gone"));
  }
  *distribution = &d->distribution();
  ExplainInput in;
  in.request = e.request;
  in.origin_status = e.origin_status;
  in.origin_headers = e.origin_headers;
  in.now = e.time;
  return Explain(d->distribution(), in);
}

json EventJson(const RequestEvent& e, const emulator::RegistrySnapshot& snapshot) {
  json j = {{"id", e.id},
            {"time", absl::FormatTime(absl::RFC3339_sec, e.time, absl::UTCTimeZone())},
            {"distribution", e.distribution_id},
            {"pop", e.pop},
            {"method", e.request.method},
            {"path", e.request.target},
            {"status", e.status},
            {"x_cache", e.x_cache},
            {"result_type", e.result_type},
            {"object_path", e.object_path},
            {"age", absl::ToInt64Seconds(e.age)},
            {"contacted_origin", e.contacted_origin},
            {"bytes", e.bytes},
            {"request_id", e.request_id}};
  const policy::Distribution* distribution = nullptr;
  const absl::StatusOr<Explanation> x = ExplainEvent(e, snapshot, &distribution);
  if (x.ok()) {
    j["behavior"] = x->behavior_index < 0 ? "*" : x->behavior.path_pattern;
    j["cache_key"] = x->key.ToDisplayString();
    j["ttl"] = x->ttl.store ? json(absl::ToInt64Seconds(x->ttl.fresh_for)) : json(nullptr);
    j["ttl_reason"] = x->ttl.reason;
  } else {
    j["behavior"] = nullptr;
    j["explain_error"] = std::string(x.status().message());
  }
  return j;
}

// Where a stream starts: after Last-Event-ID (an EventSource reconnecting) or ?after=ID.
uint64_t StreamStart(const httplib::Request& req) {
  uint64_t after = 0;
  const std::string text = req.has_header("Last-Event-ID") ? req.get_header_value("Last-Event-ID")
                                                           : req.get_param_value("after");
  return absl::SimpleAtoi(text, &after) ? after : 0;
}

void StreamEvents(const httplib::Request& req, httplib::Response& res,
                  emulator::DistributionRegistry& registry, RequestEventLog& events) {
  absl::StatusOr<std::unique_ptr<RequestEventLog::Subscription>> subscribed =
      events.Subscribe(StreamStart(req));
  if (!subscribed.ok()) {
    res.set_header("Retry-After", "5");
    return emulator::WriteAdminApiError(
        res, 503, absl::IsResourceExhausted(subscribed.status()) ? "TooManyStreams" : "Unavailable",
        subscribed.status().message());
  }
  std::shared_ptr<RequestEventLog::Subscription> subscription = *std::move(subscribed);
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_chunked_content_provider(
      "text/event-stream", [subscription, &registry](size_t, httplib::DataSink& sink) {
        RequestEventLog::Batch batch = subscription->Next(kConsoleHeartbeat);
        std::string out = batch.events.empty() ? ": idle\n\n" : "";
        const std::shared_ptr<const emulator::RegistrySnapshot> snapshot = registry.Snapshot();
        for (const RequestEventLog::EventRef& e : batch.events) {
          absl::StrAppend(&out, "id: ", e->id,
                          "\nevent: request\ndata: ", EventJson(*e, *snapshot).dump(), "\n\n");
        }
        if (!sink.write(out.data(), out.size())) return false;  // the client went away
        if (batch.ended) sink.done();
        return true;
      });
}

void ExplainKeptEvent(const httplib::Request& req, httplib::Response& res,
                      const emulator::DistributionRegistry& registry,
                      const RequestEventLog& events) {
  uint64_t id = 0;
  if (!absl::SimpleAtoi(req.get_param_value("event"), &id)) {
    return emulator::WriteAdminApiError(res, 400, "InvalidArgument",
                                        "expected ?event=ID (an event's id)");
  }
  const RequestEventLog::EventRef e = events.Find(id);
  if (e == nullptr) {
    return emulator::WriteAdminApiError(
        res, 404, "NoSuchEvent", absl::StrCat("no event ", id, ": only the last events are kept"));
  }
  const std::shared_ptr<const emulator::RegistrySnapshot> snapshot = registry.Snapshot();
  const policy::Distribution* distribution = nullptr;
  const absl::StatusOr<Explanation> x = ExplainEvent(*e, *snapshot, &distribution);
  if (!x.ok()) {
    return emulator::WriteAdminApiError(res, 404, "NoSuchDistribution", x.status().message());
  }
  const json body = {{"event", EventJson(*e, *snapshot)},
                     {"explanation", RenderExplanationJson(*x)},
                     {"text", RenderExplanationText(*x, *distribution)}};
  res.set_content(body.dump(2) + "\n", "application/json");
}

}  // namespace

void MountConsole(httplib::Server& server, emulator::DistributionRegistry& registry,
                  RequestEventLog& events) {
  server.Get(kConsolePath, [](const httplib::Request&, httplib::Response& res) {
    ServeConsoleFile("console.html", res);
  });
  server.Get(R"(/_edgesim/console/([a-z]+\.(?:css|js)))",
             [](const httplib::Request& req, httplib::Response& res) {
               ServeConsoleFile(req.matches[1].str(), res);
             });
  server.Get("/_edgesim/events",
             [&registry, &events](const httplib::Request& req, httplib::Response& res) {
               StreamEvents(req, res, registry, events);
             });
  server.Get("/_edgesim/explain",
             [&registry, &events](const httplib::Request& req, httplib::Response& res) {
               ExplainKeptEvent(req, res, registry, events);
             });
}

}  // namespace edgesim::cli
