// console.h — the live console for learners on `edgesim serve`'s API port: a page (plain JS and
// SVG, cli/console/, embedded by console_files.h) and the two admin routes it is built on.
//
//   GET /_edgesim/console                  the page (console.html; its .css and .js under
//                                          /_edgesim/console/), with a CSP that lets it load
//                                          nothing but itself and talk to nothing but this port
//   GET /_edgesim/events                   server-sent events, one `event: request` per answered
//                                          viewer request (request_event_log.h): the last 1000
//                                          first, then live; `id:` is the event's, so a
//                                          reconnecting EventSource (Last-Event-ID, or
//                                          ?after=ID) resumes where it was. 503 when 8 streams
//                                          are open already.
//   GET /_edgesim/explain?event=ID         `edgesim explain` for a kept event: the same model
//                                          (explain.h) run on the request the viewer sent and
//                                          the origin's status and headers, at the event's time;
//                                          {"event", "explanation" (explain --json), "text"}
//
// Each event's data is a JSON object: id, time, distribution, pop, method, path (the target as
// sent), status, x_cache, result_type, behavior (path pattern), cache_key, object_path, age,
// ttl (seconds, null when not stored), ttl_reason, contacted_origin, bytes, request_id.
//
//   MountConsole(api, registry, events);
#pragma once

#include "emulator/distribution_registry.h"
#include "emulator/request_event_log.h"
#include "httplib.h"

namespace edgesim::cli {

// The page's path on the API port, for the start-up banner.
inline constexpr char kConsolePath[] = "/_edgesim/console";

// Everything referenced must outlive `server`'s use of the routes.
void MountConsole(httplib::Server& server, emulator::DistributionRegistry& registry,
                  emulator::RequestEventLog& events);

}  // namespace edgesim::cli
