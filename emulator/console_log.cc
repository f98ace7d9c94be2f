#include "emulator/console_log.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace edgesim::emulator {
namespace {

// `text` cut to `max` bytes, "..." marking the cut, and every control character as '?', so a
// line stays one bounded line whatever a viewer sent.
std::string Printable(absl::string_view text, size_t max) {
  std::string out(text.substr(0, max));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  if (text.size() > max) out.append("...");
  return out;
}

}  // namespace

std::string FormatConsoleRequestLine(const policy::AccessLogRecord& r, absl::string_view x_cache,
                                     absl::optional<absl::Duration> upstream,
                                     size_t max_text_bytes) {
  const std::string target =
      r.uri_query.empty() ? r.uri_stem : absl::StrCat(r.uri_stem, "?", r.uri_query);
  std::string line =
      absl::StrCat(absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", r.time, absl::UTCTimeZone()), " ",
                   r.edge_location, " ", r.method, " ", Printable(target, max_text_bytes), " ",
                   r.sc_status, " ", x_cache, " (", r.detailed_result_type, ") origin ");
  if (upstream) {
    absl::StrAppend(&line, absl::ToInt64Milliseconds(*upstream), " ms");
  } else {
    line.append("-");
  }
  line.push_back('\n');
  return line;
}

std::string FormatUnknownHostHint(absl::string_view host, const RegistrySnapshot& snapshot,
                                  size_t max_text_bytes) {
  std::string hint = absl::StrCat("edgesim: Host \"", Printable(host, max_text_bytes),
                                  "\" is no distribution's, so the edge answers CloudFront's 403");
  if (snapshot.distributions().empty()) {
    absl::StrAppend(&hint, "; no distribution runs yet (--config, --demo or CloudFront's API)\n");
    return hint;
  }
  hint.append("; send one of these Hosts (curl -H 'Host: NAME'):\n");
  for (const auto& d : snapshot.distributions()) {
    absl::StrAppend(&hint, "  ", d->id(), ": ", absl::StrJoin(HostNames(d->distribution()), ", "),
                    "\n");
  }
  return hint;
}

ConsoleLog::ConsoleLog(std::ostream& out, ConsoleLogOptions options)
    : out_(out),
      options_(options),
      lines_(options.queue_capacity, [this](std::vector<std::string>& lines) { Write(lines); }) {}

ConsoleLog::~ConsoleLog() { Close(); }

void ConsoleLog::Request(const policy::AccessLogRecord& record, absl::string_view x_cache,
                         absl::optional<absl::Duration> upstream) {
  if (!options_.requests) return;
  lines_.Push(FormatConsoleRequestLine(record, x_cache, upstream, options_.max_text_bytes));
}

void ConsoleLog::UnknownHost(absl::string_view host, const RegistrySnapshot& snapshot) {
  const std::string key(host.substr(0, options_.max_text_bytes));
  bool last_hint;
  {
    std::lock_guard<std::mutex> lock(hints_mu_);
    if (hints_exhausted_ || hinted_hosts_.count(key) != 0) return;
    last_hint = hinted_hosts_.size() == options_.max_hinted_hosts;
    if (last_hint) {
      hints_exhausted_ = true;
      hinted_hosts_.clear();
    } else {
      hinted_hosts_.insert(key);
    }
  }
  if (last_hint) {
    lines_.Push(absl::StrCat("edgesim: ", options_.max_hinted_hosts,
                                " unknown Hosts reported; further ones are not\n"));
    return;
  }
  lines_.Push(FormatUnknownHostHint(host, snapshot, options_.max_text_bytes));
}

void ConsoleLog::Close() { lines_.Close(); }

uint64_t ConsoleLog::dropped() const { return lines_.counters().dropped; }

void ConsoleLog::Write(std::vector<std::string>& lines) {
  for (const std::string& line : lines) out_ << line;
  out_.flush();
}

}  // namespace edgesim::emulator
