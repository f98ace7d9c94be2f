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
    : out_(out), options_(options) {
  thread_ = std::thread([this] { Run(); });
}

ConsoleLog::~ConsoleLog() { Close(); }

void ConsoleLog::Request(const policy::AccessLogRecord& record, absl::string_view x_cache,
                         absl::optional<absl::Duration> upstream) {
  if (!options_.requests) return;
  Enqueue(FormatConsoleRequestLine(record, x_cache, upstream, options_.max_text_bytes));
}

void ConsoleLog::UnknownHost(absl::string_view host, const RegistrySnapshot& snapshot) {
  const std::string key(host.substr(0, options_.max_text_bytes));
  bool last_hint;
  {
    std::lock_guard<std::mutex> lock(mu_);
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
    return Enqueue(absl::StrCat("edgesim: ", options_.max_hinted_hosts,
                                " unknown Hosts reported; further ones are not\n"));
  }
  Enqueue(FormatUnknownHostHint(host, snapshot, options_.max_text_bytes));
}

void ConsoleLog::Enqueue(std::string line) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closing_ || queue_.size() >= options_.queue_capacity) {
      ++dropped_;
      return;
    }
    queue_.push_back(std::move(line));
  }
  ready_.notify_one();
}

void ConsoleLog::Close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
  }
  ready_.notify_one();
  if (thread_.joinable()) thread_.join();
}

uint64_t ConsoleLog::dropped() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_;
}

void ConsoleLog::Run() {
  std::deque<std::string> batch;
  for (;;) {
    bool closing;
    {
      std::unique_lock<std::mutex> lock(mu_);
      ready_.wait(lock, [this] { return closing_ || !queue_.empty(); });
      closing = closing_;
      batch.swap(queue_);
    }
    for (const std::string& line : batch) out_ << line;
    out_.flush();
    batch.clear();
    if (closing) return;
  }
}

}  // namespace edgesim::emulator
