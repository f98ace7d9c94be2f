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
# With --libcachesim PATH (a libCacheSim `cachesim` binary; without it that part is skipped),
# the same run also times cachesim, whole process, on the same oracleGeneral file and byte
# capacities for LRU and SIEVE at 1% and 10%, each paired with edgesim's cache-only replay of
# that variant (alternating which runs first), and sets the full model's requests/s against
# cachesim's LRU 10%: the goal is a full CloudFront model as fast as libCacheSim replays a bare
# eviction policy. Build the anchor from libCacheSim's public source (github.com/1a1a11a/
# libCacheSim; see bench/RESULTS.md, "libCacheSim anchor", for the files and commits used) in a
# temporary folder, never in this repository: a Release build (upstream's default, -O3) with
# glib-2.0 (libglib2.0-dev; libzstd-dev for compressed traces) gives _build/bin/cachesim:
#   cmake -S /tmp/libcachesim/src -B /tmp/libcachesim/src/_build -DCMAKE_BUILD_TYPE=Release
#   cmake --build /tmp/libcachesim/src/_build -j2 --target cachesim
#
#   bench/sim_throughput.sh [--build-dir build-rel] [--requests 10000000] [--objects 1000000]
#                           [--libcachesim /tmp/libcachesim/src/_build/bin/cachesim]
set -euo pipefail
cd "$(dirname "$0")/.."
build=build-rel requests=10000000 objects=1000000 libcachesim=
while (($#)); do
  case "$1" in
    --build-dir) build=$2; shift 2 ;;
    --requests) requests=$2; shift 2 ;;
    --objects) objects=$2; shift 2 ;;
    --libcachesim) libcachesim=$2; shift 2 ;;
    *) echo "usage: bench/sim_throughput.sh [--build-dir D] [--requests N] [--objects N]" \
            "[--libcachesim CACHESIM]" >&2; exit 2 ;;
  esac
done
if [[ -n $libcachesim && ! -x $libcachesim ]]; then
  echo "--libcachesim: $libcachesim is not an executable" >&2; exit 2
fi
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DEDGESIM_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j2 --target edgesim edgesim_make_trace >/dev/null
work=$(mktemp -d /tmp/edgesim-simbench.XXXXXX)
trap 'rm -rf "$work"' EXIT
summary=$("$build/bench/edgesim_make_trace" "$work" "$requests" "$objects" 1.0 1)
echo "trace: $summary"
python3 - "$build/edgesim" "$work" "$summary" "$libcachesim" <<'PY'
import json, os, re, resource, subprocess, sys, time

edgesim, work, summary = sys.argv[1], sys.argv[2], dict(kv.split("=") for kv in sys.argv[3].split())
cachesim = sys.argv[4]
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
    times = {}
    for variant in rows:
        wall, cpu, result = run(fmt, [variant])
        # The simulator falls back to cache-only on a trace without paths; a row must say so.
        assert result[0]["mode"] == variant.get("model", "full"), result[0]["mode"]
        label = variant["name"].rsplit(" ", 1)
        print(f"| {fmt} | {label[0]} | {label[1]} | {requests / wall / 1e6:.2f} M | "
              f"{requests / cpu / 1e6:.2f} M | {miss_ratio(result[0]):.4f} |")
        times[variant["name"]] = wall, cpu
    return times

def run_cachesim(eviction, percent):
    """libCacheSim's cachesim, whole process: wall and CPU seconds, miss ratio, its loop's MQPS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(
        [cachesim, workloads["oracleGeneral"]["file"], "oracleGeneral", eviction,
         str(working_set * percent // 100), "--ignore-obj-size", "0", "--num-thread", "1",
         "--print-head-req", "0", "--output", f"{work}/cachesim/result"],
        check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    found = re.search(r"(\d+) req, miss ratio ([0-9.]+), throughput ([0-9.]+) MQPS", out)
    assert found and int(found[1]) == requests, out
    return wall, cpu, float(found[2]), float(found[3])

def anchor(full_model):
    print("\n| policy | capacity | edgesim cache-only, wall (CPU) | cachesim, wall (CPU) | "
          "edgesim / cachesim, wall (CPU) | edgesim miss ratio | cachesim miss ratio | "
          "cachesim's own loop |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    lru10 = None
    for i, (eviction, percent) in enumerate((e, p) for e in ("lru", "sieve") for p in (1, 10)):
        # Alternate which runs first, so neither always follows the other on a noisy machine.
        def ours():
            return run("oracleGeneral", [cache_only(eviction, percent)])
        def theirs():
            return run_cachesim(eviction, percent)
        if i % 2 == 0:
            (wall, cpu, result), (lcs_wall, lcs_cpu, lcs_miss, lcs_loop) = ours(), theirs()
        else:
            (lcs_wall, lcs_cpu, lcs_miss, lcs_loop), (wall, cpu, result) = theirs(), ours()
        if (eviction, percent) == ("lru", 10):
            lru10 = lcs_wall, lcs_cpu
        print(f"| {eviction.upper()} | {percent} % | {wall:.2f} s ({cpu:.2f} s) | "
              f"{lcs_wall:.2f} s ({lcs_cpu:.2f} s) | {wall / lcs_wall:.2f} ({cpu / lcs_cpu:.2f}) | "
              f"{miss_ratio(result[0]):.4f} | {lcs_miss:.4f} | {lcs_loop:.2f} M/s |")
    def rate(wall, cpu):
        return f"{requests / wall / 1e6:.2f} M (per CPU second {requests / cpu / 1e6:.2f} M)"
    print(f"\nrequests/s, full model LRU 10 %: {rate(*full_model)}; "
          f"cachesim LRU 10 %: {rate(*lru10)}; full model / cachesim: "
          f"{lru10[0] / full_model[0]:.2f}x (per CPU second {lru10[1] / full_model[1]:.2f}x)")

print(f"\n| input | replay | capacity | requests/s (wall) | requests/s per CPU second | miss ratio |")
print("|---|---|---:|---:|---:|---:|")
for fmt in ("oracleGeneral", "CSV"):
    grid = [cache_only(e, p) for e in ("lru", "fifo", "sieve") for p in (1, 10)]
    replay(fmt, grid)
    wall, cpu, _ = run(fmt, grid, threads=0)
    print(f"| {fmt} | sweep of 6 cache-only variants, all cores | | "
          f"{6 * requests / wall / 1e6:.2f} M | {6 * requests / cpu / 1e6:.2f} M | |")
times = replay("CSV with paths", [cache_only("lru", 10),
                                  {"name": "full model lru 10%", "eviction": "lru",
                                   "capacity_bytes": working_set * 10 // 100}])
if cachesim:
    anchor(times["full model lru 10%"])
PY
