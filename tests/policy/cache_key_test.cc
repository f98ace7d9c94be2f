#include "policy/cache_key.h"

#include <xxhash.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace edgesim::policy {
namespace {

constexpr absl::string_view kDomain = "d111.cloudfront.net";

Request Req(absl::string_view target, Headers headers = {}, absl::string_view method = "GET") {
  Request r = Request::Get(target);
  r.headers = std::move(headers);
  r.method = std::string(method);
  return r;
}

CacheKeyComponent Component(absl::string_view kind, absl::string_view name,
                            absl::string_view value) {
  return {std::string(kind), std::string(name), std::string(value)};
}

KeyList List(KeyListBehavior behavior, std::vector<std::string> names = {}) {
  return {behavior, std::move(names)};
}

// SPEC 2.6, first row, written out here rather than looked up: the managed policies table is
// cache_policy.cc's, tested there.
CachePolicy CachingOptimized() {
  CachePolicy p;
  p.id = "658327ea-f89d-4fab-a63d-7e88639e58f6";
  p.name = "Managed-CachingOptimized";
  p.min_ttl = absl::Seconds(1);
  p.default_ttl = absl::Seconds(86400);
  p.max_ttl = absl::Seconds(31536000);
  p.enable_accept_encoding_gzip = true;
  p.enable_accept_encoding_brotli = true;
  return p;
}

// SPEC 2.7's P2: query whitelist [color], header whitelist [Accept-Language], cookies none,
// gzip + br on.
CachePolicy P2() {
  CachePolicy p;
  p.name = "P2";
  p.enable_accept_encoding_gzip = true;
  p.enable_accept_encoding_brotli = true;
  p.query_strings = List(KeyListBehavior::kWhitelist, {"color"});
  p.headers = List(KeyListBehavior::kWhitelist, {"Accept-Language"});
  return p;
}

CachePolicy WithQuery(KeyList list) {
  CachePolicy p;
  p.query_strings = std::move(list);
  return p;
}

CachePolicy WithHeaders(std::vector<std::string> names) {
  CachePolicy p;
  p.headers = List(KeyListBehavior::kWhitelist, std::move(names));
  return p;
}

CachePolicy WithCookies(KeyList list, bool legacy = false) {
  CachePolicy p;
  p.cookies = std::move(list);
  p.legacy = legacy;
  return p;
}

// The key alone: requests that share a key may drop different parts (`omitted`).
CacheKey Key(const Request& r, const CachePolicy& policy, const ModelOptions& options = {}) {
  CacheKey key = ExplainCacheKey(r, kDomain, policy, options);
  key.omitted.clear();
  return key;
}

// --- SPEC 2.7: cache-key worked examples ------------------------------------------------------

enum class Relation { kSameKey, kDistinctKeys };

struct WorkedExampleCase {
  std::string name;
  CachePolicy policy;
  // kSameKey: every request has requests[0]'s key; kDistinctKeys: no two share a key.
  std::vector<Request> requests;
  Relation relation;
  // requests[0]'s components; empty: not checked.
  std::vector<CacheKeyComponent> components = {};
  ModelOptions options = {};
};

void PrintTo(const WorkedExampleCase& c, std::ostream* os) { *os << c.name; }

class WorkedExampleTest : public ::testing::TestWithParam<WorkedExampleCase> {};

TEST_P(WorkedExampleTest, KeysRelateAsSpecified) {
  const WorkedExampleCase& c = GetParam();
  std::vector<CacheKey> keys;
  for (const Request& r : c.requests) keys.push_back(Key(r, c.policy, c.options));
  for (size_t i = 0; i < keys.size(); ++i) {
    for (size_t j = i + 1; j < keys.size(); ++j) {
      if (c.relation == Relation::kSameKey) {
        EXPECT_EQ(keys[i], keys[j]) << c.requests[i] << " vs " << c.requests[j];
      } else {
        EXPECT_NE(keys[i].bytes, keys[j].bytes) << keys[i];
        EXPECT_NE(keys[i].hash, keys[j].hash) << keys[i];
      }
    }
  }
  if (!c.components.empty()) {
    EXPECT_EQ(keys[0].components, c.components);
  }
}

const Request kRow1 =
    Req("/a.jpg?x=1", {{"Host", "www.example.com"}, {"Accept-Encoding", "gzip, deflate, br"}});
const Request kRow5 = Req("/p?size=L&color=red", {{"Accept-Language", "en-US"}});

INSTANTIATE_TEST_SUITE_P(
    Spec27, WorkedExampleTest,
    ::testing::Values(
        // Row 1; SPEC 2.1: User-Agent, Referer, cookies and the CNAME in Host are not in the key.
        WorkedExampleCase{
            "Row1_CnameQueryAndOtherHeadersIgnored",
            CachingOptimized(),
            {kRow1, Req("/a.jpg?x=1", {{"Host", "cdn.example.org"},
                                       {"Accept-Encoding", "gzip, deflate, br"},
                                       {"User-Agent", "curl/8"},
                                       {"Referer", "https://x/"},
                                       {"Accept-Language", "fr"},
                                       {"Cookie", "s=1"}})},
            Relation::kSameKey,
            {Component("host", "", "d111.cloudfront.net"), Component("path", "", "/a.jpg"),
             Component("accept-encoding", "accept-encoding", "br,gzip")}},
        WorkedExampleCase{"Row2_DistributionDomainOtherQuery",
                          CachingOptimized(),
                          {kRow1, Req("/a.jpg?x=2", {{"Host", "d111.cloudfront.net"},
                                                     {"Accept-Encoding", "gzip, deflate, br"}})},
                          Relation::kSameKey},
        WorkedExampleCase{"Row3_NoAcceptEncodingIsAnotherEntry",
                          CachingOptimized(),
                          {kRow1, Req("/a.jpg")},
                          Relation::kDistinctKeys},
        WorkedExampleCase{"Row4_PathCase",
                          CachingOptimized(),
                          {Req("/a.jpg"), Req("/A.jpg")},
                          Relation::kDistinctKeys},
        WorkedExampleCase{
            "Row5_WhitelistedQueryAndHeader",
            P2(),
            {kRow5, Req("/p?color=red&utm=1",
                        {{"Accept-Language", "en-US"}, {"User-Agent", "x"}, {"Cookie", "s=1"}})},
            Relation::kSameKey,
            {Component("host", "", "d111.cloudfront.net"), Component("path", "", "/p"),
             Component("query", "color", "red"), Component("header", "accept-language", "en-US")}},
        WorkedExampleCase{"Row6_OtherParamAndHeaderNameCaseIgnored",
                          P2(),
                          {kRow5, Req("/p?color=red&size=M", {{"accept-language", "en-US"}}),
                           Req("/p?color=red", {{"ACCEPT-LANGUAGE", "en-US"}})},
                          Relation::kSameKey},
        WorkedExampleCase{"Row7_QueryValueCase",
                          P2(),
                          {kRow5, Req("/p?color=Red", {{"Accept-Language", "en-US"}})},
                          Relation::kDistinctKeys},
        WorkedExampleCase{"Row8_HeaderValueCase",
                          P2(),
                          {kRow5, Req("/p?color=red", {{"Accept-Language", "en-us"}})},
                          Relation::kDistinctKeys},
        WorkedExampleCase{"Row9_QueryOrder",
                          WithQuery(List(KeyListBehavior::kAll)),
                          {Req("/p?a=1&b=2"), Req("/p?b=2&a=1")},
                          Relation::kDistinctKeys},
        WorkedExampleCase{"Row10_OptionsHasItsOwnEntry",
                          P2(),
                          {Req("/p", {}, "OPTIONS"), Req("/p")},
                          Relation::kDistinctKeys,
                          {Component("host", "", "d111.cloudfront.net"),
                           Component("path", "", "/p"), Component("method", "", "OPTIONS")}},
        // SPEC 2.1, SPEC B4 (UNCONFIRMED): GET and HEAD share one entry, unless the option is off.
        WorkedExampleCase{"Row10_HeadSharesGetEntry_UNCONFIRMED",
                          P2(),
                          {Req("/p", {}, "HEAD"), Req("/p")},
                          Relation::kSameKey},
        WorkedExampleCase{"Row10_HeadSeparateWhenOptionOff_UNCONFIRMED",
                          P2(),
                          {Req("/p", {}, "HEAD"), Req("/p"), Req("/p", {}, "OPTIONS")},
                          Relation::kDistinctKeys,
                          {},
                          ModelOptions{.head_shares_get_entry = false}}),
    [](const auto& info) { return info.param.name; });

TEST(CacheKeyTest, EveryKeyOfADistributionStartsWithItsPrefix) {
  const std::string prefix = CacheKeyPrefix(kDomain);
  EXPECT_TRUE(absl::StrContains(prefix, kDomain));
  for (const Request& r : {Req("/"), Req("/a.js?color=red", {{"Accept-Language", "en-US"}}),
                           Req("/b", {{"Host", "www.example.com"}}, "OPTIONS")}) {
    const CacheKey key = BuildCacheKey(r, kDomain, P2());
    EXPECT_EQ(key.bytes.substr(0, prefix.size()), prefix) << r.target;
    EXPECT_NE(BuildCacheKey(r, "d222.cloudfront.net", P2()).bytes.substr(0, prefix.size()), prefix);
  }
}

TEST(CacheKeyTest, DisplayStringShowsTheKeyOnOneLine) {
  Request r = kRow5;
  r.headers.Add("Accept-Encoding", "gzip, br");
  EXPECT_EQ(Key(r, P2()).ToDisplayString(),
            "d111.cloudfront.net/p?color=red | accept-language:en-US | AE=br,gzip");
  CachePolicy cookies = WithCookies(List(KeyListBehavior::kAll));
  EXPECT_EQ(Key(Req("/p", {{"Cookie", "s=1"}}, "OPTIONS"), cookies).ToDisplayString(),
            "OPTIONS d111.cloudfront.net/p | cookie:s=1");
}

// --- SPEC 2.4: Accept-Encoding normalization ---------------------------------------------------

struct AcceptEncodingCase {
  std::string name;
  bool gzip;
  bool brotli;
  absl::optional<std::string> viewer;
  absl::optional<std::string> key_value;
  absl::optional<std::string> origin_value;
  int http_minor_version = 1;
};

void PrintTo(const AcceptEncodingCase& c, std::ostream* os) { *os << c.name; }

class AcceptEncodingTest : public ::testing::TestWithParam<AcceptEncodingCase> {};

TEST_P(AcceptEncodingTest, NormalizesForKeyAndOrigin) {
  const AcceptEncodingCase& c = GetParam();
  absl::optional<absl::string_view> viewer;
  if (c.viewer) viewer = *c.viewer;
  EXPECT_EQ(NormalizeAcceptEncoding(viewer, c.gzip, c.brotli, c.http_minor_version),
            (NormalizedAcceptEncoding{c.key_value, c.origin_value}));

  // The key builder puts exactly the normalized key value in the key.
  Request r = Req("/a.jpg");
  r.http_minor_version = c.http_minor_version;
  if (c.viewer) r.headers.Add("Accept-Encoding", *c.viewer);
  CachePolicy policy;
  policy.enable_accept_encoding_gzip = c.gzip;
  policy.enable_accept_encoding_brotli = c.brotli;
  std::vector<CacheKeyComponent> expected = {Component("host", "", kDomain),
                                             Component("path", "", "/a.jpg")};
  if (c.key_value)
    expected.push_back(Component("accept-encoding", "accept-encoding", *c.key_value));
  EXPECT_EQ(Key(r, policy).components, expected);
}

INSTANTIATE_TEST_SUITE_P(
    Spec24, AcceptEncodingTest,
    ::testing::Values(
        AcceptEncodingCase{"OnOn_GzipDeflateBr", true, true, "gzip, deflate, br", "br,gzip",
                           "br,gzip"},
        AcceptEncodingCase{"OnOn_Gzip", true, true, "gzip", "gzip", "gzip"},
        AcceptEncodingCase{"OnOn_Br", true, true, "br", "br", "br"},
        AcceptEncodingCase{"OnOn_Deflate", true, true, "deflate", absl::nullopt, "identity"},
        AcceptEncodingCase{"OnOn_Absent", true, true, absl::nullopt, absl::nullopt, absl::nullopt},
        AcceptEncodingCase{"OnOn_Identity", true, true, "identity", absl::nullopt, "identity"},
        AcceptEncodingCase{"OnOff_GzipBr", true, false, "gzip, br", "gzip", "gzip"},
        AcceptEncodingCase{"OnOff_Br", true, false, "br", absl::nullopt, "identity"},
        AcceptEncodingCase{"OffOn_GzipBr", false, true, "gzip, br", "br", "br"},
        AcceptEncodingCase{"OffOff_Anything", false, false, "gzip, deflate, br", absl::nullopt,
                           absl::nullopt},
        // The table's notes.
        AcceptEncodingCase{"Http10_Removed", true, true, "gzip, br", absl::nullopt, absl::nullopt,
                           0},
        AcceptEncodingCase{"QValuesDiscarded", true, true, "gzip;q=1.0, br;q=0.8", "br,gzip",
                           "br,gzip"},
        AcceptEncodingCase{"QZeroStillCounts", true, true, "gzip;q=0", "gzip", "gzip"},
        AcceptEncodingCase{"OtherCodingsDiscarded", true, true, "zstd, deflate, gzip", "gzip",
                           "gzip"},
        AcceptEncodingCase{"CodingNamesAnyCase", true, true, "GZIP, Br", "br,gzip", "br,gzip"},
        AcceptEncodingCase{"WholeTokensOnly", true, true, "x-gzip, brotli", absl::nullopt,
                           "identity"},
        AcceptEncodingCase{"EmptyHeader", true, true, "", absl::nullopt, "identity"}),
    [](const auto& info) { return info.param.name; });

TEST(AcceptEncodingKeyTest, RepeatedFieldsAreCombined) {
  CacheKey split =
      Key(Req("/a", {{"Accept-Encoding", "gzip"}, {"Accept-Encoding", "br"}}), CachingOptimized());
  EXPECT_EQ(split, Key(Req("/a", {{"Accept-Encoding", "br, gzip"}}), CachingOptimized()));
  EXPECT_EQ(split.components.back(), Component("accept-encoding", "accept-encoding", "br,gzip"));
}

// SPEC 2.4 notes: listing Accept-Encoding in the policy's headers turns normalization off; it is
// then an ordinary header, raw value in the key.
TEST(AcceptEncodingKeyTest, WhitelistedAcceptEncodingIsAPlainHeader) {
  CachePolicy policy = CachingOptimized();
  policy.headers = List(KeyListBehavior::kWhitelist, {"accept-encoding"});
  CacheKey key = Key(Req("/a", {{"Accept-Encoding", "gzip, deflate, br"}}), policy);
  EXPECT_EQ(key.components, (std::vector<CacheKeyComponent>{
                                Component("host", "", kDomain), Component("path", "", "/a"),
                                Component("header", "accept-encoding", "gzip, deflate, br")}));
  EXPECT_NE(key, Key(Req("/a", {{"Accept-Encoding", "br, gzip"}}), policy));
}

// --- SPEC 2.3: key-component matching semantics ------------------------------------------------

struct MatchingCase {
  std::string name;
  CachePolicy policy;
  Request a;
  Request b;
  bool same_key;
};

void PrintTo(const MatchingCase& c, std::ostream* os) { *os << c.name; }

class MatchingTest : public ::testing::TestWithParam<MatchingCase> {};

TEST_P(MatchingTest, SameKeyOrNot) {
  const MatchingCase& c = GetParam();
  CacheKey a = Key(c.a, c.policy);
  CacheKey b = Key(c.b, c.policy);
  if (c.same_key) {
    EXPECT_EQ(a, b);
  } else {
    EXPECT_NE(a.bytes, b.bytes) << a;
    EXPECT_NE(a.hash, b.hash) << a;
  }
}

const CachePolicy kQueryAll = WithQuery(List(KeyListBehavior::kAll));
const CachePolicy kQueryColor = WithQuery(List(KeyListBehavior::kWhitelist, {"color"}));
const CachePolicy kCookiesAll = WithCookies(List(KeyListBehavior::kAll));
const CachePolicy kCookieSession = WithCookies(List(KeyListBehavior::kWhitelist, {"session"}));
const CachePolicy kLegacyUserid =
    WithCookies(List(KeyListBehavior::kWhitelist, {"userid_*", "ab?"}), /*legacy=*/true);

INSTANTIATE_TEST_SUITE_P(
    Spec23, MatchingTest,
    ::testing::Values(
        // Path.
        MatchingCase{"Path_CaseSensitive", CachePolicy(), Req("/a.jpg"), Req("/A.jpg"), false},
        // SPEC 1.1 rule 9 / SPEC B1, UNCONFIRMED: the key keeps the raw path.
        MatchingCase{"Path_RawNotNormalized_UNCONFIRMED", CachePolicy(), Req("//a/./b.jpg"),
                     Req("/a/b.jpg"), false},
        MatchingCase{"Path_PercentEscapesKept_UNCONFIRMED", CachePolicy(), Req("/%69.jpg"),
                     Req("/i.jpg"), false},
        // Query strings.
        MatchingCase{"Query_NoneIgnoresQuery", CachePolicy(), Req("/p?a=1"), Req("/p"), true},
        MatchingCase{"Query_NameCaseSensitive", kQueryAll, Req("/p?color=red"), Req("/p?Color=red"),
                     false},
        MatchingCase{"Query_ValueCaseSensitive", kQueryColor, Req("/p?color=red"),
                     Req("/p?color=Red"), false},
        MatchingCase{"Query_WhitelistNameCaseSensitive", kQueryColor, Req("/p?Color=red"),
                     Req("/p"), true},
        MatchingCase{"Query_OrderSignificant",
                     WithQuery(List(KeyListBehavior::kWhitelist, {"color", "size"})),
                     Req("/p?color=red&size=L"), Req("/p?size=L&color=red"), false},
        MatchingCase{"Query_SemicolonIsPartOfValue", kQueryColor, Req("/p?color=red;size=large"),
                     Req("/p?color=red"), false},
        MatchingCase{"Query_SemicolonDoesNotStartAParam",
                     WithQuery(List(KeyListBehavior::kWhitelist, {"size"})),
                     Req("/p?color=red;size=large"), Req("/p"), true},
        MatchingCase{"Query_WhitelistDropsOthers", kQueryColor, Req("/p?color=red&size=L"),
                     Req("/p?utm=x&color=red"), true},
        MatchingCase{"Query_AllExceptDropsListed",
                     WithQuery(List(KeyListBehavior::kAllExcept, {"utm"})), Req("/p?a=1&utm=x"),
                     Req("/p?a=1"), true},
        MatchingCase{"Query_AllExceptKeepsOthers",
                     WithQuery(List(KeyListBehavior::kAllExcept, {"utm"})), Req("/p?a=1&utm=x"),
                     Req("/p?a=2&utm=x"), false},
        MatchingCase{"Query_RepeatedParamKept_UNCONFIRMED", kQueryAll, Req("/p?a=1&a=2"),
                     Req("/p?a=1"), false},
        MatchingCase{"Query_RepeatedParamOrderKept_UNCONFIRMED", kQueryAll, Req("/p?a=1&a=2"),
                     Req("/p?a=2&a=1"), false},
        MatchingCase{"Query_ParamWithoutEqualsKept_UNCONFIRMED", kQueryAll, Req("/p?debug"),
                     Req("/p"), false},
        MatchingCase{"Query_ParamWithoutEqualsIsNotEmptyValue_UNCONFIRMED", kQueryAll,
                     Req("/p?debug"), Req("/p?debug="), false},
        MatchingCase{"Query_EmptyValueKept_UNCONFIRMED", kQueryColor, Req("/p?color="), Req("/p"),
                     false},
        MatchingCase{"Query_EmptyParamsIgnored_UNCONFIRMED", kQueryAll, Req("/p?a=1&&b=2&"),
                     Req("/p?a=1&b=2"), true},
        MatchingCase{"Query_BareQuestionMarkIsNoQuery", kQueryAll, Req("/p?"), Req("/p"), true},
        MatchingCase{"Query_PercentEscapesNotDecoded", kQueryAll, Req("/p?a=%41"), Req("/p?a=A"),
                     false},
        MatchingCase{"Query_LegacyCacheKeysListOnly",
                     [] {
                       CachePolicy p = WithQuery(List(KeyListBehavior::kWhitelist, {"v"}));
                       p.legacy = true;
                       p.legacy_forward_all_query_strings = true;
                       return p;
                     }(),
                     Req("/p?v=1&x=2"), Req("/p?v=1"), true},
        // Headers.
        MatchingCase{"Header_NameCaseInsensitive", WithHeaders({"Product"}),
                     Req("/p", {{"Product", "Acme"}}), Req("/p", {{"product", "Acme"}}), true},
        MatchingCase{"Header_WhitelistNameCaseInsensitive", WithHeaders({"PRODUCT"}),
                     Req("/p", {{"Product", "Acme"}}), Req("/p", {{"product", "Acme"}}), true},
        MatchingCase{"Header_ValueCaseSensitive", WithHeaders({"Product"}),
                     Req("/p", {{"Product", "Acme"}}), Req("/p", {{"Product", "acme"}}), false},
        MatchingCase{"Header_OrderIrrelevant", WithHeaders({"B", "A"}),
                     Req("/p", {{"A", "1"}, {"B", "2"}}), Req("/p", {{"B", "2"}, {"A", "1"}}),
                     true},
        MatchingCase{"Header_RepeatedFieldsCombined", WithHeaders({"A"}),
                     Req("/p", {{"A", "1"}, {"A", "2"}}), Req("/p", {{"A", "1, 2"}}), true},
        MatchingCase{"Header_EmptyValueIsNotAbsent", WithHeaders({"A"}), Req("/p", {{"A", ""}}),
                     Req("/p"), false},
        MatchingCase{"Header_UnlistedIgnored", WithHeaders({"A"}),
                     Req("/p", {{"A", "1"}, {"User-Agent", "x"}}), Req("/p", {{"A", "1"}}), true},
        MatchingCase{"Header_HostNotInDefaultKey", CachePolicy(),
                     Req("/p", {{"Host", "www.example.com"}}),
                     Req("/p", {{"Host", "d111.cloudfront.net"}}), true},
        MatchingCase{"Header_WhitelistedHostInKey", WithHeaders({"Host"}),
                     Req("/p", {{"Host", "www.example.com"}}),
                     Req("/p", {{"Host", "d111.cloudfront.net"}}), false},
        // Cookies.
        MatchingCase{"Cookie_NoneIgnoresCookies", CachePolicy(), Req("/p", {{"Cookie", "a=1"}}),
                     Req("/p"), true},
        MatchingCase{"Cookie_OrderIrrelevant_UNCONFIRMED", kCookiesAll,
                     Req("/p", {{"Cookie", "a=1; b=2"}}), Req("/p", {{"Cookie", "b=2; a=1"}}),
                     true},
        MatchingCase{"Cookie_SeparateFieldsCombined", kCookiesAll,
                     Req("/p", {{"Cookie", "b=2"}, {"Cookie", "a=1"}}),
                     Req("/p", {{"Cookie", "a=1; b=2"}}), true},
        MatchingCase{"Cookie_NameCaseSensitive", kCookiesAll, Req("/p", {{"Cookie", "session=1"}}),
                     Req("/p", {{"Cookie", "Session=1"}}), false},
        MatchingCase{"Cookie_ValueCaseSensitive", kCookiesAll, Req("/p", {{"Cookie", "s=abc"}}),
                     Req("/p", {{"Cookie", "s=ABC"}}), false},
        MatchingCase{"Cookie_WhitelistDropsOthers", kCookieSession,
                     Req("/p", {{"Cookie", "theme=dark; session=1"}}),
                     Req("/p", {{"Cookie", "session=1"}}), true},
        MatchingCase{"Cookie_WhitelistKeepsListed", kCookieSession,
                     Req("/p", {{"Cookie", "session=1"}}), Req("/p", {{"Cookie", "session=2"}}),
                     false},
        MatchingCase{
            "Cookie_AllExceptDropsListed", WithCookies(List(KeyListBehavior::kAllExcept, {"_ga"})),
            Req("/p", {{"Cookie", "_ga=1; s=1"}}), Req("/p", {{"Cookie", "s=1; _ga=2"}}), true},
        MatchingCase{"Cookie_MalformedHeaderIgnored", kCookiesAll,
                     Req("/p", {{"Cookie", "garbage"}}), Req("/p"), true},
        MatchingCase{"Cookie_PartlyMalformedHeaderIgnoredWhole", kCookiesAll,
                     Req("/p", {{"Cookie", "a=1; junk"}}), Req("/p"), true},
        MatchingCase{"Cookie_MalformedFieldLeavesOthers", kCookiesAll,
                     Req("/p", {{"Cookie", "=1"}, {"Cookie", "a=1"}}),
                     Req("/p", {{"Cookie", "a=1"}}), true},
        MatchingCase{"Cookie_LegacyStarWildcard", kLegacyUserid,
                     Req("/p", {{"Cookie", "userid_42=a"}}), Req("/p", {{"Cookie", "userid_42=b"}}),
                     false},
        MatchingCase{"Cookie_LegacyQuestionMarkWildcard", kLegacyUserid,
                     Req("/p", {{"Cookie", "abc=1"}}), Req("/p", {{"Cookie", "abc=2"}}), false},
        MatchingCase{"Cookie_LegacyWildcardDropsOthers", kLegacyUserid,
                     Req("/p", {{"Cookie", "abcd=1; other=1; userid=1"}}), Req("/p"), true},
        MatchingCase{"Cookie_StarIsLiteralInCachePolicy",
                     WithCookies(List(KeyListBehavior::kWhitelist, {"userid_*"})),
                     Req("/p", {{"Cookie", "userid_42=a"}}), Req("/p", {{"Cookie", "userid_42=b"}}),
                     true}),
    [](const auto& info) { return info.param.name; });

TEST(CacheKeyTest, SemicolonStaysInTheQueryValue) {
  EXPECT_EQ(Key(Req("/p?color=red;size=large"), kQueryColor).components.back(),
            Component("query", "color", "red;size=large"));
}

TEST(CacheKeyTest, RepeatedAndValuelessParamsKeepViewerOrder_UNCONFIRMED) {
  CacheKey key = Key(Req("/p?b=2&debug&a=1&b=1"), kQueryAll);
  EXPECT_EQ(key.components, (std::vector<CacheKeyComponent>{
                                Component("host", "", kDomain), Component("path", "", "/p"),
                                Component("query", "b", "2"), Component("query", "debug", ""),
                                Component("query", "a", "1"), Component("query", "b", "1")}));
}

TEST(CacheKeyTest, HeadersSortedByLowercaseNameCookiesByName) {
  CachePolicy policy = WithHeaders({"X-b", "x-A"});
  policy.cookies = List(KeyListBehavior::kAll);
  CacheKey key = Key(Req("/p", {{"Cookie", "z=1; a=2; a=1"}, {"X-B", "2"}, {"X-A", "1"}}), policy);
  EXPECT_EQ(key.components, (std::vector<CacheKeyComponent>{
                                Component("host", "", kDomain), Component("path", "", "/p"),
                                Component("header", "x-a", "1"), Component("header", "x-b", "2"),
                                // Stable: repeated names keep the viewer's order.
                                Component("cookie", "a", "2"), Component("cookie", "a", "1"),
                                Component("cookie", "z", "1")}));
}

// Header names are case-insensitive in the policy too: "A" and "a" are one header.
TEST(CacheKeyTest, WhitelistNamesDifferingInCaseCountOnce) {
  Request r = Req("/p", {{"A", "1"}});
  EXPECT_EQ(Key(r, WithHeaders({"A", "a"})), Key(r, WithHeaders({"a"})));
}

TEST(CacheKeyTest, CookieOrderKeptWhenSortingOff_UNCONFIRMED) {
  ModelOptions options;
  options.sort_cookies_in_cache_key = false;
  EXPECT_NE(Key(Req("/p", {{"Cookie", "a=1; b=2"}}), kCookiesAll, options),
            Key(Req("/p", {{"Cookie", "b=2; a=1"}}), kCookiesAll, options));
}

// --- object_path: what invalidation paths match (SPEC 6.2) -------------------------------------

struct ObjectPathCase {
  std::string name;
  CachePolicy policy;
  std::string target;
  std::string object_path;
};

void PrintTo(const ObjectPathCase& c, std::ostream* os) { *os << c.name; }

class ObjectPathTest : public ::testing::TestWithParam<ObjectPathCase> {};

TEST_P(ObjectPathTest, IsRawPathPlusKeyQuery) {
  const ObjectPathCase& c = GetParam();
  EXPECT_EQ(Key(Req(c.target), c.policy).object_path, c.object_path);
}

INSTANTIATE_TEST_SUITE_P(
    Spec62, ObjectPathTest,
    ::testing::Values(ObjectPathCase{"QueryNotInKey", CachingOptimized(), "/a.jpg?v=1", "/a.jpg"},
                      ObjectPathCase{"QueryInKey", kQueryAll, "/a.jpg?v=1", "/a.jpg?v=1"},
                      ObjectPathCase{"OnlyKeyParams", kQueryColor, "/p?size=L&color=red&color=blue",
                                     "/p?color=red&color=blue"},
                      ObjectPathCase{"NoKeyParamSent", kQueryColor, "/p?size=L", "/p"},
                      ObjectPathCase{"BareQuestionMark", kQueryAll, "/a.jpg?", "/a.jpg"},
                      ObjectPathCase{"ParamsAsSent", kQueryAll, "/p?debug&b=&a=%20",
                                     "/p?debug&b=&a=%20"},
                      ObjectPathCase{"RawPath_UNCONFIRMED", CachePolicy(), "//a/../my%20file.txt",
                                     "//a/../my%20file.txt"}),
    [](const auto& info) { return info.param.name; });

// Headers, cookies and Accept-Encoding make variants of one object: one invalidation path removes
// them all (SPEC 6.2).
TEST(ObjectPathTest, VariantsShareTheObjectPath) {
  CachePolicy policy = P2();
  policy.cookies = List(KeyListBehavior::kAll);
  CacheKey gzip =
      Key(Req("/p?color=red", {{"Accept-Encoding", "gzip"}, {"Cookie", "s=1"}}), policy);
  CacheKey br =
      Key(Req("/p?color=red", {{"Accept-Encoding", "br"}, {"Accept-Language", "fr"}}), policy);
  EXPECT_NE(gzip.bytes, br.bytes);
  EXPECT_EQ(gzip.object_path, "/p?color=red");
  EXPECT_EQ(br.object_path, "/p?color=red");
}

// --- serialization and hash --------------------------------------------------------------------

TEST(CacheKeyHashTest, IsXxh3OfTheBytes) {
  CacheKey key = Key(kRow5, P2());
  EXPECT_EQ(key.hash, XXH3_64bits(key.bytes.data(), key.bytes.size()));
}

// BuildCacheKey keeps the first pieces of a key in place and the rest elsewhere; a key with
// many parts must still hold all of them, in key order, and ExplainCacheKey must add only the
// components to what BuildCacheKey gives.
TEST(CacheKeyTest, KeysWithManyPartsKeepThemAllInOrder) {
  CachePolicy policy;
  policy.query_strings = List(KeyListBehavior::kAll);
  policy.headers = List(KeyListBehavior::kWhitelist, {"x-b", "X-A"});
  policy.cookies = List(KeyListBehavior::kAll);
  std::string target = "/p?";
  std::string cookies;
  std::vector<CacheKeyComponent> expected = {Component("host", "", kDomain),
                                             Component("path", "", "/p")};
  for (int i = 0; i < 12; ++i) {
    absl::StrAppend(&target, i > 0 ? "&" : "", "q", i, "=", i);
    expected.push_back(Component("query", absl::StrCat("q", i), absl::StrCat(i)));
  }
  expected.push_back(Component("header", "x-a", "1"));
  expected.push_back(Component("header", "x-b", "2"));
  for (int i = 0; i < 5; ++i) {
    absl::StrAppend(&cookies, i > 0 ? "; " : "", "c", i, "=", i);
    expected.push_back(Component("cookie", absl::StrCat("c", i), absl::StrCat(i)));
  }
  const Request r = Req(target, {{"X-B", "2"}, {"Cookie", cookies}, {"x-a", "1"}});
  const CacheKey explained = ExplainCacheKey(r, kDomain, policy);
  EXPECT_EQ(explained.components, expected);
  EXPECT_EQ(explained.object_path, target);

  CacheKey built = BuildCacheKey(r, kDomain, policy);
  EXPECT_TRUE(built.components.empty());
  EXPECT_EQ(built.ToDisplayString(), explained.ToDisplayString());
  built.components = explained.components;
  built.omitted = explained.omitted;
  EXPECT_EQ(built, explained);
}

// Golden value, computed once from this implementation and kept: the hash must be the same in
// every process and on every machine (simulator reproducibility, DESIGN 3). If this fails, the
// serialization changed: that is a format change for every stored key and simulator report, so
// update the value only on purpose.
TEST(CacheKeyHashTest, GoldenValueIsStable) {
  Request r = kRow5;
  r.headers.Add("Accept-Encoding", "gzip, deflate, br");
  r.headers.Add("Cookie", "b=2; a=1");
  CachePolicy policy = P2();
  policy.cookies = List(KeyListBehavior::kAll);
  EXPECT_EQ(Key(r, policy).hash, 0xa6f7b740ee7e7361ull);
}

// Inputs that would collide under a naive join with separators: the encoding is injective, so
// two keys have equal bytes exactly when their components and object paths are equal.
TEST(CacheKeyHashTest, TrickyInputsNeverCollide) {
  CachePolicy policy = WithHeaders({"x-a", "x-b", "cookie"});
  policy.query_strings = List(KeyListBehavior::kAll);
  policy.cookies = List(KeyListBehavior::kAll);
  policy.enable_accept_encoding_gzip = true;
  std::vector<CacheKey> keys = {
      Key(Req("/p", {{"x-a", "1"}, {"x-b", "2"}}), policy),
      Key(Req("/p", {{"x-a", "1|x-b:2"}}), policy),
      Key(Req("/p", {{"x-a", std::string("1h\x03x-b\x01"
                                         "2",
                                         8)}}),
          policy),
      Key(Req("/p", {{"x-a", ""}}), policy),
      Key(Req("/p"), policy),
      Key(Req("/p?a=1&b=2"), policy),
      Key(Req("/p?a=1%26b=2"), policy),
      Key(Req("/p?a=1=b=2"), policy),
      Key(Req(std::string("/p?a=1\x00Q\x01"
                          "b\x01"
                          "2",
                          12)),
          policy),
      Key(Req("/p?a"), policy),
      Key(Req("/p?a="), policy),
      Key(Req("/p?=a"), policy),
      Key(Req("/p", {{"Cookie", "a=1"}}), policy),
      Key(Req("/p", {{"Cookie", "a=1=b"}}), policy),
      Key(Req("/p", {{"Cookie", "a=1; b="}}), policy),
      Key(Req("/p", {{"cookie", "a=1"}}), WithHeaders({"cookie"})),
      Key(Req("/p", {{"Accept-Encoding", "gzip"}}), policy),
      Key(Req("/p", {{"x-a", "gzip"}}), policy),
      Key(Req("/p", {}, "OPTIONS"), policy),
      Key(Req("/pOPTIONS"), policy),
      ExplainCacheKey(Req("/p"), "d111.cloudfront.net/", policy),
      ExplainCacheKey(Req(""), "d111.cloudfront.net/p", policy),
      ExplainCacheKey(Req("/p"), "", policy),
  };
  for (size_t i = 0; i < keys.size(); ++i) {
    for (size_t j = i + 1; j < keys.size(); ++j) {
      bool same_content =
          keys[i].components == keys[j].components && keys[i].object_path == keys[j].object_path;
      EXPECT_EQ(keys[i].bytes == keys[j].bytes, same_content) << keys[i] << " vs " << keys[j];
      EXPECT_FALSE(same_content) << "test inputs " << i << " and " << j << " are redundant";
    }
  }
}

// SPEC 13.3: a CloudFront-* header the cache policy names keys on CloudFront's value, not on
// whatever the viewer sent under that name.
TEST(CacheKeyTest, CloudFrontDeviceHeadersKeyOnTheClassifiedUserAgent) {
  CachePolicy policy;
  policy.headers = List(KeyListBehavior::kWhitelist, {"CloudFront-Is-Mobile-Viewer"});
  const ModelOptions options;
  const auto key = [&](Headers headers) {
    return BuildCacheKey(Req("/p", std::move(headers)), kDomain, policy, options).bytes;
  };
  const std::string iphone = key({{"User-Agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0)"}});
  const std::string pixel = key({{"User-Agent", "Mozilla/5.0 (Linux; Android 14) Mobile"}});
  const std::string desktop = key({{"User-Agent", "Mozilla/5.0 (X11; Linux x86_64)"}});
  EXPECT_EQ(iphone, pixel);
  EXPECT_NE(iphone, desktop);
  // The viewer's own value of the name is ignored.
  EXPECT_EQ(key({{"User-Agent", "curl/8"}, {"CloudFront-Is-Mobile-Viewer", "true"}}), desktop);
  EXPECT_EQ(key({}), desktop);
}

TEST(CacheKeyTest, CloudFrontViewerCountryKeysOnTheViewerHeaderOrTheDefault) {
  CachePolicy policy;
  policy.headers = List(KeyListBehavior::kWhitelist, {"CloudFront-Viewer-Country"});
  ModelOptions options;
  const std::string us = BuildCacheKey(Req("/p"), kDomain, policy, options).bytes;
  EXPECT_EQ(BuildCacheKey(Req("/p", {{"CloudFront-Viewer-Country", "US"}}), kDomain, policy,
                          options)
                .bytes,
            us);
  EXPECT_NE(BuildCacheKey(Req("/p", {{"CloudFront-Viewer-Country", "FR"}}), kDomain, policy,
                          options)
                .bytes,
            us);
  options.viewer_country = "FR";
  EXPECT_NE(BuildCacheKey(Req("/p"), kDomain, policy, options).bytes, us);
}

// Read off the key's own components: whatever the key drops is listed, nothing it keeps.
TEST(CacheKeyOmissionTest, ListsEveryDroppedQueryHeaderAndCookie) {
  CachePolicy policy;
  policy.query_strings = {KeyListBehavior::kWhitelist, {"color"}};
  policy.headers = {KeyListBehavior::kWhitelist, {"Accept-Language"}};
  policy.cookies = {KeyListBehavior::kAllExcept, {"tracking"}};
  Request r = Request::Get("/p?color=red&v=2&v=3");
  r.headers.Add("Host", "www.example.com");
  r.headers.Add("accept-language", "en");
  r.headers.Add("User-Agent", "curl");
  r.headers.Add("Cookie", "session=1; tracking=abc");
  const CacheKey key = ExplainCacheKey(r, "d111.cloudfront.net", policy);
  ASSERT_EQ(key.omitted.size(), 3u);
  EXPECT_EQ(key.omitted[0], (CacheKeyOmission{"query", "v",
                                              "the cache policy's QueryStringBehavior is "
                                              "whitelist and does not list it"}));
  EXPECT_EQ(key.omitted[1].name, "User-Agent");
  EXPECT_EQ(key.omitted[2], (CacheKeyOmission{"cookie", "tracking",
                                              "the cache policy's CookieBehavior is allExcept "
                                              "and lists it"}));
  EXPECT_TRUE(BuildCacheKey(r, "d111.cloudfront.net", policy).omitted.empty());
}

}  // namespace
}  // namespace edgesim::policy
