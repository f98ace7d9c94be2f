// directory_origin.h — an origin served from a local directory (`--origin-dir ID=DIR`,
// DESIGN 5): a stand-in for a web server or bucket while developing offline.
//
// * GET/HEAD of `/a/b.css` serves DIR/a/b.css with Content-Type (by extension), Content-Length,
//   a strong ETag ("<mtime ns hex>-<size hex>", as nginx builds it) and Last-Modified; other
//   methods are 405. The query string is ignored.
// * Conditional requests (CloudFront's revalidations, SPEC 3.4): a matching If-None-Match or
//   If-Modified-Since is a 304 with the validators and Cache-Control.
// * Cache-Control comes from the first rule whose path pattern (CloudFront's glob, SPEC 1)
//   matches the path: the given rules first, then DIR/.edgesim-cache-control, lines
//   "PATTERN VALUE" (`#` starts a comment). No rule: no Cache-Control.
// * Nothing outside DIR is reachable: `..` segments, NUL and broken %-escapes are 400; symlinks
//   resolving outside DIR, directories (CloudFront does not list them; DefaultRootObject is the
//   edge's business), the rules file and missing files are 404.
//
//   auto dir = *DirectoryOrigin::Create("./build", {{"/assets/*", "max-age=31536000"}});
//   core::OriginResponse r = *dir->Serve(policy::Request::Get("/assets/app.js"), now);
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/origin_fetcher.h"
#include "policy/http_message.h"

namespace edgesim::emulator {

// (path pattern, Cache-Control value), e.g. {"*.html", "no-cache"}.
using CacheControlRules = std::vector<std::pair<std::string, std::string>>;

class DirectoryOrigin {
 public:
  // InvalidArgument when `dir` is not a directory or its .edgesim-cache-control has a line
  // without a value (the message says file:line).
  static absl::StatusOr<std::unique_ptr<DirectoryOrigin>> Create(const std::string& dir,
                                                                 CacheControlRules rules,
                                                                 uint64_t max_body_bytes = 256
                                                                                           << 20);

  // The answer to `request` (any status); `now` is its Date. ResourceExhausted for a file over
  // max_body_bytes, Unavailable when a file cannot be read.
  absl::StatusOr<core::OriginResponse> Serve(const policy::Request& request, absl::Time now) const;

 private:
  DirectoryOrigin(std::string root, CacheControlRules rules, uint64_t max_body_bytes)
      : root_(std::move(root)), rules_(std::move(rules)), max_body_bytes_(max_body_bytes) {}

  const std::string root_;  // canonical, without a trailing slash
  const CacheControlRules rules_;
  const uint64_t max_body_bytes_;
};

}  // namespace edgesim::emulator
