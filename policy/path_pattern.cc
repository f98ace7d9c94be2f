#include "policy/path_pattern.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "policy/percent_escape.h"

namespace edgesim::policy {
namespace {

bool IsUnreserved(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
         c == '~';
}

// Appends `c` unless it would make a second `/` in a row.
void AppendCollapsingSlashes(char c, std::string& out) {
  if (c == '/' && !out.empty() && out.back() == '/') return;
  out.push_back(c);
}

// Steps 1 and 2 of NormalizePathForMatching in one pass.
std::string NormalizeEscapesAndSlashes(absl::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    const absl::optional<char> decoded = DecodePercentEscape(path, i);
    if (!decoded) {
      AppendCollapsingSlashes(c, out);
      continue;
    }
    if (IsUnreserved(*decoded)) {
      out.push_back(*decoded);
    } else {
      out.push_back('%');
      out.push_back(absl::ascii_toupper(static_cast<unsigned char>(path[i + 1])));
      out.push_back(absl::ascii_toupper(static_cast<unsigned char>(path[i + 2])));
    }
    i += 2;
  }
  return out;
}

// Removes the last segment of `out` and the `/` before it.
void PopSegment(std::string& out) {
  const size_t slash = out.rfind('/');
  out.erase(slash == std::string::npos ? 0 : slash);
}

// RFC 3986 5.2.4, step by step, with an index into `in` instead of a shrinking input buffer.
std::string RemoveDotSegments(absl::string_view in) {
  std::string out;
  out.reserve(in.size());
  size_t i = 0;
  while (i < in.size()) {
    const absl::string_view rest = in.substr(i);
    if (absl::StartsWith(rest, "../")) {  // A
      i += 3;
    } else if (absl::StartsWith(rest, "./")) {  // A
      i += 2;
    } else if (absl::StartsWith(rest, "/./")) {  // B: "/./" becomes "/"
      i += 2;
    } else if (rest == "/.") {  // B
      out.push_back('/');
      break;
    } else if (absl::StartsWith(rest, "/../")) {  // C: "/../" becomes "/", drop a segment
      i += 3;
      PopSegment(out);
    } else if (rest == "/..") {  // C
      PopSegment(out);
      out.push_back('/');
      break;
    } else if (rest == "." || rest == "..") {  // D
      break;
    } else {  // E: move the first segment, with its leading "/"
      size_t end = rest.find('/', 1);
      if (end == absl::string_view::npos) end = rest.size();
      out.append(rest.data(), end);
      i += end;
    }
  }
  return out;
}

// Most request paths need no work: no escape, no `//`, and no segment that starts with a dot (a
// dot segment always follows a `/`, except at the start of a relative path).
bool IsAlreadyNormal(absl::string_view path) {
  if (path.front() == '.') return false;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '%') return false;
    if (path[i] == '/' && i + 1 < path.size() && (path[i + 1] == '/' || path[i + 1] == '.')) {
      return false;
    }
  }
  return true;
}

bool IsAllowedPatternChar(char c) {
  if (absl::ascii_isalnum(static_cast<unsigned char>(c))) return true;
  // SPEC 1.1 rule 10's list, plus `?`: rule 5 documents it as a wildcard although the doc's list of
  // allowed characters omits it.
  return absl::string_view("_-.*$/~\"'@:+&?").find(c) != absl::string_view::npos;
}

std::string DescribeChar(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u < 0x20 || u >= 0x7F) return absl::StrFormat("byte 0x%02X", u);
  return absl::StrCat("character '", absl::string_view(&c, 1), "'");
}

absl::string_view StripOneLeadingSlash(absl::string_view s) {
  if (!s.empty() && s.front() == '/') s.remove_prefix(1);
  return s;
}

std::string FoldStarRuns(absl::string_view body) {
  std::string out;
  out.reserve(body.size());
  for (char c : body) {
    if (c == '*' && !out.empty() && out.back() == '*') continue;
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string NormalizePathForMatching(absl::string_view raw_path) {
  if (raw_path.empty()) return "/";
  if (IsAlreadyNormal(raw_path)) return std::string(raw_path);
  return RemoveDotSegments(NormalizeEscapesAndSlashes(raw_path));
}

bool GlobMatch(absl::string_view pattern, absl::string_view text, bool question_matches_slash) {
  // Greedy two-pointer match: on a mismatch, retry from the last `*` with it eating one more
  // character. Only the last `*` matters, because any earlier one can absorb what a retry skips.
  size_t p = 0;
  size_t t = 0;
  size_t star = absl::string_view::npos;
  size_t star_text = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_text = t;
    } else if (p < pattern.size() &&
               (pattern[p] == text[t] ||
                (pattern[p] == '?' && (question_matches_slash || text[t] != '/')))) {
      ++p;
      ++t;
    } else if (star != absl::string_view::npos) {
      p = star + 1;
      t = ++star_text;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

absl::StatusOr<PathPattern> PathPattern::Compile(absl::string_view pattern,
                                                 const ModelOptions& options) {
  if (pattern.empty()) return absl::InvalidArgumentError("path pattern is empty");
  if (pattern.size() > kMaxLength) {
    return absl::InvalidArgumentError(absl::StrCat(
        "path pattern is ", pattern.size(), " characters long; the maximum is ", kMaxLength));
  }
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (!IsAllowedPatternChar(pattern[i])) {
      return absl::InvalidArgumentError(absl::StrCat(
          "path pattern \"", pattern, "\" has ", DescribeChar(pattern[i]), " at position ", i,
          ", which is not allowed (allowed: A-Z a-z 0-9 _ - . * ? $ / ~ \" ' @ : + &)"));
    }
  }
  PathPattern compiled;
  compiled.pattern_ = std::string(pattern);
  compiled.question_matches_slash_ = options.question_mark_matches_slash;
  const std::string body = FoldStarRuns(StripOneLeadingSlash(pattern));
  const size_t first_wildcard = std::min(body.find_first_of("*?"), body.size());
  const size_t last_star = body.rfind('*');
  compiled.has_star_ = last_star != std::string::npos;
  const size_t suffix_start = compiled.has_star_ ? last_star + 1 : first_wildcard;
  compiled.literal_prefix_ = body.substr(0, first_wildcard);
  compiled.middle_ = body.substr(first_wildcard, suffix_start - first_wildcard);
  compiled.suffix_ = body.substr(suffix_start);
  for (char c : body) compiled.min_length_ += c == '*' ? 0 : 1;
  return compiled;
}

bool PathPattern::Matches(absl::string_view normalized_path) const {
  const absl::string_view text = StripOneLeadingSlash(normalized_path);
  if (has_star_ ? text.size() < min_length_ : text.size() != min_length_) return false;
  if (!absl::StartsWith(text, literal_prefix_)) return false;
  const absl::string_view tail = text.substr(text.size() - suffix_.size());
  if (!GlobMatch(suffix_, tail, question_matches_slash_)) return false;
  const absl::string_view between =
      text.substr(literal_prefix_.size(), text.size() - literal_prefix_.size() - suffix_.size());
  return middle_ == "*" || GlobMatch(middle_, between, question_matches_slash_);
}

std::ostream& operator<<(std::ostream& os, const PathPattern& pattern) {
  return os << "PathPattern(\"" << pattern.pattern() << "\")";
}

}  // namespace edgesim::policy
