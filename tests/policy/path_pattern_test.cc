#include "policy/path_pattern.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/policy/path_pattern_worked_cases.h"

namespace edgesim::policy {
namespace {

using ::testing::HasSubstr;

// ---- SPEC 1.2 worked examples ------------------------------------------------------------------

// The ordered behaviors of SPEC 1.2's table; the default `*` is what none of them matches.
const std::vector<std::string>& Spec12Patterns() { return spec12::kPatterns; }

// "B1".."B3", or "default": SPEC 1.2's emulator algorithm over the raw request path (no query; the
// query split is BehaviorTable's, tested there).
std::string SelectBehavior(absl::string_view normalized_path) {
  for (size_t i = 0; i < Spec12Patterns().size(); ++i) {
    absl::StatusOr<PathPattern> pattern = PathPattern::Compile(Spec12Patterns()[i]);
    EXPECT_TRUE(pattern.ok()) << pattern.status();
    if (pattern.ok() && pattern->Matches(normalized_path)) return absl::StrCat("B", i + 1);
  }
  return "default";
}

using spec12::Spec12Case;

class Spec12Test : public testing::TestWithParam<Spec12Case> {};

TEST_P(Spec12Test, SelectsBehaviorOnNormalizedPath) {
  const Spec12Case& c = GetParam();
  const std::string normalized = NormalizePathForMatching(c.raw_path);
  EXPECT_EQ(normalized, c.matching_path);
  EXPECT_EQ(SelectBehavior(normalized), c.behavior);
}

INSTANTIATE_TEST_SUITE_P(Spec12, Spec12Test, testing::ValuesIn(spec12::kCases),
                         [](const testing::TestParamInfo<Spec12Case>& info) {
                           return info.param.name;
                         });

// ---- SPEC 1.2 extra wildcard examples and SPEC 1.1 rules ---------------------------------------

struct WildcardCase {
  std::string name;
  std::string pattern;
  std::string path;  // already normalized
  bool matches;
};

void PrintTo(const WildcardCase& c, std::ostream* os) { *os << c.name; }

class WildcardTest : public testing::TestWithParam<WildcardCase> {};

TEST_P(WildcardTest, Matches) {
  const WildcardCase& c = GetParam();
  absl::StatusOr<PathPattern> pattern = PathPattern::Compile(c.pattern);
  ASSERT_TRUE(pattern.ok()) << pattern.status();
  EXPECT_EQ(pattern->Matches(c.path), c.matches) << *pattern << " vs " << c.path;
}

INSTANTIATE_TEST_SUITE_P(
    Spec12Extra, WildcardTest,
    testing::Values(
        // `a??.jpg`: exactly two characters between `a` and `.jpg`.
        WildcardCase{"QuestionQuestion_Ant", "a??.jpg", "/ant.jpg", true},
        WildcardCase{"QuestionQuestion_Abe", "a??.jpg", "/abe.jpg", true},
        WildcardCase{"QuestionQuestion_TooShort", "a??.jpg", "/a.jpg", false},
        WildcardCase{"QuestionQuestion_TooLong", "a??.jpg", "/antz.jpg", false},
        // `*.doc*`: trailing star matches zero or more.
        WildcardCase{"DocStar_Doc", "*.doc*", "/x.doc", true},
        WildcardCase{"DocStar_Docx", "*.doc*", "/x.docx", true},
        WildcardCase{"DocStar_Docm", "*.doc*", "/dir/x.docm", true},
        WildcardCase{"DocStar_Pdf", "*.doc*", "/x.pdf", false},
        // `*.doc?`: needs exactly one more character.
        WildcardCase{"DocQuestion_DocFails", "*.doc?", "/x.doc", false},
        WildcardCase{"DocQuestion_Docx", "*.doc?", "/x.docx", true},
        WildcardCase{"DocQuestion_DocxxFails", "*.doc?", "/x.docxx", false},
        // `a*.jpg` is a glob over the whole path, so it also matches under a directory `a...`.
        WildcardCase{"AStarJpg_Abc", "a*.jpg", "/abc.jpg", true},
        WildcardCase{"AStarJpg_AcrossDirectories", "a*.jpg", "/a/b/c.jpg", true},
        WildcardCase{"AStarJpg_OtherInitial", "a*.jpg", "/b.jpg", false},
        WildcardCase{"AStarJpg_OtherExtension", "a*.jpg", "/a.jpeg", false}),
    [](const testing::TestParamInfo<WildcardCase>& info) { return info.param.name; });

INSTANTIATE_TEST_SUITE_P(
    Spec11Rules, WildcardTest,
    testing::Values(
        // Rule 3: one leading slash optional on either side.
        WildcardCase{"LeadingSlashOnPatternOnly", "/images/*.jpg", "images/a.jpg", true},
        WildcardCase{"LeadingSlashOnPathOnly", "images/*.jpg", "/images/a.jpg", true},
        WildcardCase{"LeadingSlashOnBoth", "/images/*.jpg", "/images/a.jpg", true},
        WildcardCase{"OnlyOneLeadingSlashIsOptional", "images/*", "//images/a", false},
        // Rule 4: whole-path match (A7).
        WildcardCase{"NoPrefixMatch", "/assets", "/assets/app.js", false},
        WildcardCase{"ExactPathMatches", "/assets", "/assets", true},
        WildcardCase{"NoSuffixMatch", "assets", "/x/assets", false},
        // Rule 7: case-sensitive.
        WildcardCase{"CaseSensitive", "*.jpg", "/LOGO.JPG", false},
        // Rules 5-6: `*` runs, backtracking, and a folded `**` (no special meaning).
        WildcardCase{"StarMatchesEverything", "*", "/", true},
        WildcardCase{"StarMatchesDeepPath", "*", "/a/b/c?d", true},
        WildcardCase{"SlashPatternMatchesRootOnly", "/", "/", true},
        WildcardCase{"SlashPatternNotOthers", "/", "/a", false},
        WildcardCase{"BacktrackingStars", "*a*b*c", "/xaybzc", true},
        WildcardCase{"BacktrackingStarsOrder", "*a*b*c", "/xacb", false},
        WildcardCase{"StarRetriesLaterOccurrence", "*ab", "/aab", true},
        WildcardCase{"DoubleStarIsOneStar", "images/**.jpg", "/images/x/y.jpg", true},
        WildcardCase{"PrefixAndSuffixMayNotOverlap", "ab*ba", "/aba", false},
        WildcardCase{"PrefixAndSuffixAdjacent", "ab*ba", "/abba", true},
        WildcardCase{"AllowedPunctuationIsLiteral", "a$b@c:d+e&f'g\"h~i", "/a$b@c:d+e&f'g\"h~i",
                     true},
        WildcardCase{"DotIsLiteral", "a.c", "/abc", false}),
    [](const testing::TestParamInfo<WildcardCase>& info) { return info.param.name; });

// SPEC 1.1 rule 6: `?` matching `/` is UNCONFIRMED; ModelOptions::question_mark_matches_slash.
TEST(PathPatternTest, QuestionMarkMatchesSlashByDefault_UNCONFIRMED) {
  absl::StatusOr<PathPattern> pattern = PathPattern::Compile("a?b");
  ASSERT_TRUE(pattern.ok());
  EXPECT_TRUE(pattern->Matches("/a/b"));
  EXPECT_TRUE(pattern->Matches("/axb"));
}

TEST(PathPatternTest, QuestionMarkCanBeToldNotToMatchSlash_UNCONFIRMED) {
  ModelOptions options;
  options.question_mark_matches_slash = false;
  absl::StatusOr<PathPattern> pattern = PathPattern::Compile("a?b*", options);
  ASSERT_TRUE(pattern.ok());
  EXPECT_FALSE(pattern->Matches("/a/b"));
  EXPECT_TRUE(pattern->Matches("/axb/c"));  // `*` still crosses `/`
}

// The compiled matcher's prefix/suffix shortcuts must agree with a plain recursive glob on every
// small pattern and path, with either `?` option.
bool ReferenceGlob(absl::string_view p, absl::string_view t, bool question_matches_slash) {
  if (p.empty()) return t.empty();
  if (p[0] == '*') {
    return ReferenceGlob(p.substr(1), t, question_matches_slash) ||
           (!t.empty() && ReferenceGlob(p, t.substr(1), question_matches_slash));
  }
  const bool first_matches =
      !t.empty() && (p[0] == t[0] || (p[0] == '?' && (question_matches_slash || t[0] != '/')));
  return first_matches && ReferenceGlob(p.substr(1), t.substr(1), question_matches_slash);
}

void AllStrings(absl::string_view alphabet, size_t max_length, std::vector<std::string>& out) {
  out.push_back("");
  for (size_t begin = 0, length = 1; length <= max_length; ++length) {
    const size_t end = out.size();
    for (size_t i = begin; i < end; ++i) {
      for (char c : alphabet) out.push_back(out[i] + c);
    }
    begin = end;
  }
}

absl::string_view WithoutLeadingSlash(absl::string_view s) {
  return !s.empty() && s[0] == '/' ? s.substr(1) : s;
}

TEST(PathPatternTest, AgreesWithReferenceGlobExhaustively) {
  std::vector<std::string> bodies;
  std::vector<std::string> paths;
  AllStrings("ab*?/", 4, bodies);
  AllStrings("ab/", 5, paths);
  for (bool question_matches_slash : {true, false}) {
    ModelOptions options;
    options.question_mark_matches_slash = question_matches_slash;
    for (size_t b = 1; b < bodies.size(); ++b) {  // bodies[0] is the empty pattern
      absl::StatusOr<PathPattern> pattern = PathPattern::Compile(bodies[b], options);
      ASSERT_TRUE(pattern.ok()) << bodies[b];
      for (const std::string& path : paths) {
        ASSERT_EQ(pattern->Matches(path),
                  ReferenceGlob(WithoutLeadingSlash(bodies[b]), WithoutLeadingSlash(path),
                                question_matches_slash))
            << bodies[b] << " vs " << path << " question_matches_slash=" << question_matches_slash;
      }
    }
  }
}

// Legacy cookie-name wildcards (SPEC 2.5) reuse the glob without any path handling.
TEST(GlobMatchTest, CookieNameWildcards) {
  EXPECT_TRUE(GlobMatch("userid_*", "userid_42", true));
  EXPECT_TRUE(GlobMatch("userid_*", "userid_", true));
  EXPECT_FALSE(GlobMatch("userid_*", "userid", true));
  EXPECT_FALSE(GlobMatch("userid_*", "xuserid_1", true));
  EXPECT_TRUE(GlobMatch("ab?", "abc", false));
  EXPECT_FALSE(GlobMatch("ab?", "ab/", false));
  EXPECT_FALSE(GlobMatch("/a", "a", true));  // no leading-slash leniency here
}

// ---- Normalization (SPEC 1.1 rule 9, SPEC B1 — UNCONFIRMED beyond the observed cases)
// ------------

struct NormalizeCase {
  std::string name;
  std::string raw;
  std::string normalized;
};

void PrintTo(const NormalizeCase& c, std::ostream* os) { *os << c.name; }

class NormalizeTest : public testing::TestWithParam<NormalizeCase> {};

TEST_P(NormalizeTest, Normalizes) {
  EXPECT_EQ(NormalizePathForMatching(GetParam().raw), GetParam().normalized);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc3986, NormalizeTest,
    testing::Values(
        NormalizeCase{"EmptyIsRoot", "", "/"}, NormalizeCase{"RootUnchanged", "/", "/"},
        NormalizeCase{"PlainPathUnchanged", "/images/a.jpg", "/images/a.jpg"},
        NormalizeCase{"TrailingSlashKept", "/a/b/", "/a/b/"},
        NormalizeCase{"DotFilesAreNotDotSegments", "/a/.hidden/..b/c.", "/a/.hidden/..b/c."},
        NormalizeCase{"DotFileAtRoot", "/.well-known/x", "/.well-known/x"},
        // Observed (A17): all three reach the behavior of /api/catalog/item.
        NormalizeCase{"ObservedDoubleSlash", "//api/catalog/item", "/api/catalog/item"},
        NormalizeCase{"ObservedDotDot", "/api/x/../catalog/item", "/api/catalog/item"},
        NormalizeCase{"ObservedEscapedUnreserved", "/api/catalog/%69tem", "/api/catalog/item"},
        NormalizeCase{"AwsWarningExample", "/demo/../admin/x", "/admin/x"},
        NormalizeCase{"OnlySlashes", "///", "/"},
        NormalizeCase{"SlashesCollapsedBeforeDotSegments", "/a//../b", "/b"},
        NormalizeCase{"Rfc5_2_4Example", "/a/b/c/./../../g", "/a/g"},
        NormalizeCase{"TrailingDot", "/a/b/.", "/a/b/"},
        NormalizeCase{"TrailingDotDot", "/a/b/..", "/a/"},
        NormalizeCase{"DotDotAboveRoot", "/../../x", "/x"}, NormalizeCase{"OnlyDotDot", "/..", "/"},
        NormalizeCase{"EveryUnreservedDecoded", "/%41%7a%30%2D%2e%5F%7E", "/Az0-._~"},
        NormalizeCase{"EncodedDotsAreDotSegments", "/a/%2E%2E/admin", "/admin"},
        NormalizeCase{"EncodedSlashNeverDecoded", "/a%2fb/../c", "/c"},
        NormalizeCase{"EncodedSlashUppercased", "/a%2fb", "/a%2Fb"},
        NormalizeCase{"ReservedEscapeKept", "/a%3fb%20c", "/a%3Fb%20c"},
        NormalizeCase{"NonAsciiEscapeUppercased", "/%e2%82%ac", "/%E2%82%AC"},
        NormalizeCase{"BadEscapeKept", "/100%zz", "/100%zz"},
        NormalizeCase{"TruncatedEscapeKept", "/a%4", "/a%4"},
        NormalizeCase{"LonePercentKept", "/%", "/%"}),
    [](const testing::TestParamInfo<NormalizeCase>& info) { return info.param.name; });

// ---- Compile errors (SPEC 1.1 rule 10)
// -----------------------------------------------------------

struct CompileErrorCase {
  std::string name;
  std::string pattern;
  std::string message_part;
};

void PrintTo(const CompileErrorCase& c, std::ostream* os) { *os << c.name; }

class CompileErrorTest : public testing::TestWithParam<CompileErrorCase> {};

TEST_P(CompileErrorTest, IsInvalidArgumentNamingTheProblem) {
  absl::StatusOr<PathPattern> pattern = PathPattern::Compile(GetParam().pattern);
  ASSERT_FALSE(pattern.ok());
  EXPECT_EQ(pattern.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(pattern.status().message()), HasSubstr(GetParam().message_part));
}

INSTANTIATE_TEST_SUITE_P(
    Rule10, CompileErrorTest,
    testing::Values(CompileErrorCase{"Empty", "", "empty"},
                    CompileErrorCase{"TooLong", "/" + std::string(255, 'a'), "256 characters long"},
                    CompileErrorCase{"Percent", "/a%20b", "character '%' at position 2"},
                    CompileErrorCase{"Space", "/a b", "character ' ' at position 2"},
                    CompileErrorCase{"Brackets", "/[ab].jpg", "character '[' at position 1"},
                    CompileErrorCase{"Hash", "/a#b", "character '#'"},
                    CompileErrorCase{"Backslash", "\\a", "character '\\'"},
                    CompileErrorCase{"Comma", "a,b", "character ','"},
                    CompileErrorCase{"ControlByte", "/a\x01", "byte 0x01 at position 2"},
                    CompileErrorCase{"NonAscii", "/caf\xC3\xA9", "byte 0xC3 at position 4"}),
    [](const testing::TestParamInfo<CompileErrorCase>& info) { return info.param.name; });

TEST(PathPatternTest, CompilesEveryAllowedCharacterAndTheMaximumLength) {
  EXPECT_TRUE(PathPattern::Compile("AZaz09_-.*$/~\"'@:+&?").ok());
  EXPECT_TRUE(PathPattern::Compile(std::string(PathPattern::kMaxLength, 'a')).ok());
}

TEST(PathPatternTest, KeepsThePatternAsConfigured) {
  absl::StatusOr<PathPattern> pattern = PathPattern::Compile("/images/**.jpg");
  ASSERT_TRUE(pattern.ok());
  EXPECT_EQ(pattern->pattern(), "/images/**.jpg");
}

}  // namespace
}  // namespace edgesim::policy
