#include "policy/cache_control.h"

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace edgesim::policy {
namespace {

struct Directive {
  std::string name;  // lower-cased
  absl::optional<std::string> value;
};

// Walks a Cache-Control value one directive at a time: `name [= (token | quoted-string)]`,
// separated by commas. Anything malformed is skipped up to the next comma.
class DirectiveScanner {
 public:
  explicit DirectiveScanner(absl::string_view text) : text_(text) {}

  // False when the input is exhausted.
  bool Next(Directive* out) {
    while (pos_ < text_.size() && (text_[pos_] == ',' || absl::ascii_isspace(text_[pos_]))) ++pos_;
    if (pos_ >= text_.size()) return false;
    out->name = absl::AsciiStrToLower(absl::StripAsciiWhitespace(TakeUntil(",=")));
    out->value.reset();
    if (pos_ < text_.size() && text_[pos_] == '=') {
      ++pos_;
      SkipSpaces();
      out->value = (pos_ < text_.size() && text_[pos_] == '"')
                       ? TakeQuoted()
                       : std::string(absl::StripAsciiWhitespace(TakeUntil(",")));
    }
    TakeUntil(",");  // junk after a quoted string, e.g. `no-cache="a"b`
    return true;
  }

 private:
  absl::string_view TakeUntil(absl::string_view stops) {
    size_t end = text_.find_first_of(stops, pos_);
    if (end == absl::string_view::npos) end = text_.size();
    absl::string_view taken = text_.substr(pos_, end - pos_);
    pos_ = end;
    return taken;
  }

  void SkipSpaces() {
    while (pos_ < text_.size() && absl::ascii_isspace(text_[pos_])) ++pos_;
  }

  // REQUIRES: text_[pos_] == '"'. An unterminated string runs to the end of the input.
  std::string TakeQuoted() {
    std::string value;
    for (++pos_; pos_ < text_.size(); ++pos_) {
      const char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        break;
      }
      if (c == '\\' && pos_ + 1 < text_.size()) ++pos_;  // quoted-pair
      value.push_back(text_[pos_]);
    }
    return value;
  }

  absl::string_view text_;
  size_t pos_ = 0;
};

// `no-cache="Set-Cookie, X-Foo"` -> {"Set-Cookie", "X-Foo"}.
void AddFieldNames(absl::string_view list, std::vector<std::string>* fields) {
  for (absl::string_view name : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
    fields->emplace_back(absl::StripAsciiWhitespace(name));
  }
}

// First valid occurrence wins: a later duplicate, or an invalid value, leaves `field` alone.
void SetDeltaOnce(const absl::optional<std::string>& value, absl::optional<absl::Duration>* field) {
  if (field->has_value() || !value.has_value()) return;
  *field = ParseDeltaSeconds(*value);
}

void Apply(const Directive& d, ResponseCacheControl* cc) {
  const std::string& n = d.name;
  if (n == "no-cache") {
    if (d.value.has_value()) {
      AddFieldNames(*d.value, &cc->no_cache_fields);
    } else {
      cc->no_cache = true;
    }
  } else if (n == "no-store") {
    cc->no_store = true;
  } else if (n == "private") {
    cc->is_private = true;
  } else if (n == "public") {
    cc->is_public = true;
  } else if (n == "must-revalidate") {
    cc->must_revalidate = true;
  } else if (n == "proxy-revalidate") {
    cc->proxy_revalidate = true;
  } else if (n == "immutable") {
    cc->immutable = true;
  } else if (n == "no-transform") {
    cc->no_transform = true;
  } else if (n == "max-age") {
    SetDeltaOnce(d.value, &cc->max_age);
  } else if (n == "s-maxage") {
    SetDeltaOnce(d.value, &cc->s_maxage);
  } else if (n == "stale-while-revalidate") {
    SetDeltaOnce(d.value, &cc->stale_while_revalidate);
  } else if (n == "stale-if-error") {
    SetDeltaOnce(d.value, &cc->stale_if_error);
  }
  // Unknown directives (extensions) are ignored, as RFC 9111 5.2.3 requires.
}

}  // namespace

absl::optional<absl::Duration> ParseDeltaSeconds(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  if (text.empty()) return absl::nullopt;
  const int64_t cap = absl::ToInt64Seconds(kMaxDeltaSeconds);
  int64_t seconds = 0;
  for (char c : text) {
    if (!absl::ascii_isdigit(c)) return absl::nullopt;
    // Saturate instead of overflowing: any longer number is over the cap anyway.
    if (seconds <= cap) seconds = seconds * 10 + (c - '0');
  }
  return absl::Seconds(seconds < cap ? seconds : cap);
}

ResponseCacheControl ParseResponseCacheControl(absl::string_view value) {
  ResponseCacheControl cc;
  DirectiveScanner scanner(value);
  Directive d;
  while (scanner.Next(&d)) Apply(d, &cc);
  return cc;
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
