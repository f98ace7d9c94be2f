#include "emulator/directory_origin.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>
#include <iterator>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "policy/conditional_request.h"
#include "policy/http_date.h"
#include "policy/path_pattern.h"
#include "policy/percent_escape.h"

namespace edgesim::emulator {
namespace {

constexpr absl::string_view kRulesFile = ".edgesim-cache-control";

absl::string_view ContentType(absl::string_view path) {
  static constexpr std::pair<absl::string_view, absl::string_view> kTypes[] = {
      {"html", "text/html"},       {"htm", "text/html"},       {"css", "text/css"},
      {"js", "text/javascript"},   {"mjs", "text/javascript"}, {"json", "application/json"},
      {"map", "application/json"}, {"txt", "text/plain"},      {"xml", "application/xml"},
      {"svg", "image/svg+xml"},    {"png", "image/png"},       {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},      {"gif", "image/gif"},       {"webp", "image/webp"},
      {"avif", "image/avif"},      {"ico", "image/x-icon"},    {"woff", "font/woff"},
      {"woff2", "font/woff2"},     {"ttf", "font/ttf"},        {"wasm", "application/wasm"},
      {"pdf", "application/pdf"},  {"mp4", "video/mp4"},       {"webm", "video/webm"},
      {"mp3", "audio/mpeg"},
  };
  const size_t dot = path.rfind('.');
  const size_t slash = path.rfind('/');
  if (dot != absl::string_view::npos && (slash == absl::string_view::npos || dot > slash)) {
    const std::string ext = absl::AsciiStrToLower(path.substr(dot + 1));
    for (const auto& [e, type] : kTypes) {
      if (e == ext) return type;
    }
  }
  return "application/octet-stream";
}

// The request path %-decoded, without its leading '/'; nullopt when it could name something
// outside the directory or is not a path at all.
absl::optional<std::string> RelativePath(absl::string_view raw) {
  if (!absl::ConsumePrefix(&raw, "/")) return absl::nullopt;
  std::string decoded;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '%') {
      decoded.push_back(raw[i]);
      continue;
    }
    const absl::optional<char> byte = policy::DecodePercentEscape(raw, i);
    if (!byte) return absl::nullopt;
    decoded.push_back(*byte);
    i += 2;
  }
  if (decoded.find('\0') != std::string::npos) return absl::nullopt;
  for (absl::string_view segment : absl::StrSplit(decoded, '/')) {
    if (segment == "..") return absl::nullopt;
  }
  return decoded;
}

core::OriginResponse Plain(int status, absl::string_view text, absl::Time now) {
  core::OriginResponse r;
  r.head.status = status;
  r.head.headers.Add("Date", policy::FormatHttpDate(now));
  r.head.headers.Add("Content-Type", "text/plain");
  r.head.headers.Add("Content-Length", absl::StrCat(text.size()));
  r.body = core::MakeBody(std::string(text));
  r.body_size = text.size();
  return r;
}

absl::StatusOr<CacheControlRules> ReadRulesFile(const std::string& path) {
  std::ifstream in(path);
  CacheControlRules rules;
  if (!in) return rules;  // optional
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    absl::string_view text = absl::StripAsciiWhitespace(line);
    if (text.empty() || text[0] == '#') continue;
    const size_t space = text.find_first_of(" \t");
    const absl::string_view value =
        space == absl::string_view::npos ? "" : absl::StripAsciiWhitespace(text.substr(space));
    if (value.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ":", number, ": expected \"PATTERN CACHE-CONTROL\", got \"", text, "\""));
    }
    rules.emplace_back(std::string(text.substr(0, space)), std::string(value));
  }
  return rules;
}

}  // namespace

absl::StatusOr<std::unique_ptr<DirectoryOrigin>> DirectoryOrigin::Create(const std::string& dir,
                                                                         CacheControlRules rules,
                                                                         uint64_t max_body_bytes) {
  char* real = ::realpath(dir.c_str(), nullptr);
  struct stat st;
  const bool is_dir = real != nullptr && ::stat(real, &st) == 0 && S_ISDIR(st.st_mode);
  const std::string root = real != nullptr ? real : "";
  ::free(real);
  if (!is_dir) {
    return absl::InvalidArgumentError(absl::StrCat("origin directory ", dir, ": not a directory"));
  }
  absl::StatusOr<CacheControlRules> from_file = ReadRulesFile(absl::StrCat(root, "/", kRulesFile));
  if (!from_file.ok()) return from_file.status();
  rules.insert(rules.end(), from_file->begin(), from_file->end());
  return std::unique_ptr<DirectoryOrigin>(
      new DirectoryOrigin(root == "/" ? "" : root, std::move(rules), max_body_bytes));
}

absl::StatusOr<core::OriginResponse> DirectoryOrigin::Serve(const policy::Request& request,
                                                            absl::Time now) const {
  const bool head = request.method == "HEAD";
  if (!head && request.method != "GET") {
    core::OriginResponse r = Plain(405, "method not allowed\n", now);
    r.head.headers.Add("Allow", "GET, HEAD");
    return r;
  }
  const absl::optional<std::string> relative = RelativePath(request.path());
  if (!relative.has_value()) return Plain(400, "bad path\n", now);
  const core::OriginResponse not_found = Plain(404, "not found\n", now);
  char* real = ::realpath(absl::StrCat(root_, "/", *relative).c_str(), nullptr);
  if (real == nullptr) return not_found;
  const std::string file = real;
  ::free(real);
  // Symlinks are followed only while they stay inside the directory.
  if (!absl::StartsWith(file, absl::StrCat(root_, "/")) ||
      file == absl::StrCat(root_, "/", kRulesFile)) {
    return not_found;
  }
  struct stat st;
  if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return not_found;

  const uint64_t size = static_cast<uint64_t>(st.st_size);
  const absl::Time modified = absl::TimeFromTimespec(st.st_mtim);
  core::OriginResponse r;
  r.head.status = 200;
  policy::Headers& h = r.head.headers;
  h.Add("Date", policy::FormatHttpDate(now));
  h.Add("Content-Type", ContentType(file));
  h.Add("ETag", absl::StrFormat("\"%x-%x\"", absl::ToUnixNanos(modified), size));
  h.Add("Last-Modified", policy::FormatHttpDate(modified));
  const std::string path = absl::StrCat("/", *relative);
  for (const auto& [pattern, value] : rules_) {
    if (policy::GlobMatch(pattern, path, /*question_matches_slash=*/true)) {
      h.Add("Cache-Control", value);
      break;
    }
  }
  if (policy::NotModified(request, h)) {
    r.head.status = 304;
    return r;
  }
  h.Add("Content-Length", absl::StrCat(size));
  if (head) return r;
  if (size > max_body_bytes_) {
    return absl::ResourceExhaustedError(
        absl::StrCat(file, ": ", size, " bytes, over the origin body limit of ", max_body_bytes_));
  }
  std::ifstream in(file, std::ios::binary);
  std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return absl::UnavailableError(absl::StrCat(file, ": read failed"));
  r.body_size = body.size();
  r.body = core::MakeBody(std::move(body));
  return r;
}

}  // namespace edgesim::emulator
