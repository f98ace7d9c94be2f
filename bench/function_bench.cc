// One CloudFront Function invocation (SPEC 15): event built from a request, the handler run on the
// thread's engine (compiled once, cached), the result applied back onto the request; then the same
// invocation cut into its parts, and an engine call that does nothing as the floor.
// Run: build/bench/edgesim_bench --benchmark_filter=Function
#include <string>
#include <variant>

#include "benchmark/benchmark.h"
#include "core/function_runtime.h"
#include "core/js_engine.h"
#include "policy/cloudfront_function.h"

namespace edgesim::core {
namespace {

constexpr char kUrlRewrite[] = R"JS(function handler(event) {
  var request = event.request;
  if (request.uri.endsWith('/')) request.uri += 'index.html';
  else if (!request.uri.includes('.')) request.uri += '/index.html';
  return request;
}
)JS";

const CloudFrontFunctionCode& UrlRewriteCode() {
  static const CloudFrontFunctionCode code{"bench-url-rewrite", policy::FunctionRuntime::kJs2,
                                           kUrlRewrite};
  return code;
}

policy::Request BenchRequest() {
  policy::Request request = policy::Request::Get("/docs/?lang=en");
  request.headers.Add("Host", "d111111abcdef8.cloudfront.net");
  request.headers.Add("Accept", "text/html");
  request.headers.Add("User-Agent", "bench");
  return request;
}

const policy::FunctionEventContext kBenchContext{"d111111abcdef8.cloudfront.net",
                                                 "EDFDVBD6EXAMPLE", "bench"};

bool RewroteToIndex(const absl::StatusOr<policy::ViewerRequestResult>& next) {
  return next.ok() && std::get<policy::Request>(*next).target == "/docs/index.html?lang=en";
}

FunctionRun RunUrlRewrite(const policy::Request& request, const FunctionRuntimeLimits& limits) {
  return RunCloudFrontFunction(
      UrlRewriteCode(),
      [&](policy::FunctionValueVisitor& v) {
        policy::VisitViewerRequestEvent(kBenchContext, request, v);
      },
      limits);
}

// Runs `run` (the invocation up to FunctionRun) and applies its output, checking the rewrite.
template <typename RunFunction>
void UrlRewriteLoop(benchmark::State& state, RunFunction run) {
  const policy::Request request = BenchRequest();
  const FunctionRuntimeLimits limits;
  for (auto _ : state) {
    absl::StatusOr<policy::ViewerRequestResult> next =
        policy::ApplyViewerRequestResult(run(request, limits).output, request);
    if (!RewroteToIndex(next)) {
      state.SkipWithError("wrong rewrite");
      break;
    }
    benchmark::DoNotOptimize(next);
  }
}

// The whole invocation, as the edge runs it: the event written straight into the engine.
void BM_FunctionUrlRewrite(benchmark::State& state) { UrlRewriteLoop(state, RunUrlRewrite); }
BENCHMARK(BM_FunctionUrlRewrite);

// The same through the FunctionJson event (a TestFunction's event is JSON).
void BM_FunctionUrlRewriteJsonEvent(benchmark::State& state) {
  UrlRewriteLoop(state, [](const policy::Request& request, const FunctionRuntimeLimits& limits) {
    return RunCloudFrontFunction(
        UrlRewriteCode(), policy::ViewerRequestEvent(kBenchContext, request), limits);
  });
}
BENCHMARK(BM_FunctionUrlRewriteJsonEvent);

// Counts what it is given: the event's stream without building anything.
class CountingFunctionVisitor final : public policy::FunctionValueVisitor {
 public:
  void Null() override { ++events; }
  void Bool(bool) override { ++events; }
  void Number(double) override { ++events; }
  void String(absl::string_view) override { ++events; }
  void BeginObject() override { ++events; }
  void Key(absl::string_view) override { ++events; }
  void EndObject() override { ++events; }
  void BeginArray() override { ++events; }
  void EndArray() override { ++events; }
  int events = 0;
};

// Part 1: the event's fields from the request (the policy side of building it).
void BM_FunctionUrlRewriteEventBuild(benchmark::State& state) {
  const policy::Request request = BenchRequest();
  for (auto _ : state) {
    CountingFunctionVisitor counter;
    policy::VisitViewerRequestEvent(kBenchContext, request, counter);
    benchmark::DoNotOptimize(counter.events);
  }
}
BENCHMARK(BM_FunctionUrlRewriteEventBuild);

// Part 1, old way: the event as a FunctionJson.
void BM_FunctionUrlRewriteJsonEventBuild(benchmark::State& state) {
  const policy::Request request = BenchRequest();
  for (auto _ : state) {
    policy::FunctionJson event = policy::ViewerRequestEvent(kBenchContext, request);
    benchmark::DoNotOptimize(event);
  }
}
BENCHMARK(BM_FunctionUrlRewriteJsonEventBuild);

// Part 2: the run (the event built as JS objects, the handler, its value read into a
// FunctionJson).
void BM_FunctionUrlRewriteCall(benchmark::State& state) {
  const policy::Request request = BenchRequest();
  const FunctionRuntimeLimits limits;
  for (auto _ : state) {
    FunctionRun run = RunUrlRewrite(request, limits);
    benchmark::DoNotOptimize(run);
  }
}
BENCHMARK(BM_FunctionUrlRewriteCall);

// Part 2 without the FunctionJson: the value read into a visitor that only counts.
void BM_FunctionUrlRewriteEngineCall(benchmark::State& state) {
  JsEngine& engine = JsEngine::ForThisThread();
  const JsCallLimits limits;
  const JsProgramSpec spec{kUrlRewrite, JsSourceKind::kModule, {}};
  absl::StatusOr<JsProgram*> program = engine.Program("bench-url-rewrite-engine", spec, limits);
  if (!program.ok()) {
    state.SkipWithError("no program");
    return;
  }
  const policy::Request request = BenchRequest();
  for (auto _ : state) {
    CountingFunctionVisitor counter;
    JsCallResult result = engine.Call(
        **program,
        [&](policy::FunctionValueVisitor& v) {
          policy::VisitViewerRequestEvent(kBenchContext, request, v);
        },
        counter, limits);
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_FunctionUrlRewriteEngineCall);

// Part 3: the returned object applied onto the request.
void BM_FunctionUrlRewriteResultApply(benchmark::State& state) {
  const policy::Request request = BenchRequest();
  const FunctionRun run = RunCloudFrontFunction(
      UrlRewriteCode(), policy::ViewerRequestEvent(kBenchContext, request), {});
  for (auto _ : state) {
    absl::StatusOr<policy::ViewerRequestResult> next =
        policy::ApplyViewerRequestResult(run.output, request);
    benchmark::DoNotOptimize(next);
  }
}
BENCHMARK(BM_FunctionUrlRewriteResultApply);

// The floor: one budgeted engine call of a handler that returns its (empty) event.
void BM_FunctionEmptyHandlerCall(benchmark::State& state) {
  const CloudFrontFunctionCode code{"bench-empty", policy::FunctionRuntime::kJs2,
                                    "function handler(e) { return e; }"};
  const FunctionRuntimeLimits limits;
  for (auto _ : state) {
    FunctionRun run = RunCloudFrontFunction(
        code, [](policy::FunctionValueVisitor& v) { v.BeginObject(); v.EndObject(); }, limits);
    benchmark::DoNotOptimize(run);
  }
}
BENCHMARK(BM_FunctionEmptyHandlerCall);

// The floor under it: the engine's call alone, JSON text in and out.
void BM_FunctionEmptyHandlerEngineCall(benchmark::State& state) {
  JsEngine& engine = JsEngine::ForThisThread();
  const JsCallLimits limits;
  const JsProgramSpec spec{"function handler(e) { return e; }", JsSourceKind::kScript, {}};
  absl::StatusOr<JsProgram*> program = engine.Program("bench-empty", spec, limits);
  if (!program.ok()) {
    state.SkipWithError("no program");
    return;
  }
  for (auto _ : state) {
    JsCallResult result = engine.Call(**program, "{}", limits);
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_FunctionEmptyHandlerEngineCall);

}  // namespace
}  // namespace edgesim::core
