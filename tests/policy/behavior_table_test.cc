#include "policy/behavior_table.h"

#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace edgesim::policy {
namespace {

using ::testing::HasSubstr;

CacheBehavior Behavior(std::string pattern, std::string origin) {
  CacheBehavior behavior;
  behavior.path_pattern = std::move(pattern);
  behavior.target_origin_id = std::move(origin);
  return behavior;
}

// SPEC 1.2's behaviors: B1 `images/*.jpg`, B2 `images/*`, B3 `*.gif`, then the default.
DistributionConfig Spec12Config() {
  DistributionConfig config;
  config.behaviors = {Behavior("images/*.jpg", "b1"), Behavior("images/*", "b2"),
                      Behavior("*.gif", "b3")};
  config.default_behavior = Behavior("*", "default");
  return config;
}

BehaviorTable BuildOrDie(const DistributionConfig& config, const ModelOptions& options = {}) {
  absl::StatusOr<BehaviorTable> table = BehaviorTable::Build(config, options);
  EXPECT_TRUE(table.ok()) << table.status();
  return *std::move(table);
}

// SPEC 1.1 rule 1 / 1.2 row 1: B2 and B3 both match; B2 comes first and B3 is never tried.
TEST(BehaviorTableTest, FirstMatchWins) {
  const BehaviorTable table = BuildOrDie(Spec12Config());
  const BehaviorMatch m = table.Match("/images/sample.gif");
  EXPECT_EQ(m.index, 1);
  ASSERT_NE(m.behavior, nullptr);
  EXPECT_EQ(m.behavior->target_origin_id, "b2");
  EXPECT_EQ(m.patterns_tried, 2);
}

TEST(BehaviorTableTest, OrderDecidesBetweenOverlappingPatterns) {
  DistributionConfig config = Spec12Config();
  std::swap(config.behaviors[0], config.behaviors[1]);  // `images/*` now shadows `images/*.jpg`
  EXPECT_EQ(BuildOrDie(config).Match("/images/a.jpg").behavior->target_origin_id, "b2");
}

// SPEC 1.1 rule 2: the default is tried last and catches everything.
TEST(BehaviorTableTest, DefaultLast) {
  const BehaviorTable table = BuildOrDie(Spec12Config());
  const BehaviorMatch m = table.Match("/logo.GIF");
  EXPECT_EQ(m.index, -1);
  ASSERT_NE(m.behavior, nullptr);
  EXPECT_EQ(m.behavior->target_origin_id, "default");
  EXPECT_EQ(m.behavior, &table.default_behavior());
  EXPECT_EQ(m.patterns_tried, 3);
}

// Match only tries the patterns whose literal start fits the path's first byte; the answer must
// be the first of all patterns, in order, that matches. Checked against trying each one.
TEST(BehaviorTableTest, FirstByteIndexAgreesWithTryingEveryPattern) {
  const std::vector<std::string> patterns = {
      "/api/v1/*",     "api/*",    "*.json",    "/a?c",     "?b*", "/*",
      "/images/*.jpg", "images/*", "/$special", "/~user/*", "*",   "/index.html"};
  DistributionConfig config;
  for (const std::string& p : patterns) config.behaviors.push_back(Behavior(p, p));
  config.default_behavior = Behavior("*", "default");
  const std::vector<std::string> paths = {"",
                                          "/",
                                          "//",
                                          "/api/v1/users",
                                          "api/v2",
                                          "/a.json",
                                          "/abc",
                                          "/xb",
                                          "/b",
                                          "/images/a.jpg",
                                          "/images/",
                                          "/$special",
                                          "/~user/x",
                                          "/index.html",
                                          "/x",
                                          "?q=1",
                                          "/%61pi/v1/x",
                                          "/./images/../api/v1/x?y",
                                          "/\xc3\xa9t\xc3\xa9"};
  // Every prefix of the pattern list, so that each pattern is also the first match somewhere.
  for (size_t n = 0; n <= patterns.size(); ++n) {
    DistributionConfig prefix = config;
    prefix.behaviors.resize(n);
    const BehaviorTable table = BuildOrDie(prefix);
    for (const std::string& path : paths) {
      const std::string normalized =
          NormalizePathForMatching(absl::string_view(path).substr(0, path.find('?')));
      int expected = -1;
      for (size_t i = 0; i < n && expected < 0; ++i) {
        if (PathPattern::Compile(patterns[i])->Matches(normalized)) expected = static_cast<int>(i);
      }
      const BehaviorMatch m = table.Match(path);
      EXPECT_EQ(m.index, expected) << n << " patterns, path \"" << path << "\"";
      EXPECT_EQ(m.patterns_tried, expected < 0 ? static_cast<int>(n) : expected + 1);
      EXPECT_EQ(m.matched_path, normalized);
    }
  }
}

TEST(BehaviorTableTest, NoOrderedBehaviorsMeansDefault) {
  DistributionConfig config;
  config.default_behavior = Behavior("*", "only");
  const BehaviorTable table = BuildOrDie(config);
  EXPECT_EQ(table.size(), 0);
  EXPECT_EQ(table.Match("/anything").behavior->target_origin_id, "only");
}

// The default's pattern is fixed to `*` even if a config says otherwise, and is never compiled.
TEST(BehaviorTableTest, DefaultPatternIsAlwaysStar) {
  DistributionConfig config = Spec12Config();
  config.default_behavior.path_pattern = "not a pattern%";
  const BehaviorTable table = BuildOrDie(config);
  EXPECT_EQ(table.default_behavior().path_pattern, "*");
  EXPECT_EQ(table.default_behavior().target_origin_id, "default");
}

// SPEC 1.1 rule 3.
TEST(BehaviorTableTest, LeadingSlashOptional) {
  DistributionConfig config;
  config.behaviors = {Behavior("/api/*", "with"), Behavior("static/*", "without")};
  const BehaviorTable table = BuildOrDie(config);
  EXPECT_EQ(table.Match("/api/x").index, 0);
  EXPECT_EQ(table.Match("/static/x").index, 1);
}

// SPEC 1.1 rule 4, A7: `/assets` is a whole-path pattern.
TEST(BehaviorTableTest, AssetsDoesNotMatchAssetsChildren) {
  DistributionConfig config;
  config.behaviors = {Behavior("/assets", "assets")};
  const BehaviorTable table = BuildOrDie(config);
  EXPECT_EQ(table.Match("/assets/x").index, -1);
  EXPECT_EQ(table.Match("/assets/app.js").index, -1);
  EXPECT_EQ(table.Match("/assets").index, 0);
}

// SPEC 1.1 rule 8 / 1.2 row 3: the query plays no part, even when it looks like a path.
TEST(BehaviorTableTest, QueryStringIgnored) {
  const BehaviorTable table = BuildOrDie(Spec12Config());
  BehaviorMatch m = table.Match("/images/pic.jpg?w=100");
  EXPECT_EQ(m.index, 0);
  EXPECT_EQ(m.matched_path, "/images/pic.jpg");
  EXPECT_EQ(table.Match("/doc.pdf?file=x.gif").index, -1);
  EXPECT_EQ(table.Match("/x.gif?").index, 2);
}

// SPEC 1.1 rule 9 / 1.2 rows 9-11: matching uses the normalized path.
TEST(BehaviorTableTest, MatchesNormalizedPath) {
  const BehaviorTable table = BuildOrDie(Spec12Config());
  const BehaviorMatch m = table.Match("//images//pic.jpg?x=1");
  EXPECT_EQ(m.index, 0);
  EXPECT_EQ(m.matched_path, "/images/pic.jpg");
  EXPECT_EQ(table.Match("/images/../private/doc.gif").index, 2);
  EXPECT_EQ(table.Match("/images/%70ic.jpg").index, 0);
}

// SPEC B1 (UNCONFIRMED) switched off: the raw path is matched.
TEST(BehaviorTableTest, NormalizationCanBeSwitchedOff_UNCONFIRMED) {
  ModelOptions options;
  options.normalize_path_for_matching = false;
  const BehaviorTable table = BuildOrDie(Spec12Config(), options);
  const BehaviorMatch m = table.Match("//images//pic.jpg?x=1");
  EXPECT_EQ(m.index, -1);
  EXPECT_EQ(m.matched_path, "//images//pic.jpg");
  EXPECT_EQ(table.Match("/images/../private/doc.gif").index, 1);  // `images/*` sees the raw path
}

// SPEC 1.1 rule 6 (UNCONFIRMED): the option reaches the compiled patterns.
TEST(BehaviorTableTest, QuestionMarkOptionApplies_UNCONFIRMED) {
  DistributionConfig config;
  config.behaviors = {Behavior("a?b", "q")};
  EXPECT_EQ(BuildOrDie(config).Match("/a/b").index, 0);
  ModelOptions options;
  options.question_mark_matches_slash = false;
  EXPECT_EQ(BuildOrDie(config, options).Match("/a/b").index, -1);
}

TEST(BehaviorTableTest, ErrorNamesTheBehavior) {
  DistributionConfig config = Spec12Config();
  config.behaviors.push_back(Behavior("/ok/*", "ok"));
  config.behaviors[2].path_pattern = "/bad pattern";
  absl::StatusOr<BehaviorTable> table = BehaviorTable::Build(config);
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(table.status().message()),
              HasSubstr("CacheBehaviors.Items[2].PathPattern: "));
  EXPECT_THAT(std::string(table.status().message()), HasSubstr("character ' ' at position 4"));
}

// The table owns copies: it outlives its config, and matches stay valid when the table moves.
TEST(BehaviorTableTest, OwnsItsBehaviors) {
  absl::StatusOr<BehaviorTable> built = [] {
    DistributionConfig config = Spec12Config();
    return BehaviorTable::Build(config);
  }();
  ASSERT_TRUE(built.ok());
  const BehaviorMatch before = built->Match("/x.gif");
  const BehaviorMatch before_default = built->Match("/x");
  const BehaviorTable moved = *std::move(built);
  EXPECT_EQ(moved.Match("/x.gif"), before);
  EXPECT_EQ(moved.Match("/x"), before_default);
  EXPECT_EQ(before.behavior->target_origin_id, "b3");
  EXPECT_EQ(before_default.behavior->target_origin_id, "default");
  EXPECT_EQ(*before.behavior, Spec12Config().behaviors[2]);
}

}  // namespace
}  // namespace edgesim::policy
