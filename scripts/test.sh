#!/usr/bin/env bash
# Sets up the machine, builds edgesim and runs every test with ctest.
#   scripts/test.sh          every test under AddressSanitizer + UBSan (build-asan/): what CI runs
#   scripts/test.sh --plain  every test in the normal optimized build (build/, as scripts/run.sh)
#   scripts/test.sh --tsan   the concurrent code (core/) under ThreadSanitizer (build-tsan/)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

# New build folders use Ninja (setup.sh installs it); the sanitized ones are unity builds, which
# halve their compile time (CMakeLists.txt, EDGESIM_UNITY_BUILD).
export CMAKE_GENERATOR="${CMAKE_GENERATOR:-Ninja}"
build=build-asan
flags=(-DEDGESIM_ASAN=ON -DEDGESIM_UNITY_BUILD=ON -DEDGESIM_BUILD_BENCH=OFF)
targets=(all)
labels=()
case "${1:-}" in
  ""|--asan) ;;
  --plain) build=build; flags=() ;;
  --tsan) build=build-tsan; flags=(-DEDGESIM_TSAN=ON -DEDGESIM_UNITY_BUILD=ON -DEDGESIM_BUILD_BENCH=OFF)
          targets=(edgesim_core_test); labels=(-L core) ;;
  *) echo "usage: scripts/test.sh [--plain|--tsan]" >&2; exit 2 ;;
esac

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo "${flags[@]}" >/dev/null
cmake --build "$build" -j2 --target "${targets[@]}"
ctest --test-dir "$build" --output-on-failure --no-tests=error -j2 "${labels[@]}"
