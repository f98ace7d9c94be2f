// cloudfront_log_reader.h — CloudFront standard access logs (SPEC 8) as a TraceSource: files
// given as paths or glob patterns, plain or gzip (`.gz`, as CloudFront delivers them).
//
// Each file is read by its own `#Fields:` line (policy/access_log.h), so legacy files, v2 files
// with any field set and order, and the emulator's own logs all replay. Records in a log are not
// chronological (SPEC 8.1), so the reader loads every file, then hands out records sorted by time
// (stable: ties keep file and line order); memory is about 100 bytes per request.
//
// Per line: target = cs-uri-stem, plus "?" + cs-uri-query when there is one (decoded values);
// object_id = XXH3-64 of the target (core::HashKey); size = sc-content-len, else sc-bytes; status
// = sc-status; method = cs-method; a logged cs(Cookie) becomes a "Cookie: ..." header. The POP is
// x-edge-location mapped through `pop_map` (unlisted locations keep their code); pops() is sorted
// by name, so indexes do not depend on file order. A line that does not parse, a size over
// kMaxRecordSize (2^63-1), a time past core::kLatestTime (2106-02-07T06:28:15Z), or a record
// before any `#Fields:` line, is a bad record ("file:line: why"); with `strict` so is a last line
// without its newline (a log cut short).
// More than kMaxPops (1,024) distinct POPs after `pop_map` is an error naming the line, with or
// without `strict` (sim/trace.h).
//
//   EDGESIM_ASSIGN_OR_RETURN(auto source,
//       OpenCloudFrontLogs({"logs/E2EXAMPLE.2026-11-*.gz"}, {{"IAD89-C1", "IAD"}}, false));
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/trace.h"

namespace edgesim::sim {

// NotFound when a path is missing or a pattern matches no file. With `strict`, the first bad
// record fails the open with InvalidArgument "file:line: why" (the whole set is read up front).
absl::StatusOr<std::unique_ptr<TraceSource>> OpenCloudFrontLogs(
    const std::vector<std::string>& files,
    const std::vector<std::pair<std::string, std::string>>& pop_map, bool strict);

}  // namespace edgesim::sim
