# tests/api/lib.sh — sourced by the AWS CLI tests: a private `edgesim serve` (and moto_server),
# the CLI isolated from the user's ~/.aws, and small assertions. Usage (in a test script):
#   . "$(dirname "$0")/lib.sh" "$1"        # $1: the edgesim binary
#   start_serve --invalidation-delay 0     # sets EDGE, API, AWS_ENDPOINT_URL_CLOUDFRONT
#   expect_eq "status" Completed "$(aws cloudfront get-invalidation ... --output text)"
#   expect_error NoSuchDistribution aws cloudfront get-distribution --id ENOSUCH
set -euo pipefail

EDGESIM=${1:?usage: $0 path/to/edgesim}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/edgesim-api-XXXXXX")
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# The CLI must not read the user's profiles, endpoints or credentials.
: >"$WORK/aws-config"
: >"$WORK/aws-credentials"
unset AWS_PROFILE AWS_ENDPOINT_URL AWS_SESSION_TOKEN AWS_ENDPOINT_URL_S3
export AWS_CONFIG_FILE=$WORK/aws-config AWS_SHARED_CREDENTIALS_FILE=$WORK/aws-credentials
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
export AWS_MAX_ATTEMPTS=1 AWS_PAGER=""

fail() {
  echo "FAIL: $*" >&2
  [ -f "$WORK/serve.err" ] && sed 's/^/serve stderr: /' "$WORK/serve.err" >&2
  exit 1
}

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
  [ "$2" == "$3" ] || fail "$1: expected [$2], got [$3]"
  echo "ok: $1"
}

# expect_error CODE COMMAND...: the command fails and names CODE, as the CLI prints
# "An error occurred (CODE) when calling ...".
expect_error() {
  local code=$1 out
  shift
  if out=$("$@" 2>&1); then fail "expected $code, but it succeeded: $*: $out"; fi
  case "$out" in
    *"($code)"*) echo "ok: $code" ;;
    *) fail "expected $code from $*: $out" ;;
  esac
}

# Waits (up to 20 s) until FILE holds a line starting with PREFIX; prints the rest of that line.
line_after() {
  local file=$1 prefix=$2 pid=$3
  for _ in $(seq 200); do
    if grep -q "^$prefix" "$file" 2>/dev/null; then
      sed -n "s|^$prefix||p" "$file" | head -1
      return
    fi
    kill -0 "$pid" 2>/dev/null || fail "process $pid exited early"
    sleep 0.1
  done
  fail "no line starting with [$prefix] in $file"
}

# start_serve ARGS...: `edgesim serve` on ports from the OS.
start_serve() {
  "$EDGESIM" serve --listen 127.0.0.1:0 --api 127.0.0.1:0 --threads 2 "$@" \
    >"$WORK/serve.out" 2>"$WORK/serve.err" &
  PIDS+=($!)
  EDGE=$(line_after "$WORK/serve.out" "edge listening on " $!)
  API=$(line_after "$WORK/serve.out" "api listening on " $!)
  export AWS_ENDPOINT_URL_CLOUDFRONT=$API
}

# start_moto: moto_server as S3 on a free port; sets MOTO.
start_moto() {
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  moto_server -H 127.0.0.1 -p "$port" >"$WORK/moto.log" 2>&1 &
  PIDS+=($!)
  MOTO=http://127.0.0.1:$port
  for _ in $(seq 300); do
    curl -s -o /dev/null "$MOTO/" && return
    kill -0 "${PIDS[-1]}" 2>/dev/null || fail "moto_server exited: $(cat "$WORK/moto.log")"
    sleep 0.1
  done
  fail "moto_server does not answer"
}
