#include "policy/cache_key.h"

#include <xxhash.h>

#include <algorithm>

#include "absl/container/inlined_vector.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "policy/path_pattern.h"

namespace edgesim::policy {
namespace {

// One-byte tags open each serialized component; a query parameter without `=` gets its own tag
// so `?a` and `?a=` stay distinct keys (SPEC 2.3: UNCONFIRMED, we keep parameters as sent).
enum Tag : char {
  kHostTag = 'H',
  kPathTag = 'P',
  kMethodTag = 'M',
  kQueryTag = 'Q',
  kValuelessQueryTag = 'q',
  kHeaderTag = 'h',
  kCookieTag = 'c',
  kAcceptEncodingTag = 'e',
};

// Appends components to a key and its serialization at once: tag, then LEB128 length + name,
// then LEB128 length + value. Length prefixes make the encoding injective whatever bytes the
// names and values hold.
class KeyWriter {
 public:
  explicit KeyWriter(CacheKey* key) : key_(key) {}

  void Add(Tag tag, absl::string_view kind, std::string name, std::string value) {
    const CacheKeyComponent& c = key_->components.emplace_back(
        CacheKeyComponent{std::string(kind), std::move(name), std::move(value)});
    key_->bytes.push_back(tag);
    AppendSized(c.name);
    AppendSized(c.value);
  }

 private:
  void AppendSized(absl::string_view s) {
    char length[10];  // LEB128 of a 64-bit size
    size_t used = 0;
    size_t n = s.size();
    for (; n >= 0x80; n >>= 7) length[used++] = static_cast<char>((n & 0x7f) | 0x80);
    length[used++] = static_cast<char>(n);
    key_->bytes.append(length, used);
    key_->bytes.append(s.data(), s.size());
  }

  CacheKey* key_;
};

// Whether a query parameter or cookie called `name` is in the key under `list`. Names are
// case-sensitive (SPEC 2.3); wildcards only in legacy cookie whitelists.
bool InKey(const KeyList& list, absl::string_view name, bool wildcards) {
  auto listed = [&] {
    return std::any_of(list.names.begin(), list.names.end(), [&](const std::string& n) {
      return wildcards ? GlobMatch(n, name, /*question_matches_slash=*/true) : n == name;
    });
  };
  switch (list.behavior) {
    case KeyListBehavior::kNone:
      return false;
    case KeyListBehavior::kWhitelist:
      return listed();
    case KeyListBehavior::kAllExcept:
      return !listed();
    case KeyListBehavior::kAll:
      return true;
  }
  return false;
}

// Headers::GetCombined without its allocations in the usual case of a single field: the value
// of every field called `name`, joined with ", " into *scratch only when there are several.
absl::optional<absl::string_view> CombinedValue(const Headers& headers, absl::string_view name,
                                                std::string* scratch) {
  absl::optional<absl::string_view> first;
  bool joined = false;
  for (const Headers::Field& field : headers.fields()) {
    if (!absl::EqualsIgnoreCase(field.first, name)) continue;
    if (!first) {
      first = field.second;
      continue;
    }
    if (!joined) scratch->assign(first->data(), first->size());
    joined = true;
    absl::StrAppend(scratch, ", ", field.second);
  }
  if (joined) return absl::string_view(*scratch);
  return first;
}

bool LessIgnoreCase(absl::string_view a, absl::string_view b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return absl::ascii_tolower(static_cast<unsigned char>(x)) <
           absl::ascii_tolower(static_cast<unsigned char>(y));
  });
}

// The method is in the key for OPTIONS only (SPEC 2.1); HEAD joins GET's entry unless the
// UNCONFIRMED head_shares_get_entry (App. B4) is off.
bool MethodInKey(absl::string_view method, const ModelOptions& options) {
  return method == "OPTIONS" || (method == "HEAD" && !options.head_shares_get_entry);
}

// Only `&` separates parameters; `;` is part of a value (SPEC 2.3). Kept parameters stay in the
// viewer's order, repeats included (order is significant [DOC]; repeats UNCONFIRMED, App. B3),
// and form the key's query string in object_path. Legacy policies need no special case: their
// `query_strings` already says what is in the key (SPEC 2.5).
void AddQuery(absl::string_view query, const KeyList& list, KeyWriter& writer,
              std::string* object_path) {
  if (list.behavior == KeyListBehavior::kNone) return;
  char separator = '?';
  for (absl::string_view param : absl::StrSplit(query, '&')) {
    if (param.empty()) continue;
    size_t eq = param.find('=');
    absl::string_view name = param.substr(0, eq);
    if (!InKey(list, name, /*wildcards=*/false)) continue;
    object_path->push_back(separator);
    object_path->append(param.data(), param.size());
    separator = '&';
    if (eq == absl::string_view::npos) {
      writer.Add(kValuelessQueryTag, "query", std::string(name), std::string());
    } else {
      writer.Add(kQueryTag, "query", std::string(name), std::string(param.substr(eq + 1)));
    }
  }
}

// Whitelisted headers, names lowercased and sorted so neither name case nor request order
// matters; values case-sensitive, repeated fields combined (SPEC 2.3). Cache policies allow only
// none/whitelist; a legacy `*` caches nothing at all (SPEC 2.5), so no other behavior adds
// headers. Returns whether Accept-Encoding is listed, which turns its normalization off.
bool AddHeaders(const Headers& headers, const KeyList& list, KeyWriter& writer) {
  if (list.behavior != KeyListBehavior::kWhitelist) return false;
  absl::InlinedVector<absl::string_view, 12> names(list.names.begin(), list.names.end());
  std::sort(names.begin(), names.end(), LessIgnoreCase);
  bool accept_encoding_listed = false;
  std::string scratch;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0 && absl::EqualsIgnoreCase(names[i - 1], names[i])) continue;
    accept_encoding_listed |= absl::EqualsIgnoreCase(names[i], "accept-encoding");
    absl::optional<absl::string_view> value = CombinedValue(headers, names[i], &scratch);
    if (!value) continue;
    writer.Add(kHeaderTag, "header", absl::AsciiStrToLower(names[i]), std::string(*value));
  }
  return accept_encoding_listed;
}

struct Cookie {
  absl::string_view name;
  absl::string_view value;
};

// Appends the `name=value; name2=value2` pairs of one Cookie field; false (and nothing appended)
// when the field is not in that form, since CloudFront then ignores it (SPEC 2.3).
bool ParseCookieField(absl::string_view field, absl::InlinedVector<Cookie, 8>* cookies) {
  size_t start = cookies->size();
  for (absl::string_view pair : absl::StrSplit(field, ';')) {
    pair = absl::StripAsciiWhitespace(pair);
    if (pair.empty()) continue;  // a trailing `;`
    size_t eq = pair.find('=');
    absl::string_view name =
        eq == absl::string_view::npos ? "" : absl::StripTrailingAsciiWhitespace(pair.substr(0, eq));
    if (name.empty()) {
      cookies->resize(start);
      return false;
    }
    cookies->push_back({name, absl::StripLeadingAsciiWhitespace(pair.substr(eq + 1))});
  }
  return true;
}

void AddCookies(const Headers& headers, const KeyList& list, bool wildcards,
                const ModelOptions& options, KeyWriter& writer) {
  if (list.behavior == KeyListBehavior::kNone) return;
  absl::InlinedVector<Cookie, 8> cookies;
  for (const Headers::Field& field : headers.fields()) {
    if (absl::EqualsIgnoreCase(field.first, "cookie")) ParseCookieField(field.second, &cookies);
  }
  cookies.erase(std::remove_if(cookies.begin(), cookies.end(),
                               [&](const Cookie& c) { return !InKey(list, c.name, wildcards); }),
                cookies.end());
  // Sorted by name, as CloudFront forwards them; stable so repeated names keep the viewer's
  // order. Order-insensitivity of the key is UNCONFIRMED (SPEC 2.3, App. B3).
  if (options.sort_cookies_in_cache_key) {
    std::stable_sort(cookies.begin(), cookies.end(),
                     [](const Cookie& a, const Cookie& b) { return a.name < b.name; });
  }
  for (const Cookie& c : cookies) {
    writer.Add(kCookieTag, "cookie", std::string(c.name), std::string(c.value));
  }
}

}  // namespace

std::ostream& operator<<(std::ostream& os, const CacheKeyComponent& component) {
  return os << component.kind << "{" << component.name << "=" << component.value << "}";
}

std::string CacheKey::ToDisplayString() const {
  std::string out;
  out.reserve(bytes.size() + 16);
  for (const CacheKeyComponent& c : components) {
    if (c.kind == "method") {
      out.insert(0, absl::StrCat(c.value, " "));
    } else if (c.kind == "host") {
      absl::StrAppend(&out, c.value, object_path);
    } else if (c.kind == "header") {
      absl::StrAppend(&out, " | ", c.name, ":", c.value);
    } else if (c.kind == "cookie") {
      absl::StrAppend(&out, " | cookie:", c.name, "=", c.value);
    } else if (c.kind == "accept-encoding") {
      absl::StrAppend(&out, " | AE=", c.value);
    }
    // path and query are already in object_path.
  }
  return out;
}

std::ostream& operator<<(std::ostream& os, const CacheKey& key) {
  return os << absl::StrCat(key.ToDisplayString(), " #", absl::Hex(key.hash, absl::kZeroPad16));
}

CacheKey BuildCacheKey(const Request& viewer_request, absl::string_view distribution_domain,
                       const CachePolicy& policy, const ModelOptions& options) {
  CacheKey key;
  key.bytes.reserve(distribution_domain.size() + viewer_request.target.size() + 64);
  key.components.reserve(8);
  KeyWriter writer(&key);

  // The distribution's domain, never the viewer's Host: every alternate domain name shares one
  // cache unless Host is a whitelisted header (SPEC 2.1).
  writer.Add(kHostTag, "host", std::string(), std::string(distribution_domain));
  // The raw path, as sent. Whether CloudFront keys on the normalized path it matches behaviors
  // with is UNCONFIRMED (SPEC 1.1 rule 9, App. B1); raw, since invalidations match the key's
  // exact encoding (SPEC 6.2).
  absl::string_view path = viewer_request.path();
  key.object_path.reserve(viewer_request.target.size());
  key.object_path.assign(path.data(), path.size());
  writer.Add(kPathTag, "path", std::string(), key.object_path);
  if (MethodInKey(viewer_request.method, options)) {
    writer.Add(kMethodTag, "method", std::string(), viewer_request.method);
  }
  AddQuery(viewer_request.query(), policy.query_strings, writer, &key.object_path);
  bool accept_encoding_listed = AddHeaders(viewer_request.headers, policy.headers, writer);
  AddCookies(viewer_request.headers, policy.cookies, /*wildcards=*/policy.legacy, options, writer);
  // Normalization is off when Accept-Encoding is an ordinary listed header (SPEC 2.4 notes).
  if (!accept_encoding_listed &&
      (policy.enable_accept_encoding_gzip || policy.enable_accept_encoding_brotli)) {
    std::string scratch;
    NormalizedAcceptEncoding normalized = NormalizeAcceptEncoding(
        CombinedValue(viewer_request.headers, "Accept-Encoding", &scratch),
        policy.enable_accept_encoding_gzip, policy.enable_accept_encoding_brotli,
        viewer_request.http_minor_version);
    if (normalized.key_value) {
      writer.Add(kAcceptEncodingTag, "accept-encoding", "accept-encoding",
                 *std::move(normalized.key_value));
    }
  }
  key.hash = XXH3_64bits(key.bytes.data(), key.bytes.size());
  return key;
}

std::ostream& operator<<(std::ostream& os, const NormalizedAcceptEncoding& normalized) {
  return os << "{key: " << normalized.key_value.value_or("(none)")
            << ", origin: " << normalized.origin_value.value_or("(none)") << "}";
}

NormalizedAcceptEncoding NormalizeAcceptEncoding(absl::optional<absl::string_view> viewer_value,
                                                 bool gzip, bool brotli, int http_minor_version) {
  // HTTP/1.0 viewers lose the header altogether (SPEC 2.4 notes).
  if ((!gzip && !brotli) || !viewer_value || http_minor_version == 0) return {};
  bool has_gzip = false, has_br = false;
  for (absl::string_view coding : absl::StrSplit(*viewer_value, ',')) {
    // q-values are discarded: `gzip;q=0` still counts as gzip (SPEC 2.4).
    coding = absl::StripAsciiWhitespace(coding.substr(0, coding.find(';')));
    has_gzip |= absl::EqualsIgnoreCase(coding, "gzip");
    has_br |= absl::EqualsIgnoreCase(coding, "br");
  }
  std::string value;
  if (brotli && has_br) value = "br";
  if (gzip && has_gzip) value.append(value.empty() ? "gzip" : ",gzip");
  if (value.empty()) return {absl::nullopt, "identity"};
  return {value, value};
}

}  // namespace edgesim::policy
