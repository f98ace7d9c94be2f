// The CloudFront API's request bodies (emulator/xml_codec.h), decoded as every operation that
// takes one would decode them; a decoded document, encoded, must decode to what encodes the same.
// A decoded DistributionConfig then goes through what Create/UpdateDistribution do with it
// (ControlPlaneState::LoadConfig: Quantity checks, emulator/distribution_config_shape.h, policy's
// loader), a CachePolicyConfig through Create/UpdateCachePolicy's checks and loader, Tags through
// ParseTags. Errors must come back as Status; nothing may throw.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "emulator/api_shape.h"
#include "emulator/cloudfront_shapes.h"
#include "emulator/control_plane.h"
#include "emulator/control_plane_state.h"
#include "emulator/distribution_registry.h"
#include "emulator/xml_codec.h"
#include "policy/distribution_json_reader.h"

namespace {

using nlohmann::json;
namespace emulator = edgesim::emulator;

// What the control plane does next with a decoded payload of shape `shape`.
void UseDecoded(const emulator::ControlPlaneState& state, absl::string_view shape,
                const json& payload) {
  if (shape == "DistributionConfig" || shape == "DistributionConfigWithTags") {
    const json& config =
        shape == "DistributionConfig" ? payload : payload.value("DistributionConfig", json());
    emulator::DistributionRecord record;
    record.id = "EDFDVBD6EXAMPLE";
    record.domain_name = "d111111abcdef8.cloudfront.net";
    state.LoadConfig(record, config, state.Resources()).status().IgnoreError();
  } else if (shape == "CachePolicyConfig") {
    if (emulator::CheckQuantities(payload, "CachePolicyConfig").ok()) {
      edgesim::policy::LoadCachePolicyConfigJson(emulator::Dump(payload)).status().IgnoreError();
    }
  } else if (shape == "Tags") {
    emulator::ParseTags(payload).status().IgnoreError();
  }
}

struct Payload {
  std::string shape, root;
  bool operator==(const Payload&) const = default;
};

// Every operation's input payload, each once (Create and Update share theirs).
std::vector<Payload> Payloads() {
  std::vector<Payload> payloads;
  for (const auto& [name, op] : emulator::CloudFrontShapes::Get().operations()) {
    const Payload p{op.input, op.input_root};
    if (!p.shape.empty() && std::find(payloads.begin(), payloads.end(), p) == payloads.end()) {
      payloads.push_back(p);
    }
  }
  return payloads;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static emulator::DistributionRegistry* const registry = new emulator::DistributionRegistry();
  static const emulator::ControlPlaneState* const state = new emulator::ControlPlaneState(
      *registry, [](edgesim::policy::Distribution) { return nullptr; }, {});
  static const std::vector<Payload>* const payloads = new std::vector<Payload>(Payloads());
  const absl::string_view body(reinterpret_cast<const char*>(data), size);
  for (const Payload& p : *payloads) {
    absl::StatusOr<json> decoded = emulator::DecodeXml(body, p.shape, p.root);
    if (!decoded.ok()) continue;
    // Encoding drops empty lists and nulls (as CloudFront's answers do), so what comes back
    // may have fewer members; written again, it must be the same document.
    const std::string encoded = emulator::EncodeXml(*decoded, p.shape, p.root);
    absl::StatusOr<json> again = emulator::DecodeXml(encoded, p.shape, p.root);
    if (!again.ok() || emulator::EncodeXml(*again, p.shape, p.root) != encoded) abort();
    UseDecoded(*state, p.shape, *decoded);
  }
  return 0;
}
