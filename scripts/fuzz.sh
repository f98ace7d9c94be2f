#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang (build-fuzz/: only the libraries they drive, no
# tests or CLI) and runs each over its seed corpus, then fuzzes it for FUZZ_SECONDS (20); a crash,
# sanitizer report, leak, timeout or out-of-memory fails the run and leaves the input in
# build-fuzz/artifacts/. Two targets run at a time, one per core.
#   scripts/fuzz.sh                    every target
#   scripts/fuzz.sh cache_key api_xml  only these
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

export CMAKE_GENERATOR="${CMAKE_GENERATOR:-Ninja}"
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DEDGESIM_FUZZ=ON -DEDGESIM_UNITY_BUILD=ON -DEDGESIM_BUILD_TESTS=OFF -DEDGESIM_BUILD_BENCH=OFF \
  "${launcher[@]}" >/dev/null
cmake --build build-fuzz -j2 --target fuzz

targets=("$@")
if ((${#targets[@]} == 0)); then
  for f in fuzz/*_fuzzer.cc; do targets+=("$(basename "$f" _fuzzer.cc)"); done
fi

# New inputs go to build-fuzz/corpus/<target>/, so the committed seeds stay as they are.
run_one() {
  local t=$1 out=build-fuzz/corpus/$1 log=build-fuzz/logs/$1.log flags=()
  # The edge's caches free retired tables later (epoch reclamation), so most inputs end with more
  # allocations than frees and libFuzzer's leak check would run LeakSanitizer after each: 20x
  # slower. Its memory stays bounded (-rss_limit_mb still applies).
  if [ "$t" = edge_request ]; then flags=(-detect_leaks=0); fi
  mkdir -p "$out" build-fuzz/logs build-fuzz/artifacts
  if build-fuzz/fuzz/"$t"_fuzzer -max_total_time="${FUZZ_SECONDS:-20}" -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=build-fuzz/artifacts/"$t"- \
      "${flags[@]}" "$out" fuzz/corpus/"$t" >"$log" 2>&1; then
    echo "fuzz: $t ok, $(grep -m1 -o 'executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$') runs"
  else
    echo "fuzz: $t FAILED" >&2
    tail -n 60 "$log" >&2
    return 1
  fi
}
export -f run_one
printf '%s\n' "${targets[@]}" | xargs -P 2 -I{} bash -c 'run_one {}'
