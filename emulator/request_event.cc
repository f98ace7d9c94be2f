#include "emulator/request_event.h"

#include "policy/outcome.h"

namespace edgesim::emulator {

RequestEvent RequestEventFor(const ViewerExchange& x, const ConnectionFacts& facts) {
  const core::EdgeResult& a = x.answer;
  RequestEvent e;
  e.time = facts.time;
  e.distribution_id = x.distribution->id();
  e.pop = x.distribution->pops()[x.pop];
  e.request = x.request;
  e.request.body = nullptr;  // bounded by the viewer's limit, but the console never shows it
  e.status = a.viewer.status;
  e.x_cache = std::string(policy::XCacheValue(a.outcome));
  e.result_type =
      facts.hung_up
          ? "ClientCommError"
          : std::string(policy::DetailedResultType(a.outcome, a.error_detail, a.origin_shield_hit));
  e.behavior_index = a.behavior_index;
  e.object_path = a.object_path;
  e.age = a.age;
  e.contacted_origin = a.contacted_origin;
  e.bytes = facts.sc_bytes;
  e.request_id = std::string(x.id.view());
  const policy::Response& origin = a.stored != nullptr ? a.stored->head : a.viewer;
  e.origin_status = origin.status;
  e.origin_headers = origin.headers;
  return e;
}

}  // namespace edgesim::emulator
