#include "sim/step_check.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "sim/origin_model.h"

namespace edgesim::sim {
namespace {

constexpr absl::string_view kXCacheSuffix = " from cloudfront";

// What a mismatch line prints for an absent value.
std::string OrNone(absl::string_view s) { return s.empty() ? "none" : std::string(s); }

// "Hit from cloudfront" -> "Hit"; anything else as is.
absl::string_view ResultType(absl::string_view x_cache) {
  absl::ConsumeSuffix(&x_cache, kXCacheSuffix);
  return x_cache;
}

}  // namespace

std::string Observation::Header(absl::string_view name) const {
  const absl::optional<absl::string_view> v = headers.Get(name);
  return v ? std::string(*v) : std::string();
}

Observation ObservationFrom(int status, policy::Headers headers, absl::string_view body) {
  return Observation{.status = status,
                     .headers = std::move(headers),
                     .body_prefix = std::string(body.substr(0, kObservedBodyBytes))};
}

std::string StepText(const Step& step) {
  switch (step.kind) {
    case Step::Kind::kRequest:
      return absl::StrCat(step.request.method, " ", step.request.target);
    case Step::Kind::kDeploy:
      return absl::StrCat("deploy ", absl::StrJoin(step.paths, ", "));
    case Step::Kind::kInvalidate:
      return absl::StrCat("invalidate ", absl::StrJoin(step.paths, ", "));
  }
  return "";
}

std::string StepLabel(const Step& step, size_t index) {
  return absl::StrCat("steps[", index, "] ", StepText(step));
}

std::vector<std::string> CheckStep(const Step& step, size_t index, const Observation& seen,
                                   int64_t origin_requests) {
  std::vector<std::string> out;
  auto mismatch = [&](absl::string_view field, absl::string_view want, absl::string_view got) {
    out.push_back(
        absl::StrCat(StepLabel(step, index), ": ", field, ": want ", want, ", got ", OrNone(got)));
  };
  const Expectation& e = step.expect;
  if (e.status && *e.status != seen.status) {
    mismatch("status", absl::StrCat(*e.status), absl::StrCat(seen.status));
  }
  if (e.x_cache) {
    const std::string got = seen.Header("X-Cache");
    if (got != absl::StrCat(*e.x_cache, kXCacheSuffix)) mismatch("x_cache", *e.x_cache, got);
  }
  if (e.age) {
    const std::string got = seen.Header("Age");
    const std::string want = *e.age == 0 ? "" : absl::StrCat(*e.age);
    if (got != want) mismatch("age", *e.age == 0 ? "no Age header" : want, got);
  }
  if (e.version) {
    const std::string got = seen.Header(kVersionHeader);
    if (got != absl::StrCat(*e.version)) mismatch("version", absl::StrCat(*e.version), got);
  }
  for (const auto& [name, value] : e.headers.fields()) {
    const absl::optional<absl::string_view> got = seen.headers.Get(name);
    if (!got || *got != value) mismatch(name, value, got ? *got : "");
  }
  if (e.origin_requests && *e.origin_requests != origin_requests) {
    mismatch("origin_requests", absl::StrCat(*e.origin_requests), absl::StrCat(origin_requests));
  }
  if (e.body_starts_with && !absl::StartsWith(seen.body_prefix, *e.body_starts_with)) {
    mismatch("body_starts_with", absl::StrCat("\"", *e.body_starts_with, "\""),
             absl::StrCat("\"", seen.body_prefix.substr(0, e.body_starts_with->size() + 8), "\""));
  }
  return out;
}

std::string Summarize(const Observation& seen) {
  auto or_dash = [](const std::string& s) { return s.empty() ? std::string("-") : s; };
  return absl::StrCat(seen.status, " ", or_dash(std::string(ResultType(seen.Header("X-Cache")))),
                      " age ", or_dash(seen.Header("Age")), " v",
                      or_dash(seen.Header(kVersionHeader)));
}

}  // namespace edgesim::sim
