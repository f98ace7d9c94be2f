#!/usr/bin/env bash
# edge_load.sh — edgesim's edge against nginx (proxy_cache) and Varnish, in one run, on one machine.
#
# One origin (nginx serving a 1 KiB object, Cache-Control: max-age=3600) behind three caches:
# nginx proxy_cache, Varnish and `edgesim serve`. Each is warmed, then wrk drives 64 keep-alive
# connections at it: cache hits of the 1 KiB object ("hit"), then misses (a new URL per request,
# so every request goes to the origin: "miss"), then compressed hits ("gzhit": a 10 KiB text/html
# page asked for with Accept-Encoding: gzip; edgesim compresses it once at the edge and serves the
# stored gzip copy (SPEC 4.6), nginx serves a copy compressed once beforehand (`gzip_static`),
# Varnish serves what it stored, uncompressed, as it does without a VCL that sets
# beresp.do_gzip). Two modes: "pinned"
# (the cache on core 0 with one worker/thread, wrk on core 1) and "free" (everything on both
# cores). Prints req/s, p50, p99 and the ratios, plus edgesim's start-up time and idle RSS.
#
#   bench/edge_load.sh [--build-dir build-rel] [--duration 10] [--modes "pinned free"]
#                      [--servers "edgesim nginx varnish edgesim-fn baseline"] [--kinds "hit miss gzhit"]
#                      [--baseline PATH]
#
# edgesim-fn is edgesim with a small viewer-request CloudFront Function on every request (SPEC 15).
# baseline is another edgesim binary (--baseline, e.g. a copy of main's Release build) run exactly
# as edgesim, for before/after pairs in one run: list it next to edgesim in --servers.
#
# Installs wrk, nginx and varnish (Debian packages) when missing. Needs a Release build of edgesim
# (default build-rel: cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=Release -DEDGESIM_BUILD_TESTS=OFF).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=build-rel
duration=10
modes="pinned free"
servers="edgesim nginx varnish"
kinds="hit miss gzhit"
baseline=
connections=64
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build-dir) build_dir=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --modes) modes=$2; shift 2 ;;
    --servers) servers=$2; shift 2 ;;
    --kinds) kinds=$2; shift 2 ;;
    --baseline) baseline=$2; shift 2 ;;
    *) echo "usage: $0 [--build-dir DIR] [--duration SECONDS] [--modes \"pinned free\"] [--servers \"edgesim nginx varnish baseline\"] [--kinds \"hit miss gzhit\"] [--baseline EDGESIM]" >&2; exit 2 ;;
  esac
done
edgesim=$root/$build_dir/edgesim
if [[ " $servers " == *" edgesim"* && ! -x $edgesim ]]; then
  echo "no $edgesim: build it first (Release)" >&2; exit 2
fi
if [[ " $servers " == *" baseline "* && ! -x $baseline ]]; then
  echo "--servers has baseline: --baseline must name an edgesim binary" >&2; exit 2
fi

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || missing+=(nginx-light)
command -v varnishd >/dev/null || missing+=(varnish)
if [[ ${#missing[@]} -gt 0 ]]; then
  # Packages must not start services of their own.
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# In memory when the machine has a tmpfs: nginx's proxy_cache writes every miss to a file, and on
# a disk shared with builds those writes stall it (Varnish and edgesim keep objects in memory).
work=$(mktemp -d /dev/shm/edge_load.XXXXXX 2>/dev/null || mktemp -d /tmp/edge_load.XXXXXX)
chmod 755 "$work"  # nginx and varnish workers run unprivileged
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

source "$root/bench/lib.sh"

origin_port=$(free_port)
payload=$(head -c 1024 /dev/zero | tr '\0' 'x')
mkdir -p "$work/nginx-origin/www/text" "$work/nginx-cache/cache"
# The compressible page: 10 KiB of HTML, inside CloudFront's 1,000..10,000,000 bytes (SPEC 4.6).
python3 -c '
import sys
page = "".join(f"<li class=\"item\">item {i}: some text that compresses</li>\n" for i in range(400))
sys.stdout.write(page[:10240])' >"$work/nginx-origin/www/text/page.html"
# nginx's anchor for compressed hits serves this copy, compressed once beforehand (gzip_static), as
# edgesim serves the copy it compressed once and stored.
gzip -6 -k "$work/nginx-origin/www/text/page.html"
chmod 777 "$work/nginx-cache/cache"
cat >"$work/nginx-origin/nginx.conf" <<EOF
worker_processes 1;
pid $work/nginx-origin/nginx.pid;
error_log $work/nginx-origin/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$origin_port;
    location / {
      add_header Cache-Control "max-age=3600";
      return 200 "$payload";
    }
    location /text/ {
      root $work/nginx-origin/www;
      default_type text/html;
      add_header Cache-Control "max-age=3600";
    }
  }
}
EOF
nginx -c "$work/nginx-origin/nginx.conf" -g 'daemon off;' &
pids+=($!)
wait_http "http://127.0.0.1:$origin_port/obj"

cat >"$work/dist.json" <<EOF
{"CallerReference": "bench", "Comment": "edge_load.sh", "Enabled": true,
 "Origins": {"Quantity": 1, "Items": [{"Id": "origin", "DomainName": "127.0.0.1",
   "CustomOriginConfig": {"HTTPPort": $origin_port, "HTTPSPort": 443, "OriginProtocolPolicy": "http-only"}}]},
 "DefaultCacheBehavior": {"TargetOriginId": "origin", "ViewerProtocolPolicy": "allow-all",
   "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"},
 "CacheBehaviors": {"Quantity": 1, "Items": [{"PathPattern": "/text/*", "TargetOriginId": "origin",
   "ViewerProtocolPolicy": "allow-all", "Compress": true,
   "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"}]}}
EOF
# edgesim-fn: the same distribution with a small CloudFront Function on viewer-request (the SPA
# index rewrite: /dir/ -> /dir/index.html, other paths left alone), run on every request.
cat >"$work/spa-index.js" <<'EOF'
function handler(event) {
  var request = event.request;
  if (request.uri.endsWith('/')) request.uri += 'index.html';
  return request;
}
EOF
python3 - "$work/dist.json" "$work/dist-fn.json" <<'EOF'
import json, sys
config = json.load(open(sys.argv[1]))
config["DefaultCacheBehavior"]["FunctionAssociations"] = {"Quantity": 1, "Items": [
    {"EventType": "viewer-request", "FunctionARN": "spa-index"}]}
json.dump({"DistributionConfig": config,
           "Functions": [{"Name": "spa-index", "FunctionConfig": {"Runtime": "cloudfront-js-1.0"},
                          "FunctionCodeFile": "spa-index.js"}]}, open(sys.argv[2], "w"))
EOF
cat >"$work/miss.lua" <<'EOF'
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, "/miss/" .. tostring(counter) .. "-" .. tostring(math.random(1, 1e9)))
end
EOF

# start_cache NAME CPUS WORKERS -> sets port; the server's pid joins pids.
start_cache() {
  local name=$1 cpus=$2 workers=$3
  port=$(free_port)
  case $name in
    nginx)
      cat >"$work/nginx-cache/nginx.conf" <<EOF
worker_processes $workers;
pid $work/nginx-cache/nginx.pid;
error_log $work/nginx-cache/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  proxy_cache_path $work/nginx-cache/cache levels=1:2 keys_zone=edge:64m max_size=1g inactive=1h use_temp_path=off;
  upstream origin { server 127.0.0.1:$origin_port; keepalive 64; }
  server {
    listen 127.0.0.1:$port;
    location / {
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_cache edge;
      add_header X-Cache \$upstream_cache_status;
    }
    # gzhit: the page compressed once beforehand (level 6, as edgesim's), never per request.
    location /text/ {
      root $work/nginx-origin/www;
      default_type text/html;
      gzip_static on;
      gzip_vary on;
      add_header Cache-Control "max-age=3600";
    }
  }
}
EOF
      taskset -c "$cpus" nginx -c "$work/nginx-cache/nginx.conf" -g 'daemon off;' &
      ;;
    varnish)
      rm -rf "$work/varnish"
      taskset -c "$cpus" varnishd -F -n "$work/varnish" -a "127.0.0.1:$port" \
        -b "127.0.0.1:$origin_port" -s malloc,256m -p thread_pools="$workers" >/dev/null 2>&1 &
      ;;
    edgesim|edgesim-fn|baseline)
      local config=$work/dist.json binary=$edgesim
      [[ $name == edgesim-fn ]] && config=$work/dist-fn.json
      [[ $name == baseline ]] && binary=$baseline
      taskset -c "$cpus" "$binary" serve --config "$config" --listen "127.0.0.1:$port" \
        --api 127.0.0.1:0 --threads "$workers" >"$work/edgesim.out" 2>&1 &
      ;;
  esac
  pids+=($!)
  cache_pid=$!
  wait_http "http://127.0.0.1:$port/obj"
}

stop_cache() { kill "$cache_pid" 2>/dev/null || true; wait "$cache_pid" 2>/dev/null || true; }

# run_wrk CPUS URL [LUA] [HEADER] -> "req_per_s p50_ms p99_ms non_2xx cpu_us_per_request"
# The last is the cache's own CPU time (its processes' user + system) over the requests answered:
# unlike req/s, it holds steady when other work shares the machine.
run_wrk() {
  local cpus=$1 url=$2 lua=${3:-} header=${4:-}
  local args=(-t1 -c"$connections" -d"${duration}s" --latency)
  [[ -n $lua ]] && args+=(-s "$lua")
  [[ -n $header ]] && args+=(-H "$header")
  local cpu_before text cpu_after
  cpu_before=$(tree_cpu_ms "$cache_pid")
  text=$(taskset -c "$cpus" wrk "${args[@]}" "$url")
  cpu_after=$(tree_cpu_ms "$cache_pid")
  python3 -c '
import re, sys
text = sys.stdin.read()
cpu_ms = int(sys.argv[2]) - int(sys.argv[1])
requests = int(re.search(r"(\d+) requests in", text).group(1))
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
def ms(p):
    v, unit = re.search(r"\b" + p + r"%\s+([\d.]+)(us|ms|s)\b", text).groups()
    return float(v) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
p50, p99 = ms("50"), ms("99")
print(f"{rps:.0f} {p50:.3f} {p99:.3f} {errors.group(1) if errors else 0} {cpu_ms * 1000 / requests:.1f}")' \
    "$cpu_before" "$cpu_after" <<<"$text"
}

results=$work/results.txt
: >"$results"
for mode in $modes; do
  if [[ $mode == pinned ]]; then server_cpus=0; wrk_cpus=1; workers=1; else server_cpus=0,1; wrk_cpus=0,1; workers=2; fi
  for name in $servers; do
    start_cache "$name" "$server_cpus" "$workers"
    for kind in $kinds; do
      case $kind in
        hit)
          for _ in 1 2 3; do curl -fs -o /dev/null "http://127.0.0.1:$port/obj"; done
          echo "$mode $name hit $(run_wrk "$wrk_cpus" "http://127.0.0.1:$port/obj")" >>"$results" ;;
        miss)
          echo "$mode $name miss $(run_wrk "$wrk_cpus" "http://127.0.0.1:$port/" "$work/miss.lua")" >>"$results" ;;
        gzhit)
          page="http://127.0.0.1:$port/text/page.html"
          for _ in 1 2 3; do curl -fs -o /dev/null -H 'Accept-Encoding: gzip' "$page"; done
          if ! curl -fs -D - -o /dev/null -H 'Accept-Encoding: gzip' "$page" | grep -qi '^content-encoding: gzip'; then
            echo "note: $name answers $page uncompressed" >&2
          fi
          echo "$mode $name gzhit $(run_wrk "$wrk_cpus" "$page" "" "Accept-Encoding: gzip")" >>"$results" ;;
      esac
    done
    stop_cache
  done
done

# Start-up (exec to the first answered request) and idle RSS of edgesim.
startup="- -"
[[ " $servers " == *" edgesim "* ]] && startup=$(python3 - "$edgesim" "$work/dist.json" <<'EOF'
import socket, subprocess, sys, time, urllib.request
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
t0 = time.monotonic()
p = subprocess.Popen([sys.argv[1], "serve", "--config", sys.argv[2], "--listen", f"127.0.0.1:{port}",
                      "--api", "127.0.0.1:0", "--threads", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
while True:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        break
    except OSError:
        time.sleep(0.001)
ms = (time.monotonic() - t0) * 1000
time.sleep(0.5)
rss = int([l for l in open(f"/proc/{p.pid}/status") if l.startswith("VmRSS")][0].split()[1])
p.terminate(); p.wait()
print(f"{ms:.1f} {rss / 1024:.1f}")
EOF
)

python3 - "$results" "$startup" "$duration" "$connections" <<'EOF'
import sys
rows = [l.split() for l in open(sys.argv[1])]
startup_ms, rss_mb = sys.argv[2].split()
table = {(m, n, k): (float(r), float(p50), float(p99), int(err), float(cpu))
         for m, n, k, r, p50, p99, err, cpu in rows}
print(f"wrk -t1 -c{sys.argv[4]} -d{sys.argv[3]}s, 1 KiB object (gzhit: 10 KiB text/html, gzip), one run")
print("cpu us/req: the server's own CPU time per answered request; x/edgesim: its CPU per request over edgesim's")
print(f"{'mode':7} {'kind':5} {'server':10} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'edgesim/x':>9} "
      f"{'cpu us/req':>10} {'x/edgesim':>9}")
for (mode, name, kind), (rps, p50, p99, err, cpu) in table.items():
    ours = table.get((mode, "edgesim", kind), (float("nan"),) * 5)
    print(f"{mode:7} {kind:5} {name:10} {rps:9.0f} {p50:8.3f} {p99:8.3f} {err:8d} {ours[0] / rps:9.2f} "
          f"{cpu:10.1f} {cpu / ours[4]:9.2f}")
for (mode, name, kind), (rps, *_) in table.items():
    if name == "edgesim-fn" and (mode, "edgesim", kind) in table:
        print(f"{mode} {kind}: with a viewer-request function / without: "
              f"{rps / table[(mode, 'edgesim', kind)][0]:.2f}x")
print(f"edgesim start-up to serving: {startup_ms} ms; idle RSS: {rss_mb} MiB")
EOF
