#!/usr/bin/env bash
# CPU time per request of two upwire builds at 16 connections, interleaved (main, base, main,
# base, ...) so that the drift of a shared machine falls on both alike. BENCHMARKS.md 3b.
# Usage: bash bench/serve_ab16.sh BIN BASE_BIN
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:?the serve under test}
base=${2:?the build to compare with}
# shellcheck source=bench/lib.sh
. bench/lib.sh
start_redis
redis-cli -p "$redis_port" SET bench:key "value-of-bench-key-1234567890" >/dev/null
token=AXbenchToken0123456789
start_serve "$bin" "$token"; pm=${pids[-1]}; portm=$serve_port
start_serve "$base" "$token"; pf=${pids[-1]}; portf=$serve_port
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
one() { # label pid port
  local b a
  b=$(ticks "$2")
  wrk -t2 -c16 -d5s -H "Authorization: Bearer $token" "http://127.0.0.1:$3/get/bench:key" > "$work/w.txt"
  a=$(ticks "$2")
  awk -v l="$1" -v hz="$(getconf CLK_TCK)" -v t=$((a-b)) '/requests in/ {n=$1} /Requests\/sec/ {r=$2} END {printf "%-8s %9.0f req/s %6.2f us/req\n", l, r, t/hz/n*1e6}' "$work/w.txt"
}
for _ in 1 2 3 4 5; do one "$(basename "$bin")" "$pm" "$portm"; one "$(basename "$base")" "$pf" "$portf"; done
