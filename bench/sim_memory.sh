#!/usr/bin/env bash
# Simulator memory per cached object and per request, cache-only and full model: a seeded Zipf(1.0)
# trace of 10^8 requests over 10^7 objects (bench/make_trace.cc, oracleGeneral, in /tmp) replayed
# cache-only (LRU) at 10 % and 50 % of its working set in bytes, and the same draws with paths at
# 10^7 requests through scenarios/deploy-pattern.json's CloudFront model (about 0.5 M requests/s,
# so not at 10^8). Each row is one `edgesim simulate --threads 1` process: its peak RSS
# (/usr/bin/time), divided by the requests and by the objects cached at the end. Between the two
# capacities of one trace only the cached objects change, so the difference of peak RSS over the
# difference of cached objects is the cost of one more cached object ("marginal B/object").
#
#   bench/sim_memory.sh [--build-dir build-rel] [--requests 100000000] [--objects 10000000]
#                       [--model-requests 10000000] [--model-objects 1000000]
#                       [--compare OLD_EDGESIM]   # also every row with another binary, same traces
set -euo pipefail
cd "$(dirname "$0")/.."
build=build-rel requests=100000000 objects=10000000 model_requests=10000000 model_objects=1000000
compare=""
usage="usage: bench/sim_memory.sh [--build-dir D] [--requests N] [--objects N]"
usage+=" [--model-requests N] [--model-objects N] [--compare OLD_EDGESIM]"
while (($#)); do
  [[ $# -ge 2 ]] || { echo "$usage" >&2; exit 2; }
  case "$1" in
    --build-dir) build=$2 ;;
    --requests) requests=$2 ;;
    --objects) objects=$2 ;;
    --model-requests) model_requests=$2 ;;
    --model-objects) model_objects=$2 ;;
    --compare) compare=$2 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
  shift 2
done
source bench/lib.sh
release_build "$build" edgesim edgesim_make_trace
work=$(mktemp -d /tmp/edgesim-simmem.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/big" "$work/model"
big=$("$build/bench/edgesim_make_trace" "$work/big" "$requests" "$objects" 1.0 1 oracle)
echo "cache-only trace: $big"
model=$("$build/bench/edgesim_make_trace" "$work/model" "$model_requests" "$model_objects" 1.0 1 \
  oracle,paths)
echo "full-model trace: $model"
python3 - "$work" "$big" "$model" "$build/edgesim" $compare <<'PY'
import json, subprocess, sys

work, binaries = sys.argv[1], sys.argv[4:]
summaries = [dict(kv.split("=") for kv in s.split()) for s in sys.argv[2:4]]
columns = {"time": 0, "key": 1, "size": 2, "status": 3, "pop": 4}
with open("scenarios/deploy-pattern.json") as f:
    site = json.load(f)

def run(edgesim, trace_dir, workload, variant):
    scenario = f"{trace_dir}/scenario.json"
    with open(scenario, "w") as f:
        json.dump({"name": "sim-memory", "workload": workload, "variants": [variant],
                   "distribution": site["distribution"], "origin": site["origin"]}, f)
    timed = subprocess.run(["/usr/bin/time", "-f", "%M %e", edgesim, "simulate", scenario,
                            "--threads", "1", "--out", f"{trace_dir}/out"],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    rss_kib, wall = timed.stderr.strip().splitlines()[-1].split()
    with open(f"{trace_dir}/out/report.json") as f:
        result = json.load(f)["variants"][0]
    assert result["mode"] == variant.get("model", "full"), result["mode"]
    return int(rss_kib) * 1024, float(wall), result["cache"].get("stored_objects", 0)

rows = [
    ("cache-only LRU", f"{work}/big", summaries[0],
     {"kind": "oracle-general", "file": f"{work}/big/zipf.oracleGeneral.bin"}, "cache-only"),
    ("full model LRU", f"{work}/model", summaries[1],
     {"kind": "csv", "file": f"{work}/model/zipf-paths.csv", "header": True, "columns": columns},
     None),
]
print("\n| binary | mode | requests | capacity | cached objects | peak RSS | B/request "
      "| B/cached object | marginal B/object | wall |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for (name, trace_dir, summary, workload, model), edgesim in (
        (row, b) for row in rows for b in binaries):
    requests, working_set = int(summary["requests"]), int(summary["working_set_bytes"])
    previous = None
    for percent in (10, 50):
        variant = {"name": f"{name} {percent}%", "eviction": "lru",
                   "capacity_bytes": working_set * percent // 100}
        if model:
            variant["model"] = model
        rss, wall, cached = run(edgesim, trace_dir, workload, variant)
        marginal = ""
        if previous and cached != previous[1]:
            marginal = f"{(rss - previous[0]) / (cached - previous[1]):.0f}"
        previous = (rss, cached)
        print(f"| {edgesim} | {name} | {requests:,} | {percent} % | {cached:,} | "
              f"{rss / 2**20:,.0f} MiB | {rss / requests:.1f} | {rss / max(cached, 1):.0f} | {marginal} | {wall:.1f} s |")
PY
