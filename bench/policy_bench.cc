// Hot paths of the CloudFront model: behavior selection, cache-key building, TTL decisions.
// Run: build/bench/edgesim_bench --benchmark_filter=Policy
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "policy/behavior_table.h"
#include "policy/cache_control.h"
#include "policy/cache_key.h"
#include "policy/cache_policy.h"
#include "policy/distribution.h"
#include "policy/ttl.h"

namespace edgesim::policy {
namespace {

// 25 behaviors shaped like real distributions: directories, extensions, API versions.
DistributionConfig TwentyFiveBehaviors() {
  DistributionConfig config;
  const char* patterns[] = {
      "/api/v1/*",    "/api/v2/*",     "/api/v3/*",    "/graphql",      "/auth/*",
      "/static/*.js", "/static/*.css", "/static/*",    "/images/*.jpg", "/images/*.png",
      "/images/*",    "/fonts/*",      "/media/*.mp4", "/media/*",      "/downloads/*",
      "/blog/*",      "/docs/*",       "/help/*",      "*.json",        "*.xml",
      "/assets/*.js", "/assets/*.css", "/assets/*",    "/favicon.ico",  "/robots.txt",
  };
  for (const char* p : patterns) {
    CacheBehavior b;
    b.path_pattern = p;
    b.target_origin_id = "origin";
    config.behaviors.push_back(b);
  }
  config.default_behavior.target_origin_id = "origin";
  return config;
}

void BM_PolicyBehaviorMatch(benchmark::State& state) {
  absl::StatusOr<BehaviorTable> table = BehaviorTable::Build(TwentyFiveBehaviors());
  std::vector<std::string> targets = {"/assets/app.3f9a1c.js",     "/index.html",
                                      "/api/v2/users/42?expand=1", "/images/2024/05/a.jpg",
                                      "/blog/post/hello",          "/assets/site.9c1e.css",
                                      "/media/intro.webm",         "/no/match/anywhere/x.html"};
  size_t i = 0;
  for (auto _ : state) {
    BehaviorMatch m = table->Match(targets[i++ % targets.size()]);
    benchmark::DoNotOptimize(m.index);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PolicyBehaviorMatch);

CachePolicy KeyHeavyPolicy() {
  CachePolicy p;
  p.enable_accept_encoding_gzip = p.enable_accept_encoding_brotli = true;
  p.query_strings = {KeyListBehavior::kWhitelist, {"v", "color", "size"}};
  p.headers = {KeyListBehavior::kWhitelist, {"Accept-Language", "Origin"}};
  p.cookies = {KeyListBehavior::kWhitelist, {"session", "locale"}};
  return p;
}

void BM_PolicyBuildCacheKey(benchmark::State& state) {
  const bool heavy = state.range(0) == 1;
  CachePolicy policy = heavy ? KeyHeavyPolicy() : *FindManagedCachePolicy("CachingOptimized");
  Request r = Request::Get("/assets/app.3f9a1c.js?v=12&color=red&utm_source=x");
  r.headers.Add("Accept-Encoding", "gzip, deflate, br");
  r.headers.Add("Accept-Language", "en-US");
  r.headers.Add("User-Agent", "Mozilla/5.0 (X11; Linux x86_64)");
  r.headers.Add("Cookie", "session=abc123; theme=dark; locale=en");
  for (auto _ : state) {
    CacheKey key = BuildCacheKey(r, "d111111abcdef8.cloudfront.net", policy);
    benchmark::DoNotOptimize(key.hash);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(heavy ? "query+headers+cookies" : "CachingOptimized");
}
BENCHMARK(BM_PolicyBuildCacheKey)->Arg(0)->Arg(1);

// What `edgesim explain` pays on top of BuildCacheKey for the components.
void BM_PolicyExplainCacheKey(benchmark::State& state) {
  const CachePolicy policy = KeyHeavyPolicy();
  Request r = Request::Get("/assets/app.3f9a1c.js?v=12&color=red&utm_source=x");
  r.headers.Add("Accept-Encoding", "gzip, deflate, br");
  r.headers.Add("Accept-Language", "en-US");
  r.headers.Add("Cookie", "session=abc123; theme=dark; locale=en");
  for (auto _ : state) {
    CacheKey key = ExplainCacheKey(r, "d111111abcdef8.cloudfront.net", policy);
    benchmark::DoNotOptimize(key.components.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PolicyExplainCacheKey);

void BM_PolicyParseCacheControl(benchmark::State& state) {
  for (auto _ : state) {
    ResponseCacheControl cc =
        ParseResponseCacheControl("public, max-age=3600, s-maxage=600, stale-while-revalidate=60");
    benchmark::DoNotOptimize(cc);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PolicyParseCacheControl);

// Arg 0: DecideTtl, the caches' call; 1: ExplainTtl, which also writes the reason and steps.
void BM_PolicyDecideTtl(benchmark::State& state) {
  const bool explain = state.range(0) == 1;
  CachePolicy policy;
  policy.min_ttl = absl::Seconds(60);
  policy.max_ttl = absl::Seconds(3600);
  Response r;
  r.headers.Add("Cache-Control", "public, max-age=7200, stale-if-error=600");
  r.headers.Add("ETag", "\"abc\"");
  const absl::Time now = absl::FromUnixSeconds(1700000000);
  for (auto _ : state) {
    TtlDecision d = explain ? ExplainTtl(r, policy, now, TtlContext{})
                            : DecideTtl(r, policy, now, TtlContext{});
    benchmark::DoNotOptimize(d.fresh_for);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(explain ? "ExplainTtl" : "DecideTtl");
}
BENCHMARK(BM_PolicyDecideTtl)->Arg(0)->Arg(1);

}  // namespace
}  // namespace edgesim::policy
