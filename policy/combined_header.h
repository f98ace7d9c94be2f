// combined_header.h — a header's combined value (RFC 9110 5.3) without a copy in the usual case.
//
// `Headers::GetCombined` always builds a new string. The hot paths (cache key, TTL) read a few
// headers per request, and nearly always each is sent once: then the value is a view of that
// field, and only repeated fields are joined with ", " into the caller's scratch string.
//
//   std::string scratch;
//   absl::optional<absl::string_view> cc = CombinedHeaderValue(response.headers, "Cache-Control",
//                                                              &scratch);
#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "policy/http_message.h"

namespace edgesim::policy {

// Equals `headers.GetCombined(name)`, as a view into `headers` (one field) or into `*scratch`
// (several); valid while both live unchanged. nullopt when no field has this name.
absl::optional<absl::string_view> CombinedHeaderValue(const Headers& headers,
                                                      absl::string_view name, std::string* scratch);

}  // namespace edgesim::policy
