#!/usr/bin/env bash
# Sets up the machine, builds edgesim and runs it.
#   scripts/run.sh               a guided tour of the embedded demo distribution
#   scripts/run.sh ARGS...       `edgesim ARGS...` (e.g. explain --config dist.json /a.jpg)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 --target edgesim >/dev/null
if (($#)); then exec build/edgesim "$@"; fi

# Echo the command as a person would type it, quoting arguments that hold spaces or globs.
run() {
  printf '\n$ edgesim'
  for a in "$@"; do case "$a" in *[\ \*\?]*) printf " '%s'" "$a" ;; *) printf ' %s' "$a" ;; esac; done
  printf '\n'
  build/edgesim "$@"
}
echo "edgesim: the demo distribution (hashed assets cached a year, HTML briefly)."
run explain / --origin-header 'Cache-Control: public, max-age=60'
run explain /assets/app.3f9a1c.js -H 'Accept-Encoding: gzip, deflate, br' \
  --origin-header 'Cache-Control: public, max-age=31536000, immutable' \
  --invalidate /index.html --invalidate '/assets/*'
run explain /missing.html --origin-status 404
cat <<'TRY'

Try next:
  build/edgesim explain --help
  build/edgesim explain --json '/assets/app.js?v=2' --invalidate /assets/app.js --invalidate '/assets/app.js*'
  build/edgesim explain /index.html --origin-header 'Cache-Control: no-store' --min-ttl 60
  build/edgesim check-config tests/testdata/dist-config-s3.json
TRY
