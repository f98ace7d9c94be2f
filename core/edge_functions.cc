#include "core/edge_functions.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "core/viewer_head.h"
#include "policy/outcome.h"
#include "policy/status_macros.h"

namespace edgesim::core {
namespace {

size_t EventSlot(policy::FunctionEventType event) {
  return event == policy::FunctionEventType::kViewerRequest ? 0 : 1;
}

absl::optional<policy::FunctionEventType> EventOf(
    const policy::FunctionAssociation& association) {
  for (policy::FunctionEventType event : {policy::FunctionEventType::kViewerRequest,
                                          policy::FunctionEventType::kViewerResponse}) {
    if (association.event_type == policy::FunctionEventTypeName(event)) return event;
  }
  return absl::nullopt;  // origin events are Lambda@Edge's; the control plane refuses them
}

// SPEC 15.1: viewer-response functions run on answers from the cache or the origin below 400,
// never on custom error pages nor on what CloudFront or a function generated.
bool RunsViewerResponse(const EdgeResult& answer) {
  const bool from_cache_or_origin = answer.outcome == policy::CacheOutcome::kHit ||
                                    answer.outcome == policy::CacheOutcome::kRefreshHit ||
                                    answer.outcome == policy::CacheOutcome::kMiss;
  return from_cache_or_origin && answer.viewer.status < 400 &&
         answer.error_page_replaced_status == 0;
}

}  // namespace

absl::StatusOr<EdgeFunctions> EdgeFunctions::Create(const policy::Distribution& distribution,
                                                    const policy::ModelOptions& model,
                                                    const FunctionRuntimeLimits& limits) {
  EDGESIM_ASSIGN_OR_RETURN(policy::BehaviorTable table,
                           policy::BehaviorTable::Build(distribution.config, model));
  const policy::DistributionConfig& config = distribution.config;
  std::vector<BehaviorFunctions> functions(config.behaviors.size() + 1);
  for (size_t i = 0; i < functions.size(); ++i) {
    const policy::CacheBehavior& behavior =
        i < config.behaviors.size() ? config.behaviors[i] : config.default_behavior;
    for (const policy::FunctionAssociation& association : behavior.function_associations) {
      const absl::optional<policy::FunctionEventType> event = EventOf(association);
      if (!event) continue;
      const absl::optional<policy::FunctionRuntime> runtime =
          policy::ParseFunctionRuntime(association.runtime);
      if (!runtime) {
        return absl::InvalidArgumentError(absl::StrCat("function ", association.name,
                                                       ": unknown runtime \"",
                                                       association.runtime, "\""));
      }
      functions[i][EventSlot(*event)] = CloudFrontFunctionCode{
          association.name, *runtime, association.code, association.key_value_store_id};
    }
  }
  return EdgeFunctions(distribution, std::move(table), std::move(functions), limits);
}

EdgeFunctions::EdgeFunctions(const policy::Distribution& distribution, policy::BehaviorTable table,
                             std::vector<BehaviorFunctions> functions,
                             const FunctionRuntimeLimits& limits)
    : distribution_id_(distribution.id),
      domain_name_(distribution.domain_name),
      table_(std::move(table)),
      functions_(std::move(functions)),
      limits_(limits) {
  // The edge reports no ComputeUtilization; not measuring it spares each run two system calls.
  limits_.measure_compute_utilization = false;
}

bool EdgeFunctions::Any(policy::FunctionEventType event) const {
  for (const BehaviorFunctions& f : functions_) {
    if (f[EventSlot(event)]) return true;
  }
  return false;
}

int EdgeFunctions::BehaviorFor(absl::string_view target) const {
  return table_.Match(target).index;
}

const absl::optional<CloudFrontFunctionCode>& EdgeFunctions::FunctionOf(
    int behavior_index, policy::FunctionEventType event) const {
  const size_t i = behavior_index < 0 || static_cast<size_t>(behavior_index) >= functions_.size()
                       ? functions_.size() - 1
                       : static_cast<size_t>(behavior_index);
  return functions_[i][EventSlot(event)];
}

policy::FunctionEventContext EdgeFunctions::Context(absl::string_view request_id) const {
  return {domain_name_, distribution_id_, std::string(request_id)};
}

absl::optional<ViewerRequestStep> EdgeFunctions::RunViewerRequest(
    int behavior_index, const policy::Request& viewer, absl::string_view request_id) const {
  const absl::optional<CloudFrontFunctionCode>& function =
      FunctionOf(behavior_index, policy::FunctionEventType::kViewerRequest);
  if (!function) return absl::nullopt;
  // The event goes straight into the engine's objects (no FunctionJson on the way in).
  const policy::FunctionEventContext context = Context(request_id);
  const FunctionRun run = RunCloudFrontFunction(
      *function,
      [&](policy::FunctionValueVisitor& v) { policy::VisitViewerRequestEvent(context, viewer, v); },
      limits_);
  if (!run.ok()) return ViewerRequestStep(run.failure());
  absl::StatusOr<policy::ViewerRequestResult> result =
      policy::ApplyViewerRequestResult(run.output, viewer);
  if (!result.ok()) return ViewerRequestStep(policy::FunctionFailure::kValidationError);
  if (auto* request = std::get_if<policy::Request>(&*result)) {
    return ViewerRequestStep(std::move(*request));
  }
  return ViewerRequestStep(std::get<policy::FunctionResponse>(*std::move(result)));
}

void EdgeFunctions::RunViewerResponse(const policy::Request& viewer, EdgeResult& answer) const {
  const absl::optional<CloudFrontFunctionCode>& function =
      FunctionOf(answer.behavior_index, policy::FunctionEventType::kViewerResponse);
  if (!function || !RunsViewerResponse(answer)) return;
  const policy::Response original{answer.viewer.status, HeadersOf(answer)};
  const policy::FunctionEventContext context = Context(answer.request_id.view());
  const FunctionRun run = RunCloudFrontFunction(
      *function,
      [&](policy::FunctionValueVisitor& v) {
        policy::VisitViewerResponseEvent(context, viewer, original, "", v);
      },
      limits_);
  if (!run.ok()) return ReplaceWithFunctionFailure(run.failure(), answer);
  absl::StatusOr<policy::FunctionResponse> changed =
      policy::ApplyViewerResponseResult(run.output, original, "");
  if (!changed.ok()) {
    return ReplaceWithFunctionFailure(policy::FunctionFailure::kValidationError, answer);
  }
  answer.viewer = std::move(changed->head);
  if (changed->body) {
    answer.body = MakeBody(*std::move(changed->body));
    answer.body_size = answer.body->size();
    answer.cut_length.reset();
  }
}

}  // namespace edgesim::core
