#include "emulator/control_plane.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <mutex>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "emulator/api_error.h"
#include "emulator/api_shape.h"
#include "emulator/distribution_config_shape.h"
#include "emulator/resource_ids.h"
#include "policy/cache_policy.h"
#include "policy/distribution_json.h"
#include "policy/invalidation.h"
#include "policy/status_macros.h"

namespace edgesim::emulator {
namespace {

using nlohmann::json;
using Tags = std::vector<std::pair<std::string, std::string>>;

constexpr size_t kMaxTagKeyLength = 128;
constexpr size_t kMaxTagValueLength = 256;

struct InvalidationRecord {
  std::string id;
  uint64_t order = 0;  // creation order, for ties of CreateTime
  absl::Time create_time;
  absl::Time complete_time;  // Completed from here on
  std::string caller_reference;
  std::vector<std::string> paths;
  int file_paths = 0;
  int wildcards = 0;

  bool InProgress(absl::Time now) const { return now < complete_time; }
};

struct DistributionRecord {
  std::string id;
  std::string domain_name;
  std::string etag;
  json config;  // as the caller sent it, with defaults filled in
  std::vector<std::string> aliases;
  absl::Time last_modified;
  std::shared_ptr<LiveDistribution> live;         // what the registry serves; null while disabled
  std::vector<InvalidationRecord> invalidations;  // creation order
  Tags tags;
};

struct CachePolicyRecord {
  std::string id;
  std::string etag;
  json config;
  policy::CachePolicy policy;
  absl::Time last_modified;
  bool managed = false;
};

absl::Status NoSuchDistribution() {
  return MakeApiError("NoSuchDistribution", "The specified distribution does not exist.");
}

absl::Status NoSuchCachePolicy() {
  return MakeApiError("NoSuchCachePolicy", "The cache policy does not exist.");
}

// Update and Delete's If-Match rules (API 1.7).
absl::Status CheckIfMatch(absl::string_view if_match, absl::string_view etag) {
  if (if_match.empty()) {
    return MakeApiError("InvalidIfMatchVersion",
                        "The If-Match version is missing or not valid for the resource.");
  }
  if (if_match != etag) {
    return MakeApiError("PreconditionFailed", absl::StrCat("The If-Match version ", if_match,
                                                           " is not the resource's current ETag."));
  }
  return absl::OkStatus();
}

// Never throws: strings that are not UTF-8 are replaced, not refused.
std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// A problem policy's loaders report (every line of it) as InvalidArgument.
absl::Status AsInvalidArgument(const absl::Status& status) {
  return MakeApiError("InvalidArgument", status.message());
}

bool SameHost(absl::string_view a, absl::string_view b) { return absl::EqualsIgnoreCase(a, b); }

// Tags {"Items": [{"Key", "Value"}]}, in order; InvalidArgument for anything else.
absl::StatusOr<Tags> ParseTags(const json& tags) {
  Tags out;
  const auto invalid = [](absl::string_view why) {
    return MakeApiError("InvalidArgument", absl::StrCat("Tags: ", why));
  };
  if (!tags.is_object()) return invalid("expected an object");
  const auto items = tags.find("Items");
  if (items == tags.end() || items->is_null()) return out;
  if (!items->is_array()) return invalid("Items must be a list");
  for (const json& tag : *items) {
    const auto key = tag.is_object() ? tag.find("Key") : tag.end();
    if (!tag.is_object() || key == tag.end() || !key->is_string() ||
        key->get_ref<const std::string&>().empty() ||
        key->get_ref<const std::string&>().size() > kMaxTagKeyLength) {
      return invalid("every tag needs a Key of 1 to 128 characters");
    }
    std::string value;
    if (const auto v = tag.find("Value"); v != tag.end() && !v->is_null()) {
      if (!v->is_string() || v->get_ref<const std::string&>().size() > kMaxTagValueLength) {
        return invalid("a tag Value is a string of at most 256 characters");
      }
      value = v->get<std::string>();
    }
    out.emplace_back(key->get<std::string>(), std::move(value));
  }
  return out;
}

json TagsJson(const Tags& tags) {
  json items = json::array();
  for (const auto& [key, value] : tags) items.push_back({{"Key", key}, {"Value", value}});
  json out = json::object();
  if (!items.empty()) out["Items"] = std::move(items);
  return out;
}

struct ParsedBatch {
  std::vector<std::string> paths;
  int64_t quantity = 0;
  std::string caller_reference;
};

// The InvalidationBatch shape; InvalidArgument naming the member that is missing or mistyped.
absl::StatusOr<ParsedBatch> ParseInvalidationBatch(const json& batch) {
  const auto invalid = [](absl::string_view member, absl::string_view what) {
    return MakeApiError("InvalidArgument", absl::StrCat("InvalidationBatch.", member, ": ", what));
  };
  ParsedBatch out;
  const json* paths = batch.is_object() && batch.contains("Paths") ? &batch["Paths"] : nullptr;
  if (paths == nullptr || !paths->is_object()) return invalid("Paths", "an object is required");
  const auto quantity = paths->find("Quantity");
  if (quantity == paths->end() || !quantity->is_number_integer()) {
    return invalid("Paths.Quantity", "an integer is required");
  }
  out.quantity = quantity->get<int64_t>();
  if (const auto items = paths->find("Items"); items != paths->end() && !items->is_null()) {
    if (!items->is_array()) return invalid("Paths.Items", "a list of paths is required");
    for (const json& path : *items) {
      if (!path.is_string()) return invalid("Paths.Items", "every path is a string");
      out.paths.push_back(path.get<std::string>());
    }
  }
  const auto ref = batch.find("CallerReference");
  if (ref == batch.end() || !ref->is_string() || ref->get_ref<const std::string&>().empty()) {
    return invalid("CallerReference", "a non-empty string is required");
  }
  out.caller_reference = ref->get<std::string>();
  return out;
}

json InvalidationJson(const InvalidationRecord& r, absl::Time now, bool just_created) {
  return {{"Id", r.id},
          {"Status", just_created || r.InProgress(now) ? "InProgress" : "Completed"},
          {"CreateTime", ApiTime(r.create_time)},
          {"InvalidationBatch",
           {{"Paths", QuantityList(r.paths)}, {"CallerReference", r.caller_reference}}}};
}

json CachePolicyJson(const CachePolicyRecord& r) {
  return {{"Id", r.id},
          {"LastModifiedTime", ApiTime(r.last_modified)},
          {"CachePolicyConfig", r.config}};
}

// The config as read back: the TTLs CloudFront fills in when they are absent.
json WithCachePolicyDefaults(json config, const policy::CachePolicy& p) {
  for (const auto& [key, ttl] :
       {std::pair<const char*, absl::Duration>{"DefaultTTL", p.default_ttl},
        {"MaxTTL", p.max_ttl}}) {
    if (!config.contains(key)) config[key] = absl::ToInt64Seconds(ttl);
  }
  return config;
}

// A CachePolicyConfig through policy's loader (which also takes the get-cache-policy wrappers).
absl::StatusOr<policy::CachePolicy> LoadCachePolicy(const json& config) {
  EDGESIM_RETURN_IF_ERROR(CheckQuantities(config, "CachePolicyConfig"));
  absl::StatusOr<policy::CachePolicy> p = policy::LoadCachePolicyConfigJson(Dump(config));
  if (!p.ok()) return AsInvalidArgument(p.status());
  return p;
}

bool UsesCachePolicy(const json& config, absl::string_view id) {
  const std::vector<std::string> ids = CachePolicyIdsOf(config);
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// A policy known as a value (managed, or from a config file): its config is written from it.
CachePolicyRecord PolicyRecord(const policy::CachePolicy& p, std::string etag, absl::Time modified,
                               bool managed) {
  CachePolicyRecord r;
  r.id = p.id;
  r.etag = std::move(etag);
  r.config = json::parse(policy::CachePolicyConfigToJson(p));
  r.policy = p;
  r.last_modified = modified;
  r.managed = managed;
  return r;
}

// The members a DistributionSummary copies from the config (service model order aside).
constexpr const char* kSummaryMembers[] = {"Aliases",        "Origins",
                                           "OriginGroups",   "DefaultCacheBehavior",
                                           "CacheBehaviors", "CustomErrorResponses",
                                           "Comment",        "PriceClass",
                                           "Enabled",        "ViewerCertificate",
                                           "Restrictions",   "WebACLId",
                                           "HttpVersion",    "IsIPV6Enabled",
                                           "Staging"};

// What managed cache policies report as LastModifiedTime: fixed, they never change here.
absl::Time ManagedPolicyTime() {
  return absl::FromCivil(absl::CivilSecond(2020, 11, 1, 0, 0, 0), absl::UTCTimeZone());
}

}  // namespace

struct ControlPlane::State {
  State(DistributionRegistry& registry, DeployFunction deploy, ControlPlaneOptions options)
      : registry(registry),
        deploy(std::move(deploy)),
        options(std::move(options)),
        ids(this->options.id_seed),
        ledger(this->options.model) {
    for (const policy::CachePolicy& p : policy::ManagedCachePolicies()) {
      cache_policies.push_back(PolicyRecord(p, ids.ETag(), ManagedPolicyTime(), /*managed=*/true));
    }
    initial_policies = cache_policies;
  }

  std::string Arn(absl::string_view id) const {
    return absl::StrCat("arn:aws:cloudfront::", options.account_id, ":distribution/", id);
  }

  DistributionRecord* FindDistribution(absl::string_view id) {
    for (DistributionRecord& r : distributions) {
      if (r.id == id) return &r;
    }
    return nullptr;
  }

  CachePolicyRecord* FindCachePolicy(absl::string_view id) {
    for (CachePolicyRecord& r : cache_policies) {
      if (r.id == id) return &r;
    }
    return nullptr;
  }

  absl::StatusOr<DistributionRecord*> Distribution(absl::string_view id) {
    DistributionRecord* r = FindDistribution(id);
    if (r == nullptr) return NoSuchDistribution();
    return r;
  }

  absl::StatusOr<CachePolicyRecord*> CachePolicy(absl::string_view id) {
    CachePolicyRecord* r = FindCachePolicy(id);
    if (r == nullptr) return NoSuchCachePolicy();
    return r;
  }

  policy::CustomCachePolicies CustomPolicies() const {
    policy::CustomCachePolicies custom;
    for (const CachePolicyRecord& r : cache_policies) {
      if (!r.managed) custom[r.id] = r.policy;
    }
    return custom;
  }

  // --- Distributions.

  // The checks that have their own codes, then policy's loader on the config with defaults.
  absl::StatusOr<policy::Distribution> LoadConfig(const json& config,
                                                  const policy::CustomCachePolicies& custom) {
    EDGESIM_RETURN_IF_ERROR(CheckQuantities(config, "DistributionConfig"));
    EDGESIM_RETURN_IF_ERROR(CheckDistributionConfigShape(config, [&](absl::string_view id) {
      return policy::FindManagedCachePolicy(id) != nullptr || custom.contains(id);
    }));
    absl::StatusOr<policy::DistributionConfig> loaded =
        policy::LoadDistributionConfigJson(Dump(WithDistributionConfigDefaults(config)), &custom);
    if (!loaded.ok()) return AsInvalidArgument(loaded.status());
    policy::Distribution d;
    d.config = *std::move(loaded);
    return d;
  }

  // CNAMEAlreadyExists when another distribution answers one of `aliases`.
  absl::Status CheckAliases(const std::vector<std::string>& aliases, absl::string_view self) {
    for (const DistributionRecord& r : distributions) {
      if (r.id == self) continue;
      for (const std::string& alias : aliases) {
        if (std::any_of(r.aliases.begin(), r.aliases.end(),
                        [&](const std::string& a) { return SameHost(a, alias); })) {
          return MakeApiError(
              "CNAMEAlreadyExists",
              absl::StrCat("One or more of the CNAMEs you provided are already associated with a "
                           "different resource: ",
                           alias, "."));
        }
      }
    }
    return absl::OkStatus();
  }

  // The LiveDistribution serving `d`; null when it is disabled.
  absl::StatusOr<std::shared_ptr<LiveDistribution>> Build(policy::Distribution d) {
    if (!d.config.enabled) return nullptr;
    absl::StatusOr<std::shared_ptr<LiveDistribution>> live = deploy(std::move(d));
    if (!live.ok()) {
      return MakeApiError("InvalidArgument", absl::StrCat("The distribution cannot be deployed: ",
                                                          live.status().message()));
    }
    return *std::move(live);
  }

  // Makes the registry serve `next` (null: nothing) for `id` instead of `current`.
  absl::Status Publish(absl::string_view id, const std::shared_ptr<LiveDistribution>& current,
                       const std::shared_ptr<LiveDistribution>& next) {
    absl::Status status;
    if (next != nullptr && current != nullptr) {
      status = registry.Replace(next);
    } else if (next != nullptr) {
      status = registry.Add(next);
    } else if (current != nullptr) {
      status = registry.Remove(id);
    }
    if (status.ok()) return status;
    if (absl::IsAlreadyExists(status)) {
      return MakeApiError("CNAMEAlreadyExists",
                          absl::StrCat("One or more of the CNAMEs you provided are already "
                                       "associated with a different resource (",
                                       status.message(), ")."));
    }
    return MakeApiError("InvalidArgument", status.message());
  }

  json DistributionJson(const DistributionRecord& r, absl::Time now, bool just_changed) const {
    const bool deployed =
        !just_changed && now >= r.last_modified + options.distribution_deploy_delay;
    const auto in_progress = std::count_if(r.invalidations.begin(), r.invalidations.end(),
                                           [&](const auto& i) { return i.InProgress(now); });
    const json no_signers = {{"Enabled", false}, {"Quantity", 0}};
    return {{"Id", r.id},
            {"ARN", Arn(r.id)},
            {"Status", deployed ? "Deployed" : "InProgress"},
            {"LastModifiedTime", ApiTime(r.last_modified)},
            {"InProgressInvalidationBatches", in_progress},
            {"DomainName", r.domain_name},
            {"ActiveTrustedSigners", no_signers},
            {"ActiveTrustedKeyGroups", no_signers},
            {"DistributionConfig", r.config}};
  }

  json DistributionSummary(const DistributionRecord& r, absl::Time now) const {
    json summary = DistributionJson(r, now, false);
    for (const char* key : {"InProgressInvalidationBatches", "ActiveTrustedSigners",
                            "ActiveTrustedKeyGroups", "DistributionConfig"}) {
      summary.erase(key);
    }
    summary["ETag"] = r.etag;
    for (const char* key : kSummaryMembers) {
      if (const auto it = r.config.find(key); it != r.config.end()) summary[key] = *it;
    }
    return summary;
  }

  // Deploys `config` for the record `r` (a new one: r.live null) and commits it there.
  absl::Status Apply(DistributionRecord& r, const json& config, absl::Time now) {
    const policy::CustomCachePolicies custom = CustomPolicies();
    EDGESIM_ASSIGN_OR_RETURN(policy::Distribution d, LoadConfig(config, custom));
    d.id = r.id;
    d.domain_name = r.domain_name;
    EDGESIM_RETURN_IF_ERROR(CheckAliases(d.config.aliases, r.id));
    std::vector<std::string> aliases = d.config.aliases;
    EDGESIM_ASSIGN_OR_RETURN(std::shared_ptr<LiveDistribution> live, Build(std::move(d)));
    EDGESIM_RETURN_IF_ERROR(Publish(r.id, r.live, live));
    r.config = WithDistributionConfigDefaults(config);
    r.aliases = std::move(aliases);
    r.live = std::move(live);
    r.etag = NewETag(r.etag);
    r.last_modified = now;
    return absl::OkStatus();
  }

  std::string NewETag(absl::string_view old) {
    std::string etag;
    do etag = ids.ETag();
    while (etag == old);
    return etag;
  }

  std::string NewDistributionId() {
    const std::shared_ptr<const RegistrySnapshot> snapshot = registry.Snapshot();
    std::string id;
    do id = ids.DistributionId();
    while (FindDistribution(id) != nullptr || snapshot->Find(id) != nullptr);
    return id;
  }

  // --- Invalidations.

  absl::Duration PopDelay(absl::string_view pop) const {
    const auto it = options.propagation_delay_by_pop.find(std::string(pop));
    return it != options.propagation_delay_by_pop.end() ? it->second
                                                        : options.default_propagation_delay;
  }

  // A POP's delay is its own; a regional cache takes the shortest of the POPs', so that no POP
  // whose invalidation is in effect can refill from a regional cache still holding the object.
  std::function<absl::Duration(absl::string_view)> CacheDelays(const LiveDistribution& live) const {
    absl::Duration shortest = absl::InfiniteDuration();
    for (const std::string& pop : live.pops()) shortest = std::min(shortest, PopDelay(pop));
    return [this, &live, shortest](absl::string_view cache) {
      const auto& pops = live.pops();
      return std::find(pops.begin(), pops.end(), cache) != pops.end() ? PopDelay(cache) : shortest;
    };
  }

  absl::Duration SlowestPop(const LiveDistribution* live) const {
    absl::Duration slowest = absl::ZeroDuration();
    if (live == nullptr) return slowest;
    for (const std::string& pop : live->pops()) slowest = std::max(slowest, PopDelay(pop));
    return slowest;
  }

  std::string NewInvalidationId(const DistributionRecord& r) {
    std::string id;
    do id = ids.InvalidationId();
    while (std::any_of(r.invalidations.begin(), r.invalidations.end(),
                       [&](const auto& i) { return i.id == id; }));
    return id;
  }

  // --- Tags.

  // The distribution `arn` names: InvalidArgument when it is no distribution ARN,
  // NoSuchResource when no distribution has its id.
  absl::StatusOr<DistributionRecord*> Tagged(absl::string_view arn) {
    const std::vector<absl::string_view> parts = absl::StrSplit(arn, ':');
    if (parts.size() != 6 || parts[0] != "arn" || parts[1].empty() || parts[2] != "cloudfront" ||
        !absl::StartsWith(parts[5], "distribution/")) {
      return MakeApiError("InvalidArgument",
                          absl::StrCat("\"", arn, "\" is not a CloudFront distribution ARN."));
    }
    DistributionRecord* r = FindDistribution(parts[5].substr(strlen("distribution/")));
    if (r == nullptr) {
      return MakeApiError("NoSuchResource", "The specified resource does not exist.");
    }
    return r;
  }

  // --- Cache policies.

  // Redeploys every deployed distribution whose behaviors use `changed` (a custom policy's new
  // version); all or nothing.
  absl::Status RedeployUsers(const policy::CachePolicy& changed) {
    policy::CustomCachePolicies custom = CustomPolicies();
    custom[changed.id] = changed;
    std::vector<std::pair<DistributionRecord*, std::shared_ptr<LiveDistribution>>> next;
    for (DistributionRecord& r : distributions) {
      if (r.live == nullptr || !UsesCachePolicy(r.config, changed.id)) continue;
      EDGESIM_ASSIGN_OR_RETURN(policy::Distribution d, LoadConfig(r.config, custom));
      d.id = r.id;
      d.domain_name = r.domain_name;
      EDGESIM_ASSIGN_OR_RETURN(std::shared_ptr<LiveDistribution> live, Build(std::move(d)));
      next.emplace_back(&r, std::move(live));
    }
    for (auto& [r, live] : next) {
      EDGESIM_RETURN_IF_ERROR(Publish(r->id, r->live, live));
      r->live = std::move(live);
    }
    return absl::OkStatus();
  }

  absl::Status CheckPolicyName(absl::string_view name, absl::string_view self) const {
    for (const CachePolicyRecord& r : cache_policies) {
      if (r.id != self && r.policy.name == name) {
        return MakeApiError(
            "CachePolicyAlreadyExists",
            absl::StrCat("A cache policy with the name \"", name, "\" already exists."));
      }
    }
    return absl::OkStatus();
  }

  DistributionRegistry& registry;
  DeployFunction deploy;
  const ControlPlaneOptions options;
  std::mutex mu;  // guards everything below
  ResourceIds ids;
  policy::InvalidationLedger ledger;
  uint64_t next_invalidation_order = 0;
  std::vector<DistributionRecord> distributions;  // creation order
  std::vector<CachePolicyRecord> cache_policies;  // managed ones first, then creation order
  // What Reset returns to: the managed and adopted policies, the adopted distributions.
  std::vector<CachePolicyRecord> initial_policies;
  std::vector<DistributionRecord> adopted;
};

ControlPlane::ControlPlane(DistributionRegistry& registry, DeployFunction deploy,
                           ControlPlaneOptions options)
    : state_(std::make_unique<State>(registry, std::move(deploy), std::move(options))) {}

ControlPlane::~ControlPlane() = default;

void ControlPlane::AdoptRegistered(absl::Time now) {
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  for (const std::shared_ptr<LiveDistribution>& live : s.registry.Snapshot()->distributions()) {
    if (s.FindDistribution(live->id()) != nullptr) continue;
    const policy::Distribution& d = live->distribution();
    json config = json::parse(policy::DistributionConfigToJson(d.config));
    config["CallerReference"] = absl::StrCat("edgesim-config-", d.id);
    DistributionRecord r;
    r.id = d.id;
    r.domain_name = d.domain_name;
    r.etag = s.NewETag("");
    r.config = WithDistributionConfigDefaults(std::move(config));
    r.aliases = d.config.aliases;
    r.last_modified = now;
    r.live = live;
    // Custom policies from the config file become the API's, so a read config can be sent back.
    std::vector<const policy::CacheBehavior*> behaviors = {&d.config.default_behavior};
    for (const policy::CacheBehavior& b : d.config.behaviors) behaviors.push_back(&b);
    for (const policy::CacheBehavior* b : behaviors) {
      if (b->cache_policy_id.empty() || s.FindCachePolicy(b->cache_policy_id) != nullptr) continue;
      CachePolicyRecord p = PolicyRecord(b->cache_policy, s.NewETag(""), now, /*managed=*/false);
      s.cache_policies.push_back(p);
      s.initial_policies.push_back(std::move(p));
    }
    s.adopted.push_back(r);
    s.distributions.push_back(std::move(r));
  }
}

absl::StatusOr<Versioned> ControlPlane::CreateDistribution(const json& config, const json* tags,
                                                           absl::Time now) {
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  Tags parsed_tags;
  if (tags != nullptr) {
    EDGESIM_ASSIGN_OR_RETURN(parsed_tags, ParseTags(*tags));
  }
  if (config.is_object() && config.contains("CallerReference")) {
    for (const DistributionRecord& r : s.distributions) {
      if (r.config.value("CallerReference", json()) == config["CallerReference"]) {
        return MakeApiError("DistributionAlreadyExists",
                            absl::StrCat("The caller reference that you are using to create a "
                                         "distribution is associated with another distribution. "
                                         "Already exists: ",
                                         r.id));
      }
    }
  }
  DistributionRecord r;
  r.id = s.NewDistributionId();
  r.domain_name = s.ids.DomainName();
  EDGESIM_RETURN_IF_ERROR(s.Apply(r, config, now));
  r.tags = std::move(parsed_tags);
  s.distributions.push_back(std::move(r));
  const DistributionRecord& created = s.distributions.back();
  return Versioned{s.DistributionJson(created, now, true), created.etag};
}

absl::StatusOr<Versioned> ControlPlane::GetDistribution(absl::string_view id,
                                                        absl::Time now) const {
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(const DistributionRecord* r, s.Distribution(id));
  return Versioned{s.DistributionJson(*r, now, false), r->etag};
}

absl::StatusOr<Versioned> ControlPlane::GetDistributionConfig(absl::string_view id) const {
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(const DistributionRecord* r, s.Distribution(id));
  return Versioned{r->config, r->etag};
}

absl::StatusOr<Versioned> ControlPlane::UpdateDistribution(absl::string_view id, const json& config,
                                                           absl::string_view if_match,
                                                           absl::Time now) {
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(DistributionRecord * r, s.Distribution(id));
  EDGESIM_RETURN_IF_ERROR(CheckIfMatch(if_match, r->etag));
  if (config.is_object() && config.contains("CallerReference") &&
      config["CallerReference"] != r->config["CallerReference"]) {
    return MakeApiError("IllegalUpdate",
                        "The CallerReference of a distribution cannot be changed.");
  }
  EDGESIM_RETURN_IF_ERROR(s.Apply(*r, config, now));
  return Versioned{s.DistributionJson(*r, now, true), r->etag};
}

absl::Status ControlPlane::DeleteDistribution(absl::string_view id, absl::string_view if_match) {
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(DistributionRecord * r, s.Distribution(id));
  EDGESIM_RETURN_IF_ERROR(CheckIfMatch(if_match, r->etag));
  if (r->config.value("Enabled", false)) {
    return MakeApiError("DistributionNotDisabled",
                        "The distribution you are trying to delete has not been disabled.");
  }
  EDGESIM_RETURN_IF_ERROR(s.Publish(r->id, r->live, nullptr));
  s.distributions.erase(s.distributions.begin() + (r - s.distributions.data()));
  return absl::OkStatus();
}

absl::StatusOr<json> ControlPlane::ListDistributions(absl::string_view marker, int max_items,
                                                     absl::Time now) const {
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  std::vector<std::string> ids;
  for (const DistributionRecord& r : s.distributions) ids.push_back(r.id);
  EDGESIM_ASSIGN_OR_RETURN(const ListPage page, Paginate(ids, marker, max_items));
  json items = json::array();
  for (size_t i = page.begin; i < page.end; ++i) {
    items.push_back(s.DistributionSummary(s.distributions[i], now));
  }
  return page.ToJson(std::move(items));
}

absl::StatusOr<CreatedInvalidation> ControlPlane::CreateInvalidation(
    absl::string_view distribution_id, const json& batch, absl::Time now) {
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(DistributionRecord * d, s.Distribution(distribution_id));
  EDGESIM_ASSIGN_OR_RETURN(ParsedBatch parsed, ParseInvalidationBatch(batch));
  EDGESIM_RETURN_IF_ERROR(policy::ValidateInvalidationBatch(
      parsed.paths,
      static_cast<int>(std::clamp<int64_t>(parsed.quantity, -1, std::numeric_limits<int>::max())),
      s.options.model));
  for (const InvalidationRecord& i : d->invalidations) {
    if (i.caller_reference != parsed.caller_reference) continue;
    if (i.paths != parsed.paths) {
      return MakeApiError(s.options.caller_reference_conflict_code,
                          "Your request contains a caller reference that was used for a previous "
                          "invalidation batch for the same distribution.");
    }
    return CreatedInvalidation{{InvalidationJson(i, now, false), ""}, false};
  }
  InvalidationRecord r{.id = s.NewInvalidationId(*d),
                       .order = s.next_invalidation_order++,
                       .create_time = now,
                       .complete_time = now + std::max(s.options.invalidation_completion_delay,
                                                       s.SlowestPop(d->live.get())),
                       .caller_reference = parsed.caller_reference,
                       .paths = parsed.paths};
  std::vector<policy::InvalidationPath> paths;
  for (const std::string& text : r.paths) {
    paths.push_back(*policy::InvalidationPath::Parse(text));  // validated above
    ++(paths.back().is_wildcard() ? r.wildcards : r.file_paths);
  }
  int in_progress_files = 0, in_progress_wildcards = 0;
  for (const InvalidationRecord& i : d->invalidations) {
    if (!i.InProgress(now)) continue;
    in_progress_files += i.file_paths;
    in_progress_wildcards += i.wildcards;
  }
  EDGESIM_RETURN_IF_ERROR(
      policy::CheckInProgressLimits(in_progress_files, in_progress_wildcards, r.paths));
  if (d->live != nullptr) {
    const auto delays = s.CacheDelays(*d->live);
    for (const policy::InvalidationPath& path : paths) d->live->Invalidate(path, now, delays);
  }
  s.ledger.Record(now, static_cast<int>(r.paths.size()));
  d->invalidations.push_back(std::move(r));
  return CreatedInvalidation{{InvalidationJson(d->invalidations.back(), now, true), ""}, true};
}

absl::StatusOr<Versioned> ControlPlane::GetInvalidation(absl::string_view distribution_id,
                                                        absl::string_view id,
                                                        absl::Time now) const {
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(const DistributionRecord* d, s.Distribution(distribution_id));
  for (const InvalidationRecord& i : d->invalidations) {
    if (i.id == id) return Versioned{InvalidationJson(i, now, false), ""};
  }
  return MakeApiError("NoSuchInvalidation", "The specified invalidation does not exist.");
}

absl::StatusOr<json> ControlPlane::ListInvalidations(absl::string_view distribution_id,
                                                     absl::string_view marker, int max_items,
                                                     absl::Time now) const {
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(const DistributionRecord* d, s.Distribution(distribution_id));
  std::vector<const InvalidationRecord*> newest_first;
  for (const InvalidationRecord& i : d->invalidations) newest_first.push_back(&i);
  std::sort(newest_first.begin(), newest_first.end(), [](const auto* a, const auto* b) {
    return std::tie(a->create_time, a->order) > std::tie(b->create_time, b->order);
  });
  std::vector<std::string> ids;
  for (const InvalidationRecord* i : newest_first) ids.push_back(i->id);
  EDGESIM_ASSIGN_OR_RETURN(const ListPage page, Paginate(ids, marker, max_items));
  json items = json::array();
  for (size_t k = page.begin; k < page.end; ++k) {
    json summary = InvalidationJson(*newest_first[k], now, false);
    summary.erase("InvalidationBatch");
    items.push_back(std::move(summary));
  }
  return page.ToJson(std::move(items));
}

// --- Cache policies.

absl::StatusOr<Versioned> ControlPlane::CreateCachePolicy(const json& config, absl::Time now) {
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(policy::CachePolicy p, LoadCachePolicy(config));
  EDGESIM_RETURN_IF_ERROR(s.CheckPolicyName(p.name, ""));
  do p.id = s.ids.CachePolicyId();
  while (s.FindCachePolicy(p.id) != nullptr);
  CachePolicyRecord r = PolicyRecord(p, s.NewETag(""), now, /*managed=*/false);
  r.config = WithCachePolicyDefaults(config, p);
  s.cache_policies.push_back(std::move(r));
  return Versioned{CachePolicyJson(s.cache_policies.back()), s.cache_policies.back().etag};
}

absl::StatusOr<Versioned> ControlPlane::GetCachePolicy(absl::string_view id) const {
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(const CachePolicyRecord* r, s.CachePolicy(id));
  return Versioned{CachePolicyJson(*r), r->etag};
}

absl::StatusOr<Versioned> ControlPlane::GetCachePolicyConfig(absl::string_view id) const {
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(const CachePolicyRecord* r, s.CachePolicy(id));
  return Versioned{r->config, r->etag};
}

absl::StatusOr<Versioned> ControlPlane::UpdateCachePolicy(absl::string_view id, const json& config,
                                                          absl::string_view if_match,
                                                          absl::Time now) {
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(CachePolicyRecord * r, s.CachePolicy(id));
  if (r->managed) return MakeApiError("IllegalUpdate", "A managed cache policy cannot be updated.");
  EDGESIM_RETURN_IF_ERROR(CheckIfMatch(if_match, r->etag));
  EDGESIM_ASSIGN_OR_RETURN(policy::CachePolicy p, LoadCachePolicy(config));
  EDGESIM_RETURN_IF_ERROR(s.CheckPolicyName(p.name, r->id));
  p.id = r->id;
  EDGESIM_RETURN_IF_ERROR(s.RedeployUsers(p));
  r->config = WithCachePolicyDefaults(config, p);
  r->policy = std::move(p);
  r->etag = s.NewETag(r->etag);
  r->last_modified = now;
  return Versioned{CachePolicyJson(*r), r->etag};
}

absl::Status ControlPlane::DeleteCachePolicy(absl::string_view id, absl::string_view if_match) {
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(CachePolicyRecord * r, s.CachePolicy(id));
  if (r->managed) return MakeApiError("IllegalDelete", "A managed cache policy cannot be deleted.");
  EDGESIM_RETURN_IF_ERROR(CheckIfMatch(if_match, r->etag));
  for (const DistributionRecord& d : s.distributions) {
    if (UsesCachePolicy(d.config, r->id)) {
      return MakeApiError("CachePolicyInUse",
                          absl::StrCat("Cannot delete this cache policy because it is attached to "
                                       "one or more cache behaviors (distribution ",
                                       d.id, ")."));
    }
  }
  s.cache_policies.erase(s.cache_policies.begin() + (r - s.cache_policies.data()));
  return absl::OkStatus();
}

absl::StatusOr<json> ControlPlane::ListCachePolicies(absl::string_view type,
                                                     absl::string_view marker,
                                                     int max_items) const {
  if (type != "" && type != "managed" && type != "custom") {
    return MakeApiError("InvalidArgument",
                        absl::StrCat("Type \"", type, "\" is not one of managed, custom."));
  }
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  std::vector<const CachePolicyRecord*> listed;
  std::vector<std::string> ids;
  for (const CachePolicyRecord& r : s.cache_policies) {
    if (type.empty() || (type == "managed") == r.managed) {
      listed.push_back(&r);
      ids.push_back(r.id);
    }
  }
  EDGESIM_ASSIGN_OR_RETURN(const ListPage page, Paginate(ids, marker, max_items));
  json items = json::array();
  for (size_t i = page.begin; i < page.end; ++i) {
    items.push_back({{"Type", listed[i]->managed ? "managed" : "custom"},
                     {"CachePolicy", CachePolicyJson(*listed[i])}});
  }
  // CachePolicyList has no Marker or IsTruncated: NextMarker alone says there is more.
  json list = page.ToJson(std::move(items));
  list.erase("Marker");
  list.erase("IsTruncated");
  return list;
}

// --- Tags.

absl::StatusOr<json> ControlPlane::ListTagsForResource(absl::string_view arn) const {
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(const DistributionRecord* r, s.Tagged(arn));
  return TagsJson(r->tags);
}

absl::Status ControlPlane::TagResource(absl::string_view arn, const json& tags) {
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(DistributionRecord * r, s.Tagged(arn));
  EDGESIM_ASSIGN_OR_RETURN(const Tags added, ParseTags(tags));
  for (const auto& [key, value] : added) {
    const auto it = std::find_if(r->tags.begin(), r->tags.end(),
                                 [&](const auto& tag) { return tag.first == key; });
    if (it != r->tags.end()) {
      it->second = value;
    } else {
      r->tags.emplace_back(key, value);
    }
  }
  return absl::OkStatus();
}

absl::Status ControlPlane::UntagResource(absl::string_view arn, const json& keys) {
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(DistributionRecord * r, s.Tagged(arn));
  const auto items = keys.is_object() ? keys.find("Items") : keys.end();
  if (!keys.is_object() || (items != keys.end() && !items->is_null() && !items->is_array())) {
    return MakeApiError("InvalidArgument", "TagKeys: Items must be a list of keys");
  }
  if (items == keys.end() || items->is_null()) return absl::OkStatus();
  for (const json& key : *items) {
    if (!key.is_string()) return MakeApiError("InvalidArgument", "TagKeys: every key is a string");
  }
  for (const json& key : *items) {
    std::erase_if(r->tags, [&](const auto& tag) { return tag.first == key.get<std::string>(); });
  }
  return absl::OkStatus();
}

// --- Admin.

json ControlPlane::InvalidationBill(absl::Time now) const {
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  const auto bill_json = [](const policy::InvalidationMonthBill& b) {
    return json{{"month", absl::FormatCivilTime(b.month)},
                {"paths", b.paths},
                {"free_paths", b.free_paths},
                {"billed_paths", b.billed_paths},
                {"cost_usd", b.cost_usd}};
  };
  json months = json::array();
  for (const policy::InvalidationMonthBill& b : s.ledger.Bills()) months.push_back(bill_json(b));
  return {{"months", std::move(months)}, {"current", bill_json(s.ledger.BillFor(now))}};
}

void ControlPlane::Reset(absl::Time now) {
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  for (const DistributionRecord& r : s.distributions) {
    const bool was_adopted = std::any_of(s.adopted.begin(), s.adopted.end(),
                                         [&](const auto& a) { return a.id == r.id; });
    // Best effort: the registry refuses only what it does not hold, which needs no undoing.
    if (!was_adopted) s.Publish(r.id, r.live, nullptr).IgnoreError();
  }
  for (DistributionRecord& a : s.adopted) {
    const DistributionRecord* current = s.FindDistribution(a.id);
    const std::shared_ptr<LiveDistribution> live = current != nullptr ? current->live : nullptr;
    if (live == a.live) continue;
    s.Publish(a.id, live, a.live).IgnoreError();
    a.last_modified = now;  // redeployed
  }
  s.distributions = s.adopted;
  s.cache_policies = s.initial_policies;
  s.ledger = policy::InvalidationLedger(s.options.model);
}

}  // namespace edgesim::emulator
