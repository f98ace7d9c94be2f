#include "policy/function_value.h"

#include <cmath>
#include <string>

#include "gtest/gtest.h"

namespace edgesim::policy {
namespace {

FunctionJson FunctionValueRoundTrip(const FunctionJson& value) {
  FunctionJsonBuilder builder;
  VisitFunctionJson(value, builder);
  return builder.Take();
}

TEST(FunctionValue, VisitingIntoABuilderGivesTheSameTreeInTheSameOrder) {
  const FunctionJson value = FunctionJson::parse(
      R"({"z":{"value":"1","multiValue":[{"value":"1"},{"value":"2"}]},"a":[true,null,"x",[]],"e":{}})");
  const FunctionJson copy = FunctionValueRoundTrip(value);
  EXPECT_EQ(copy, value);
  EXPECT_EQ(copy.dump(), value.dump());
}

TEST(FunctionValue, NumbersBecomeWhatTheirJavaScriptTextParsesTo) {
  FunctionJsonBuilder builder;
  builder.BeginArray();
  for (double d : {302.0, -1.0, 1.5, 1e21, -0.0, std::nan(""), HUGE_VAL}) builder.Number(d);
  builder.EndArray();
  const FunctionJson value = builder.Take();
  EXPECT_TRUE(value[0].is_number_unsigned());
  EXPECT_EQ(value[0].get<int>(), 302);
  EXPECT_TRUE(value[1].is_number_integer());
  EXPECT_TRUE(value[2].is_number_float());
  EXPECT_TRUE(value[3].is_number_float());  // JavaScript writes 1e+21
  EXPECT_EQ(value.dump(), "[302,-1,1.5,1e+21,0,null,null]");
}

TEST(FunctionValue, BadUtf8GetsTheReplacementCharacterAsDumpWritesIt) {
  std::string storage;
  const absl::string_view ascii = "/plain";
  EXPECT_EQ(ReplaceBadUtf8(ascii, storage).data(), ascii.data());  // no copy
  EXPECT_EQ(ReplaceBadUtf8("/caf\xe9", storage), "/caf\xef\xbf\xbd");
  EXPECT_EQ(ReplaceBadUtf8("/caf\xc3\xa9", storage), "/caf\xc3\xa9");
}

}  // namespace
}  // namespace edgesim::policy
