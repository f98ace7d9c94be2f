// ControlPlane's invalidations: Create (reaching each POP at its own moment, SPEC 6.5), Get and
// List, and the pricing ledger they are billed on (SPEC 6.6).
#include <algorithm>
#include <limits>
#include <mutex>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "core/sharded_store.h"
#include "emulator/api_error.h"
#include "emulator/api_shape.h"
#include "emulator/control_plane.h"
#include "emulator/control_plane_state.h"

namespace edgesim::emulator {
namespace {

using nlohmann::json;

struct ParsedBatch {
  std::vector<std::string> paths;
  int64_t quantity = 0;
  std::string caller_reference;
};

// The InvalidationBatch shape; a JsonError (InvalidArgument) naming the member that is missing or
// mistyped.
absl::StatusOr<ParsedBatch> ParseInvalidationBatch(const json& batch) {
  const policy::JsonReader reader(batch, "InvalidationBatch");
  ParsedBatch out;
  EDGESIM_ASSIGN_OR_RETURN(const policy::JsonReader paths, reader.Required("Paths"));
  EDGESIM_RETURN_IF_ERROR(paths.ExpectObject());
  EDGESIM_ASSIGN_OR_RETURN(const policy::JsonReader quantity, paths.Required("Quantity"));
  EDGESIM_ASSIGN_OR_RETURN(out.quantity, quantity.Int());
  EDGESIM_ASSIGN_OR_RETURN(out.paths, StringItems(paths));
  EDGESIM_ASSIGN_OR_RETURN(const policy::JsonReader ref, reader.Required("CallerReference"));
  EDGESIM_ASSIGN_OR_RETURN(out.caller_reference, ref.String());
  if (out.caller_reference.empty()) return ref.Error("a non-empty string is required");
  return out;
}

json InvalidationJson(const InvalidationRecord& r, absl::Time now, bool just_created) {
  return {{"Id", r.id},
          {"Status", just_created || r.InProgress(now) ? "InProgress" : "Completed"},
          {"CreateTime", ApiTime(r.create_time)},
          {"InvalidationBatch",
           {{"Paths", QuantityList(r.paths)}, {"CallerReference", r.caller_reference}}}};
}

// SPEC 6.5, B12: a POP no --propagation-delay names applies an invalidation at its own moment in
// (0, window]: a hash of the POP's name and the invalidation's id, so each invalidation reaches
// the POPs in its own order, the same on every run with the same ids. Never 0 within a window:
// a GetInvalidation at the CreateTime sees InProgress.
absl::Duration StaggeredDelay(absl::Duration window, absl::string_view pop,
                              absl::string_view invalidation_id) {
  if (window <= absl::ZeroDuration()) return absl::ZeroDuration();
  constexpr int64_t kSteps = 1000;
  const uint64_t hash = core::HashKey(absl::StrCat(pop, "/", invalidation_id));
  return window * (1 + static_cast<int64_t>(hash % kSteps)) / kSteps;
}

absl::Duration PopDelay(const ControlPlaneOptions& options, absl::string_view pop,
                        absl::string_view invalidation_id) {
  const auto it = options.propagation_delay_by_pop.find(std::string(pop));
  if (it != options.propagation_delay_by_pop.end()) return it->second;
  if (options.default_propagation_delay) return *options.default_propagation_delay;
  return StaggeredDelay(options.invalidation_completion_delay, pop, invalidation_id);
}

// A POP's delay is its own; a regional cache takes the shortest of the POPs', so that no POP
// whose invalidation is in effect can refill from a regional cache still holding the object.
std::function<absl::Duration(absl::string_view)> CacheDelays(const ControlPlaneOptions& options,
                                                             const LiveDistribution& live,
                                                             absl::string_view invalidation_id) {
  absl::flat_hash_map<std::string, absl::Duration> by_pop;
  absl::Duration shortest = absl::InfiniteDuration();
  for (const std::string& pop : live.pops()) {
    const absl::Duration delay = PopDelay(options, pop, invalidation_id);
    by_pop[pop] = delay;
    shortest = std::min(shortest, delay);
  }
  return [by_pop = std::move(by_pop), shortest](absl::string_view cache) {
    const auto it = by_pop.find(cache);
    return it != by_pop.end() ? it->second : shortest;
  };
}

std::string NewInvalidationId(ControlPlaneState& s, const DistributionRecord& d) {
  std::string id;
  do id = s.ids.InvalidationId();
  while (std::any_of(d.invalidations.begin(), d.invalidations.end(),
                     [&](const auto& i) { return i.id == id; }));
  return id;
}

// TooManyInvalidationsInProgress when `paths` would put `d` over SPEC 6.3's in-progress limits.
absl::Status CheckInProgressLimitsOf(const DistributionRecord& d,
                                     const std::vector<std::string>& paths, absl::Time now) {
  int in_progress_files = 0, in_progress_wildcards = 0;
  for (const InvalidationRecord& i : d.invalidations) {
    if (!i.InProgress(now)) continue;
    in_progress_files += i.file_paths;
    in_progress_wildcards += i.wildcards;
  }
  return policy::CheckInProgressLimits(in_progress_files, in_progress_wildcards, paths);
}

}  // namespace

absl::StatusOr<CreatedInvalidation> ControlPlane::CreateInvalidation(
    absl::string_view distribution_id, const json& batch, absl::Time now) {
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(DistributionRecord * d, s.Lookup(s.distributions, distribution_id));
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
  InvalidationRecord r{.id = NewInvalidationId(s, *d),
                       .order = s.next_invalidation_order++,
                       .create_time = now,
                       .caller_reference = parsed.caller_reference,
                       .paths = parsed.paths};
  std::vector<policy::InvalidationPath> paths;
  for (const std::string& text : r.paths) {
    paths.push_back(*policy::InvalidationPath::Parse(text));  // validated above
    ++(paths.back().is_wildcard() ? r.wildcards : r.file_paths);
  }
  EDGESIM_RETURN_IF_ERROR(CheckInProgressLimitsOf(*d, r.paths, now));
  // SPEC 6.5: Completed once every cache has applied it; a disabled distribution has none, and
  // takes the whole window.
  r.complete_time = now + s.options.invalidation_completion_delay;
  if (d->live != nullptr) {
    r.complete_time = now;
    const auto delays = CacheDelays(s.options, *d->live, r.id);
    for (const policy::InvalidationPath& path : paths) {
      r.complete_time = std::max(r.complete_time, d->live->Invalidate(path, now, delays));
    }
  }
  s.ledger.Record(now, static_cast<int>(r.paths.size()));
  d->invalidations.push_back(std::move(r));
  return CreatedInvalidation{{InvalidationJson(d->invalidations.back(), now, true), ""}, true};
}

absl::StatusOr<Versioned> ControlPlane::GetInvalidation(absl::string_view distribution_id,
                                                        absl::string_view id,
                                                        absl::Time now) const {
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(const DistributionRecord* d, s.Lookup(s.distributions, distribution_id));
  for (const InvalidationRecord& i : d->invalidations) {
    if (i.id == id) return Versioned{InvalidationJson(i, now, false), ""};
  }
  return MakeApiError("NoSuchInvalidation", "The specified invalidation does not exist.");
}

absl::StatusOr<json> ControlPlane::ListInvalidations(absl::string_view distribution_id,
                                                     absl::string_view marker, int max_items,
                                                     absl::Time now) const {
  ControlPlaneState& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  EDGESIM_ASSIGN_OR_RETURN(const DistributionRecord* d, s.Lookup(s.distributions, distribution_id));
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

json ControlPlane::InvalidationBill(absl::Time now) const {
  ControlPlaneState& s = *state_;
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

}  // namespace edgesim::emulator
