#include "policy/combined_header.h"

#include "absl/strings/str_cat.h"
#include "policy/ascii_case.h"

namespace edgesim::policy {

absl::optional<absl::string_view> CombinedHeaderValue(const Headers& headers,
                                                      absl::string_view name,
                                                      std::string* scratch) {
  // A pointer, not an optional: copying an absl::optional<absl::string_view> around stalls on
  // reading back its just-written parts, which costs more than this whole loop.
  const std::string* first = nullptr;
  bool joined = false;
  for (const Headers::Field& field : headers.fields()) {
    if (!AsciiEqualsIgnoreCase(field.first, name)) continue;
    if (first == nullptr) {
      first = &field.second;
      continue;
    }
    if (!joined) scratch->assign(*first);
    joined = true;
    absl::StrAppend(scratch, ", ", field.second);
  }
  if (first == nullptr) return absl::nullopt;
  return absl::string_view(joined ? *scratch : *first);
}

}  // namespace edgesim::policy
