#include "cli/app.h"

#include <algorithm>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cli/distribution_file.h"
#include "cli/explain.h"
#include "cli/play.h"
#include "cli/serve.h"
#include "cli/simulate.h"
#include "core/epoch_seconds.h"
#include "policy/behavior_lint.h"
#include "policy/http_date.h"
#include "policy/status_macros.h"

namespace edgesim::cli {
namespace {

// "Name: value" as curl's -H spells it.
absl::StatusOr<std::pair<std::string, std::string>> ParseHeaderFlag(const std::string& flag) {
  size_t colon = flag.find(':');
  std::string name = std::string(absl::StripAsciiWhitespace(flag.substr(0, colon)));
  if (colon == std::string::npos || name.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("header \"", flag, "\" is not of the form 'Name: value'"));
  }
  return std::make_pair(name, std::string(absl::StripAsciiWhitespace(flag.substr(colon + 1))));
}

absl::Status AddHeaders(const std::vector<std::string>& flags, policy::Headers* headers) {
  for (const std::string& flag : flags) {
    EDGESIM_ASSIGN_OR_RETURN(auto field, ParseHeaderFlag(flag));
    headers->Add(field.first, field.second);
  }
  return absl::OkStatus();
}

// The driver owns the clock: an empty flag means the real time.
// The caches keep 32-bit seconds (core/epoch_seconds.h): a later --now is refused.
absl::StatusOr<absl::Time> ParseNow(const std::string& flag) {
  if (flag.empty()) return absl::Now();
  absl::optional<absl::Time> t;
  if (int64_t unix_seconds; absl::SimpleAtoi(flag, &unix_seconds)) {
    t = absl::FromUnixSeconds(unix_seconds);
  } else {
    t = policy::ParseHttpDate(flag);
  }
  if (!t.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--now \"", flag, "\" is neither Unix seconds nor an HTTP date"));
  }
  if (*t > core::kLatestTime) {
    return absl::InvalidArgumentError(
        absl::StrCat("--now \"", flag, "\" is past ", core::kLatestEpochSeconds,
                     " (2106-02-07T06:28:15Z), the latest time edgesim models"));
  }
  return *t;
}

// Whole seconds >= 0, with a message a person can read (CLI::NonNegativeNumber prints DBL_MAX).
const CLI::Validator kSeconds(
    [](std::string& text) -> std::string {
      int64_t v;
      if (absl::SimpleAtoi(text, &v) && v >= 0) return "";
      return absl::StrCat("\"", text, "\" is not a whole number of seconds >= 0");
    },
    "SECONDS");

struct ExplainFlags {
  std::string config;
  std::string method = "GET";
  std::vector<std::string> positional;
  std::vector<std::string> headers;
  int origin_status = 200;
  std::vector<std::string> origin_headers;
  std::vector<std::string> invalidations;
  bool json = false;
  absl::optional<int64_t> min_ttl, default_ttl, max_ttl, error_caching_min_ttl;
  std::string now;
  bool http = false;
};

void AddExplainCommand(CLI::App& app, ExplainFlags& f) {
  CLI::App* cmd = app.add_subcommand(
      "explain", "Walk one request through the CloudFront model: behavior, cache key, TTL");
  cmd->add_option("--config", f.config,
                  "DistributionConfig JSON (as get-distribution-config prints); default: demo");
  cmd->add_option("--method", f.method, "Viewer request method");
  cmd->add_option("-H,--header", f.headers, "Viewer request header 'Name: value' (repeatable)");
  cmd->add_option("--origin-status", f.origin_status, "Origin response status")
      ->check(CLI::Range(100, 599));
  cmd->add_option("--origin-header", f.origin_headers,
                  "Origin response header 'Name: value' (repeatable)");
  cmd->add_option("--invalidate", f.invalidations,
                  "Invalidation path: would it remove this object? (repeatable)");
  cmd->add_flag("--json", f.json, "Print one JSON object");
  cmd->add_option("--min-ttl", f.min_ttl, "Override the matched policy's MinTTL (seconds)")
      ->check(kSeconds);
  cmd->add_option("--default-ttl", f.default_ttl, "Override DefaultTTL (seconds)")->check(kSeconds);
  cmd->add_option("--max-ttl", f.max_ttl, "Override MaxTTL (seconds)")->check(kSeconds);
  cmd->add_option("--error-caching-min-ttl", f.error_caching_min_ttl,
                  "Override ErrorCachingMinTTL for the origin status (seconds)")
      ->check(kSeconds);
  cmd->add_option("--now", f.now,
                  "When the origin answered: an HTTP date or Unix seconds (default: the clock); "
                  "Expires is measured from it");
  cmd->add_flag("--http", f.http,
                "The viewer connects over plain HTTP (default: HTTPS), for ViewerProtocolPolicy");
  cmd->add_option("request", f.positional, "[METHOD] PATH[?QUERY]")->required()->expected(1, 2);
}

int RunExplain(const ExplainFlags& f, std::ostream& out, std::ostream& err) {
  absl::StatusOr<policy::Distribution> distribution = LoadDistributionFileOrDemo(f.config);
  if (!distribution.ok()) {
    // One line here; check-config lists every problem.
    absl::string_view message = distribution.status().message();
    size_t problems = std::count(message.begin(), message.end(), '\n') + 1;
    std::string first(message.substr(0, message.find('\n')));
    if (problems > 1) {
      absl::StrAppend(&first, " (and ", problems - 1, " more: edgesim check-config ", f.config,
                      ")");
    }
    return Fail(err, absl::InvalidArgumentError(first));
  }

  ExplainInput in;
  in.request.method = f.positional.size() == 2 ? f.positional[0] : f.method;
  in.request.target = f.positional.back();
  in.request.https = !f.http;
  if (in.request.target.empty() || in.request.target[0] != '/') {
    return Fail(err, absl::InvalidArgumentError(absl::StrCat("request path \"", in.request.target,
                                                             "\" must start with '/'")));
  }
  if (absl::Status s = AddHeaders(f.headers, &in.request.headers); !s.ok()) return Fail(err, s);
  if (absl::Status s = AddHeaders(f.origin_headers, &in.origin_headers); !s.ok()) {
    return Fail(err, s);
  }
  in.origin_status = f.origin_status;
  in.invalidation_paths = f.invalidations;
  in.min_ttl = f.min_ttl;
  in.default_ttl = f.default_ttl;
  in.max_ttl = f.max_ttl;
  in.error_caching_min_ttl = f.error_caching_min_ttl;
  absl::StatusOr<absl::Time> now = ParseNow(f.now);
  if (!now.ok()) return Fail(err, now.status());
  in.now = *now;

  absl::StatusOr<Explanation> e = Explain(*distribution, in);
  if (!e.ok()) return Fail(err, e.status());
  if (f.json) {
    out << RenderExplanationJson(*e).dump(2) << "\n";
  } else {
    out << RenderExplanationText(*e, *distribution);
  }
  return kExitOk;
}

int RunCheckConfig(const std::string& path, std::ostream& out, std::ostream& err) {
  absl::StatusOr<policy::Distribution> d = LoadDistributionFileOrDemo(path);
  if (!d.ok()) {
    err << d.status().message() << "\n";
    return kExitInvalid;
  }
  const policy::DistributionConfig& c = d->config;
  out << path << ": valid: " << c.origins.size() << " origin(s), " << c.behaviors.size()
      << " cache behavior(s) + default, " << c.custom_error_responses.size()
      << " custom error response(s)\n";
  // Warnings, not errors: CloudFront deploys such a config (SPEC 1.1 rule 15).
  for (const policy::ConfigProblem& w : policy::ShadowedBehaviors(c)) {
    out << path << ": warning: " << w << "\n";
  }
  return kExitOk;
}

// CLI11 lets a repeatable option (a vector) take every word that follows it, so
// `explain -H 'a: b' GET /x` read GET as a second header. Every option of every command takes
// exactly one value per occurrence instead: `-H A -H B`, as curl spells it.
void TakeOneValuePerOccurrence(CLI::App& app) {
  for (CLI::Option* option : app.get_options()) {
    if (option->nonpositional()) option->allow_extra_args(false);
  }
  for (CLI::App* sub : app.get_subcommands({})) TakeOneValuePerOccurrence(*sub);
}

}  // namespace

int Fail(std::ostream& err, const absl::Status& status, int code) {
  err << "edgesim: " << status.message() << "\n";
  return code;
}

int RunApp(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  CLI::App app{"edgesim: an emulator and simulator of Amazon CloudFront's caching", "edgesim"};
  app.require_subcommand(1);

  int exit_code = kExitOk;
  app.add_subcommand("version", "Print the version")->callback([&] { out << "edgesim 0.1.0\n"; });

  ExplainFlags explain;
  AddExplainCommand(app, explain);
  app.get_subcommand("explain")->callback([&] { exit_code = RunExplain(explain, out, err); });

  std::string check_path;
  CLI::App* check = app.add_subcommand(
      "check-config", "Validate a DistributionConfig JSON and report every problem");
  check->add_option("file", check_path, "DistributionConfig JSON")->required();
  check->callback([&] { exit_code = RunCheckConfig(check_path, out, err); });

  AddSimulateCommands(app, out, err, exit_code);
  AddPlayCommand(app, out, err, exit_code);
  ServeFlags serve;
  AddServeCommand(app, serve)->callback([&] { exit_code = RunServe(serve, out, err); });

  TakeOneValuePerOccurrence(app);

  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::ParseError& e) {
    // One line, unlike CLI11's default failure message.
    err << "edgesim: " << e.what() << " (see edgesim --help)\n";
    return kExitInvalid;
  }
  return exit_code;
}

}  // namespace edgesim::cli
