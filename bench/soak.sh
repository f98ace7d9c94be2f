#!/usr/bin/env bash
# soak.sh — `edgesim serve` under mixed traffic for a long while: does it stay up, answer every
# request correctly and keep its memory flat?
#
# One Release `edgesim serve` (real clock, --cache-mib MiB per cache, default 8: the misses fill it
# within the warm-up, then evict) in front of bench/soak_origin.py, for --duration seconds
# (default 600), with at the same time:
#   - clean traffic (wrk, 8 connections, at most one request per connection per ms): 50 % hits of
#     100 objects, 20 % misses of never-seen URLs (the cache fills, then evicts), 15 % objects that
#     expire every second, 10 % no-store objects; every answer must be 200;
#   - origin faults (wrk, 2 connections): the origin resets the connection, answers after 2 s,
#     answers 503, or truncates its body; every answer must be 200, 502, 503 or 504; socket
#     errors on these connections and truncated bodies served as whole 200s are reported, not
#     fatal (how the edge answers a truncated origin body is not this script's to judge);
#   - the API port, once a second: CreateInvalidation (CloudFront's XML, by curl), GetInvalidation,
#     GET /_edgesim/stats, every 5 s POST /_edgesim/invalidate and ListInvalidations, every 30 s
#     GET /_edgesim/cache; every answer must have its documented status.
# The serve process's RSS (VmRSS of /proc/PID/status) is sampled every second into rss.csv.
# Memory is flat when the largest sample after the warm-up (the first 20 % of the run) is at most
# 10 % above the warm-up level, the largest sample of the warm-up (the caches fill during it).
# At the end the server must still answer /_edgesim/health and exit 0 on SIGTERM.
#
#   bench/soak.sh [--build-dir build-rel] [--duration 600] [--cache-mib 8] [--out DIR]
#
# Prints one summary line; exits 1 when a check fails. --out keeps rss.csv and the logs (default:
# a temporary directory, removed). Needs wrk, curl, python3 and a Release build (default build-rel:
# cmake -S . -B build-rel -G Ninja -DCMAKE_BUILD_TYPE=Release -DEDGESIM_BUILD_TESTS=OFF).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=build-rel
duration=600
cache_mib=8
out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build-dir) build_dir=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --cache-mib) cache_mib=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "usage: $0 [--build-dir DIR] [--duration SECONDS] [--cache-mib 8] [--out DIR]" >&2; exit 2 ;;
  esac
done
[[ $build_dir == /* ]] || build_dir=$root/$build_dir
edgesim=$build_dir/edgesim
[[ -x $edgesim ]] || { echo "no $edgesim: build it first (Release)" >&2; exit 2; }
for tool in wrk curl python3; do
  command -v $tool >/dev/null || { echo "soak.sh needs $tool" >&2; exit 2; }
done

if [[ -n $out ]]; then
  mkdir -p "$out"; work=$(cd "$out" && pwd)
else
  work=$(mktemp -d /tmp/soak.XXXXXX)
fi
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [[ -n $out ]] || rm -rf "$work"
}
trap cleanup EXIT

source "$root/bench/lib.sh"

origin_port=$(free_port)
python3 "$root/bench/soak_origin.py" "$origin_port" &
pids+=($!)
wait_http "http://127.0.0.1:$origin_port/hit/0"

cat >"$work/dist.json" <<EOF
{"CallerReference": "soak", "Comment": "soak.sh", "Enabled": true,
 "Origins": {"Quantity": 1, "Items": [{"Id": "origin", "DomainName": "127.0.0.1",
   "CustomOriginConfig": {"HTTPPort": $origin_port, "HTTPSPort": 443, "OriginProtocolPolicy": "http-only",
     "OriginReadTimeout": 5}}]},
 "DefaultCacheBehavior": {"TargetOriginId": "origin", "ViewerProtocolPolicy": "allow-all",
   "ForwardedValues": {"QueryString": false, "Cookies": {"Forward": "none"}}, "MinTTL": 0}}
EOF
"$edgesim" serve --config "$work/dist.json" --listen 127.0.0.1:0 --api 127.0.0.1:0 --threads 2 \
  --cache-size $((cache_mib << 20)) --invalidation-delay 0 >"$work/serve.out" 2>"$work/serve.err" &
serve_pid=$!
pids+=($serve_pid)
for _ in $(seq 1 200); do grep -q '^api listening' "$work/serve.out" && break; sleep 0.05; done
edge=$(sed -n 's/^edge listening on //p' "$work/serve.out")
api=$(sed -n 's/^api listening on //p' "$work/serve.out")
dist_id=$(awk '$1 == "distribution" {print $2; exit}' "$work/serve.out")
[[ -n $api && -n $dist_id ]] || { echo "serve did not start: $(cat "$work/serve.err")" >&2; exit 1; }

# Status counts per wrk thread, printed by done() as "status CODE COUNT".
status_lua='
local threads = {}
function setup(thread) table.insert(threads, thread) end
statuses = {}
truncated = 0
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  -- The origin truncates its 4096-byte "t..." bodies to 1000 bytes.
  if status == 200 and body:sub(1, 1) == "t" and #body < 4096 then truncated = truncated + 1 end
end
function done(summary, latency, requests)
  local total, short = {}, 0
  for _, t in ipairs(threads) do
    for code, n in pairs(t:get("statuses")) do total[code] = (total[code] or 0) + n end
    short = short + t:get("truncated")
  end
  for code, n in pairs(total) do io.write(string.format("status %d %d\n", code, n)) end
  io.write(string.format("truncated %d\n", short))
end
function delay() return 1 end
'
cat >"$work/clean.lua" <<EOF
$status_lua
local counter = 0
local run = tostring(math.random(1, 1e9))
request = function()
  counter = counter + 1
  local slot = counter % 20
  local path
  if slot < 10 then path = "/hit/" .. (counter % 100)
  elseif slot < 14 then path = "/miss/" .. run .. "-" .. counter
  elseif slot < 17 then path = "/short/" .. (counter % 500)
  elseif slot < 19 then path = "/nostore/" .. (counter % 50)
  else path = "/hit/" .. (counter % 100) .. "?q=" .. (counter % 7) end
  return wrk.format(nil, path)
end
EOF
cat >"$work/faults.lua" <<EOF
$status_lua
local counter = 0
local faults = {"reset", "hang", "5xx", "truncate"}
local run = tostring(math.random(1, 1e9))
request = function()
  counter = counter + 1
  return wrk.format(nil, "/fault/" .. faults[counter % 4 + 1] .. "/" .. run .. "-" .. counter)
end
EOF

# RSS every second: seconds since start, KiB.
echo "seconds,rss_kib" >"$work/rss.csv"
(
  start=$EPOCHREALTIME
  while kill -0 "$serve_pid" 2>/dev/null; do
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$serve_pid/status" 2>/dev/null || true)
    [[ -n $rss ]] && awk -v now="$EPOCHREALTIME" -v start="$start" -v rss="$rss" \
      'BEGIN { printf "%.1f,%s\n", now - start, rss }' >>"$work/rss.csv"
    sleep 1
  done
) &
pids+=($!)

wrk -t1 -c8 -d"${duration}s" --timeout 10s -s "$work/clean.lua" "$edge" >"$work/wrk-clean.txt" 2>&1 &
wrk_clean=$!
wrk -t1 -c2 -d"${duration}s" --timeout 10s -s "$work/faults.lua" "$edge" >"$work/wrk-faults.txt" 2>&1 &
wrk_faults=$!

# The API port: "CODE EXPECTED CALL" per call into api.log.
api_call() {  # api_call EXPECTED NAME CURL_ARGS...
  local expected=$1 name=$2; shift 2
  local code
  code=$(curl -s -o "$work/api-last.txt" -w '%{http_code}' --max-time 30 "$@" || echo 000)
  echo "$code $expected $name" >>"$work/api.log"
}
: >"$work/api.log"
end=$((SECONDS + duration))
tick=0
while ((SECONDS < end)); do
  tick=$((tick + 1))
  api_call 201 CreateInvalidation -X POST --data-binary \
    "<InvalidationBatch xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\"><CallerReference>soak-$tick-$RANDOM</CallerReference><Paths><Quantity>2</Quantity><Items><Path>/short/*</Path><Path>/hit/$((tick % 100))</Path></Items></Paths></InvalidationBatch>" \
    "$api/2020-05-31/distribution/$dist_id/invalidation"
  inv_id=$(sed -n 's:.*<Id>\([^<]*\)</Id>.*:\1:p' "$work/api-last.txt" | head -1)
  [[ -n $inv_id ]] && api_call 200 GetInvalidation "$api/2020-05-31/distribution/$dist_id/invalidation/$inv_id"
  api_call 200 stats "$api/_edgesim/stats"
  if ((tick % 5 == 0)); then
    api_call 200 invalidate -X POST -H 'Content-Type: application/json' \
      -d "{\"distribution\": \"$dist_id\", \"paths\": [\"/nostore/*\"]}" "$api/_edgesim/invalidate"
    api_call 200 ListInvalidations "$api/2020-05-31/distribution/$dist_id/invalidation?MaxItems=5"
  fi
  ((tick % 30 == 0)) && api_call 200 cache "$api/_edgesim/cache?distribution=$dist_id"
  sleep 1
done
wait "$wrk_clean" "$wrk_faults" || true

alive=no
health=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$api/_edgesim/health" || true)
kill -0 "$serve_pid" 2>/dev/null && [[ $health == 200 ]] && alive=yes
kill -TERM "$serve_pid" 2>/dev/null || true
exit_code=0
wait "$serve_pid" || exit_code=$?

python3 - "$work" "$duration" "$alive" "$exit_code" <<'EOF'
import csv, re, sys
work, duration, alive, exit_code = sys.argv[1], float(sys.argv[2]), sys.argv[3], int(sys.argv[4])

def wrk(name, allowed):
    text = open(f"{work}/wrk-{name}.txt").read()
    statuses = {int(c): int(n) for c, n in re.findall(r"^status (\d+) (\d+)$", text, re.M)}
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    socket_errors = sum(map(int, sock.groups())) if sock else 0
    unexpected = sum(n for c, n in statuses.items() if c not in allowed)
    truncated = int(re.search(r"^truncated (\d+)$", text, re.M).group(1))
    return sum(statuses.values()), statuses, socket_errors, unexpected, truncated

clean_n, clean_st, clean_sock, clean_bad, _ = wrk("clean", {200})
fault_n, fault_st, fault_sock, fault_bad, fault_short = wrk("faults", {200, 502, 503, 504})
api = [line.split() for line in open(f"{work}/api.log")]
api_bad = [l for l in api if l[0] != l[1]]

rows = [(float(s), int(k)) for s, k in csv.reader(open(f"{work}/rss.csv")) if s != "seconds"]
warm = [k for s, k in rows if s <= 0.2 * duration] or [0]
after = [k for s, k in rows if s > 0.2 * duration] or [0]
warm_level, after_max, end_rss = max(warm), max(after), rows[-1][1] if rows else 0
flat = after_max <= 1.10 * warm_level

ok = flat and alive == "yes" and exit_code == 0 and clean_bad == 0 and clean_sock == 0 \
    and fault_bad == 0 and not api_bad
print(f"soak {'PASS' if ok else 'FAIL'}: {duration:.0f} s; requests: clean {clean_n} "
      f"(statuses {dict(sorted(clean_st.items()))}, socket errors {clean_sock}), "
      f"faults {fault_n} (statuses {dict(sorted(fault_st.items()))}, socket errors {fault_sock}, "
      f"truncated bodies served as 200 {fault_short}), "
      f"api {len(api)} ({len(api_bad)} unexpected); RSS KiB warm-up {warm_level} "
      f"max-after {after_max} ({100.0 * after_max / max(warm_level, 1) - 100:+.1f} %) end {end_rss}; "
      f"alive {alive}, exit {exit_code}")
for line in api_bad[:5]:
    print("  unexpected API answer:", " ".join(line))
sys.exit(0 if ok else 1)
EOF
