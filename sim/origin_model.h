// origin_model.h — the scripted origin of a scenario: rules per path, object versions, outages.
//
// DESIGN 6 and 7. Every object starts at version 1 and a deploy bumps the versions
// of the paths it lists (unless their rule says "versioned": false), so the simulator can tell a
// stale answer (a version older than the origin's current one) from a fresh one. An answer
// carries the rule's status and headers plus:
//   x-edgesim-version: N
//   ETag: "<hash of path and N>"        (so a 304 revalidation works across deploys)
//   Last-Modified: <time version N appeared>
//   Content-Type: the rule's content_type, when it has one
//   Content-Length: the body's size (also for HEAD), as an HTTP origin sends it
// and a body "<path> vN\n" padded (or cut) to the rule's size. A conditional request whose
// If-None-Match names the current ETag, or whose If-Modified-Since is not older than the current
// version, gets a 304. During an outage the answer is the outage's status, or a failure Status
// (kDeadlineExceeded for a timeout, kUnavailable for a refused connection), as
// core::OriginFetcher documents.
//
// A scenario may script origins on their own (Scenario::origins): an answer for such an origin
// follows its rules and outages, while object versions stay shared, as a deploy reaches every
// origin alike.
//
// The simulator asks only for sizes (`bodies = false`): the body is then null and `body_size`
// set, so a miss costs no body string.
//
//   OriginModel origin(scenario.origin, epoch);
//   absl::StatusOr<core::OriginResponse> r = origin.Answer("/index.html", epoch);  // v1
//   origin.Deploy({"/index.html"}, epoch + absl::Seconds(30));
//   origin.Version("/index.html");                                            // 2
//   ModelOriginFetcher fetcher(origin);   // a core::OriginFetcher for EdgeCache::Handle
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "core/origin_fetcher.h"
#include "core/shared_head.h"
#include "policy/http_message.h"
#include "sim/scenario.h"

namespace edgesim::sim {

// The header carrying an answer's object version.
inline constexpr absl::string_view kVersionHeader = "x-edgesim-version";

struct OriginModelOptions {
  // Build response bodies; off, answers carry only body_size.
  bool bodies = true;
};

class OriginModel {
 public:
  // `epoch` is the scenario's time 0 (outage windows and version 1's Last-Modified).
  // `per_origin`: the scripts of origins that do not answer as `script` says.
  OriginModel(OriginScript script, absl::Time epoch, OriginModelOptions options = {},
              OriginScriptsById per_origin = {});
  // Its shared heads are found by the address of their rules, which a move keeps.
  OriginModel(OriginModel&&) = default;
  OriginModel& operator=(OriginModel&&) = default;

  // The answer to `request` (its method, target and conditional headers) at `now`, from the
  // origin whose Id is `origin_id` (empty or unscripted: `script`'s). A `size` > 0 replaces the
  // rule's (a trace that knows its objects' sizes).
  absl::StatusOr<core::OriginResponse> Answer(const policy::Request& request, absl::Time now,
                                              uint64_t size = 0,
                                              absl::string_view origin_id = {}) const;
  // The same answer with its head shared (core::OriginResponse::shared_head): one per rule and
  // status, built once, and this object's numbers.
  absl::StatusOr<core::OriginResponse> SharedAnswer(const policy::Request& request,
                                                    absl::Time now, uint64_t size = 0,
                                                    absl::string_view origin_id = {}) const;
  // A plain GET of `path_and_query`.
  absl::StatusOr<core::OriginResponse> Answer(absl::string_view path_and_query,
                                              absl::Time now) const;

  // Bumps the version of each versioned path (query ignored) as of `now`.
  void Deploy(const std::vector<std::string>& paths, absl::Time now);

  // The current version of `path` (its query ignored); 1 before any deploy.
  int64_t Version(absl::string_view path) const;
  // When `version` of `path` appeared: the epoch for version 1 (and older), the deploy time
  // otherwise. REQUIRES: version <= Version(path).
  absl::Time VersionTime(absl::string_view path, int64_t version) const;

  // The rule of `script` (the model's own when null) answering `path`, or nullptr for the
  // implicit default.
  const OriginRule* RuleFor(absl::string_view path, const OriginScript* script = nullptr) const;

  absl::Time epoch() const { return epoch_; }

 private:
  // Deploy times of versions 2, 3, ... of one path.
  using History = std::vector<absl::Time>;
  // A rule's shared heads: its answer's and a 304's.
  struct Heads {
    core::SharedHeadRef answer;
    core::SharedHeadRef not_modified;
  };

  Heads HeadsOf(const OriginRule& rule) const;

  const OriginScript& ScriptOf(absl::string_view origin_id) const;
  const OriginOutage* OutageAt(const OriginScript& script, absl::string_view path,
                               absl::Time now) const;
  const History* HistoryOf(absl::string_view path) const;

  OriginScript script_;
  OriginScriptsById per_origin_;
  absl::Time epoch_;
  OriginModelOptions options_;
  OriginRule default_rule_;
  std::shared_ptr<const core::HeadRenderer> renderer_;
  Heads default_heads_;
  // By rule, of `script_` and `per_origin_` (their addresses survive a move of the model).
  absl::flat_hash_map<const OriginRule*, Heads> heads_;
  absl::flat_hash_map<std::string, History> history_;
};

// A core::OriginFetcher answering from an OriginModel as the request's origin, counting what
// reaches it.
class ModelOriginFetcher final : public core::OriginFetcher {
 public:
  explicit ModelOriginFetcher(const OriginModel& model) : model_(model) {}

  absl::StatusOr<core::OriginResponse> Fetch(const core::OriginRequest& request,
                                             absl::Time now) override;
  // The model reads the method, the path and the validators only.
  bool WantsBareRequests() const override { return true; }

  // The size of the objects the next fetches answer with (0: the rules' sizes).
  void set_size(uint64_t size) { size_ = size; }

  // Requests that reached the origin (answered or failed) and body bytes it sent.
  uint64_t requests() const { return requests_; }
  uint64_t bytes() const { return bytes_; }

 private:
  const OriginModel& model_;
  uint64_t size_ = 0;
  uint64_t requests_ = 0;
  uint64_t bytes_ = 0;
};

}  // namespace edgesim::sim
