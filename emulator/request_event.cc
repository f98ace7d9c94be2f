#include "emulator/request_event.h"

#include "policy/outcome.h"

namespace edgesim::emulator {

void FillRequestEvent(const ViewerExchange& x, const ConnectionFacts& facts, RequestEvent& e) {
  const core::EdgeResult& a = x.answer;
  e.time = facts.time;
  e.distribution_id = x.distribution->id();
  e.pop = x.distribution->pops()[x.pop];
  e.request = x.request;
  e.request.body = nullptr;  // bounded by the viewer's limit, but the console never shows it
  e.status = a.viewer.status;
  const absl::string_view x_cache = policy::XCacheValue(a.outcome);
  e.x_cache.assign(x_cache.data(), x_cache.size());
  const absl::string_view result_type =
      facts.hung_up ? absl::string_view("ClientCommError")
                    : policy::DetailedResultType(a.outcome, a.error_detail, a.origin_shield_hit);
  e.result_type.assign(result_type.data(), result_type.size());
  e.behavior_index = a.behavior_index;
  e.object_path = a.object_path;
  e.age = a.age;
  e.contacted_origin = a.contacted_origin;
  e.bytes = facts.sc_bytes;
  const absl::string_view request_id = x.id.view();
  e.request_id.assign(request_id.data(), request_id.size());
  const policy::Response& origin = a.stored != nullptr ? a.stored->head.whole() : a.viewer;
  e.origin_status = origin.status;
  e.origin_headers = origin.headers;
}

}  // namespace edgesim::emulator
