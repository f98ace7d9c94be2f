#include "policy/cache_key.h"

#include <xxhash.h>

#include <algorithm>
#include <cstring>
#include <list>
#include <string>
#include <utility>

#include "absl/container/inlined_vector.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "policy/ascii_case.h"
#include "policy/byte_search.h"
#include "policy/combined_header.h"
#include "policy/viewer_headers.h"

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

absl::string_view KindOf(char tag) {
  switch (tag) {
    case kHostTag:
      return "host";
    case kPathTag:
      return "path";
    case kMethodTag:
      return "method";
    case kQueryTag:
    case kValuelessQueryTag:
      return "query";
    case kHeaderTag:
      return "header";
    case kCookieTag:
      return "cookie";
    case kAcceptEncodingTag:
      return "accept-encoding";
  }
  return "unknown";
}

// Collects a key's components, then serializes them in one go: tag, then LEB128 length + name,
// then LEB128 length + value. Length prefixes make the encoding injective whatever bytes the
// names and values hold, and let DecodeComponents give the components back. Names and values are
// views until Serialize (appending piece by piece to a std::string costs a capacity check and a
// terminator each time); values that are built here, not found in the request, are kept in
// Keep().
class KeyWriter {
 public:
  void Add(Tag tag, absl::string_view name, absl::string_view value) {
    AddPiece(tag, /*lowercase_name=*/false, name, value);
  }

  // Header names are keyed lowercase (SPEC 2.3).
  void AddWithLowercaseName(Tag tag, absl::string_view name, absl::string_view value) {
    AddPiece(tag, /*lowercase_name=*/true, name, value);
  }

  // Owns `value` until Serialize; the view stays valid (list nodes never move).
  absl::string_view Keep(std::string value) { return kept_.emplace_back(std::move(value)); }

  void Serialize(std::string* bytes) const {
    bytes->resize(size_);
    char* out = bytes->data();
    for (size_t i = 0; i < count_; ++i) {
      const Piece& piece = i < kInlinePieces ? inline_pieces_[i] : more_pieces_[i - kInlinePieces];
      *out++ = piece.tag;
      out = WriteLength(piece.name.size(), out);
      if (piece.lowercase_name) {
        for (char c : piece.name) *out++ = absl::ascii_tolower(static_cast<unsigned char>(c));
      } else {
        out = Copy(piece.name, out);
      }
      out = WriteLength(piece.value.size(), out);
      out = Copy(piece.value, out);
    }
  }

 private:
  struct Piece {
    Tag tag;
    bool lowercase_name;
    absl::string_view name;
    absl::string_view value;
  };

  static size_t LengthSize(size_t n) {
    size_t used = 1;
    for (; n >= 0x80; n >>= 7) ++used;
    return used;
  }

  static char* Copy(absl::string_view s, char* out) {
    if (!s.empty()) std::memcpy(out, s.data(), s.size());  // data() may be null when empty
    return out + s.size();
  }

  static char* WriteLength(size_t n, char* out) {
    for (; n >= 0x80; n >>= 7) *out++ = static_cast<char>((n & 0x7f) | 0x80);
    *out++ = static_cast<char>(n);
    return out;
  }

  // Member by member: a Piece built on the stack and copied in whole is read back before its
  // narrow stores land, which stalls the CPU longer than the rest of the copy takes.
  void AddPiece(Tag tag, bool lowercase_name, absl::string_view name, absl::string_view value) {
    Piece& piece = count_ < kInlinePieces ? inline_pieces_[count_] : more_pieces_.emplace_back();
    ++count_;
    piece.tag = tag;
    piece.lowercase_name = lowercase_name;
    piece.name = name;
    piece.value = value;
    size_ += 1 + LengthSize(name.size()) + name.size() + LengthSize(value.size()) + value.size();
  }

  // The pieces in order: most keys have a few, stored in place (not an absl::InlinedVector, which
  // trips GCC's -Wmaybe-uninitialized under ASan here); the rest spill into more_pieces_.
  static constexpr size_t kInlinePieces = 8;
  Piece inline_pieces_[kInlinePieces];
  std::vector<Piece> more_pieces_;
  size_t count_ = 0;
  size_t size_ = 0;
  std::list<std::string> kept_;
};

// The first component of every key: the distribution's domain, never the viewer's Host, so every
// alternate domain name shares one cache unless Host is a whitelisted header (SPEC 2.1).
void AddDistributionDomain(absl::string_view distribution_domain, KeyWriter& writer) {
  writer.Add(kHostTag, absl::string_view(), distribution_domain);
}

// Reads KeyWriter's output back. Stops at the first malformed component, so bytes edited by hand
// cannot read out of bounds.
class KeyReader {
 public:
  explicit KeyReader(absl::string_view bytes) : bytes_(bytes) {}

  bool Next(CacheKeyComponent* out) {
    if (pos_ >= bytes_.size()) return false;
    const char tag = bytes_[pos_++];
    absl::string_view name, value;
    if (!TakeSized(&name) || !TakeSized(&value)) return false;
    out->kind = std::string(KindOf(tag));
    out->name = std::string(name);
    out->value = std::string(value);
    return true;
  }

 private:
  bool TakeSized(absl::string_view* out) {
    uint64_t n = 0;
    for (int shift = 0;; shift += 7) {
      if (pos_ >= bytes_.size() || shift > 63) return false;
      const auto byte = static_cast<unsigned char>(bytes_[pos_++]);
      n |= uint64_t{byte & 0x7fu} << shift;
      if ((byte & 0x80) == 0) break;
    }
    if (n > bytes_.size() - pos_) return false;
    *out = bytes_.substr(pos_, n);
    pos_ += n;
    return true;
  }

  absl::string_view bytes_;
  size_t pos_ = 0;
};

std::vector<CacheKeyComponent> DecodeComponents(absl::string_view bytes) {
  std::vector<CacheKeyComponent> components;
  KeyReader reader(bytes);
  CacheKeyComponent c;
  while (reader.Next(&c)) components.push_back(std::move(c));
  return components;
}

// Calls `f` on every `separator`-separated piece of `s`, empty ones included, as absl::StrSplit
// would, but without its iterator copies and find() calls. Stops when `f` returns false, and
// returns whether it never did.
template <typename F>
bool ForEachPiece(absl::string_view s, char separator, F&& f) {
  for (size_t begin = 0;;) {
    const size_t end = FindByte(s, begin, separator);
    if (!f(s.substr(begin, end - begin))) return false;
    if (end == s.size()) return true;
    begin = end + 1;
  }
}

bool LessIgnoreCase(absl::string_view a, absl::string_view b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return absl::ascii_tolower(static_cast<unsigned char>(x)) <
           absl::ascii_tolower(static_cast<unsigned char>(y));
  });
}

// The method is in the key for OPTIONS only (SPEC 2.1); HEAD joins GET's entry unless the
// UNCONFIRMED head_shares_get_entry (SPEC B4) is off.
bool MethodInKey(absl::string_view method, const ModelOptions& options) {
  return method == "OPTIONS" || (method == "HEAD" && !options.head_shares_get_entry);
}

// Only `&` separates parameters; `;` is part of a value (SPEC 2.3). Kept parameters stay in the
// viewer's order, repeats included (order is significant [DOC]; repeats UNCONFIRMED, SPEC B3),
// and form the key's query string in object_path. Legacy policies need no special case: their
// `query_strings` already says what is in the key (SPEC 2.5).
void AddQuery(absl::string_view query, const KeyList& list, KeyWriter& writer,
              std::string* object_path) {
  if (list.behavior == KeyListBehavior::kNone) return;
  char separator = '?';
  ForEachPiece(query, '&', [&](absl::string_view param) {
    if (param.empty()) return true;
    const size_t eq = FindByte(param, 0, '=');
    const absl::string_view name = param.substr(0, eq);
    if (!KeyListIncludes(list, name, NameMatch::kExact)) return true;
    object_path->push_back(separator);
    object_path->append(param.data(), param.size());
    separator = '&';
    if (eq == param.size()) {
      writer.Add(kValuelessQueryTag, name, absl::string_view());
    } else {
      writer.Add(kQueryTag, name, param.substr(eq + 1));
    }
    return true;
  });
}

// Whitelisted headers, names lowercased and sorted so neither name case nor request order
// matters; values case-sensitive, repeated fields combined (SPEC 2.3). Cache policies allow only
// none/whitelist; a legacy `*` caches nothing at all (SPEC 2.5), so no other behavior adds
// headers. A CloudFront-* header edgesim computes keys on its computed value (SPEC 13.3). Returns
// whether Accept-Encoding is listed, which turns its normalization off.
bool AddHeaders(const Request& viewer, const KeyList& list, const ModelOptions& options,
                KeyWriter& writer) {
  const Headers& headers = viewer.headers;
  if (list.behavior != KeyListBehavior::kWhitelist) return false;
  absl::InlinedVector<absl::string_view, 12> names(list.names.begin(), list.names.end());
  std::sort(names.begin(), names.end(), LessIgnoreCase);
  bool accept_encoding_listed = false;
  std::string scratch;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0 && AsciiEqualsIgnoreCase(names[i - 1], names[i])) continue;
    accept_encoding_listed |= EqualsLowercaseLiteral(names[i], "accept-encoding");
    absl::optional<absl::string_view> value;
    if (absl::optional<std::string> generated = ViewerHeaderValue(names[i], viewer, options)) {
      value = writer.Keep(*std::move(generated));
    } else {
      value = CombinedHeaderValue(headers, names[i], &scratch);
    }
    if (!value) continue;
    // Repeated fields were joined into scratch, which the next name reuses.
    if (value->data() == scratch.data()) value = writer.Keep(std::exchange(scratch, {}));
    writer.AddWithLowercaseName(kHeaderTag, names[i], *value);
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
  const size_t start = cookies->size();
  const bool well_formed = ForEachPiece(field, ';', [&](absl::string_view pair) {
    pair = absl::StripAsciiWhitespace(pair);
    if (pair.empty()) return true;  // a trailing `;`
    const size_t eq = FindByte(pair, 0, '=');
    const absl::string_view name =
        eq == pair.size() ? "" : absl::StripTrailingAsciiWhitespace(pair.substr(0, eq));
    if (name.empty()) return false;
    // Member by member, for the reason given at KeyWriter::AddPiece.
    Cookie& cookie = cookies->emplace_back();
    cookie.name = name;
    cookie.value = absl::StripLeadingAsciiWhitespace(pair.substr(eq + 1));
    return true;
  });
  if (!well_formed) cookies->resize(start);
  return well_formed;
}

// std::stable_sort allocates a merge buffer; the few cookies of a key sort in place by insertion.
void StableSortByName(absl::InlinedVector<Cookie, 8>& cookies) {
  auto by_name = [](const Cookie& a, const Cookie& b) { return a.name < b.name; };
  if (cookies.size() > 16) return std::stable_sort(cookies.begin(), cookies.end(), by_name);
  for (size_t i = 1; i < cookies.size(); ++i) {
    const Cookie c = cookies[i];
    size_t j = i;
    for (; j > 0 && by_name(c, cookies[j - 1]); --j) cookies[j] = cookies[j - 1];
    cookies[j] = c;
  }
}

void AddCookies(const Headers& headers, const KeyList& list, bool wildcards,
                const ModelOptions& options, KeyWriter& writer) {
  if (list.behavior == KeyListBehavior::kNone) return;
  // Cookie names are case-sensitive (SPEC 2.3); wildcards only in legacy cookie whitelists.
  const NameMatch match = wildcards ? NameMatch::kGlob : NameMatch::kExact;
  absl::InlinedVector<Cookie, 8> cookies;
  for (const Headers::Field& field : headers.fields()) {
    if (EqualsLowercaseLiteral(field.first, "cookie")) ParseCookieField(field.second, &cookies);
  }
  cookies.erase(std::remove_if(cookies.begin(), cookies.end(),
                               [&](const Cookie& c) { return !KeyListIncludes(list, c.name, match); }),
                cookies.end());
  // Sorted by name, as CloudFront forwards them; stable so repeated names keep the viewer's
  // order. Order-insensitivity of the key is UNCONFIRMED (SPEC 2.3, SPEC B3).
  if (options.sort_cookies_in_cache_key) StableSortByName(cookies);
  for (const Cookie& c : cookies) writer.Add(kCookieTag, c.name, c.value);
}

// NormalizeAcceptEncoding's key value as a view of a constant: nullopt when the header is not
// normalized into the key at all, "" when nothing supported was accepted.
absl::optional<absl::string_view> AcceptEncodingKeyValue(
    const absl::optional<absl::string_view>& viewer_value, bool gzip, bool brotli,
    int http_minor_version) {
  // HTTP/1.0 viewers lose the header altogether (SPEC 2.4 notes).
  if ((!gzip && !brotli) || !viewer_value || http_minor_version == 0) return absl::nullopt;
  bool has_gzip = false, has_br = false;
  // One pass over `coding [;params], ...`; q-values are discarded: `gzip;q=0` still counts as
  // gzip (SPEC 2.4).
  const absl::string_view value = *viewer_value;
  size_t i = 0;
  while (i < value.size()) {
    while (i < value.size() && (value[i] == ',' || absl::ascii_isspace(value[i]))) ++i;
    const size_t coding_begin = i;
    i = FindEitherByte(value, i, ',', ';');
    const absl::string_view coding =
        absl::StripTrailingAsciiWhitespace(value.substr(coding_begin, i - coding_begin));
    has_gzip |= EqualsLowercaseLiteral(coding, "gzip");
    has_br |= EqualsLowercaseLiteral(coding, "br");
    i = FindByte(value, i, ',');
  }
  const bool br = brotli && has_br;
  const bool gz = gzip && has_gzip;
  // string_views, not `const char*`s, so that no strlen runs on the result.
  static constexpr absl::string_view kValues[2][2] = {{"", "gzip"}, {"br", "br,gzip"}};
  return kValues[br][gz];
}

// Why `list` leaves `name` out of the key, naming the policy field ("QueryStringBehavior").
std::string OmissionReason(absl::string_view field, const KeyList& list) {
  std::string why = absl::StrCat("the cache policy's ", field, " is ", ToString(list.behavior));
  if (list.behavior == KeyListBehavior::kWhitelist) absl::StrAppend(&why, " and does not list it");
  if (list.behavior == KeyListBehavior::kAllExcept) absl::StrAppend(&why, " and lists it");
  return why;
}

bool InKey(const std::vector<CacheKeyComponent>& components, absl::string_view kind,
           absl::string_view name) {
  return std::any_of(components.begin(), components.end(), [&](const CacheKeyComponent& c) {
    return c.kind == kind && c.name == name;
  });
}

// The viewer's query parameters, headers and cookies that the key's components do not hold:
// read off the key itself, so the list can never disagree with BuildCacheKey.
std::vector<CacheKeyOmission> Omissions(const Request& viewer, const CachePolicy& policy,
                                        const std::vector<CacheKeyComponent>& components) {
  std::vector<CacheKeyOmission> omitted;
  auto omit = [&](absl::string_view kind, absl::string_view name, absl::string_view field,
                  const KeyList& list) {
    if (InKey(components, kind, name)) return;
    for (const CacheKeyOmission& o : omitted) {
      if (o.kind == kind && o.name == name) return;
    }
    omitted.push_back({std::string(kind), std::string(name), OmissionReason(field, list)});
  };
  ForEachPiece(viewer.query(), '&', [&](absl::string_view param) {
    if (!param.empty()) {
      omit("query", param.substr(0, FindByte(param, 0, '=')), "QueryStringBehavior",
           policy.query_strings);
    }
    return true;
  });
  const bool accept_encoding_normalized =
      policy.enable_accept_encoding_gzip || policy.enable_accept_encoding_brotli;
  for (const Headers::Field& field : viewer.headers.fields()) {
    const std::string name = absl::AsciiStrToLower(field.first);
    if (name == "host" || name == "cookie") continue;
    if (name == "accept-encoding" && accept_encoding_normalized) continue;
    if (InKey(components, "header", name)) continue;
    omit("header", field.first, "HeaderBehavior", policy.headers);
  }
  absl::InlinedVector<Cookie, 8> cookies;
  for (const Headers::Field& field : viewer.headers.fields()) {
    if (EqualsLowercaseLiteral(field.first, "cookie")) ParseCookieField(field.second, &cookies);
  }
  for (const Cookie& c : cookies) omit("cookie", c.name, "CookieBehavior", policy.cookies);
  return omitted;
}

}  // namespace

std::ostream& operator<<(std::ostream& os, const CacheKeyComponent& component) {
  return os << component.kind << "{" << component.name << "=" << component.value << "}";
}

std::string CacheKey::ToDisplayString() const {
  std::string out;
  out.reserve(bytes.size() + 16);
  for (const CacheKeyComponent& c : DecodeComponents(bytes)) {
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

std::string CacheKeyPrefix(absl::string_view distribution_domain) {
  KeyWriter writer;
  AddDistributionDomain(distribution_domain, writer);
  std::string bytes;
  writer.Serialize(&bytes);
  return bytes;
}

CacheKey BuildCacheKey(const Request& viewer_request, absl::string_view distribution_domain,
                       const CachePolicy& policy, const ModelOptions& options) {
  CacheKey key;
  KeyWriter writer;

  AddDistributionDomain(distribution_domain, writer);
  // The raw path, as sent. Whether CloudFront keys on the normalized path it matches behaviors
  // with is UNCONFIRMED (SPEC 1.1 rule 9, SPEC B1); raw, since invalidations match the key's
  // exact encoding (SPEC 6.2).
  const absl::string_view path = viewer_request.path();
  // Request::query() without searching for the '?' again.
  const absl::string_view target = viewer_request.target;
  const absl::string_view query = target.substr(std::min(path.size() + 1, target.size()));
  key.object_path.reserve(viewer_request.target.size());
  key.object_path.assign(path.data(), path.size());
  writer.Add(kPathTag, absl::string_view(), path);
  if (MethodInKey(viewer_request.method, options)) {
    writer.Add(kMethodTag, absl::string_view(), viewer_request.method);
  }
  AddQuery(query, policy.query_strings, writer, &key.object_path);
  bool accept_encoding_listed = AddHeaders(viewer_request, policy.headers, options, writer);
  AddCookies(viewer_request.headers, policy.cookies, /*wildcards=*/policy.legacy, options, writer);
  // Normalization is off when Accept-Encoding is an ordinary listed header (SPEC 2.4 notes).
  if (!accept_encoding_listed &&
      (policy.enable_accept_encoding_gzip || policy.enable_accept_encoding_brotli)) {
    std::string scratch;
    const absl::optional<absl::string_view> accept_encoding = AcceptEncodingKeyValue(
        CombinedHeaderValue(viewer_request.headers, "Accept-Encoding", &scratch),
        policy.enable_accept_encoding_gzip, policy.enable_accept_encoding_brotli,
        viewer_request.http_minor_version);
    if (accept_encoding && !accept_encoding->empty()) {
      writer.Add(kAcceptEncodingTag, "accept-encoding", *accept_encoding);
    }
  }
  writer.Serialize(&key.bytes);
  key.hash = XXH3_64bits(key.bytes.data(), key.bytes.size());
  return key;
}

std::ostream& operator<<(std::ostream& os, const CacheKeyOmission& omission) {
  return os << omission.kind << " " << omission.name << ": " << omission.why;
}

CacheKey ExplainCacheKey(const Request& viewer_request, absl::string_view distribution_domain,
                         const CachePolicy& policy, const ModelOptions& options) {
  CacheKey key = BuildCacheKey(viewer_request, distribution_domain, policy, options);
  key.components = DecodeComponents(key.bytes);
  key.omitted = Omissions(viewer_request, policy, key.components);
  return key;
}

std::ostream& operator<<(std::ostream& os, const NormalizedAcceptEncoding& normalized) {
  return os << "{key: " << normalized.key_value.value_or("(none)")
            << ", origin: " << normalized.origin_value.value_or("(none)") << "}";
}

NormalizedAcceptEncoding NormalizeAcceptEncoding(absl::optional<absl::string_view> viewer_value,
                                                 bool gzip, bool brotli, int http_minor_version) {
  const absl::optional<absl::string_view> value =
      AcceptEncodingKeyValue(viewer_value, gzip, brotli, http_minor_version);
  if (!value) return {};
  if (value->empty()) return {absl::nullopt, "identity"};
  return {std::string(*value), std::string(*value)};
}

}  // namespace edgesim::policy
