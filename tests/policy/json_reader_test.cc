#include "policy/json_reader.h"

#include <limits>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace edgesim::policy {
namespace {

using ::testing::HasSubstr;

nlohmann::json Doc(absl::string_view text) { return *ParseJson(text); }

TEST(JsonReaderSecondsTest, TakesEveryInt64AndRefusesMore) {
  const nlohmann::json doc =
      nlohmann::json::parse(R"({"long": 9223372036854775807, "huge": 1e300, "frac": 0.5})");
  const JsonReader r(doc, "");
  EXPECT_EQ(*r.Field("long").Seconds(), absl::Seconds(std::numeric_limits<int64_t>::max()));
  EXPECT_EQ(r.Field("huge").Seconds().status().message(),
            "huge: expected a number of seconds 0-9223372036854775807");
  EXPECT_EQ(*r.Field("frac").Seconds(), absl::Milliseconds(500));
}

TEST(ParseJsonTest, MalformedTextSaysWhereTheParserStopped) {
  const absl::StatusOr<nlohmann::json> j = ParseJson("{\"a\": [1, }");
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(j.status().message(), HasSubstr("JSON: "));
  EXPECT_THAT(j.status().message(), HasSubstr("line 1, column 11"));
  EXPECT_THAT(j.status().message(), HasSubstr("(byte 11)"));
  EXPECT_EQ(ParseJson("[1, 2]")->size(), 2u);
}

TEST(JsonReaderTest, LocationsFollowFieldsAndItems) {
  const nlohmann::json doc = Doc(R"({"steps": [{"at": 1}, {"expect": {"x_cache": 3}}]})");
  const JsonReader root(doc, "");
  const JsonReader x_cache = root.Field("steps").Item(1).Field("expect").Field("x_cache");
  EXPECT_EQ(x_cache.location(), "steps[1].expect.x_cache");
  EXPECT_TRUE(x_cache.present());
  EXPECT_EQ(x_cache.String().status().message(),
            "steps[1].expect.x_cache: expected a string, got number");
  EXPECT_EQ(JsonReader(doc, "scenario").Field("name").location(), "scenario.name");
}

TEST(JsonReaderTest, AbsentAndNullAreNotPresent) {
  const nlohmann::json doc = Doc(R"({"n": null, "list": [1]})");
  const JsonReader root(doc, "root");
  EXPECT_FALSE(root.Field("n").present());
  EXPECT_FALSE(root.Field("missing").present());
  EXPECT_FALSE(root.Field("list").Item(1).present());
  EXPECT_FALSE(root.Field("list").Field("x").present());  // not an object
  EXPECT_TRUE(root.Field("list").Item(0).present());
  EXPECT_EQ(root.Required("n").status().message(), "root.n: required field is missing");
  EXPECT_EQ(root.Required("list")->location(), "root.list");
  EXPECT_EQ(root.Field("missing").Int().status().message(),
            "root.missing: expected an integer, got nothing");
}

TEST(JsonReaderTest, TypedReads) {
  const nlohmann::json doc = Doc(R"({"s": "x", "i": 3, "f": 2.0, "h": 2.5, "b": true,
                                     "neg": -1, "big": 18446744073709551615})");
  const JsonReader r(doc, "a");
  EXPECT_EQ(*r.Field("s").String(), "x");
  EXPECT_EQ(*r.Field("i").Int(), 3);
  EXPECT_EQ(*r.Field("f").Int(), 2);
  EXPECT_EQ(r.Field("h").Int().status().message(), "a.h: expected an integer, got number");
  EXPECT_EQ(r.Field("big").Int().status().message(), "a.big: integer out of range");
  EXPECT_EQ(*r.Field("h").Number(), 2.5);
  EXPECT_EQ(*r.Field("h").Seconds(), absl::Milliseconds(2500));
  EXPECT_EQ(r.Field("neg").Seconds().status().message(),
            "a.neg: expected a number of seconds >= 0");
  EXPECT_FALSE(r.Field("s").Seconds().ok());
  // Past 2^63-1 s a Duration would be infinite: refused, not turned into "forever".
  EXPECT_EQ(r.Field("big").Seconds().status().message(),
            "a.big: expected a number of seconds 0-9223372036854775807");
  EXPECT_EQ(r.Field("i").Seconds(absl::Seconds(2)).status().message(),
            "a.i: expected a number of seconds 0-2");
  EXPECT_EQ(*r.Field("i").Seconds(absl::Seconds(3)), absl::Seconds(3));
  EXPECT_TRUE(*r.Field("b").Bool());
  EXPECT_EQ(r.Field("i").Bool().status().message(), "a.i: expected true or false, got number");
  EXPECT_FALSE(r.Field("s").Number().ok());
  EXPECT_TRUE(r.ExpectObject().ok());
  EXPECT_FALSE(r.Field("s").ExpectObject().ok());
}

TEST(JsonReaderTest, ItemsAndMembersCarryTheirLocations) {
  const nlohmann::json doc = Doc(R"({"paths": ["/a", "/b"], "headers": {"b": "2", "a": "1"}})");
  const JsonReader r(doc, "step");
  const absl::StatusOr<std::vector<JsonReader>> items = r.Field("paths").Items();
  ASSERT_TRUE(items.ok());
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ((*items)[1].location(), "step.paths[1]");
  EXPECT_EQ(*(*items)[1].String(), "/b");
  const auto members = r.Field("headers").Members();
  ASSERT_TRUE(members.ok());
  ASSERT_EQ(members->size(), 2u);
  EXPECT_EQ((*members)[0].first, "a");
  EXPECT_EQ((*members)[0].second.location(), "step.headers.a");
  EXPECT_EQ(r.Field("headers").Items().status().message(),
            "step.headers: expected an array, got object");
  EXPECT_EQ(r.Field("paths").Members().status().message(),
            "step.paths: expected an object, got array");
}

TEST(JsonReaderTest, OnlyKeysNamesTheUnknownKeyAndWhere) {
  const nlohmann::json doc = Doc(R"({"steps": [{}, {}, {"expect": {"x-cache": "Hit"}}]})");
  const JsonReader expect = JsonReader(doc, "").Field("steps").Item(2).Field("expect");
  const absl::Status s = expect.OnlyKeys({"status", "x_cache"});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("steps[2].expect: unknown key \"x-cache\""));
  EXPECT_THAT(s.message(), HasSubstr("known: status, x_cache"));
  EXPECT_TRUE(expect.OnlyKeys({"x-cache"}).ok());
  EXPECT_FALSE(expect.Field("x-cache").OnlyKeys({}).ok());  // not an object
  EXPECT_EQ(expect.UnknownKey("a", {"b", "c"}).message(),
            "steps[2].expect: unknown key \"a\" (known: b, c)");
}

TEST(JsonErrorTest, CarriesItsLocation) {
  const absl::Status s = JsonError("Origins.Items[0].Id", "required field is missing");
  EXPECT_EQ(s.message(), "Origins.Items[0].Id: required field is missing");
  EXPECT_EQ(JsonErrorLocation(s), "Origins.Items[0].Id");
  EXPECT_EQ(JsonErrorMessage(s), "required field is missing");
  EXPECT_EQ(JsonError("", "expected an object").message(), "expected an object");
  const absl::Status plain = absl::InvalidArgumentError("a: b");
  EXPECT_EQ(JsonErrorLocation(plain), "");
  EXPECT_EQ(JsonErrorMessage(plain), "a: b");
}

}  // namespace
}  // namespace edgesim::policy
