// Behavior path patterns and the paths they are matched against (policy/path_pattern.h). The
// input is a pattern, a newline and a raw request path. Whatever compiles must match exactly as a
// plain dynamic-programming glob does (`*` any run, `?` one character, `/` too unless configured
// otherwise, one leading `/` optional on both sides), and normalizing a path without escapes
// twice changes nothing that matching sees.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "policy/model_options.h"
#include "policy/path_pattern.h"

namespace {

namespace policy = edgesim::policy;

absl::string_view WithoutLeadingSlash(absl::string_view s) {
  if (!s.empty() && s.front() == '/') s.remove_prefix(1);
  return s;
}

// Whether ReferenceMatch's table for these sizes is small enough to be cheap.
constexpr size_t kMaxReferenceCells = size_t{1} << 18;

// The reference: at[i * (m + 1) + j] says whether pattern[i:] matches text[j:].
bool ReferenceMatch(absl::string_view pattern, absl::string_view text,
                    bool question_matches_slash) {
  const size_t n = pattern.size();
  const size_t m = text.size();
  std::vector<char> at((n + 1) * (m + 1), 0);
  const auto cell = [&](size_t i, size_t j) -> char& { return at[i * (m + 1) + j]; };
  cell(n, m) = 1;
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m + 1; j-- > 0;) {
      if (pattern[i] == '*') {
        cell(i, j) = cell(i + 1, j) || (j < m && cell(i, j + 1));
      } else if (j < m && (pattern[i] == text[j] ||
                           (pattern[i] == '?' && (question_matches_slash || text[j] != '/')))) {
        cell(i, j) = cell(i + 1, j + 1);
      }
    }
  }
  return cell(0, 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  const absl::string_view pattern = input.substr(0, newline);
  const absl::string_view raw_path =
      newline == absl::string_view::npos ? input : input.substr(newline + 1);
  const std::string path = policy::NormalizePathForMatching(raw_path);
  // Dot segments and `//` settle in one pass, up to the optional leading `/` (".//" normalizes to
  // "", which matches as "/"). Not checked with a `%`: decoding "%%66" makes "%f", and a second
  // pass reads "%f3" as a new escape (a malformed path; patterns cannot hold `%` anyway).
  if (raw_path.find('%') == absl::string_view::npos &&
      WithoutLeadingSlash(policy::NormalizePathForMatching(path)) != WithoutLeadingSlash(path)) {
    abort();
  }
  for (const bool question_matches_slash : {true, false}) {
    policy::ModelOptions options;
    options.question_mark_matches_slash = question_matches_slash;
    absl::StatusOr<policy::PathPattern> compiled = policy::PathPattern::Compile(pattern, options);
    if (!compiled.ok() || (pattern.size() + 1) * (path.size() + 1) > kMaxReferenceCells) {
      continue;
    }
    const bool want = ReferenceMatch(WithoutLeadingSlash(pattern), WithoutLeadingSlash(path),
                                     question_matches_slash);
    if (compiled->Matches(path) != want) abort();
  }
  for (const bool question_matches_slash : {true, false}) {
    if ((pattern.size() + 1) * (raw_path.size() + 1) > kMaxReferenceCells) break;
    if (policy::GlobMatch(pattern, raw_path, question_matches_slash) !=
        ReferenceMatch(pattern, raw_path, question_matches_slash)) {
      abort();
    }
  }
  return 0;
}
