// request_event.h — what the live console (cli/console.h) shows of one answered viewer request:
// the facts the edge knows once the answer is written, and what `edgesim explain` needs to replay
// the model's decisions for it later (the viewer's request head, the origin's status and headers).
// The edge fills it at the same point as the access log record (access_log_record.h) and hands it
// to its RequestEventLog (request_event_log.h).
//
//   RequestEvent e;
//   FillRequestEvent(exchange, facts, e);
//   e.x_cache;   // "Hit from cloudfront"
#pragma once

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "emulator/access_log_record.h"
#include "emulator/viewer_exchange.h"
#include "policy/http_message.h"

namespace edgesim::emulator {

struct RequestEvent {
  uint64_t id = 0;  // assigned by RequestEventLog::Publish: 1, 2, ... in publication order
  absl::Time time;  // when it was answered (the serve clock)
  std::string distribution_id;
  std::string pop;
  policy::Request request;  // as the viewer sent it, without its body
  int status = 0;
  std::string x_cache;      // the X-Cache value sent, e.g. "Miss from cloudfront"
  std::string result_type;  // x-edge-detailed-result-type (SPEC 8.3)
  int behavior_index = -1;  // BehaviorTable index: -1 for the default behavior
  std::string object_path;  // what invalidations match; empty when no cache made the answer
  absl::Duration age = absl::ZeroDuration();
  bool contacted_origin = false;
  uint64_t bytes = 0;  // the answer's bytes written
  std::string request_id;
  // The stored object's (or, uncached, the answer's) status and headers: the origin's caching
  // headers, which the TTL derivation reads.
  int origin_status = 0;
  policy::Headers origin_headers;
};

// Overwrites every field of `e` but `id` (Publish's) by assignment, so an event the log handed
// back keeps its strings' and header lists' storage. REQUIRES: x.distribution != nullptr.
void FillRequestEvent(const ViewerExchange& x, const ConnectionFacts& facts, RequestEvent& e);

}  // namespace edgesim::emulator
