#include "policy/cache_policy.h"

#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace edgesim::policy {
namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kYear = 31536000;

KeyList None() { return {}; }
KeyList All() { return {KeyListBehavior::kAll, {}}; }
KeyList Whitelist(std::vector<std::string> names) {
  return {KeyListBehavior::kWhitelist, std::move(names)};
}

// ---------------------------------------------------------------------------------------------
// SPEC 2.6: every managed policy, field by field.

struct ManagedCase {
  std::string console_name;
  std::string api_name;
  std::string id;
  int64_t min_ttl, default_ttl, max_ttl;
  KeyList headers;
  KeyList cookies;
  KeyList query_strings;
  bool gzip, brotli;
};

const std::vector<std::string> kOriginCacheControlHeaders = {
    "Host", "Origin", "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"};
const std::vector<std::string> kAmplifyDefaultHeaders = {"Accept", "Authorization",
                                                         "CloudFront-Viewer-Country", "Host"};

const ManagedCase kManagedCases[] = {
    {"CachingOptimized", "Managed-CachingOptimized", "658327ea-f89d-4fab-a63d-7e88639e58f6", 1,
     kDay, kYear, None(), None(), None(), true, true},
    {"CachingOptimizedForUncompressedObjects", "Managed-CachingOptimizedForUncompressedObjects",
     "b2884449-e4de-46a7-ac36-70bc7f1ddd6d", 1, kDay, kYear, None(), None(), None(), false, false},
    {"CachingDisabled", "Managed-CachingDisabled", "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", 0, 0, 0,
     None(), None(), None(), false, false},
    {"Elemental-MediaPackage", "Managed-Elemental-MediaPackage",
     "08627262-05a9-4f76-9ded-b50ca2e3a84f", 0, kDay, kYear, Whitelist({"Origin"}), None(),
     Whitelist({"aws.manifestfilter", "start", "end", "m"}), true, false},
    {"Amplify", "Managed-Amplify", "2e54312d-136d-493c-8eb9-b001f22f67d2", 2, 2, 600,
     Whitelist({"Authorization", "CloudFront-Viewer-Country", "Host"}), All(), All(), true, true},
    {"UseOriginCacheControlHeaders", "UseOriginCacheControlHeaders",
     "83da9c7e-98b4-4e11-a168-04f0df8e2c65", 0, 0, kYear, Whitelist(kOriginCacheControlHeaders),
     All(), None(), true, true},
    {"UseOriginCacheControlHeaders-QueryStrings", "UseOriginCacheControlHeaders-QueryStrings",
     "4cc15a8a-d715-48a4-82b8-cc0b614638fe", 0, 0, kYear, Whitelist(kOriginCacheControlHeaders),
     All(), All(), true, true},
    {"Amplify-Default", "Managed-Amplify-Default", "4d1d2f1d-3a71-49ad-9e08-7ea5d843a556", 0, 0,
     kYear, Whitelist(kAmplifyDefaultHeaders), All(), All(), true, true},
    {"Amplify-DefaultNoCookies", "Managed-Amplify-DefaultNoCookies",
     "a6bad946-36c3-4c33-aa98-362c74a7fb13", 0, 0, kYear, Whitelist(kAmplifyDefaultHeaders), None(),
     All(), true, true},
    {"Amplify-ImageOptimization", "Managed-Amplify-ImageOptimization",
     "1c6db51a-a33f-469a-8245-dae26771f530", 0, 0, kYear,
     Whitelist({"Accept", "Authorization", "Host"}), None(), All(), true, true},
    {"Amplify-StaticContent", "Managed-Amplify-StaticContent",
     "7e5fad67-ee98-4ad0-b05a-394999eefc1a", 0, 0, kYear, Whitelist({"Authorization", "Host"}),
     None(), None(), true, true},
};

class ManagedCachePolicyTest : public testing::TestWithParam<ManagedCase> {};

TEST_P(ManagedCachePolicyTest, MatchesSpecRow) {
  const ManagedCase& c = GetParam();
  const CachePolicy* p = FindManagedCachePolicy(c.id);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->id, c.id);
  EXPECT_EQ(p->name, c.api_name);
  EXPECT_EQ(p->min_ttl, absl::Seconds(c.min_ttl));
  EXPECT_EQ(p->default_ttl, absl::Seconds(c.default_ttl));
  EXPECT_EQ(p->max_ttl, absl::Seconds(c.max_ttl));
  EXPECT_EQ(p->headers, c.headers);
  EXPECT_EQ(p->cookies, c.cookies);
  EXPECT_EQ(p->query_strings, c.query_strings);
  EXPECT_EQ(p->enable_accept_encoding_gzip, c.gzip);
  EXPECT_EQ(p->enable_accept_encoding_brotli, c.brotli);
  EXPECT_FALSE(p->legacy);
  EXPECT_FALSE(p->legacy_forward_all_query_strings);
  EXPECT_FALSE(p->legacy_forward_all_headers);
}

TEST_P(ManagedCachePolicyTest, FoundByIdApiNameAndConsoleName) {
  const ManagedCase& c = GetParam();
  const CachePolicy* by_id = FindManagedCachePolicy(c.id);
  ASSERT_NE(by_id, nullptr);
  EXPECT_EQ(FindManagedCachePolicy(c.api_name), by_id);
  EXPECT_EQ(FindManagedCachePolicy(c.console_name), by_id);
}

TEST(NamesManagedPolicyTest, ByIdApiNameOrConsoleNameOnly) {
  constexpr absl::string_view kId = "658327ea-f89d-4fab-a63d-7e88639e58f6";
  EXPECT_TRUE(NamesManagedPolicy(kId, kId, "Managed-CachingOptimized"));
  EXPECT_TRUE(NamesManagedPolicy("Managed-CachingOptimized", kId, "Managed-CachingOptimized"));
  EXPECT_TRUE(NamesManagedPolicy("CachingOptimized", kId, "Managed-CachingOptimized"));
  // Names without the prefix are only ever their API name.
  EXPECT_TRUE(
      NamesManagedPolicy("UseOriginCacheControlHeaders", "x", "UseOriginCacheControlHeaders"));
  EXPECT_FALSE(NamesManagedPolicy("Managed-", kId, "Managed-CachingOptimized"));
  EXPECT_FALSE(NamesManagedPolicy("cachingoptimized", kId, "Managed-CachingOptimized"));
  EXPECT_FALSE(NamesManagedPolicy("CachingDisabled", kId, "Managed-CachingOptimized"));
  EXPECT_FALSE(NamesManagedPolicy("", kId, "Managed-CachingOptimized"));
}

INSTANTIATE_TEST_SUITE_P(Spec26, ManagedCachePolicyTest, testing::ValuesIn(kManagedCases),
                         [](const testing::TestParamInfo<ManagedCase>& info) {
                           std::string name = info.param.console_name;
                           for (char& ch : name) {
                             if (ch == '-') ch = '_';
                           }
                           return name;
                         });

TEST(ManagedCachePolicies, ListsEveryRowInTableOrder) {
  const std::vector<CachePolicy>& all = ManagedCachePolicies();
  ASSERT_EQ(all.size(), std::size(kManagedCases));
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].id, kManagedCases[i].id) << i;
}

TEST(ManagedCachePolicies, UnknownNamesAndWrongSpellingsAreNotFound) {
  EXPECT_EQ(FindManagedCachePolicy(""), nullptr);
  EXPECT_EQ(FindManagedCachePolicy("Managed-Nope"), nullptr);
  EXPECT_EQ(FindManagedCachePolicy("cachingoptimized"), nullptr);  // exact case
  // The two UseOriginCacheControlHeaders policies have no Managed- prefix (SPEC 2.6).
  EXPECT_EQ(FindManagedCachePolicy("Managed-UseOriginCacheControlHeaders"), nullptr);
  EXPECT_EQ(FindManagedCachePolicy("658327ea-f89d-4fab-a63d-7e88639e58f7"), nullptr);
}

// ---------------------------------------------------------------------------------------------
// KeyListBehavior spelling.

TEST(KeyListBehavior, RoundTripsCloudFrontSpelling) {
  for (KeyListBehavior b : {KeyListBehavior::kNone, KeyListBehavior::kWhitelist,
                            KeyListBehavior::kAllExcept, KeyListBehavior::kAll}) {
    KeyListBehavior parsed = KeyListBehavior::kNone;
    ASSERT_TRUE(ParseKeyListBehavior(ToString(b), &parsed)) << b;
    EXPECT_EQ(parsed, b);
  }
  EXPECT_EQ(ToString(KeyListBehavior::kAllExcept), "allExcept");
  KeyListBehavior parsed;
  EXPECT_FALSE(ParseKeyListBehavior("allexcept", &parsed));
  EXPECT_FALSE(ParseKeyListBehavior("All", &parsed));
  EXPECT_FALSE(ParseKeyListBehavior("", &parsed));
}

// ---------------------------------------------------------------------------------------------
// SPEC 2.5: legacy ForwardedValues.

struct LegacyCase {
  std::string name;
  ForwardedValues fv;
  KeyList query_in_key;
  bool forward_all_query;
  KeyList cookies;
  KeyList headers;
  bool forward_all_headers;
};

ForwardedValues Fv(bool query_string, std::vector<std::string> keys, KeyListBehavior cookies,
                   std::vector<std::string> cookie_names, std::vector<std::string> headers) {
  return {query_string, std::move(keys), cookies, std::move(cookie_names), std::move(headers)};
}

const LegacyCase kLegacyCases[] = {
    {"QueryStringFalse", Fv(false, {}, KeyListBehavior::kNone, {}, {}), None(), false, None(),
     None(), false},
    // Keys without QueryString are ignored by CloudFront: nothing forwarded.
    {"QueryStringFalseIgnoresCacheKeys", Fv(false, {"v"}, KeyListBehavior::kNone, {}, {}), None(),
     false, None(), None(), false},
    {"QueryStringTrueAllInKey", Fv(true, {}, KeyListBehavior::kNone, {}, {}), All(), true, None(),
     None(), false},
    {"QueryStringCacheKeysWhitelistKeyForwardAll",
     Fv(true, {"color", "size"}, KeyListBehavior::kNone, {}, {}), Whitelist({"color", "size"}),
     true, None(), None(), false},
    {"CookiesWhitelistWithWildcard",
     Fv(false, {}, KeyListBehavior::kWhitelist, {"userid_*", "session"}, {}), None(), false,
     Whitelist({"userid_*", "session"}), None(), false},
    {"CookiesAll", Fv(false, {}, KeyListBehavior::kAll, {}, {}), None(), false, All(), None(),
     false},
    // Names listed with Forward=none mean nothing.
    {"CookiesNoneIgnoresNames", Fv(false, {}, KeyListBehavior::kNone, {"a"}, {}), None(), false,
     None(), None(), false},
    {"HeadersList", Fv(false, {}, KeyListBehavior::kNone, {}, {"Origin", "Accept-Language"}),
     None(), false, None(), Whitelist({"Origin", "Accept-Language"}), false},
    {"HeadersStarForwardsAll", Fv(false, {}, KeyListBehavior::kNone, {}, {"*"}), None(), false,
     None(), None(), true},
};

class LegacyForwardedValuesTest : public testing::TestWithParam<LegacyCase> {};

TEST_P(LegacyForwardedValuesTest, KeyAndForwarding) {
  const LegacyCase& c = GetParam();
  CachePolicy p = CachePolicyFromForwardedValues(c.fv, 0, absl::nullopt, absl::nullopt);
  EXPECT_TRUE(p.legacy);
  EXPECT_TRUE(p.id.empty());
  EXPECT_EQ(p.query_strings, c.query_in_key);
  EXPECT_EQ(p.legacy_forward_all_query_strings, c.forward_all_query);
  EXPECT_EQ(p.cookies, c.cookies);
  EXPECT_EQ(p.headers, c.headers);
  EXPECT_EQ(p.legacy_forward_all_headers, c.forward_all_headers);
  EXPECT_FALSE(p.enable_accept_encoding_gzip);
  EXPECT_FALSE(p.enable_accept_encoding_brotli);
}

// Writing a behavior back gives ForwardedValues that act the same.
TEST_P(LegacyForwardedValuesTest, ForwardedValuesFromCachePolicyRoundTrips) {
  CachePolicy p = CachePolicyFromForwardedValues(GetParam().fv, 5, 60, 600);
  ForwardedValues back = ForwardedValuesFromCachePolicy(p);
  EXPECT_EQ(CachePolicyFromForwardedValues(back, 5, 60, 600), p) << back;
}

INSTANTIATE_TEST_SUITE_P(Spec25, LegacyForwardedValuesTest, testing::ValuesIn(kLegacyCases),
                         [](const testing::TestParamInfo<LegacyCase>& info) {
                           return info.param.name;
                         });

// ---------------------------------------------------------------------------------------------
// SPEC 2.2 / 3.1: TTL defaults.

struct TtlCase {
  std::string name;
  absl::optional<int64_t> min_ttl, default_ttl, max_ttl;
  int64_t want_min, want_default, want_max;
};

const TtlCase kTtlCases[] = {
    {"AllAbsent", absl::nullopt, absl::nullopt, absl::nullopt, 0, kDay, kYear},
    {"MinBelowDayKeepsDefaults", 60, absl::nullopt, absl::nullopt, 60, kDay, kYear},
    {"MinAboveDayRaisesDefault", 100000, absl::nullopt, absl::nullopt, 100000, 100000, kYear},
    {"MinAboveYearRaisesDefaultAndMax", 40000000, absl::nullopt, absl::nullopt, 40000000, 40000000,
     40000000},
    {"DefaultAboveYearRaisesMax", 0, 40000000, absl::nullopt, 0, 40000000, 40000000},
    {"ExplicitDefaultBelowDay", 0, 300, absl::nullopt, 0, 300, kYear},
    {"AllExplicit", 1, 2, 3, 1, 2, 3},
    // Out of order stays as given: validation reports it with its location.
    {"OutOfOrderKept", 100, 50, 10, 100, 50, 10},
};

class TtlDefaultsTest : public testing::TestWithParam<TtlCase> {};

TEST_P(TtlDefaultsTest, LegacyBehavior) {
  const TtlCase& c = GetParam();
  CachePolicy p = CachePolicyFromForwardedValues({}, c.min_ttl, c.default_ttl, c.max_ttl);
  EXPECT_EQ(p.min_ttl, absl::Seconds(c.want_min));
  EXPECT_EQ(p.default_ttl, absl::Seconds(c.want_default));
  EXPECT_EQ(p.max_ttl, absl::Seconds(c.want_max));
}

TEST_P(TtlDefaultsTest, SetTtlsWithDefaults) {
  const TtlCase& c = GetParam();
  CachePolicy p;
  p.min_ttl = p.default_ttl = p.max_ttl = absl::Seconds(-7);  // every field must be written
  SetTtlsWithDefaults(c.min_ttl, c.default_ttl, c.max_ttl, &p);
  EXPECT_EQ(p.min_ttl, absl::Seconds(c.want_min));
  EXPECT_EQ(p.default_ttl, absl::Seconds(c.want_default));
  EXPECT_EQ(p.max_ttl, absl::Seconds(c.want_max));
}

INSTANTIATE_TEST_SUITE_P(Spec31, TtlDefaultsTest, testing::ValuesIn(kTtlCases),
                         [](const testing::TestParamInfo<TtlCase>& info) {
                           return info.param.name;
                         });

TEST(CachePolicyPrint, ShowsNameTtlsAndKeyLists) {
  std::ostringstream os;
  os << *FindManagedCachePolicy("Elemental-MediaPackage");
  EXPECT_NE(os.str().find("Managed-Elemental-MediaPackage"), std::string::npos) << os.str();
  EXPECT_NE(os.str().find("ttl=0/86400/31536000"), std::string::npos) << os.str();
  EXPECT_NE(os.str().find("query=whitelist[aws.manifestfilter,start,end,m]"), std::string::npos)
      << os.str();
}

TEST(OverrideTtlsTest, TheTtlsLeftOutFitTheOnesSet) {
  CachePolicy p = *FindManagedCachePolicy("CachingOptimized");  // 1 / 86400 / 31536000
  OverrideTtls(absl::nullopt, absl::nullopt, absl::Seconds(60), &p);
  EXPECT_EQ(p.min_ttl, absl::Seconds(1));
  EXPECT_EQ(p.default_ttl, absl::Seconds(60));
  EXPECT_EQ(p.max_ttl, absl::Seconds(60));

  CachePolicy raised = *FindManagedCachePolicy("CachingOptimized");
  OverrideTtls(absl::Seconds(100000), absl::nullopt, absl::nullopt, &raised);
  EXPECT_EQ(raised.default_ttl, absl::Seconds(100000));
  EXPECT_EQ(raised.max_ttl, absl::Seconds(31536000));

  CachePolicy low_default = *FindManagedCachePolicy("CachingOptimized");
  OverrideTtls(absl::nullopt, absl::Seconds(0), absl::nullopt, &low_default);
  EXPECT_EQ(low_default.min_ttl, absl::Seconds(0));

  // Set against each other: left for validation to refuse.
  CachePolicy conflict = *FindManagedCachePolicy("CachingOptimized");
  OverrideTtls(absl::Seconds(600), absl::nullopt, absl::Seconds(60), &conflict);
  EXPECT_EQ(conflict.min_ttl, absl::Seconds(600));
  EXPECT_EQ(conflict.max_ttl, absl::Seconds(60));
}

}  // namespace
}  // namespace edgesim::policy
