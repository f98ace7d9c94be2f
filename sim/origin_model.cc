#include "sim/origin_model.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/sharded_store.h"
#include "policy/http_date.h"
#include "policy/path_pattern.h"
#include "policy/status_macros.h"

namespace edgesim::sim {
namespace {

absl::string_view PathOf(absl::string_view path_and_query) {
  return path_and_query.substr(0, path_and_query.find('?'));
}

uint64_t ETagHash(absl::string_view path, int64_t version) {
  // The hashed text is built in a buffer each thread keeps: a miss allocates no temporary.
  thread_local std::string hashed;
  hashed.assign(path.data(), path.size());
  absl::StrAppend(&hashed, " v", version);
  return core::HashKey(hashed);
}

std::string ETagText(uint64_t hash) {
  return absl::StrCat("\"", absl::Hex(hash, absl::kZeroPad16), "\"");
}

size_t Digits(uint64_t n) {
  size_t digits = 1;
  for (; n >= 10; n /= 10) ++digits;
  return digits;
}

// The per-object fields of a shared answer head (core/shared_head.h).
enum Slot : int { kETagSlot = 1, kModifiedSlot, kVersionSlot, kLengthSlot };

class ModelHeadRenderer final : public core::HeadRenderer {
 public:
  explicit ModelHeadRenderer(absl::Time epoch)
      : epoch_seconds_(absl::ToUnixSeconds(epoch)), epoch_date_(policy::FormatHttpDate(epoch)) {}

  std::string Value(int slot, const core::ObjectNumbers& n) const override {
    switch (slot) {
      case kETagSlot:
        return ETagText(n.etag_hash);
      case kModifiedSlot:
        // Version 1's, formatted once: most answers carry it.
        return n.modified_offset == 0 ? epoch_date_
                                      : policy::FormatHttpDate(absl::FromUnixSeconds(
                                            epoch_seconds_ + n.modified_offset));
      case kVersionSlot:
        return absl::StrCat(n.version);
      default:
        return absl::StrCat(n.content_length);
    }
  }

  size_t ValueLength(int slot, const core::ObjectNumbers& n) const override {
    switch (slot) {
      case kETagSlot:
        return 18;  // a quoted 16-digit hex hash
      case kModifiedSlot:
        return epoch_date_.size();  // IMF-fixdate: every date has its length
      case kVersionSlot:
        return Digits(n.version);
      default:
        return Digits(n.content_length);
    }
  }

 private:
  int64_t epoch_seconds_;
  std::string epoch_date_;
};

// The head every object of `rule` answers with, per-object fields as slots: a 304's (no
// Content-Length) or the rule's status's.
core::SharedHeadRef SharedHeadOf(const OriginRule& rule, bool not_modified,
                                 std::shared_ptr<const core::HeadRenderer> renderer) {
  policy::Response head;
  head.status = not_modified ? 304 : rule.status;
  head.headers = rule.headers;
  if (!rule.content_type.empty()) head.headers.Set("Content-Type", rule.content_type);
  head.headers.Set("ETag", core::SlotValue(kETagSlot));
  head.headers.Set("Last-Modified", core::SlotValue(kModifiedSlot));
  head.headers.Set(kVersionHeader, core::SlotValue(kVersionSlot));
  // Content-Length as an HTTP origin sends it (HEAD included): edge compression needs it
  // (SPEC 4.6).
  if (!not_modified) head.headers.Set("Content-Length", core::SlotValue(kLengthSlot));
  return core::MakeSharedHead(std::move(head), std::move(renderer));
}

// RFC 9110 13.1.2: weak comparison; "*" matches any current representation.
bool ETagListMatches(absl::string_view list, absl::string_view etag) {
  if (absl::StripAsciiWhitespace(list) == "*") return true;
  for (absl::string_view candidate : absl::StrSplit(list, ',')) {
    candidate = absl::StripAsciiWhitespace(candidate);
    absl::ConsumePrefix(&candidate, "W/");
    if (candidate == etag) return true;
  }
  return false;
}

// If-None-Match first; If-Modified-Since only without it (RFC 9110 13.2.2).
bool NotModified(const policy::Headers& request, uint64_t etag_hash, absl::Time last_modified) {
  if (const auto inm = request.Get("If-None-Match")) {
    return ETagListMatches(*inm, ETagText(etag_hash));
  }
  const auto ims = request.Get("If-Modified-Since");
  if (!ims) return false;
  const absl::optional<absl::Time> since = policy::ParseHttpDate(*ims);
  return since && absl::ToUnixSeconds(last_modified) <= absl::ToUnixSeconds(*since);
}

std::string Body(absl::string_view path, int64_t version, uint64_t size) {
  std::string body = absl::StrCat(path, " v", version, "\n");
  body.resize(size, '.');
  return body;
}

}  // namespace

OriginModel::OriginModel(OriginScript script, absl::Time epoch, OriginModelOptions options,
                         OriginScriptsById per_origin)
    : script_(std::move(script)),
      per_origin_(std::move(per_origin)),
      epoch_(epoch),
      options_(options),
      default_rule_(*policy::PathPattern::Compile("*")),
      renderer_(std::make_shared<ModelHeadRenderer>(epoch)) {
  default_heads_ = HeadsOf(default_rule_);
  auto add = [&](const OriginScript& script) {
    for (const OriginRule& rule : script.rules) heads_.try_emplace(&rule, HeadsOf(rule));
  };
  add(script_);
  for (const auto& [id, script] : per_origin_) add(script);
}

OriginModel::Heads OriginModel::HeadsOf(const OriginRule& rule) const {
  return {SharedHeadOf(rule, false, renderer_), SharedHeadOf(rule, true, renderer_)};
}

const OriginScript& OriginModel::ScriptOf(absl::string_view origin_id) const {
  const auto it = per_origin_.find(origin_id);
  return it == per_origin_.end() ? script_ : it->second;
}

const OriginRule* OriginModel::RuleFor(absl::string_view path, const OriginScript* script) const {
  const std::vector<OriginRule>& rules = (script != nullptr ? *script : script_).rules;
  if (rules.empty()) return nullptr;
  const std::string normalized = policy::NormalizePathForMatching(path);
  for (const OriginRule& rule : rules) {
    if (rule.path.Matches(normalized)) return &rule;
  }
  return nullptr;
}

const OriginOutage* OriginModel::OutageAt(const OriginScript& script, absl::string_view path,
                                          absl::Time now) const {
  const absl::Duration t = now - epoch_;
  for (const OriginOutage& o : script.outages) {
    if (t < o.from || t >= o.to) continue;
    if (o.path && !o.path->Matches(policy::NormalizePathForMatching(path))) continue;
    return &o;
  }
  return nullptr;
}

const OriginModel::History* OriginModel::HistoryOf(absl::string_view path) const {
  if (history_.empty()) return nullptr;  // before any deploy: no path to hash
  const auto it = history_.find(PathOf(path));
  return it == history_.end() ? nullptr : &it->second;
}

int64_t OriginModel::Version(absl::string_view path) const {
  const History* h = HistoryOf(path);
  return h == nullptr ? 1 : 1 + static_cast<int64_t>(h->size());
}

absl::Time OriginModel::VersionTime(absl::string_view path, int64_t version) const {
  const History* h = HistoryOf(path);
  if (version <= 1 || h == nullptr) return epoch_;
  EDGESIM_CHECK(version - 2 < static_cast<int64_t>(h->size()));
  return (*h)[version - 2];
}

void OriginModel::Deploy(const std::vector<std::string>& paths, absl::Time now) {
  for (const std::string& p : paths) {
    const absl::string_view path = PathOf(p);
    const OriginRule* rule = RuleFor(path);
    if (rule != nullptr && !rule->versioned) continue;
    history_[path].push_back(now);
  }
}

absl::StatusOr<core::OriginResponse> OriginModel::Answer(absl::string_view path_and_query,
                                                         absl::Time now) const {
  return Answer(policy::Request::Get(path_and_query), now);
}

absl::StatusOr<core::OriginResponse> OriginModel::Answer(const policy::Request& request,
                                                         absl::Time now, uint64_t size,
                                                         absl::string_view origin_id) const {
  absl::StatusOr<core::OriginResponse> r = SharedAnswer(request, now, size, origin_id);
  if (r.ok()) r->WholeHead();
  return r;
}

absl::StatusOr<core::OriginResponse> OriginModel::SharedAnswer(const policy::Request& request,
                                                               absl::Time now, uint64_t size,
                                                               absl::string_view origin_id) const {
  const absl::string_view path = request.path();
  const OriginScript& script = ScriptOf(origin_id);
  core::OriginResponse r;
  if (const OriginOutage* outage = OutageAt(script, path, now)) {
    switch (outage->failure) {
      case OriginOutage::Failure::kTimeout:
        return absl::DeadlineExceededError("origin outage: no answer in time");
      case OriginOutage::Failure::kRefused:
        return absl::UnavailableError("origin outage: connection refused");
      case OriginOutage::Failure::kStatus:
        r.head.status = outage->status;
        return r;
    }
  }
  const OriginRule* found = RuleFor(path, &script);
  const OriginRule& rule = found ? *found : default_rule_;
  const Heads& heads = found ? heads_.at(found) : default_heads_;
  const int64_t version = rule.versioned ? Version(path) : 1;
  const absl::Time last_modified = VersionTime(path, version);
  const int64_t modified_offset = absl::ToUnixSeconds(last_modified) - absl::ToUnixSeconds(epoch_);
  // The numbers' widths (core::ObjectNumbers): 4 billion deploys, 68 years after the epoch.
  EDGESIM_CHECK(version <= UINT32_MAX && modified_offset >= INT32_MIN &&
                modified_offset <= INT32_MAX);
  r.numbers.etag_hash = ETagHash(path, version);
  r.numbers.modified_offset = static_cast<int32_t>(modified_offset);
  r.numbers.version = static_cast<uint32_t>(version);
  const bool success = rule.status >= 200 && rule.status < 400;
  if (success && NotModified(request.headers, r.numbers.etag_hash, last_modified)) {
    r.head.status = 304;
    r.shared_head = heads.not_modified;
    return r;
  }
  r.head.status = rule.status;
  r.shared_head = heads.answer;
  const uint64_t body_size = size > 0 ? size : rule.size;
  r.numbers.content_length = body_size;
  if (request.method == "HEAD") return r;
  r.body_size = body_size;
  if (options_.bodies) r.body = core::MakeBody(Body(path, version, r.body_size));
  return r;
}

absl::StatusOr<core::OriginResponse> ModelOriginFetcher::Fetch(const core::OriginRequest& request,
                                                               absl::Time now) {
  ++requests_;
  absl::StatusOr<core::OriginResponse> r = model_.SharedAnswer(
      request.forwarded, now, size_, request.origin != nullptr ? request.origin->id : "");
  if (r.ok()) bytes_ += r->body_size;
  return r;
}

}  // namespace edgesim::sim
