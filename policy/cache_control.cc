#include "policy/cache_control.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "policy/ascii_case.h"
#include "policy/byte_search.h"

namespace edgesim::policy {
namespace {

// kMaxDeltaSeconds as a count: absl::ToInt64Seconds is a library call.
constexpr int64_t kMaxDeltaSecondsCount = int64_t{100} * 365 * 86400;
static_assert(absl::Seconds(kMaxDeltaSecondsCount) == kMaxDeltaSeconds);

// REQUIRES: text[i] == '"'. Reads a quoted-string up to its closing quote, which it skips; an
// unterminated one runs to the end. Returns where reading stopped. `*value` views `text`, or
// `*scratch` when a quoted-pair had to be unescaped.
size_t TakeQuoted(absl::string_view text, size_t i, absl::string_view* value,
                  std::string* scratch) {
  const size_t begin = ++i;
  i = FindEitherByte(text, i, '"', '\\');
  if (i == text.size() || text[i] == '"') {
    *value = text.substr(begin, i - begin);
    return i == text.size() ? i : i + 1;
  }
  scratch->assign(text.data() + begin, i - begin);
  for (; i < text.size(); ++i) {
    if (text[i] == '"') {
      ++i;
      break;
    }
    if (text[i] == '\\' && i + 1 < text.size()) ++i;  // quoted-pair
    scratch->push_back(text[i]);
  }
  *value = *scratch;
  return i;
}

// `no-cache="Set-Cookie, X-Foo"` -> {"Set-Cookie", "X-Foo"}.
void AddFieldNames(absl::string_view list, std::vector<std::string>* fields) {
  for (absl::string_view name : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
    fields->emplace_back(absl::StripAsciiWhitespace(name));
  }
}

// ParseDeltaSeconds as a count of seconds, -1 for nullopt. Directives parse through this rather
// than the optional, which is returned in memory and read back in a way that stalls the CPU.
int64_t DeltaSecondsOrMinusOne(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  if (text.empty()) return -1;
  int64_t seconds = 0;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return -1;
    // Saturate instead of overflowing: any longer number is over the cap anyway.
    if (seconds <= kMaxDeltaSecondsCount) seconds = seconds * 10 + (c - '0');
  }
  return std::min(seconds, kMaxDeltaSecondsCount);
}

// A directive's argument (after `=`), if it has one. Not an absl::optional<absl::string_view>:
// copying one around costs more than the rest of the parse.
struct Argument {
  bool present = false;
  absl::string_view text = {};
};

// ResponseCacheControl while parsing, with seconds for durations (-1: absent). Zeroing a
// ResponseCacheControl up front compiles to a `rep stos` that costs more than parsing a short
// header; this is set up with a few stores and converted once at the end.
struct Collected {
  bool no_cache = false;
  bool no_store = false;
  bool is_private = false;
  bool is_public = false;
  bool must_revalidate = false;
  bool proxy_revalidate = false;
  bool immutable = false;
  bool no_transform = false;
  int64_t max_age = -1;
  int64_t s_maxage = -1;
  int64_t stale_while_revalidate = -1;
  int64_t stale_if_error = -1;
  std::vector<std::string> no_cache_fields = {};
};

absl::optional<absl::Duration> ToDuration(int64_t seconds) {
  if (seconds < 0) return absl::nullopt;
  return absl::Seconds(seconds);
}

ResponseCacheControl ToResponseCacheControl(Collected& c) {
  return {.no_cache = c.no_cache,
          .no_cache_fields = std::move(c.no_cache_fields),
          .no_store = c.no_store,
          .is_private = c.is_private,
          .is_public = c.is_public,
          .must_revalidate = c.must_revalidate,
          .proxy_revalidate = c.proxy_revalidate,
          .immutable = c.immutable,
          .no_transform = c.no_transform,
          .max_age = ToDuration(c.max_age),
          .s_maxage = ToDuration(c.s_maxage),
          .stale_while_revalidate = ToDuration(c.stale_while_revalidate),
          .stale_if_error = ToDuration(c.stale_if_error)};
}

// First valid occurrence wins: a later duplicate, or an invalid value, leaves `*seconds` alone.
void SetDeltaOnce(Argument argument, int64_t* seconds) {
  if (*seconds >= 0 || !argument.present) return;
  *seconds = DeltaSecondsOrMinusOne(argument.text);
}

// `n` is the directive's name as sent.
void Apply(absl::string_view n, Argument value, Collected* cc) {
  // The delta-seconds directives share one SetDeltaOnce call, which then gets inlined.
  int64_t* delta = nullptr;
  // Dispatch on the length first: most names are then settled by one comparison.
  switch (n.size()) {
    case 6:
      if (EqualsLowercaseLiteral(n, "public")) cc->is_public = true;
      break;
    case 7:
      if (EqualsLowercaseLiteral(n, "max-age")) {
        delta = &cc->max_age;
      } else if (EqualsLowercaseLiteral(n, "private")) {
        cc->is_private = true;
      }
      break;
    case 8:
      if (EqualsLowercaseLiteral(n, "no-cache")) {
        if (value.present) {
          AddFieldNames(value.text, &cc->no_cache_fields);
        } else {
          cc->no_cache = true;
        }
      } else if (EqualsLowercaseLiteral(n, "no-store")) {
        cc->no_store = true;
      } else if (EqualsLowercaseLiteral(n, "s-maxage")) {
        delta = &cc->s_maxage;
      }
      break;
    case 9:
      if (EqualsLowercaseLiteral(n, "immutable")) cc->immutable = true;
      break;
    case 12:
      if (EqualsLowercaseLiteral(n, "no-transform")) cc->no_transform = true;
      break;
    case 14:
      if (EqualsLowercaseLiteral(n, "stale-if-error")) delta = &cc->stale_if_error;
      break;
    case 15:
      if (EqualsLowercaseLiteral(n, "must-revalidate")) cc->must_revalidate = true;
      break;
    case 16:
      if (EqualsLowercaseLiteral(n, "proxy-revalidate")) cc->proxy_revalidate = true;
      break;
    case 22:
      if (EqualsLowercaseLiteral(n, "stale-while-revalidate")) {
        delta = &cc->stale_while_revalidate;
      }
      break;
  }
  // Unknown directives (extensions) are ignored, as RFC 9111 5.2.3 requires.
  if (delta != nullptr) SetDeltaOnce(value, delta);
}

}  // namespace

absl::optional<absl::Duration> ParseDeltaSeconds(absl::string_view text) {
  const int64_t seconds = DeltaSecondsOrMinusOne(text);
  if (seconds < 0) return absl::nullopt;
  return absl::Seconds(seconds);
}

// Directives are `name [= (token | quoted-string)]`, separated by commas; anything malformed is
// skipped up to the next comma. One pass, no allocation unless a quoted value holds a
// quoted-pair: this runs on every origin response.
ResponseCacheControl ParseResponseCacheControl(absl::string_view value) {
  Collected cc;
  std::string unescaped;
  const size_t size = value.size();
  size_t i = 0;
  while (true) {
    while (i < size && (value[i] == ',' || absl::ascii_isspace(value[i]))) ++i;
    if (i == size) break;
    const size_t name_begin = i;
    i = FindEitherByte(value, i, ',', '=');
    const absl::string_view name =
        absl::StripTrailingAsciiWhitespace(value.substr(name_begin, i - name_begin));
    Argument argument;
    if (i < size && value[i] == '=') {
      argument.present = true;
      ++i;
      while (i < size && absl::ascii_isspace(value[i])) ++i;
      if (i < size && value[i] == '"') {
        i = TakeQuoted(value, i, &argument.text, &unescaped);
      } else {
        const size_t argument_begin = i;
        i = FindByte(value, i, ',');
        argument.text =
            absl::StripTrailingAsciiWhitespace(value.substr(argument_begin, i - argument_begin));
      }
    }
    i = FindByte(value, i, ',');  // junk after a quoted string, e.g. `no-cache="a"b`
    Apply(name, argument, &cc);
  }
  return ToResponseCacheControl(cc);
}

std::ostream& operator<<(std::ostream& os, const ResponseCacheControl& cc) {
  std::vector<std::string> parts;
  auto flag = [&](bool set, const char* name) {
    if (set) parts.emplace_back(name);
  };
  auto delta = [&](const absl::optional<absl::Duration>& d, const char* name) {
    if (d.has_value()) parts.push_back(absl::StrCat(name, "=", absl::ToInt64Seconds(*d)));
  };
  flag(cc.no_cache, "no-cache");
  if (!cc.no_cache_fields.empty()) {
    parts.push_back(absl::StrCat("no-cache=\"", absl::StrJoin(cc.no_cache_fields, ", "), "\""));
  }
  flag(cc.no_store, "no-store");
  flag(cc.is_private, "private");
  flag(cc.is_public, "public");
  flag(cc.must_revalidate, "must-revalidate");
  flag(cc.proxy_revalidate, "proxy-revalidate");
  flag(cc.immutable, "immutable");
  flag(cc.no_transform, "no-transform");
  delta(cc.max_age, "max-age");
  delta(cc.s_maxage, "s-maxage");
  delta(cc.stale_while_revalidate, "stale-while-revalidate");
  delta(cc.stale_if_error, "stale-if-error");
  return os << "{" << absl::StrJoin(parts, ", ") << "}";
}

}  // namespace edgesim::policy
