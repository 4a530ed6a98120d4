#!/usr/bin/env bash
# CPU time per request of `upwire serve` beside webdis's, and throughput at 16 and 64
# connections, in one run: wrk (GET of a 29-byte value, path style, 2 threads) against each
# server in turn over the same redis-server; the CPU time is user+sys of the server process
# from /proc/PID/stat (fields 14 and 15) before and after, divided by the requests wrk
# completed. On a shared, loaded machine the CPU time per request is the figure to compare:
# throughput moves with what else runs, the work each request costs much less.
# Beside it, the same per request for redis-server and for the whole machine (busy ticks of
# /proc/stat: everything but idle and iowait, so wrk is in it too): with every core busy,
# throughput is the number of cores over the machine's CPU per request, which is why a ratio
# of throughputs can only follow a ratio of the machines' totals, not of the servers' own.
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
sys_ticks() { awk '{ print $15 }' "/proc/$1/stat"; }
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
redis_pid=${pids[-1]}

# measure LABEL PID URL [wrk args...]: one row per connection count.
measure() {
  local label=$1 pid=$2 url=$3
  shift 3
  for c in 16 64; do
    local before after sys_before sys_after redis_before redis_after busy_before busy_after
    before=$(cpu_ticks "$pid")
    sys_before=$(sys_ticks "$pid")
    redis_before=$(cpu_ticks "$redis_pid")
    busy_before=$(busy_ticks)
    wrk -t2 -c"$c" -d"$duration" "$@" "$url" >"$work/wrk.txt"
    after=$(cpu_ticks "$pid")
    sys_after=$(sys_ticks "$pid")
    redis_after=$(cpu_ticks "$redis_pid")
    busy_after=$(busy_ticks)
    awk -v label="$label" -v c="$c" -v ticks=$((after - before)) -v hz="$hz" \
      -v sys=$((sys_after - sys_before)) -v redis=$((redis_after - redis_before)) -v busy=$((busy_after - busy_before)) '
      /requests in/ { n = $1 }
      /Requests\/sec/ { rps = $2 }
      END { us = 1e6 / hz / n
            printf "%-34s %4d %10.0f %10d %10.1f %10.1f %10.1f %10.1f\n", label, c, rps, n,
              ticks * us, sys * us, redis * us, busy * us }' \
      "$work/wrk.txt" | tee -a "$work/rows.txt"
  done
}

printf '%-34s %4s %10s %10s %10s %10s %10s %10s\n' server conn req/s requests "CPU us/req" \
  "of it sys" "redis us" "all us"
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
