// js_engine.h — the embedded JavaScript engine that runs CloudFront Functions (SPEC 15).
//
// One engine per thread (engines never cross threads; SpiderMonkey's contexts are single-threaded),
// one isolated global (realm) per compiled program. Programs are cached on their thread's engine
// under a caller-chosen key, so a function compiles once per thread. Values cross the boundary as
// JSON text, or (the fast way) as policy::FunctionValueVisitor events that build the engine's own
// objects directly; either keeps this header free of the engine's headers: only js_engine.cc sees
// them.
//
//   JsEngine& engine = JsEngine::ForThisThread();
//   JsProgramSpec spec{"function handler(e) { return e.request; }", JsSourceKind::kScript, {}};
//   absl::StatusOr<JsProgram*> program = engine.Program("fn:1", spec, limits);
//   JsCallResult result = engine.Call(**program, R"({"request":{"uri":"/"}})", limits);
//   // result.outcome == kReturned, result.value_json == R"({"uri":"/"})"
//   JsCallResult fast = engine.Call(**program, write_event, builder, limits);  // no JSON text
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/functional/function_ref.h"
#include "absl/time/time.h"
#include "core/key_value_lookup.h"
#include "policy/function_value.h"

namespace edgesim::core {

// A script defines `handler` as a global (cloudfront-js-1.0); a module declares it at its top level
// and may `import` built-in modules (cloudfront-js-2.0).
enum class JsSourceKind { kScript, kModule };

struct JsProgramSpec {
  std::string source;
  JsSourceKind kind = JsSourceKind::kScript;
  // Built-in modules the program may load with `require(name)` or `import x from 'name'`, among
  // "cloudfront", "crypto", "querystring", "buffer".
  std::vector<std::string> builtin_modules;
  // Run on the source before it compiles (on a cache miss only); its error is the program's
  // compile error. For syntax the engine parses but the function's runtime lacks.
  std::function<absl::Status(absl::string_view source)> source_check;
};

struct JsCallLimits {
  // Thread CPU time one call (or a module's top-level evaluation) may use; past it the engine
  // stops the script, which cannot catch that.
  absl::Duration cpu_budget = absl::Milliseconds(1);
  // Wall-clock cap on top of the CPU budget, so that a descheduled thread still ends its call.
  absl::Duration wall_limit = absl::Seconds(1);
  // Whether the call's CPU time is read at its start and end, for JsCallResult::cpu_time. The
  // thread's CPU clock is a system call, not a vDSO read, so a caller that reports no figure (the
  // edge) skips both reads: the budget is then counted from the first check, one `cpu_budget` of
  // wall time into the call, and a runaway call stops after one to two budgets of CPU time.
  bool measure_cpu_time = true;
  // Bytes of console.log output kept per call; later lines are dropped.
  size_t max_log_bytes = 10 * 1024;
  // What the cloudfront module's kvs() reads during the call, and the one store it may read (the
  // function's associated store's Id); null or empty: its reads reject.
  const KeyValueLookup* key_values = nullptr;
  absl::string_view key_value_store_id;
};

struct JsCallResult {
  enum class Outcome { kReturned, kThrew, kBudgetExceeded };
  Outcome outcome = Outcome::kReturned;
  // kReturned: the handler's value as JSON (a promise is awaited first); empty for undefined.
  // The visitor form of Call() leaves it empty and visits the value instead.
  std::string value_json;
  // kReturned, visitor form: the value has a string that is not Unicode (a lone surrogate), which
  // its JSON text cannot carry either; what was visited is to be dropped.
  bool value_not_unicode = false;
  // kThrew: the exception as text, e.g. "Error: boom" or "SyntaxError: ... (line 3)".
  std::string error;
  std::vector<std::string> logs;
  bool logs_truncated = false;
  absl::Duration cpu_time;  // zero unless JsCallLimits::measure_cpu_time
};

class JsProgram;

class JsEngine {
 public:
  // This thread's engine, created on first use and destroyed when the thread ends.
  static JsEngine& ForThisThread();

  JsEngine(const JsEngine&) = delete;
  JsEngine& operator=(const JsEngine&) = delete;
  ~JsEngine();

  // The program cached under `key`, compiling and evaluating `spec` on a miss (within `limits`).
  // A program that fails to compile stays cached as its error (one stopped by the budget does
  // not: the next request tries again). The pointer is valid until the next Program() call on
  // this thread (the cache is bounded and may evict).
  absl::StatusOr<JsProgram*> Program(absl::string_view key, const JsProgramSpec& spec,
                                     const JsCallLimits& limits);
  // The same, making the spec only on a miss (a hit then copies no source).
  absl::StatusOr<JsProgram*> Program(absl::string_view key,
                                     absl::FunctionRef<JsProgramSpec()> make_spec,
                                     const JsCallLimits& limits);
  // Calls the program's handler with the event parsed from `event_json`.
  JsCallResult Call(JsProgram& program, absl::string_view event_json, const JsCallLimits& limits);
  // The same call, without JSON text: `write_event` visits the event, which is built directly as
  // the engine's objects, and the handler's value (unless undefined) is visited into `value` as
  // JSON.stringify would see it (members whose value is undefined or a function are left out).
  JsCallResult Call(JsProgram& program,
                    absl::FunctionRef<void(policy::FunctionValueVisitor&)> write_event,
                    policy::FunctionValueVisitor& value, const JsCallLimits& limits);

  // Programs compiled and kept on this thread's engine.
  size_t cached_programs() const;

 private:
  struct Impl;
  JsEngine();
  std::unique_ptr<Impl> impl_;
};

}  // namespace edgesim::core
