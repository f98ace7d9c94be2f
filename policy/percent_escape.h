// percent_escape.h — reading one `%XX` escape (RFC 3986 2.1), shared by every decoder of URLs.
//
// Paths are decoded in three places with three different policies (path patterns re-encode what
// is reserved, log values decode everything, the directory origin refuses a broken escape), but
// what counts as an escape is one rule:
//
//   DecodePercentEscape("/a%2Fb", 2);   // '/'
//   DecodePercentEscape("/a%2", 2);     // nullopt: not two hex digits
#pragma once

#include <cstddef>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"

namespace edgesim::policy {

// The byte that the escape starting at `text[i]` stands for, or nullopt when `text[i]` is not `%`
// followed by two hex digits (either case).
inline absl::optional<char> DecodePercentEscape(absl::string_view text, size_t i) {
  const auto hex = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (i + 2 >= text.size() || text[i] != '%') return absl::nullopt;
  const int hi = hex(text[i + 1]);
  const int lo = hex(text[i + 2]);
  if (hi < 0 || lo < 0) return absl::nullopt;
  return static_cast<char>(hi * 16 + lo);
}

}  // namespace edgesim::policy
