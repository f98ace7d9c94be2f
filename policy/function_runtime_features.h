// function_runtime_features.h — the syntax cloudfront-js-1.0 lacks (SPEC 15.2). Runtime 1.0 is
// ES 5.1 plus a listed few later features; its page says `const` and `let` are not supported, and
// `async`/`await` are listed as runtime 2.0 additions. The embedded engine parses all of them, so
// the code is checked before it compiles.
//
//   absl::Status s = CheckRuntimeFeatures(FunctionRuntime::kJs1, "const a = 1;");
//   // InvalidArgument "SyntaxError: const is not supported in cloudfront-js-1.0 (line 1)"
#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "policy/cloudfront_function.h"

namespace edgesim::policy {

// OK for code the runtime accepts; otherwise InvalidArgument naming the first unsupported keyword
// and its line, in the engine's "SyntaxError: ... (line N)" form. Strings, template literals,
// comments, regular expression literals and property names (`a.let`, `{let: 1}`) are not keywords.
absl::Status CheckRuntimeFeatures(FunctionRuntime runtime, absl::string_view code);

}  // namespace edgesim::policy
