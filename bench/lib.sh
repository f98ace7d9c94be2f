# lib.sh — helpers the bench scripts source: `source "$root/bench/lib.sh"`.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() {  # wait_http URL: until it answers, at most 10 s
  for _ in $(seq 1 200); do curl -fs -o /dev/null "$1" && return 0; sleep 0.05; done
  echo "no answer from $1" >&2; return 1
}
release_build() {  # release_build BUILD_DIR TARGET...: a Release build of just those targets
  local dir=$1; shift
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DEDGESIM_BUILD_TESTS=OFF >/dev/null
  cmake --build "$dir" -j2 --target "$@" >/dev/null
}
tree_cpu_ms() {  # tree_cpu_ms PID: CPU milliseconds (user + system) of PID and its live descendants
  python3 - "$1" <<'PY'
import os, sys
stats = {}
for entry in os.listdir("/proc"):
    if entry.isdigit():
        try:
            fields = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(entry)] = (int(fields[1]), int(fields[11]) + int(fields[12]))  # ppid, utime + stime
tree = {int(sys.argv[1])}
for _ in range(8):  # nginx and varnishd are at most a master and its children deep
    tree |= {pid for pid, (ppid, _) in stats.items() if ppid in tree}
ticks = sum(stats[pid][1] for pid in tree if pid in stats)
print(ticks * 1000 // os.sysconf("SC_CLK_TCK"))
PY
}
