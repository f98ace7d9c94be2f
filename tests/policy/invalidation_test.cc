#include "policy/invalidation.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/policy/invalidation_worked_cases.h"
#include "tests/policy/test_time.h"

namespace edgesim::policy {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kInvalidPaths[] = "Your request contains one or more invalid invalidation paths.";

// ---- SPEC 6.2 worked examples
// --------------------------------------------------------------------

using spec62::CachedObject;
using spec62::Spec62Case;

class Spec62Test : public testing::TestWithParam<Spec62Case> {};

TEST_P(Spec62Test, InvalidatesExactlyTheRowsObjects) {
  const Spec62Case& c = GetParam();
  absl::StatusOr<InvalidationPath> path = InvalidationPath::Parse(c.invalidation_path);
  if (!c.accepted) {
    ASSERT_FALSE(path.ok());
    EXPECT_EQ(InvalidationErrorCodeOf(path.status()), InvalidationErrorCode::kInvalidArgument);
    return;
  }
  ASSERT_TRUE(path.ok()) << path.status();
  for (const CachedObject& object : c.objects) {
    EXPECT_EQ(path->Matches(object.KeyPath()), c.invalidated) << object.KeyPath();
  }
}

INSTANTIATE_TEST_SUITE_P(Spec62, Spec62Test, testing::ValuesIn(spec62::kCases),
                         [](const testing::TestParamInfo<Spec62Case>& info) {
                           return info.param.name;
                         });

TEST(InvalidationPathTest, InnerStarMatchesItselfLiterally) {
  absl::StatusOr<InvalidationPath> path = InvalidationPath::Parse("/img/a*b.png");
  ASSERT_TRUE(path.ok());
  EXPECT_FALSE(path->is_wildcard());
  EXPECT_EQ(path->prefix(), "/img/a*b.png");
  EXPECT_TRUE(path->Matches("/img/a*b.png"));
}

// Row 10 "counts as 1 path": a wildcard is one path for the in-progress limits and for pricing.
TEST(InvalidationPathTest, SlashStarIsOneWildcardPath) {
  absl::StatusOr<InvalidationPath> path = InvalidationPath::Parse("/*");
  ASSERT_TRUE(path.ok());
  EXPECT_TRUE(path->is_wildcard());
  EXPECT_EQ(path->prefix(), "/");
  EXPECT_TRUE(CheckInProgressLimits(0, kMaxInProgressWildcardPaths - 1, {"/*"}).ok());
  InvalidationLedger ledger;
  ledger.Record(absl::UnixEpoch(), 1);
  EXPECT_EQ(ledger.BillFor(absl::UnixEpoch()).paths, 1);
}

// SPEC 6.2 "Query strings": without query strings in the key, `/a.jpg` covers every request of it.
TEST(InvalidationPathTest, ExactPathCoversQueriesNotInKey) {
  absl::StatusOr<InvalidationPath> path = InvalidationPath::Parse("/a.jpg");
  ASSERT_TRUE(path.ok());
  EXPECT_TRUE(path->Matches(CachedObject{"/a.jpg", "v=1", false}.KeyPath()));
  EXPECT_TRUE(InvalidationPath::Parse("/a.jpg?v=1")->Matches("/a.jpg?v=1"));
}

// SPEC 6.2 "Directories", A6: `/images` and `/images/` are separate objects.
TEST(InvalidationPathTest, DirectoryWithAndWithoutSlashAreDistinct) {
  EXPECT_FALSE(InvalidationPath::Parse("/images")->Matches("/images/"));
  EXPECT_FALSE(InvalidationPath::Parse("/images/")->Matches("/images"));
  EXPECT_FALSE(InvalidationPath::Parse("/")->Matches("/index.html"));
}

// ---- SPEC 6.2 path syntax rules
// ------------------------------------------------------------------

struct SyntaxCase {
  std::string name;
  std::string path;
  std::string problem;  // empty: accepted
};

void PrintTo(const SyntaxCase& c, std::ostream* os) { *os << c.name; }

class SyntaxTest : public testing::TestWithParam<SyntaxCase> {};

TEST_P(SyntaxTest, ValidatesLikeCloudFront) {
  const SyntaxCase& c = GetParam();
  const absl::Status status = ValidateInvalidationPath(c.path);
  if (c.problem.empty()) {
    EXPECT_TRUE(status.ok()) << status;
    EXPECT_TRUE(InvalidationPath::Parse(c.path).ok());
    return;
  }
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), StartsWith(kInvalidPaths));
  EXPECT_THAT(std::string(status.message()), HasSubstr(c.problem));
  EXPECT_EQ(InvalidationErrorCodeOf(status), InvalidationErrorCode::kInvalidArgument);
  EXPECT_EQ(InvalidationPath::Parse(c.path).status(), status);
}

INSTANTIATE_TEST_SUITE_P(
    Spec62Rules, SyntaxTest,
    testing::Values(
        SyntaxCase{"LeadingSlashRequired", "images/a.jpg", "must begin with a slash"},
        SyntaxCase{"EmptyPath", "", "must begin with a slash"},
        SyntaxCase{"RawTildeRejected", "/~user/a.html", "'~' at position 1"},
        SyntaxCase{"EncodedTildeAccepted", "/%7Euser/a.html", ""},
        SyntaxCase{"RawSpaceRejected", "/my file.txt", "unencoded space at position 3"},
        SyntaxCase{"EncodedSpaceAccepted", "/my%20file.txt", ""},
        SyntaxCase{"PlusAccepted", "/my+file.txt", ""},
        SyntaxCase{"AngleBracket", "/a<b", "unencoded '<' at position 2; URL-encode it as %3C"},
        SyntaxCase{"DoubleQuote", "/a\"b", "unencoded '\"'"},
        SyntaxCase{"Hash", "/a#b", "unencoded '#' at position 2; URL-encode it as %23"},
        SyntaxCase{"Brace", "/a{b", "unencoded '{'"}, SyntaxCase{"Pipe", "/a|b", "unencoded '|'"},
        SyntaxCase{"Backslash", "/a\\b", "unencoded '\\'"},
        SyntaxCase{"Caret", "/a^b", "unencoded '^'"},
        SyntaxCase{"SquareBracket", "/a[1]", "unencoded '['"},
        SyntaxCase{"Backtick", "/a`b", "unencoded '`'"},
        SyntaxCase{"NonAscii", "/caf\xC3\xA9", "byte 0xC3 at position 4"},
        SyntaxCase{"ControlCharacter", "/a\tb", "byte 0x09 at position 2"},
        SyntaxCase{"LonePercent", "/100%", "'%' at position 4 that does not start a %XX escape"},
        SyntaxCase{"BadEscape", "/100%zz", "does not start a %XX escape"},
        SyntaxCase{"EncodedPercentAccepted", "/100%25", ""},
        SyntaxCase{"EncodedStarAccepted", "/a/%2A", ""},
        SyntaxCase{"InnerStarAccepted", "/img/a*b.png", ""},
        SyntaxCase{"QueryAccepted", "/a.jpg?v=1&w=2", ""},
        SyntaxCase{"MaxLengthAccepted", "/" + std::string(kMaxInvalidationPathLength - 1, 'a'), ""},
        SyntaxCase{"OverMaxLength", "/" + std::string(kMaxInvalidationPathLength, 'a'),
                   "4001 characters long; the maximum is 4000"}),
    [](const testing::TestParamInfo<SyntaxCase>& info) { return info.param.name; });

// A3: `%2A` is accepted but is a literal, so it invalidates nothing but a path spelled `%2A`.
TEST(InvalidationPathTest, EncodedStarIsNotAWildcard) {
  absl::StatusOr<InvalidationPath> path = InvalidationPath::Parse("/a/%2A");
  ASSERT_TRUE(path.ok());
  EXPECT_FALSE(path->is_wildcard());
  EXPECT_FALSE(path->Matches("/a/b.png"));
  EXPECT_TRUE(path->Matches("/a/%2A"));
}

// A2: `%7E` is accepted but never matches a stored `~`.
TEST(InvalidationPathTest, EncodedTildeDoesNotMatchRawTilde) {
  EXPECT_FALSE(InvalidationPath::Parse("/%7Euser/a.html")->Matches("/~user/a.html"));
}

TEST(InvalidationPathTest, LongPathIsNotEchoedInFull) {
  const absl::Status status =
      ValidateInvalidationPath("/" + std::string(kMaxInvalidationPathLength, 'a'));
  EXPECT_LT(status.message().size(), 300u);
}

// ---- Batch and in-progress limits (SPEC 6.1, 6.3)
// ------------------------------------------------

std::vector<std::string> FilePaths(int n) {
  std::vector<std::string> paths;
  for (int i = 0; i < n; ++i) paths.push_back(absl::StrCat("/f", i));
  return paths;
}

absl::optional<InvalidationErrorCode> CodeOf(const absl::Status& status) {
  EXPECT_FALSE(status.ok());
  return InvalidationErrorCodeOf(status);
}

TEST(InvalidationBatchTest, AcceptsAConsistentBatch) {
  EXPECT_TRUE(ValidateInvalidationBatch({"/a.jpg", "/images/*"}, 2).ok());
}

TEST(InvalidationBatchTest, QuantityMustMatchItems) {
  const absl::Status status = ValidateInvalidationBatch({"/a.jpg", "/b.jpg"}, 3);
  EXPECT_EQ(CodeOf(status), InvalidationErrorCode::kInconsistentQuantities);
  EXPECT_EQ(status.message(),
            "The specified quantity of Paths (3) does not match the actual quantity supplied (2).");
}

// Checked before the paths: a wrong Quantity wins over a bad path.
TEST(InvalidationBatchTest, QuantityCheckedFirst) {
  EXPECT_EQ(CodeOf(ValidateInvalidationBatch({"no-slash"}, 2)),
            InvalidationErrorCode::kInconsistentQuantities);
}

TEST(InvalidationBatchTest, NamesTheBadItem) {
  const absl::Status status = ValidateInvalidationBatch({"/ok", "/fine*", "/bad path"}, 3);
  EXPECT_EQ(CodeOf(status), InvalidationErrorCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), StartsWith(kInvalidPaths));
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("Paths.Items[2] \"/bad path\": it contains an unencoded "
                        "space at position 4"));
}

// SPEC 6.3: the BatchTooLarge threshold is UNCONFIRMED (ModelOptions, default 3000).
TEST(InvalidationBatchTest, TooManyFilePathsIsBatchTooLarge_UNCONFIRMED) {
  std::vector<std::string> paths = FilePaths(3000);
  for (int i = 0; i < 10; ++i)
    paths.push_back(absl::StrCat("/w", i, "/*"));  // wildcards don't count
  EXPECT_TRUE(ValidateInvalidationBatch(paths, static_cast<int>(paths.size())).ok());
  paths.push_back("/one-more");
  const absl::Status status = ValidateInvalidationBatch(paths, static_cast<int>(paths.size()));
  EXPECT_EQ(CodeOf(status), InvalidationErrorCode::kBatchTooLarge);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("3001 non-wildcard paths; the maximum is 3000"));
}

TEST(InvalidationBatchTest, BatchThresholdIsAnOption_UNCONFIRMED) {
  ModelOptions options;
  options.invalidation_batch_max_file_paths = 2;
  EXPECT_TRUE(ValidateInvalidationBatch(FilePaths(2), 2, options).ok());
  EXPECT_EQ(CodeOf(ValidateInvalidationBatch(FilePaths(3), 3, options)),
            InvalidationErrorCode::kBatchTooLarge);
}

TEST(InProgressLimitsTest, FilePathLimit) {
  EXPECT_TRUE(CheckInProgressLimits(2900, 0, FilePaths(100)).ok());
  const absl::Status status = CheckInProgressLimits(2900, 0, FilePaths(101));
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(CodeOf(status), InvalidationErrorCode::kTooManyInvalidationsInProgress);
  EXPECT_THAT(std::string(status.message()), HasSubstr("2900 in progress and 101 requested"));
}

TEST(InProgressLimitsTest, WildcardLimit) {
  EXPECT_TRUE(CheckInProgressLimits(0, 14, {"/a*"}).ok());
  const absl::Status status = CheckInProgressLimits(0, 14, {"/a*", "/b/*"});
  EXPECT_EQ(CodeOf(status), InvalidationErrorCode::kTooManyInvalidationsInProgress);
  EXPECT_THAT(std::string(status.message()), HasSubstr("wildcard"));
}

// SPEC 6.3: "the two limits are independent".
TEST(InProgressLimitsTest, LimitsAreIndependent) {
  EXPECT_TRUE(CheckInProgressLimits(kMaxInProgressFilePaths, 0, {"/*"}).ok());
  EXPECT_TRUE(CheckInProgressLimits(0, kMaxInProgressWildcardPaths, {"/a.jpg"}).ok());
  EXPECT_FALSE(CheckInProgressLimits(kMaxInProgressFilePaths, 0, {"/a.jpg"}).ok());
  EXPECT_FALSE(CheckInProgressLimits(0, kMaxInProgressWildcardPaths, {"/*"}).ok());
}

TEST(InvalidationErrorTest, OnlyStatusesFromThisModuleMap) {
  EXPECT_FALSE(InvalidationErrorCodeOf(absl::OkStatus()).has_value());
  EXPECT_FALSE(InvalidationErrorCodeOf(absl::InvalidArgumentError("other")).has_value());
  const absl::Status too_big =
      MakeInvalidationError(InvalidationErrorCode::kBatchTooLarge, "too big");
  EXPECT_EQ(InvalidationErrorCodeOf(too_big), InvalidationErrorCode::kBatchTooLarge);
  EXPECT_EQ(too_big.message(), "too big");
  EXPECT_EQ(ToString(InvalidationErrorCode::kBatchTooLarge), "BatchTooLarge");
}

// ---- Pricing ledger (SPEC 6.6)
// -------------------------------------------------------------------

// The SPEC example: 3 distributions x 600 paths = 1800 -> 800 billed at $0.005 = $4.00.
TEST(InvalidationLedgerTest, SpecExampleThreeDistributions) {
  InvalidationLedger ledger;
  ledger.Record(Utc(2024, 5, 2), 600);
  ledger.Record(Utc(2024, 5, 10), 600);
  ledger.Record(Utc(2024, 5, 31, 23, 59, 59), 600);
  const InvalidationMonthBill bill = ledger.BillFor(Utc(2024, 5, 15));
  EXPECT_EQ(bill.month, absl::CivilMonth(2024, 5));
  EXPECT_EQ(bill.paths, 1800);
  EXPECT_EQ(bill.free_paths, 1000);
  EXPECT_EQ(bill.billed_paths, 800);
  EXPECT_DOUBLE_EQ(bill.cost_usd, 4.00);
}

// Each UTC calendar month starts with a fresh allowance.
TEST(InvalidationLedgerTest, MonthRollover) {
  InvalidationLedger ledger;
  ledger.Record(Utc(2024, 5, 31, 23, 59, 59), 1200);
  ledger.Record(Utc(2024, 6, 1), 300);
  ledger.Record(Utc(2025, 1, 1), 1);
  EXPECT_EQ(ledger.Bills(), (std::vector<InvalidationMonthBill>{
                                {absl::CivilMonth(2024, 5), 1200, 1000, 200, 200 * 0.005},
                                {absl::CivilMonth(2024, 6), 300, 300, 0, 0},
                                {absl::CivilMonth(2025, 1), 1, 1, 0, 0},
                            }));
  EXPECT_EQ(ledger.BillFor(absl::CivilMonth(2024, 7)),
            (InvalidationMonthBill{absl::CivilMonth(2024, 7), 0, 0, 0, 0}));
}

TEST(InvalidationLedgerTest, AllowanceAndPriceAreOptions) {
  ModelOptions options;
  options.invalidation_free_paths_per_month = 0;
  options.invalidation_price_per_path_usd = 0.01;
  InvalidationLedger ledger(options);
  ledger.Record(Utc(2024, 5, 1), 10);
  EXPECT_EQ(ledger.BillFor(Utc(2024, 5, 1)).billed_paths, 10);
  EXPECT_DOUBLE_EQ(ledger.BillFor(Utc(2024, 5, 1)).cost_usd, 0.10);
}

}  // namespace
}  // namespace edgesim::policy
