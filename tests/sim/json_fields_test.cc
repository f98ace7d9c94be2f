#include "sim/json_fields.h"

#include "gtest/gtest.h"

namespace edgesim::sim {
namespace {

TEST(JsonFieldsTest, TypedReadsNameTheField) {
  const nlohmann::json j = nlohmann::json::parse(R"({"s": "x", "i": 3, "f": 2.0, "h": 2.5,
                                                     "b": true, "n": null, "neg": -1})");
  EXPECT_EQ(*AsString(j["s"], "a.s"), "x");
  EXPECT_EQ(*AsInt(j["i"], "a.i"), 3);
  EXPECT_EQ(*AsInt(j["f"], "a.f"), 2);
  EXPECT_EQ(AsInt(j["h"], "a.h").status().message(), "a.h: expected an integer");
  EXPECT_EQ(*AsSeconds(j["h"], "a.h"), absl::Milliseconds(2500));
  EXPECT_FALSE(AsSeconds(j["neg"], "a.neg").ok());
  EXPECT_TRUE(*AsBool(j["b"], "a.b"));
  EXPECT_FALSE(AsString(j["i"], "a.i").ok());
  EXPECT_EQ(FindField(j, "n"), nullptr);
  EXPECT_EQ(FindField(j, "missing"), nullptr);
  EXPECT_NE(FindField(j, "s"), nullptr);
  EXPECT_EQ(FieldPath("", "x"), "x");
  EXPECT_EQ(IndexPath(FieldPath("steps", "paths"), 2), "steps.paths[2]");
}

}  // namespace
}  // namespace edgesim::sim
