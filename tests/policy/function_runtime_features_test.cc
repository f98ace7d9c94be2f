#include "policy/function_runtime_features.h"

#include "gtest/gtest.h"

namespace edgesim::policy {
namespace {

absl::Status RuntimeFeaturesOf1(absl::string_view code) {
  return CheckRuntimeFeatures(FunctionRuntime::kJs1, code);
}

TEST(FunctionRuntimeFeatures, Runtime1RefusesConstLetAndAsync) {
  EXPECT_EQ(RuntimeFeaturesOf1("function handler(e) {\n  const r = e.request;\n  return r;\n}")
                .message(),
            "SyntaxError: const is not supported in cloudfront-js-1.0 (line 2)");
  EXPECT_EQ(RuntimeFeaturesOf1("var a;\n\nlet [x, y] = [1, 2];").message(),
            "SyntaxError: let is not supported in cloudfront-js-1.0 (line 3)");
  EXPECT_EQ(RuntimeFeaturesOf1("let {uri} = {};").message(),
            "SyntaxError: let is not supported in cloudfront-js-1.0 (line 1)");
  EXPECT_EQ(RuntimeFeaturesOf1("async function handler(e) { return e.request; }").message(),
            "SyntaxError: async is not supported in cloudfront-js-1.0 (line 1)");
  EXPECT_EQ(RuntimeFeaturesOf1("var f = async e => e;").message(),
            "SyntaxError: async is not supported in cloudfront-js-1.0 (line 1)");
}

TEST(FunctionRuntimeFeatures, Runtime1AcceptsWhatItsPageLists) {
  // Arrow functions, template literals, rest parameters and ** are 1.0 features.
  EXPECT_TRUE(RuntimeFeaturesOf1("var f = (a, ...rest) => `${a} ${rest.length}` + 2 ** 3;").ok());
  // Keywords inside strings, templates, comments and regular expressions are text.
  EXPECT_TRUE(RuntimeFeaturesOf1("var s = 'const a'; var t = \"let b\"; var u = `async c`;\n"
                                 "// const d\n/* let e */ var r = /const f/g; var q = 1 / 2;")
                  .ok());
  // Property names and an identifier named async are not declarations.
  EXPECT_TRUE(RuntimeFeaturesOf1("var o = {const: 1, let: 2}; o.let = o.const; var async = 3;")
                  .ok());
  EXPECT_TRUE(RuntimeFeaturesOf1("var re = /[/]const/; var x = re.let;").ok());
}

TEST(FunctionRuntimeFeatures, Runtime2AcceptsEverything) {
  EXPECT_TRUE(CheckRuntimeFeatures(FunctionRuntime::kJs2,
                                   "const a = 1; let b = 2; async function handler(e) {}")
                  .ok());
}

}  // namespace
}  // namespace edgesim::policy
