#!/usr/bin/env bash
# Simulator throughput, end to end: a seeded 10M-request Zipf(1.0) trace over 1M objects
# (bench/make_trace.cc) in libCacheSim's oracleGeneral form and as CSV, replayed by
# `edgesim simulate` with reading included: LRU, FIFO and SIEVE at 1% and 10% of the working set
# in bytes (the eviction policy alone, "model": "cache-only", as libCacheSim replays). The full
# CloudFront model (behaviors, keys, TTLs) needs paths, which object ids cannot give: it replays
# the same draws written with paths (zipf-paths.csv) through scenarios/deploy-pattern.json's
# distribution and origin rules, beside a cache-only replay of that file. One variant per run,
# one thread, so requests/s is per core; then one run of all six cache-only variants to show that
# a sweep decodes the trace once.
#
#   bench/sim_throughput.sh [--build-dir build-rel] [--requests 10000000] [--objects 1000000]
set -euo pipefail
cd "$(dirname "$0")/.."
build=build-rel requests=10000000 objects=1000000
while (($#)); do
  case "$1" in
    --build-dir) build=$2; shift 2 ;;
    --requests) requests=$2; shift 2 ;;
    --objects) objects=$2; shift 2 ;;
    *) echo "usage: bench/sim_throughput.sh [--build-dir D] [--requests N] [--objects N]" >&2; exit 2 ;;
  esac
done
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DEDGESIM_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j2 --target edgesim edgesim_make_trace >/dev/null
work=$(mktemp -d /tmp/edgesim-simbench.XXXXXX)
trap 'rm -rf "$work"' EXIT
summary=$("$build/bench/edgesim_make_trace" "$work" "$requests" "$objects" 1.0 1)
echo "trace: $summary"
python3 - "$build/edgesim" "$work" "$summary" <<'PY'
import json, os, resource, subprocess, sys, time

edgesim, work, summary = sys.argv[1], sys.argv[2], dict(kv.split("=") for kv in sys.argv[3].split())
requests, working_set = int(summary["requests"]), int(summary["working_set_bytes"])
columns = {"time": 0, "key": 1, "size": 2, "status": 3, "pop": 4}
workloads = {
    "oracleGeneral": {"kind": "oracle-general", "file": f"{work}/zipf.oracleGeneral.bin"},
    "CSV": {"kind": "csv", "file": f"{work}/zipf.csv", "header": True, "columns": columns},
    "CSV with paths": {"kind": "csv", "file": f"{work}/zipf-paths.csv", "header": True,
                       "columns": columns},
}
with open("scenarios/deploy-pattern.json") as f:
    site = json.load(f)

def cache_only(eviction, percent):
    return {"name": f"{eviction} {percent}%", "model": "cache-only", "eviction": eviction,
            "capacity_bytes": working_set * percent // 100}

def run(fmt, variants, threads=1):
    scenario = f"{work}/scenario.json"
    with open(scenario, "w") as f:
        json.dump({"name": "sim-throughput", "workload": workloads[fmt], "variants": variants,
                   "distribution": site["distribution"], "origin": site["origin"]}, f)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([edgesim, "simulate", scenario, "--threads", str(threads), "--out", f"{work}/out"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    with open(f"{work}/out/report.json") as f:
        report = json.load(f)
    return wall, cpu, report["variants"]

def miss_ratio(v):
    t = v["total"]
    return 1 - (t["hits"] + t.get("refresh_hits", 0)) / t["requests"]

def replay(fmt, rows):
    for variant in rows:
        wall, cpu, result = run(fmt, [variant])
        # The simulator falls back to cache-only on a trace without paths; a row must say so.
        assert result[0]["mode"] == variant.get("model", "full"), result[0]["mode"]
        label = variant["name"].rsplit(" ", 1)
        print(f"| {fmt} | {label[0]} | {label[1]} | {requests / wall / 1e6:.2f} M | "
              f"{requests / cpu / 1e6:.2f} M | {miss_ratio(result[0]):.4f} |")

print(f"\n| input | replay | capacity | requests/s (wall) | requests/s per CPU second | miss ratio |")
print("|---|---|---:|---:|---:|---:|")
for fmt in ("oracleGeneral", "CSV"):
    grid = [cache_only(e, p) for e in ("lru", "fifo", "sieve") for p in (1, 10)]
    replay(fmt, grid)
    wall, cpu, _ = run(fmt, grid, threads=0)
    print(f"| {fmt} | sweep of 6 cache-only variants, all cores | | "
          f"{6 * requests / wall / 1e6:.2f} M | {6 * requests / cpu / 1e6:.2f} M | |")
replay("CSV with paths", [cache_only("lru", 10),
                          {"name": "full model lru 10%", "eviction": "lru",
                           "capacity_bytes": working_set * 10 // 100}])
PY
