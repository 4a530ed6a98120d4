#!/usr/bin/env bash
# CPU time per request of `upwire serve` beside webdis's, and throughput at 16 and 64
# connections, in one run: wrk (GET of a 29-byte value, path style, 2 threads) against each
# server in turn over the same redis-server; the CPU time is user+sys of the server process
# from /proc/PID/stat (fields 14 and 15) before and after, divided by the requests wrk
# completed. On a shared, loaded machine the CPU time per request is the figure to compare:
# throughput moves with what else runs, the work each request costs much less.
#
# Usage: bash bench/serve_cpu.sh [BIN [BASE_BIN]]
#   BIN       the serve under test (default target/release/upwire, built if missing)
#   BASE_BIN  another upwire binary to measure beside it (e.g. an older commit's, built in a
#             `git worktree`)
#   DURATION  wrk's duration per row (default 5s)
# Installs wrk, webdis and redis-server with apt-get if missing. Loopback only, free ports.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${DURATION:-5s}
bin=${1:-target/release/upwire}
base=${2:-}
[ -x "$bin" ] || cargo build --release --quiet --bin upwire

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v webdis >/dev/null || need+=(webdis)
command -v redis-server >/dev/null || need+=(redis-server)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# shellcheck source=bench/lib.sh
. bench/lib.sh
start_redis
redis-cli -p "$redis_port" SET bench:key "value-of-bench-key-1234567890" >/dev/null
token=AXbenchToken0123456789
hz=$(getconf CLK_TCK)

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# measure LABEL PID URL [wrk args...]: one row per connection count.
measure() {
  local label=$1 pid=$2 url=$3
  shift 3
  for c in 16 64; do
    local before after
    before=$(cpu_ticks "$pid")
    wrk -t2 -c"$c" -d"$duration" "$@" "$url" >"$work/wrk.txt"
    after=$(cpu_ticks "$pid")
    awk -v label="$label" -v c="$c" -v ticks=$((after - before)) -v hz="$hz" '
      /requests in/ { n = $1 }
      /Requests\/sec/ { rps = $2 }
      END { printf "%-34s %4d %10.0f %10d %10.1f\n", label, c, rps, n, ticks / hz / n * 1e6 }' \
      "$work/wrk.txt" | tee -a "$work/rows.txt"
  done
}

printf '%-34s %4s %10s %10s %10s\n' server conn req/s requests "CPU us/req"
serve_with() { # label binary
  start_serve "$2" "$token"
  local pid=${pids[-1]}
  measure "$1" "$pid" "http://127.0.0.1:$serve_port/get/bench:key" -H "Authorization: Bearer $token"
}
serve_with "upwire serve ($(basename "$(dirname "$(dirname "$bin")")")/$(basename "$bin"))" "$bin"
[ -n "$base" ] && serve_with "upwire serve (base: $base)" "$base"

start_webdis
measure "webdis" "${pids[-1]}" "http://127.0.0.1:$webdis_port/GET/bench:key"
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
