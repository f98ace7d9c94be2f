// ascii_case.h — ASCII case-insensitive equality, inline, for names matched on every request.
//
// Header names (RFC 9110 5.1), Cache-Control directives (RFC 9111 5.2) and content codings
// (RFC 9110 8.4.1) are case-insensitive. absl::EqualsIgnoreCase is an out-of-line call that folds
// every byte through a table even when the lengths differ; these reject on length inline, and
// compare with a lower-case literal a word at a time.
//
//   AsciiEqualsIgnoreCase(field.first, name);            // "Accept-Encoding" == "accept-ENCODING"
//   EqualsLowercaseLiteral(directive_name, "max-age");   // "Max-Age" matches
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"

namespace edgesim::policy {

namespace ascii_case_internal {

// Whether the sizeof(Word) bytes at `text` equal those at `lower`, ignoring the case of letters:
// setting bit 0x20 turns an upper-case ASCII letter into its lower-case one, and is applied only
// where `lower` has a letter, so no other byte can be folded onto a match.
template <typename Word>
bool WordEqualsLowercase(const char* text, const char* lower) {
  char fold_bytes[sizeof(Word)];
  for (size_t i = 0; i < sizeof(Word); ++i) {
    fold_bytes[i] = (lower[i] >= 'a' && lower[i] <= 'z') ? 0x20 : 0;
  }
  Word got, want, fold;
  std::memcpy(&got, text, sizeof(Word));
  std::memcpy(&want, lower, sizeof(Word));
  std::memcpy(&fold, fold_bytes, sizeof(Word));
  return (got | fold) == want;
}

// `word` with its upper-case ASCII letters made lower case, all eight bytes at once (the SWAR
// form of absl::AsciiStrToLower): a byte gets 0x20 when it is ASCII and within 'A'..'Z'.
inline uint64_t LowerAsciiWord(uint64_t word) {
  constexpr uint64_t kBytes = 0x0101010101010101u;
  const uint64_t low7 = word & (0x7f * kBytes);
  const uint64_t at_least_a = low7 + (0x80 - 'A') * kBytes;  // high bit: byte >= 'A'
  const uint64_t above_z = low7 + (0x7f - 'Z') * kBytes;     // high bit: byte > 'Z'
  const uint64_t upper = ~word & (at_least_a ^ above_z) & (0x80 * kBytes);
  return word | (upper >> 2);
}

inline bool WordsEqualIgnoreCase(const char* a, const char* b) {
  uint64_t x, y;
  std::memcpy(&x, a, sizeof(x));
  std::memcpy(&y, b, sizeof(y));
  return x == y || LowerAsciiWord(x) == LowerAsciiWord(y);
}

}  // namespace ascii_case_internal

// Eight bytes at a time once the lengths agree (the last word overlapping the one before).
inline bool AsciiEqualsIgnoreCase(absl::string_view a, absl::string_view b) {
  using ascii_case_internal::WordsEqualIgnoreCase;
  const size_t size = a.size();
  if (size != b.size()) return false;
  if (size < sizeof(uint64_t)) {
    for (size_t i = 0; i < size; ++i) {
      if (absl::ascii_tolower(static_cast<unsigned char>(a[i])) !=
          absl::ascii_tolower(static_cast<unsigned char>(b[i]))) {
        return false;
      }
    }
    return true;
  }
  const size_t last = size - sizeof(uint64_t);
  for (size_t i = 0; i < last; i += sizeof(uint64_t)) {
    if (!WordsEqualIgnoreCase(a.data() + i, b.data() + i)) return false;
  }
  return WordsEqualIgnoreCase(a.data() + last, b.data() + last);
}

// `text` equals the literal `lower`, which must be lower case, ignoring ASCII case. With the
// literal's length a constant, this compiles to one to three word compares (the last one
// overlapping the one before).
template <size_t N>
bool EqualsLowercaseLiteral(absl::string_view text, const char (&lower)[N]) {
  using ascii_case_internal::WordEqualsLowercase;
  constexpr size_t kSize = N - 1;
  if (text.size() != kSize) return false;
  const char* t = text.data();
  if constexpr (kSize < sizeof(uint32_t)) {
    for (size_t i = 0; i < kSize; ++i) {
      if (absl::ascii_tolower(static_cast<unsigned char>(t[i])) != lower[i]) return false;
    }
    return true;
  } else if constexpr (kSize < sizeof(uint64_t)) {
    constexpr size_t kLast = kSize - sizeof(uint32_t);
    return WordEqualsLowercase<uint32_t>(t, lower) &&
           WordEqualsLowercase<uint32_t>(t + kLast, lower + kLast);
  } else {
    constexpr size_t kLast = kSize - sizeof(uint64_t);
    for (size_t i = 0; i < kLast; i += sizeof(uint64_t)) {
      if (!WordEqualsLowercase<uint64_t>(t + i, lower + i)) return false;
    }
    return WordEqualsLowercase<uint64_t>(t + kLast, lower + kLast);
  }
}

}  // namespace edgesim::policy
