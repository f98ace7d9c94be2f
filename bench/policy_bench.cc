// Hot paths of the CloudFront model: behavior selection, cache-key building, TTL decisions.
// Run: build/bench/edgesim_bench --benchmark_filter=Policy
#include <fnmatch.h>
#include <xxhash.h>

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

const std::vector<std::string> kTargets = {
    "/assets/app.3f9a1c.js", "/index.html",           "/api/v2/users/42?expand=1",
    "/images/2024/05/a.jpg", "/blog/post/hello",      "/assets/site.9c1e.css",
    "/media/intro.webm",     "/no/match/anywhere/x.html"};

void BM_PolicyBehaviorMatch(benchmark::State& state) {
  absl::StatusOr<BehaviorTable> table = BehaviorTable::Build(TwentyFiveBehaviors());
  const std::vector<std::string>& targets = kTargets;
  size_t i = 0;
  for (auto _ : state) {
    BehaviorMatch m = table->Match(targets[i++ % targets.size()]);
    benchmark::DoNotOptimize(m.index);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PolicyBehaviorMatch);

// Baseline: libc's fnmatch(3) over the same 25 patterns, first match wins; it does less than
// BehaviorTable (no path normalization) and is what a quick emulator would write.
void BM_BaselineFnmatchBehaviorMatch(benchmark::State& state) {
  std::vector<std::string> patterns;
  for (const CacheBehavior& b : TwentyFiveBehaviors().behaviors) {
    patterns.push_back(b.path_pattern[0] == '/' ? b.path_pattern.substr(1) : b.path_pattern);
  }
  std::vector<std::string> paths;
  for (const std::string& t : kTargets) paths.push_back(t.substr(1, t.find('?') - 1));
  size_t i = 0;
  for (auto _ : state) {
    const std::string& path = paths[i++ % paths.size()];
    int index = -1;
    for (size_t p = 0; p < patterns.size() && index < 0; ++p) {
      if (fnmatch(patterns[p].c_str(), path.c_str(), 0) == 0) index = static_cast<int>(p);
    }
    benchmark::DoNotOptimize(index);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BaselineFnmatchBehaviorMatch);

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

// Baseline: the least a key can be, one concatenated string (domain, path, raw Accept-Encoding)
// and its XXH3 hash, with none of CloudFront's selection or normalization.
void BM_BaselineConcatHashKey(benchmark::State& state) {
  Request r = Request::Get("/assets/app.3f9a1c.js?v=12&color=red&utm_source=x");
  r.headers.Add("Accept-Encoding", "gzip, deflate, br");
  for (auto _ : state) {
    std::string key = absl::StrCat("d111111abcdef8.cloudfront.net", r.path(), "\n",
                                   r.headers.Get("Accept-Encoding").value_or(""));
    benchmark::DoNotOptimize(XXH3_64bits(key.data(), key.size()));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BaselineConcatHashKey);

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
