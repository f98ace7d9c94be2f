#include "core/js_engine.h"

#include <time.h>

#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "policy/function_value.h"

namespace edgesim::core {
namespace {

JsCallLimits JsEngineTestLimits() {
  JsCallLimits limits;
  limits.cpu_budget = absl::Milliseconds(200);
  limits.wall_limit = absl::Seconds(20);
  return limits;
}

JsCallResult RunJsEngineProgram(absl::string_view key, const JsProgramSpec& spec,
                                absl::string_view event_json) {
  JsEngine& engine = JsEngine::ForThisThread();
  absl::StatusOr<JsProgram*> program = engine.Program(key, spec, JsEngineTestLimits());
  EXPECT_TRUE(program.ok()) << program.status();
  if (!program.ok()) return {};
  return engine.Call(**program, event_json, JsEngineTestLimits());
}

TEST(JsEngine, ScriptHandlerGetsTheEventAndItsValueComesBackAsJson) {
  JsProgramSpec spec{"function handler(e) { return {uri: e.request.uri + 'x', n: 1}; }",
                     JsSourceKind::kScript, {}};
  JsCallResult result = RunJsEngineProgram("engine:script", spec, R"({"request":{"uri":"/a"}})");
  EXPECT_EQ(result.outcome, JsCallResult::Outcome::kReturned);
  EXPECT_EQ(result.value_json, R"({"uri":"/ax","n":1})");
}

TEST(JsEngine, ModuleImportsBuiltinsAndAwaits) {
  JsProgramSpec spec{R"JS(import qs from 'querystring';
import crypto from 'crypto';
async function handler(e) {
  const v = await Promise.resolve(qs.parse('b=2&a=1&a=3'));
  return {q: qs.stringify(v), h: crypto.createHash('sha256').update('abc').digest('hex')};
}
)JS",
                     JsSourceKind::kModule,
                     {"querystring", "crypto"}};
  JsCallResult result = RunJsEngineProgram("engine:module", spec, "{}");
  ASSERT_EQ(result.outcome, JsCallResult::Outcome::kReturned) << result.error;
  EXPECT_EQ(result.value_json,
            R"({"q":"b=2&a=1&a=3","h":"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"})");
}

TEST(JsEngine, ModuleOutsideTheAllowedBuiltinsDoesNotCompile) {
  JsProgramSpec spec{"import cf from 'cloudfront';\nfunction handler(e) { return e; }\n",
                     JsSourceKind::kModule,
                     {"crypto"}};
  absl::StatusOr<JsProgram*> program =
      JsEngine::ForThisThread().Program("engine:nomodule", spec, JsEngineTestLimits());
  ASSERT_FALSE(program.ok());
  EXPECT_NE(program.status().message().find("Cannot find module 'cloudfront'"), std::string::npos)
      << program.status();
}

TEST(JsEngine, HmacAndBase64MatchKnownVectors) {
  // RFC 4231 test case 2 (key "Jefe").
  JsProgramSpec spec{R"JS(var crypto = require('crypto');
function handler(e) {
  return [crypto.createHmac('sha256', 'Jefe').update('what do ya want for nothing?').digest('hex'),
          crypto.createHash('md5').update('').digest('base64'),
          crypto.createHash('sha1').update('abc').digest('base64url')];
}
)JS",
                     JsSourceKind::kScript,
                     {"crypto"}};
  JsCallResult result = RunJsEngineProgram("engine:hmac", spec, "{}");
  ASSERT_EQ(result.outcome, JsCallResult::Outcome::kReturned) << result.error;
  EXPECT_EQ(result.value_json,
            R"(["5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",)"
            R"("1B2M2Y8AsgTpgAmY7PhCfg==","qZk-NkcGgWq6PiVxeFDCbJzQ2J0"])");
}

TEST(JsEngine, EvalAndFunctionConstructorAreRefused) {
  for (const char* code : {"function handler(e) { return eval('1+1'); }",
                           "function handler(e) { return new Function('return 1')(); }"}) {
    JsProgramSpec spec{code, JsSourceKind::kScript, {}};
    JsCallResult result = RunJsEngineProgram(code, spec, "{}");
    EXPECT_EQ(result.outcome, JsCallResult::Outcome::kThrew);
    EXPECT_NE(result.error.find("EvalError"), std::string::npos) << result.error;
  }
}

TEST(JsEngine, EndlessLoopStopsAtTheBudgetAndTheEngineStaysUsable) {
  JsEngine& engine = JsEngine::ForThisThread();
  JsCallLimits limits = JsEngineTestLimits();
  limits.cpu_budget = absl::Milliseconds(5);
  JsProgramSpec loop{"async function handler(e) { await 0; while (true) {} }",
                     JsSourceKind::kScript, {}};
  absl::StatusOr<JsProgram*> program = engine.Program("engine:loop", loop, limits);
  ASSERT_TRUE(program.ok()) << program.status();
  JsCallResult stopped = engine.Call(**program, "{}", limits);
  EXPECT_EQ(stopped.outcome, JsCallResult::Outcome::kBudgetExceeded);
  EXPECT_GE(stopped.cpu_time, limits.cpu_budget);

  JsProgramSpec echo{"function handler(e) { return e; }", JsSourceKind::kScript, {}};
  EXPECT_EQ(RunJsEngineProgram("engine:after-loop", echo, "[1]").value_json, "[1]");
}

// Unmeasured, the budget counts from the first check, one budget of wall time in: the loop still
// stops, having spent at least a budget of CPU time, and reports no CPU time.
TEST(JsEngine, UnmeasuredEndlessLoopStillStopsAtTheBudget) {
  JsEngine& engine = JsEngine::ForThisThread();
  JsCallLimits limits = JsEngineTestLimits();
  limits.cpu_budget = absl::Milliseconds(5);
  limits.measure_cpu_time = false;
  JsProgramSpec loop{"function handler(e) { while (true) {} }", JsSourceKind::kScript, {}};
  absl::StatusOr<JsProgram*> program = engine.Program("engine:unmeasured-loop", loop, limits);
  ASSERT_TRUE(program.ok()) << program.status();
  timespec before, after;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &before);
  JsCallResult stopped = engine.Call(**program, "{}", limits);
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &after);
  EXPECT_EQ(stopped.outcome, JsCallResult::Outcome::kBudgetExceeded);
  EXPECT_GE(absl::DurationFromTimespec(after) - absl::DurationFromTimespec(before),
            limits.cpu_budget);
  EXPECT_EQ(stopped.cpu_time, absl::ZeroDuration());
}

TEST(JsEngine, ModuleTopLevelLoopStopsAndIsNotCached) {
  JsEngine& engine = JsEngine::ForThisThread();
  JsCallLimits limits = JsEngineTestLimits();
  limits.cpu_budget = absl::Milliseconds(5);
  JsProgramSpec spec{"while (true) {}\nfunction handler(e) { return e; }", JsSourceKind::kModule, {}};
  const size_t cached = engine.cached_programs();
  absl::StatusOr<JsProgram*> program = engine.Program("engine:top-level-loop", spec, limits);
  EXPECT_TRUE(absl::IsDeadlineExceeded(program.status())) << program.status();
  EXPECT_EQ(engine.cached_programs(), cached);
}

TEST(JsEngine, ConsoleLogLinesAreKeptUpToTheByteLimit) {
  JsEngine& engine = JsEngine::ForThisThread();
  JsCallLimits limits = JsEngineTestLimits();
  limits.max_log_bytes = 10;
  JsProgramSpec spec{"function handler(e) { console.log('abc', 1); console.log('defghijk'); }",
                     JsSourceKind::kScript, {}};
  absl::StatusOr<JsProgram*> program = engine.Program("engine:log", spec, limits);
  ASSERT_TRUE(program.ok());
  JsCallResult result = engine.Call(**program, "{}", limits);
  EXPECT_EQ(result.logs, std::vector<std::string>{"abc 1"});
  EXPECT_TRUE(result.logs_truncated);
  EXPECT_EQ(result.value_json, "");
}

TEST(JsEngine, EachThreadHasItsOwnEngineAndPrograms) {
  JsProgramSpec spec{"var calls = 0; function handler(e) { return ++calls; }",
                     JsSourceKind::kScript, {}};
  // A key of its own each time the test runs (--gtest_repeat): a thread keeps its programs, and
  // their state, as long as it lives.
  static int runs = 0;
  const std::string key = absl::StrCat("engine:per-thread:", ++runs);
  RunJsEngineProgram(key, spec, "{}");
  std::string other_thread_value;
  std::thread([&] { other_thread_value = RunJsEngineProgram(key, spec, "{}").value_json; }).join();
  EXPECT_EQ(other_thread_value, "1");
  EXPECT_EQ(RunJsEngineProgram(key, spec, "{}").value_json, "2");
}

// The visitor form of Call(): the event built from `event`, the value visited into a FunctionJson.
struct JsEngineVisitedCall {
  JsCallResult result;
  policy::FunctionJson value;
};

JsEngineVisitedCall CallJsEngineVisited(absl::string_view key, const std::string& code,
                                        const policy::FunctionJson& event,
                                        const JsCallLimits& limits = JsEngineTestLimits()) {
  JsEngine& engine = JsEngine::ForThisThread();
  JsProgramSpec spec{code, JsSourceKind::kScript, {}};
  absl::StatusOr<JsProgram*> program = engine.Program(key, spec, limits);
  EXPECT_TRUE(program.ok()) << program.status();
  if (!program.ok()) return {};
  policy::FunctionJsonBuilder builder;
  JsEngineVisitedCall call;
  call.result = engine.Call(
      **program, [&](policy::FunctionValueVisitor& v) { policy::VisitFunctionJson(event, v); },
      builder, limits);
  call.value = builder.Take();
  return call;
}

TEST(JsEngine, VisitedValueIsWhatJsonStringifyWrites) {
  const char* kReturns[] = {
      // Left out, null in arrays, numbers JSON writes differently, integer keys first.
      "{a: undefined, f: function () {}, s: Symbol('x'), n: [1, undefined, () => 1, NaN], "
      "x: 1.5, big: 1e21, neg: -0, inf: -Infinity, 2: 'two', t: true, z: null, "
      "u: 'caf\\u00e9 \\u{1F600} \\u0001'}",
      // What the reader leaves to JSON.stringify: toJSON (own, inherited, Date), Map, typed
      // arrays, boxed primitives, deep nesting.
      "{d: new Date(0), m: new Map([[1, 2]]), b: new Uint8Array([1, 2]), w: new String('w'), "
      "o: {toJSON() { return 'own'; }}, "
      "c: new (class { constructor() { this.v = 1; } toJSON() { return {v: this.v}; } })()}",
      "(function () { let o = {leaf: 1}; for (let i = 0; i < 100; i++) o = {o}; return o; })()",
      "[{get g() { return 'got'; }}, Object.create(null), [], {}]",
  };
  for (const char* returned : kReturns) {
    const std::string code = absl::StrCat("function handler(e) { return ", returned, "; }");
    JsEngineVisitedCall visited = CallJsEngineVisited(code, code, policy::FunctionJson::object());
    EXPECT_EQ(visited.result.outcome, JsCallResult::Outcome::kReturned)
        << returned << ": " << visited.result.error;
    EXPECT_FALSE(visited.result.value_not_unicode);
    JsProgramSpec spec{code, JsSourceKind::kScript, {}};
    const std::string json = RunJsEngineProgram(code, spec, "{}").value_json;
    EXPECT_EQ(visited.value.dump(), json) << returned;
    EXPECT_EQ(visited.value, policy::FunctionJson::parse(json)) << returned;
  }
}

TEST(JsEngine, VisitedValueErrorsAreJsonStringifys) {
  const std::pair<const char*, const char*> kThrows[] = {
      {"(function () { const o = {}; o.self = o; return o; })()", "cyclic"},
      {"{get g() { throw new Error('getter'); }}", "Error: getter"},
      {"{n: 1n}", "TypeError"},
  };
  for (const auto& [returned, error] : kThrows) {
    const std::string code = absl::StrCat("function handler(e) { return ", returned, "; }");
    JsEngineVisitedCall visited = CallJsEngineVisited(code, code, policy::FunctionJson::object());
    EXPECT_EQ(visited.result.outcome, JsCallResult::Outcome::kThrew) << returned;
    EXPECT_NE(visited.result.error.find(error), std::string::npos) << visited.result.error;
  }
  // A lone surrogate has no UTF-8 (and its JSON text's escape does not parse as FunctionJson).
  JsEngineVisitedCall lone = CallJsEngineVisited(
      "engine:lone", "function handler(e) { return {s: '\\ud800'}; }", policy::FunctionJson::object());
  EXPECT_EQ(lone.result.outcome, JsCallResult::Outcome::kReturned);
  EXPECT_TRUE(lone.result.value_not_unicode);
}

TEST(JsEngine, ReadingTheVisitedValueIsWithinTheBudget) {
  JsEngine& engine = JsEngine::ForThisThread();
  JsCallLimits limits = JsEngineTestLimits();
  limits.cpu_budget = absl::Milliseconds(5);
  JsProgramSpec spec{"function handler(e) { return {get g() { while (true) {} }}; }",
                     JsSourceKind::kScript, {}};
  absl::StatusOr<JsProgram*> program = engine.Program("engine:getter-loop", spec, limits);
  ASSERT_TRUE(program.ok()) << program.status();
  policy::FunctionJsonBuilder builder;
  JsCallResult stopped = engine.Call(
      **program, [](policy::FunctionValueVisitor& v) { v.Null(); }, builder, limits);
  EXPECT_EQ(stopped.outcome, JsCallResult::Outcome::kBudgetExceeded);
  EXPECT_EQ(CallJsEngineVisited("engine:after-getter-loop", "function handler(e) { return [e]; }",
                                policy::FunctionJson::object())
                .value.dump(),
            "[{}]");
}

TEST(JsEngine, VisitedEventIsBuiltAsPlainObjectsTheHandlerMayChange) {
  const policy::FunctionJson event = policy::FunctionJson::parse(
      R"({"request":{"uri":"/a","headers":{"host":{"value":"h"}},"list":[1,"2",null,false]}})");
  JsEngineVisitedCall visited = CallJsEngineVisited(
      "engine:visited-event",
      "function handler(e) { const r = e.request; r.uri += 'b'; delete r.headers.host; "
      "r.headers['x-new'] = {value: Object.keys(e).join()}; return r; }",
      event);
  ASSERT_EQ(visited.result.outcome, JsCallResult::Outcome::kReturned) << visited.result.error;
  EXPECT_EQ(visited.value.dump(),
            R"({"uri":"/ab","headers":{"x-new":{"value":"request"}},"list":[1,"2",null,false]})");
}

TEST(JsEngine, VisitedEventBytesThatAreNotUtf8ReachTheHandlerReplaced) {
  policy::FunctionJson event = policy::FunctionJson::object();
  event["caf\xe9"] = "caf\xe9";
  JsEngineVisitedCall visited =
      CallJsEngineVisited("engine:visited-bad-utf8", "function handler(e) { return e; }", event);
  ASSERT_EQ(visited.result.outcome, JsCallResult::Outcome::kReturned) << visited.result.error;
  EXPECT_EQ(visited.value.dump(), "{\"caf\xef\xbf\xbd\":\"caf\xef\xbf\xbd\"}");
}

// Collections while the event is built (a large event), while the handler runs and while its value
// is read (a getter that allocates): every object the builder and the reader hold must be rooted.
// The work is sized to force collections, so its budget is far above the test default: under
// ThreadSanitizer on a loaded machine one round takes seconds.
TEST(JsEngine, VisitedValuesSurviveGarbageCollectionsMidway) {
  JsCallLimits limits = JsEngineTestLimits();
  limits.cpu_budget = absl::Seconds(60);
  limits.wall_limit = absl::Seconds(120);
  policy::FunctionJson event = policy::FunctionJson::object();
  for (int i = 0; i < 20000; ++i) event[absl::StrCat("k", i)] = {{"value", absl::StrCat("v", i)}};
  const std::string code = R"JS(function handler(e) {
  let junk = [];
  for (let i = 0; i < 100000; i++) junk.push({i: i, s: 'x' + i});
  return {get g() { let j = []; for (let i = 0; i < 100000; i++) j.push([i]); return j.length; },
          copy: e, last: e.k19999};
})JS";
  for (int round = 0; round < 3; ++round) {
    JsEngineVisitedCall visited = CallJsEngineVisited("engine:gc-stress", code, event, limits);
    ASSERT_EQ(visited.result.outcome, JsCallResult::Outcome::kReturned) << visited.result.error;
    EXPECT_EQ(visited.value["g"], 100000);
    EXPECT_EQ(visited.value["copy"], event);
    EXPECT_EQ(visited.value["last"]["value"], "v19999");
  }
}

}  // namespace
}  // namespace edgesim::core
