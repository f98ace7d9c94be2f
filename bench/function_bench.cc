// One CloudFront Function invocation (SPEC 15): event built from a request, the handler run on the
// thread's engine (compiled once, cached), the result applied back onto the request.
// Run: build/bench/edgesim_bench --benchmark_filter=Function
#include <string>
#include <variant>

#include "benchmark/benchmark.h"
#include "core/function_runtime.h"
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

void BM_FunctionUrlRewrite(benchmark::State& state) {
  const CloudFrontFunctionCode code{"bench-url-rewrite", policy::FunctionRuntime::kJs2, kUrlRewrite};
  policy::Request request = policy::Request::Get("/docs/?lang=en");
  request.headers.Add("Host", "d111111abcdef8.cloudfront.net");
  request.headers.Add("Accept", "text/html");
  request.headers.Add("User-Agent", "bench");
  const policy::FunctionEventContext context{"d111111abcdef8.cloudfront.net", "EDFDVBD6EXAMPLE",
                                             "bench"};
  const FunctionRuntimeLimits limits;
  for (auto _ : state) {
    FunctionRun run = RunCloudFrontFunction(code, policy::ViewerRequestEvent(context, request), limits);
    absl::StatusOr<policy::ViewerRequestResult> next =
        policy::ApplyViewerRequestResult(run.output, request);
    if (!next.ok() || std::get<policy::Request>(*next).target != "/docs/index.html?lang=en") {
      state.SkipWithError("wrong rewrite");
      break;
    }
    benchmark::DoNotOptimize(next);
  }
}
BENCHMARK(BM_FunctionUrlRewrite);

}  // namespace
}  // namespace edgesim::core
