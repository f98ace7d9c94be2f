// The edge's viewer side, socket aside: raw bytes as a keep-alive connection delivers them, read
// by Boost.Beast's request parser with the edge's limits (emulator/edge_server.cc), each request
// then answered by emulator/viewer_exchange.h against the demo distribution (cli/
// demo_distribution.h) behind the in-process demo origin. Misses run the second phase too, so
// later requests of one input can hit what earlier ones stored; the caches are emptied after each
// input, so every run is reproducible. Invariants: the edge never crashes and always answers with
// a valid status.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>

#include "absl/time/time.h"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "cli/demo_distribution.h"
#include "core/clock.h"
#include "emulator/demo_origin.h"
#include "emulator/distribution_registry.h"
#include "emulator/edge_server.h"
#include "emulator/viewer_exchange.h"
#include "policy/request_target.h"

namespace {

namespace http = boost::beast::http;
using edgesim::emulator::ViewerExchange;

// Pipelined requests read from one input, at most: enough for a store and a hit or two.
constexpr int kMaxRequestsPerInput = 8;

struct Edge {
  edgesim::emulator::DistributionRegistry registry;
  std::shared_ptr<const edgesim::emulator::RegistrySnapshot> snapshot;

  Edge() {
    absl::StatusOr<edgesim::policy::Distribution> demo = edgesim::cli::LoadDemoDistribution();
    if (!demo.ok()) abort();
    auto live = edgesim::emulator::LiveDistribution::Create(
        *std::move(demo), {.pops = {"IAD89-C1", "FRA56-P1"}, .regional = true},
        std::make_unique<edgesim::emulator::DemoOrigin>());
    if (!live.ok() || !registry.Add(*live).ok()) abort();
    snapshot = registry.Snapshot();
  }
};

// One request off the front of `bytes`, as http::async_read would take it; false when the edge
// would close the connection or refuse the request (400, 413) instead of routing it.
bool ReadOne(boost::asio::const_buffer& bytes, http::request<http::string_body>& out) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(edgesim::emulator::kMaxViewerHeaderBytes);
  parser.body_limit(edgesim::emulator::EdgeServerOptions{}.max_request_body_bytes);
  boost::beast::error_code ec;
  while (!parser.is_done()) {
    const size_t used = parser.put(bytes, ec);
    bytes += used;
    if (ec == http::error::need_more || (!ec && used == 0)) {
      ec = {};
      if (used > 0 && bytes.size() > 0) continue;
      parser.put_eof(ec);  // the viewer sends nothing more
      if (!ec && !parser.is_done()) return false;
    }
    if (ec) return false;
  }
  out = parser.release();
  return out.target().size() <= edgesim::emulator::kMaxViewerUrlBytes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Edge* const edge = new Edge();
  const absl::Time start = absl::FromUnixSeconds(1'700'000'000);
  boost::asio::const_buffer bytes(data, size);
  http::request<http::string_body> parsed;
  for (int n = 0; n < kMaxRequestsPerInput && bytes.size() > 0 && ReadOne(bytes, parsed); ++n) {
    const absl::Time now = start + absl::Seconds(n);
    ViewerExchange x;
    edgesim::emulator::ReadViewerRequest(parsed, x.request);
    if (!edgesim::policy::ToOriginForm(x.request).ok()) continue;  // the edge's 400
    x.id = edgesim::policy::MakeRequestId(1, n);
    if (!edgesim::emulator::AnswerFromCache(x, edge->snapshot, now)) {
      edgesim::emulator::AnswerUpstream(x, now);
    }
    edgesim::core::ManualClock clock(now);
    if (std::function<void()> refresh = edgesim::emulator::TakeRefreshJob(x, &clock)) {
      refresh();  // a worker would run it later; here, before the next request
    }
    const int status = x.answer.viewer.status;
    if (status < 100 || status > 599) abort();
    if (x.answer.body && x.answer.body->size() != x.answer.body_size) abort();
  }
  for (const auto& live : edge->snapshot->distributions()) live->Reset();
  return 0;
}
