// fake_origin.h — a scripted OriginFetcher for the core tests (STYLE 6.7: fakes, not mocks).
//
// Answers each origin path (the forwarded path, query ignored) with the response scripted for it,
// 404 when none is; answers a conditional request 304 when the scripted 2xx/3xx still carries the
// validator the request names (weakly compared); can fail with a Status (Unavailable,
// DeadlineExceeded). Counts fetches and records every forwarded request. Thread-safe; an optional
// hook runs inside Fetch, before the answer, so a test can hold fetches in flight.
//
//   FakeOrigin origin;
//   origin.Set("/a.js", 200, {{"Cache-Control", "max-age=60"}, {"ETag", "\"v1\""}});
//   edge->Handle(policy::Request::Get("/a.js"), now, origin);
//   origin.fetches();   // 1
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "core/origin_fetcher.h"
#include "policy/conditional_request.h"

namespace edgesim::core {

class FakeOrigin final : public OriginFetcher {
 public:
  // From now on, `path` answers `status` with `headers` and `body`.
  void Set(absl::string_view path, int status, policy::Headers headers = {},
           std::string body = "origin body") {
    Script script;
    script.response.status = status;
    script.response.headers = std::move(headers);
    script.body = MakeBody(std::move(body));
    std::lock_guard<std::mutex> lock(mu_);
    scripts_[std::string(path)] = std::move(script);
  }
  void Set(absl::string_view path, const policy::Response& response,
           std::string body = "origin body") {
    Set(path, response.status, response.headers, std::move(body));
  }

  // From now on, fetches of `path` fail with `code` (kUnavailable: no connection;
  // kDeadlineExceeded: no answer in time).
  void Fail(absl::string_view path, absl::StatusCode code) {
    std::lock_guard<std::mutex> lock(mu_);
    scripts_[std::string(path)].failure = code;
  }

  // From now on, `path`'s answers come cut short of their body (SPEC 4.3): the first half of
  // it, marked incomplete. Not-modified answers (no body) are unaffected.
  void CutShort(absl::string_view path) {
    std::lock_guard<std::mutex> lock(mu_);
    scripts_[std::string(path)].cut_short = true;
  }

  // Runs inside every Fetch, before the answer, without the lock held.
  void SetHook(std::function<void(const OriginRequest&)> hook) {
    std::lock_guard<std::mutex> lock(mu_);
    hook_ = std::move(hook);
  }

  absl::StatusOr<OriginResponse> Fetch(const OriginRequest& request, absl::Time) override {
    std::function<void(const OriginRequest&)> hook;
    {
      std::lock_guard<std::mutex> lock(mu_);
      forwarded_.push_back(request.forwarded);
      hook = hook_;
    }
    if (hook) hook(request);
    std::lock_guard<std::mutex> lock(mu_);
    const auto it = scripts_.find(request.forwarded.path());
    if (it == scripts_.end()) return Answer(policy::Response{404, {}}, nullptr, request);
    const Script& script = it->second;
    if (script.failure != absl::StatusCode::kOk) return absl::Status(script.failure, "fake origin");
    if (request.conditional && NotModified(request.forwarded, script.response)) {
      return Answer(policy::Response{304, Validators(script.response.headers)}, nullptr, request);
    }
    OriginResponse answer = Answer(script.response, script.body, request);
    if (script.cut_short && answer.body != nullptr) {
      answer.body_size /= 2;
      answer.body = MakeBody(answer.body->substr(0, answer.body_size));
      answer.complete = false;
    }
    return answer;
  }

  int fetches() const {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<int>(forwarded_.size());
  }
  std::vector<policy::Request> forwarded() const {
    std::lock_guard<std::mutex> lock(mu_);
    return forwarded_;
  }
  // REQUIRES: fetches() > 0.
  policy::Request last_forwarded() const {
    std::lock_guard<std::mutex> lock(mu_);
    return forwarded_.back();
  }

 private:
  struct Script {
    policy::Response response;
    BodyRef body;
    absl::StatusCode failure = absl::StatusCode::kOk;
    bool cut_short = false;
  };

  static OriginResponse Answer(policy::Response head, BodyRef body, const OriginRequest& request) {
    OriginResponse r;
    r.head = std::move(head);
    if (request.forwarded.method != "HEAD" && body != nullptr) {
      r.body_size = body->size();
      r.body = std::move(body);
    }
    return r;
  }

  static policy::Headers Validators(const policy::Headers& headers) {
    policy::Headers out;
    for (absl::string_view name : {"ETag", "Last-Modified"}) {
      if (const auto v = headers.Get(name)) out.Add(name, *v);
    }
    return out;
  }

  // Only a 2xx/3xx can be "not modified"; the validators match as the edge's own
  // (policy/conditional_request.h: weak If-None-Match first, then If-Modified-Since).
  static bool NotModified(const policy::Request& request, const policy::Response& current) {
    return current.status >= 200 && current.status < 400 &&
           policy::NotModified(request, current.headers);
  }

  mutable std::mutex mu_;
  absl::flat_hash_map<std::string, Script> scripts_ ABSL_GUARDED_BY(mu_);
  std::function<void(const OriginRequest&)> hook_ ABSL_GUARDED_BY(mu_);
  std::vector<policy::Request> forwarded_ ABSL_GUARDED_BY(mu_);
};

}  // namespace edgesim::core
