// CloudFront Functions' control plane (API 1.11): functions named by their Name, each with a
// DEVELOPMENT stage and, once published, a LIVE one, each stage with its own ETag. Not a
// PolicyResource (policy_resource.h): a function is keyed by its Name, has stages, a raw-body Get
// and Publish; it shares the If-Match checks, the lookup and the pagination.
#include <algorithm>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "emulator/api_shape.h"
#include "emulator/control_plane.h"
#include "emulator/control_plane_state.h"

namespace edgesim::emulator {
namespace {

using nlohmann::json;

constexpr absl::string_view kDevelopment = "DEVELOPMENT";
constexpr absl::string_view kLive = "LIVE";

// `stage` as the API names it: "" is DEVELOPMENT (UNCONFIRMED, API 1.11).
absl::StatusOr<absl::string_view> StageOf(absl::string_view stage) {
  if (stage.empty() || stage == kDevelopment) return kDevelopment;
  if (stage == kLive) return kLive;
  return MakeApiError("InvalidArgument",
                      absl::StrCat("Stage \"", stage, "\" is not one of DEVELOPMENT, LIVE."));
}

std::string FunctionArn(const ControlPlaneState& s, absl::string_view name) {
  return absl::StrCat("arn:aws:cloudfront::", s.options.account_id, ":function/", name);
}

// The stage `stage` of `r`; NoSuchFunctionExists for LIVE before the first publish.
absl::StatusOr<const FunctionStage*> StageIn(const FunctionRecord& r, absl::string_view stage) {
  if (stage == kDevelopment) return &r.development;
  if (!r.live.has_value()) return FunctionRecord::NotFound();
  return &*r.live;
}

bool NamedByDistribution(const ControlPlaneState& s, absl::string_view arn) {
  for (const DistributionRecord& d : s.distributions) {
    for (const FunctionAssociationRef& a : FunctionAssociationsIn(d.config)) {
      if (a.function_arn == arn) return true;
    }
  }
  return false;
}

// FunctionSummary.Status (API 1.11): DEVELOPMENT is UNPUBLISHED while it differs from LIVE; a
// published one is ASSOCIATED when a distribution names it (UNCONFIRMED), else UNASSOCIATED.
std::string StatusOf(const ControlPlaneState& s, const FunctionRecord& r,
                     absl::string_view stage) {
  if (stage == kDevelopment &&
      (!r.live.has_value() || r.live->config != r.development.config ||
       r.live->code != r.development.code)) {
    return "UNPUBLISHED";
  }
  return NamedByDistribution(s, FunctionArn(s, r.id)) ? "ASSOCIATED" : "UNASSOCIATED";
}

json Summary(const ControlPlaneState& s, const FunctionRecord& r, absl::string_view stage,
             const FunctionStage& f) {
  return {{"Name", r.id},
          {"Status", StatusOf(s, r, stage)},
          {"FunctionConfig", f.config},
          {"FunctionMetadata",
           {{"FunctionARN", FunctionArn(s, r.id)},
            {"Stage", stage},
            {"CreatedTime", ApiTime(r.created)},
            {"LastModifiedTime", ApiTime(f.last_modified)}}}};
}

// The FunctionConfig checks (API 1.11): Comment, Runtime, at most one key value store, which
// must exist and needs cloudfront-js-2.0.
absl::Status CheckConfig(const ControlPlaneState& s, const json& config) {
  if (!config.is_object()) return MakeApiError("InvalidArgument", "FunctionConfig is required.");
  if (!config.value("Comment", json()).is_string()) {
    return MakeApiError("InvalidArgument", "FunctionConfig.Comment is required.");
  }
  const json runtime = config.value("Runtime", json());
  if (runtime != "cloudfront-js-1.0" && runtime != "cloudfront-js-2.0") {
    return MakeApiError("InvalidArgument",
                        "FunctionConfig.Runtime must be cloudfront-js-1.0 or cloudfront-js-2.0.");
  }
  EDGESIM_RETURN_IF_ERROR(CheckQuantities(config, "FunctionConfig"));
  const json stores = config.value("KeyValueStoreAssociations", json::object());
  const json items = stores.value("Items", json::array());
  if (items.empty()) return absl::OkStatus();
  if (items.size() > 1) {
    return MakeApiError("InvalidArgument",
                        "A function can be associated with at most one key value store.");
  }
  if (runtime != "cloudfront-js-2.0") {
    return MakeApiError("InvalidArgument",
                        "Key value stores need the cloudfront-js-2.0 runtime.");
  }
  const json arn = items[0].value("KeyValueStoreARN", json());
  for (const KeyValueStoreRecord& k : s.key_value_stores) {
    if (arn == KeyValueStoreArn(s, k)) return absl::OkStatus();
  }
  return MakeApiError("InvalidArgument",
                      absl::StrCat("The key value store ", arn.is_string() ? arn.get<std::string>()
                                                                            : std::string("?"),
                                   " does not exist."));
}

// The request's FunctionConfig and decoded FunctionCode as a DEVELOPMENT stage.
absl::StatusOr<FunctionStage> LoadStage(ControlPlaneState& s, const json& request,
                                        absl::string_view old_etag, absl::Time now) {
  const json config = request.value("FunctionConfig", json());
  EDGESIM_RETURN_IF_ERROR(CheckConfig(s, config));
  const json code = request.value("FunctionCode", json());
  std::string decoded;
  if (!code.is_string() || !absl::Base64Unescape(code.get<std::string>(), &decoded) ||
      decoded.empty()) {
    return MakeApiError("InvalidArgument", "FunctionCode must be non-empty base64 data.");
  }
  if (decoded.size() > s.options.function_code_max_bytes) {
    return MakeApiError("FunctionSizeLimitExceeded",
                        absl::StrCat("The function code is ", decoded.size(),
                                     " bytes; the most is ", s.options.function_code_max_bytes,
                                     "."));
  }
  return FunctionStage{config, std::move(decoded), s.NewETag(old_etag), now};
}

absl::Status InvalidAssociation(absl::string_view why) {
  return MakeApiError("InvalidFunctionAssociation",
                      absl::StrCat("A CloudFront function association is invalid: ", why));
}

// Redeploys every deployed distribution naming `arn` so it carries the function's new LIVE code;
// all or nothing. Their ETags change (API 1.11).
absl::Status RedeployNaming(ControlPlaneState& s, absl::string_view arn, absl::Time now) {
  std::vector<std::pair<DistributionRecord*, std::shared_ptr<LiveDistribution>>> next;
  for (DistributionRecord& d : s.distributions) {
    const std::vector<FunctionAssociationRef> refs = FunctionAssociationsIn(d.config);
    if (d.live == nullptr || std::none_of(refs.begin(), refs.end(), [&](const auto& a) {
          return a.function_arn == arn;
        })) {
      continue;
    }
    EDGESIM_ASSIGN_OR_RETURN(policy::Distribution loaded,
                             s.LoadConfig(d, d.config, s.Resources()));
    EDGESIM_ASSIGN_OR_RETURN(std::shared_ptr<LiveDistribution> live,
                             s.Build(std::move(loaded), d.live.get()));
    next.emplace_back(&d, std::move(live));
  }
  for (auto& [d, live] : next) {
    EDGESIM_RETURN_IF_ERROR(s.Publish(d->id, d->live, live));
    d->live = std::move(live);
    d->etag = s.NewETag(d->etag);
    d->last_modified = now;
  }
  return absl::OkStatus();
}

// A changed function: If-Match present, the function, If-Match DEVELOPMENT's ETag (API 1.7).
absl::StatusOr<FunctionRecord*> ChangeableFunction(ControlPlaneState& s, absl::string_view name,
                                           absl::string_view if_match) {
  EDGESIM_RETURN_IF_ERROR(CheckIfMatchPresent(if_match));
  EDGESIM_ASSIGN_OR_RETURN(FunctionRecord * r, s.Lookup(s.functions, name));
  EDGESIM_RETURN_IF_ERROR(CheckIfMatch(if_match, r->development.etag));
  return r;
}

// The Id of the key value store a FunctionConfig associates (the last part of its ARN, as
// KeyValueStoreArn writes it), "" for none.
std::string AssociatedKeyValueStoreId(const json& function_config) {
  const json items =
      function_config.value("KeyValueStoreAssociations", json::object()).value("Items", json::array());
  if (items.empty()) return "";
  const std::string arn = items[0].value("KeyValueStoreARN", "");
  const size_t slash = arn.rfind('/');
  return slash == std::string::npos ? "" : arn.substr(slash + 1);
}

}  // namespace

absl::Status CheckEntityName(absl::string_view name, absl::string_view noun) {
  const bool ok = !name.empty() && name.size() <= 64 &&
                  std::all_of(name.begin(), name.end(), [](char c) {
                    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
                           c == '_';
                  });
  if (ok) return absl::OkStatus();
  return MakeApiError("InvalidArgument",
                      absl::StrCat("The ", noun, " name \"", name,
                                   "\" is not 1 to 64 of a-z, A-Z, 0-9, - and _."));
}

std::vector<FunctionAssociationRef> FunctionAssociationsIn(const json& distribution_config) {
  std::vector<FunctionAssociationRef> refs;
  auto add = [&refs](const json& behavior, int index) {
    if (!behavior.is_object()) return;
    const json items = behavior.value("FunctionAssociations", json::object())
                           .value("Items", json::array());
    for (const json& item : items) {
      if (!item.is_object()) continue;
      refs.push_back({index, item.value("EventType", ""), item.value("FunctionARN", "")});
    }
  };
  if (!distribution_config.is_object()) return refs;
  add(distribution_config.value("DefaultCacheBehavior", json()), -1);
  const json behaviors =
      distribution_config.value("CacheBehaviors", json::object()).value("Items", json::array());
  for (size_t i = 0; i < behaviors.size(); ++i) add(behaviors[i], static_cast<int>(i));
  return refs;
}

absl::Status AttachFunctions(const ControlPlaneState& s, const json& config,
                             policy::DistributionConfig& d) {
  for (const FunctionAssociationRef& a : FunctionAssociationsIn(config)) {
    if (a.event_type != "viewer-request" && a.event_type != "viewer-response") {
      // What CloudFront was observed to answer (API 1.11).
      return MakeApiError("MalformedXML",
                          absl::StrCat("Value '", a.event_type,
                                       "' at 'functionAssociations.member.eventType' failed to "
                                       "satisfy constraint: Member must satisfy enum value set: "
                                       "[viewer-request, viewer-response]"));
    }
    if (a.behavior >= static_cast<int>(d.behaviors.size())) continue;  // policy's loader said
    policy::CacheBehavior& b = a.behavior < 0 ? d.default_behavior : d.behaviors[a.behavior];
    const FunctionRecord* f = nullptr;
    for (const FunctionRecord& r : s.functions) {
      if (FunctionArn(s, r.id) == a.function_arn) f = &r;
    }
    if (f == nullptr || !f->live.has_value()) {
      return InvalidAssociation(absl::StrCat(
          a.function_arn, " is not the ARN of a function published to the LIVE stage."));
    }
    for (const policy::FunctionAssociation& other : b.function_associations) {
      if (other.event_type == a.event_type) {
        return InvalidAssociation(absl::StrCat("a cache behavior can have one function per event "
                                               "type; ",
                                               a.event_type, " has two."));
      }
    }
    b.function_associations.push_back({a.event_type, a.function_arn, f->id,
                                       f->live->config.value("Runtime", ""), f->live->code,
                                       AssociatedKeyValueStoreId(f->live->config)});
  }
  return absl::OkStatus();
}

absl::StatusOr<Versioned> ControlPlane::CreateFunction(const json& request, absl::Time now) {
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  const std::string name = request.value("Name", "");
  EDGESIM_RETURN_IF_ERROR(CheckEntityName(name, "function"));
  if (s.Find(s.functions, name) != nullptr) {
    return MakeApiError("FunctionAlreadyExists",
                        absl::StrCat("A function with the name \"", name, "\" already exists."));
  }
  if (s.functions.size() >= s.options.max_functions) {
    return MakeApiError("TooManyFunctions", absl::StrCat("An account can have at most ",
                                                         s.options.max_functions, " functions."));
  }
  EDGESIM_ASSIGN_OR_RETURN(FunctionStage development, LoadStage(s, request, "", now));
  s.functions.push_back(FunctionRecord{name, now, std::move(development), absl::nullopt});
  const FunctionRecord& r = s.functions.back();
  return Versioned{Summary(s, r, kDevelopment, r.development), r.development.etag};
}

absl::StatusOr<Versioned> ControlPlane::DescribeFunction(absl::string_view name,
                                                         absl::string_view stage) const {
  ControlPlaneState& s = *state_;
  EDGESIM_ASSIGN_OR_RETURN(const absl::string_view which, StageOf(stage));
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(const FunctionRecord* r, s.Lookup(s.functions, name));
  EDGESIM_ASSIGN_OR_RETURN(const FunctionStage* f, StageIn(*r, which));
  return Versioned{Summary(s, *r, which, *f), f->etag};
}

absl::StatusOr<FunctionCode> ControlPlane::GetFunction(absl::string_view name,
                                                       absl::string_view stage) const {
  ControlPlaneState& s = *state_;
  EDGESIM_ASSIGN_OR_RETURN(const absl::string_view which, StageOf(stage));
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(const FunctionRecord* r, s.Lookup(s.functions, name));
  EDGESIM_ASSIGN_OR_RETURN(const FunctionStage* f, StageIn(*r, which));
  return FunctionCode{f->code, f->etag};
}

absl::StatusOr<Versioned> ControlPlane::UpdateFunction(absl::string_view name,
                                                       const json& request,
                                                       absl::string_view if_match,
                                                       absl::Time now) {
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(FunctionRecord * r, ChangeableFunction(s, name, if_match));
  EDGESIM_ASSIGN_OR_RETURN(r->development, LoadStage(s, request, r->development.etag, now));
  return Versioned{Summary(s, *r, kDevelopment, r->development), r->development.etag};
}

absl::StatusOr<Versioned> ControlPlane::PublishFunction(absl::string_view name,
                                                        absl::string_view if_match,
                                                        absl::Time now) {
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(FunctionRecord * r, ChangeableFunction(s, name, if_match));
  FunctionStage live = r->development;
  live.etag = s.NewETag(r->live.has_value() ? r->live->etag : r->development.etag);
  live.last_modified = now;
  absl::optional<FunctionStage> previous = std::exchange(r->live, std::move(live));
  if (absl::Status redeployed = RedeployNaming(s, FunctionArn(s, r->id), now); !redeployed.ok()) {
    r->live = std::move(previous);
    return redeployed;
  }
  return Versioned{Summary(s, *r, kLive, *r->live), r->live->etag};
}

absl::Status ControlPlane::DeleteFunction(absl::string_view name, absl::string_view if_match) {
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(FunctionRecord * r, ChangeableFunction(s, name, if_match));
  const std::string arn = FunctionArn(s, r->id);
  for (const DistributionRecord& d : s.distributions) {
    for (const FunctionAssociationRef& a : FunctionAssociationsIn(d.config)) {
      if (a.function_arn != arn) continue;
      return MakeApiError("FunctionInUse",
                          absl::StrCat("Cannot delete this function because it is associated "
                                       "with one or more cache behaviors (distribution ",
                                       d.id, ")."));
    }
  }
  s.functions.erase(s.functions.begin() + (r - s.functions.data()));
  return absl::OkStatus();
}

absl::StatusOr<json> ControlPlane::ListFunctions(absl::string_view stage,
                                                 absl::string_view marker, int max_items) const {
  ControlPlaneState& s = *state_;
  EDGESIM_ASSIGN_OR_RETURN(const absl::string_view which, StageOf(stage));
  std::lock_guard<std::mutex> lock(s.mu);
  std::vector<const FunctionRecord*> listed;
  std::vector<std::string> names;
  for (const FunctionRecord& r : s.functions) {
    if (which == kLive && !r.live.has_value()) continue;
    listed.push_back(&r);
    names.push_back(r.id);
  }
  EDGESIM_ASSIGN_OR_RETURN(const ListPage page, Paginate(names, marker, max_items));
  json items = json::array();
  for (size_t i = page.begin; i < page.end; ++i) {
    const FunctionRecord& r = *listed[i];
    items.push_back(Summary(s, r, which, which == kLive ? *r.live : r.development));
  }
  return page.ToJson(std::move(items));
}

absl::StatusOr<json> ControlPlane::TestFunction(absl::string_view name, const json& request,
                                                absl::string_view if_match) const {
  ControlPlaneState& s = *state_;
  EDGESIM_RETURN_IF_ERROR(CheckIfMatchPresent(if_match));
  EDGESIM_ASSIGN_OR_RETURN(const absl::string_view which,
                           StageOf(request.value("Stage", std::string())));
  std::string event;
  if (!absl::Base64Unescape(request.value("EventObject", std::string()), &event)) {
    return MakeApiError("InvalidArgument", "EventObject must be base64 data.");
  }
  json summary;
  FunctionUnderTest function;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    EDGESIM_ASSIGN_OR_RETURN(const FunctionRecord* r, s.Lookup(s.functions, name));
    EDGESIM_ASSIGN_OR_RETURN(const FunctionStage* f, StageIn(*r, which));
    EDGESIM_RETURN_IF_ERROR(CheckIfMatch(if_match, f->etag));
    summary = Summary(s, *r, which, *f);
    function.runtime = f->config.value("Runtime", "");
    function.code = f->code;
    function.key_value_store_id = AssociatedKeyValueStoreId(f->config);
  }
  if (s.options.function_runner == nullptr) {
    return MakeApiError("UnsupportedOperation",
                        "edgesim cannot run CloudFront functions yet: no JavaScript runtime is "
                        "built in, so TestFunction has no result to give.");
  }
  // Outside the lock: a run takes as long as the runtime lets it.
  const std::unique_ptr<core::KeyValueLookup> stores = KeyValueLookupView();
  function.key_values = stores.get();
  absl::StatusOr<FunctionTestResult> result = s.options.function_runner->Test(function, event);
  if (!result.ok()) return MakeApiError("TestFunctionFailed", result.status().message());
  return json{{"FunctionSummary", std::move(summary)},
              {"ComputeUtilization", result->compute_utilization},
              {"FunctionExecutionLogs", result->execution_logs},
              {"FunctionErrorMessage", result->error_message},
              {"FunctionOutput", result->output}};
}

}  // namespace edgesim::emulator
