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
