#!/usr/bin/env bash
# Sets up the machine, builds edgesim and runs it.
#   scripts/run.sh               the emulator with its embedded demo distribution and origin
#                                (`edgesim serve --demo`), printing what to try with curl and the
#                                AWS CLI; Ctrl-C stops it
#   scripts/run.sh ARGS...       `edgesim ARGS...` (e.g. simulate scenarios/deploy-pattern.json)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 --target edgesim >/dev/null
if (($#)); then exec build/edgesim "$@"; fi
exec build/edgesim serve --demo
