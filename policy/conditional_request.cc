#include "policy/conditional_request.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "policy/http_date.h"

namespace edgesim::policy {
namespace {

absl::string_view WithoutWeakPrefix(absl::string_view tag) {
  tag = absl::StripAsciiWhitespace(tag);
  if (absl::StartsWith(tag, "W/")) tag.remove_prefix(2);
  return tag;
}

// RFC 9110 13.1.2: If-None-Match uses the weak comparison; `*` matches any current entity.
bool EntityTagListMatches(absl::string_view if_none_match, absl::string_view etag) {
  if (absl::StripAsciiWhitespace(if_none_match) == "*") return true;
  const absl::string_view stored = WithoutWeakPrefix(etag);
  for (absl::string_view candidate : absl::StrSplit(if_none_match, ',')) {
    if (WithoutWeakPrefix(candidate) == stored) return true;
  }
  return false;
}

}  // namespace

bool NotModified(const Request& request, const Headers& representation) {
  return NotModified(request, [&]() -> const Headers& { return representation; });
}

bool NotModified(const Request& request, absl::FunctionRef<const Headers&()> representation) {
  if (request.method != "GET" && request.method != "HEAD") return false;
  if (const absl::optional<absl::string_view> inm = request.headers.Get("If-None-Match")) {
    const absl::optional<absl::string_view> etag = representation().Get("ETag");
    return etag.has_value() && EntityTagListMatches(*inm, *etag);
  }
  const absl::optional<absl::string_view> ims = request.headers.Get("If-Modified-Since");
  if (!ims.has_value()) return false;
  const absl::optional<absl::string_view> last_modified = representation().Get("Last-Modified");
  if (!last_modified.has_value()) return false;
  const absl::optional<absl::Time> since = ParseHttpDate(*ims);
  const absl::optional<absl::Time> modified = ParseHttpDate(*last_modified);
  return since.has_value() && modified.has_value() && *modified <= *since;
}

bool HasValidators(const Headers& representation) {
  return representation.Has("ETag") || representation.Has("Last-Modified");
}

}  // namespace edgesim::policy
