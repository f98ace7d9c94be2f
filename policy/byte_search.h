// byte_search.h — finding a delimiter in a header value, eight bytes at a time.
//
// The request-path parsers (Cache-Control directives, query strings, cookies, Accept-Encoding)
// split short values on one or two delimiter bytes. A byte loop costs two branches per byte, and
// absl::string_view::find is an out-of-line call to memchr; these test a whole 64-bit word per
// step (SWAR), with a byte loop for the last few bytes.
//
//   size_t eq = FindByte(param, 0, '=');                   // param.size() when there is none
//   size_t stop = FindEitherByte(directives, i, ',', '=');
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "absl/strings/string_view.h"

namespace edgesim::policy {
namespace byte_search_internal {

constexpr uint64_t kOnes = 0x0101010101010101u;
constexpr uint64_t kHighBits = 0x8080808080808080u;

// The high bit of every byte of `word` that equals `byte`, and possibly of bytes above the first
// such one (a borrow may propagate upwards): the lowest set bit is always exact.
inline uint64_t MatchingBytes(uint64_t word, char byte) {
  const uint64_t x = word ^ (kOnes * static_cast<unsigned char>(byte));
  return (x - kOnes) & ~x & kHighBits;
}

// Words are read little-endian, so that the first byte in memory is the lowest one, whose match
// bit is exact. Elsewhere only the byte loop runs.
template <typename Matches, typename IsStop>
size_t Find(absl::string_view s, size_t from, Matches matches, IsStop is_stop) {
  size_t i = from;
  if constexpr (std::endian::native == std::endian::little) {
    for (; i + sizeof(uint64_t) <= s.size(); i += sizeof(uint64_t)) {
      uint64_t word;
      std::memcpy(&word, s.data() + i, sizeof(word));
      if (const uint64_t m = matches(word); m != 0) return i + std::countr_zero(m) / 8;
    }
  }
  while (i < s.size() && !is_stop(s[i])) ++i;
  return i;
}

}  // namespace byte_search_internal

// The index of the first `c` in `s` at or after `from`, or s.size() when there is none.
// REQUIRES: from <= s.size().
inline size_t FindByte(absl::string_view s, size_t from, char c) {
  using byte_search_internal::MatchingBytes;
  return byte_search_internal::Find(
      s, from, [c](uint64_t word) { return MatchingBytes(word, c); },
      [c](char x) { return x == c; });
}

// The index of the first `a` or `b` in `s` at or after `from`, or s.size() when there is none.
// REQUIRES: from <= s.size().
inline size_t FindEitherByte(absl::string_view s, size_t from, char a, char b) {
  using byte_search_internal::MatchingBytes;
  return byte_search_internal::Find(
      s, from, [a, b](uint64_t word) { return MatchingBytes(word, a) | MatchingBytes(word, b); },
      [a, b](char x) { return x == a || x == b; });
}

}  // namespace edgesim::policy
