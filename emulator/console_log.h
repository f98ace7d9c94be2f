// console_log.h — what `edgesim serve` tells the person at its terminal while it runs, on stderr:
// one line per answered request with --verbose, and a hint the first time a Host no distribution
// answers is seen (the viewer gets CloudFront's plain 403, SPEC 4.3; the hint says which Hosts
// work). Never slows the edge: lines go through a bounded queue to one writer thread, and a full
// queue drops the line and counts it. Hints are given once per Host, for at most
// `max_hinted_hosts` of them, then once more to say the rest go unreported.
//
//   ConsoleLog console(std::cerr, {.requests = true});
//   console.Request(record, "Miss from cloudfront", absl::Milliseconds(12));
//   // 2026-01-01T00:00:00Z IAD89-C1 GET /index.html 200 Miss from cloudfront (Miss) origin 12 ms
//   console.UnknownHost("nobody.example.com", *registry.Snapshot());
#pragma once

#include <cstdint>
#include <mutex>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "core/batch_worker.h"
#include "emulator/distribution_registry.h"
#include "policy/access_log.h"

namespace edgesim::emulator {

struct ConsoleLogOptions {
  bool requests = false;  // --verbose: a line per request
  size_t queue_capacity = 4096;
  size_t max_hinted_hosts = 16;
  // Longest path (with its query) or Host written; the rest becomes "...".
  size_t max_text_bytes = 256;
};

// One request's line: its time (the serve clock), POP, method, path and query, status, X-Cache,
// detailed result type (SPEC 8.3: OriginConnectError, OriginReadTimeout, ...), and how long it
// waited upstream (tiers and origin), "origin -" when it went to none.
std::string FormatConsoleRequestLine(const policy::AccessLogRecord& record,
                                     absl::string_view x_cache,
                                     absl::optional<absl::Duration> upstream,
                                     size_t max_text_bytes);

// The hint for a Host no distribution answers: the Hosts each distribution of `snapshot` answers.
std::string FormatUnknownHostHint(absl::string_view host, const RegistrySnapshot& snapshot,
                                  size_t max_text_bytes);

// Thread-safe.
class ConsoleLog {
 public:
  ConsoleLog(std::ostream& out, ConsoleLogOptions options);
  ~ConsoleLog();  // Close()
  ConsoleLog(const ConsoleLog&) = delete;
  ConsoleLog& operator=(const ConsoleLog&) = delete;

  bool logs_requests() const { return options_.requests; }
  // No-op unless options.requests.
  void Request(const policy::AccessLogRecord& record, absl::string_view x_cache,
               absl::optional<absl::Duration> upstream);
  void UnknownHost(absl::string_view host, const RegistrySnapshot& snapshot);
  // Writes what is queued and stops the thread. Idempotent; later lines are dropped.
  void Close();
  uint64_t dropped() const;

 private:
  void Write(std::vector<std::string>& lines);

  std::ostream& out_;
  const ConsoleLogOptions options_;
  std::mutex hints_mu_;
  std::set<std::string> hinted_hosts_;
  bool hints_exhausted_ = false;
  core::BatchWorker<std::string> lines_;  // last: its thread writes to out_
};

}  // namespace edgesim::emulator
