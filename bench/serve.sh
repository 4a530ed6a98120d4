#!/usr/bin/env bash
# Benchmark for `upwire serve`: throughput and p50/p99 latency with wrk against
# upwire serve (release build) and webdis (Debian's C HTTP gateway to Redis), both in front of
# the same redis-server, at 1, 16 and 64 connections; a pipeline of 100 commands per request; pub/sub fan-out to
# 100 SSE subscribers against 100 plain SUBSCRIBE clients (bench/fanout.py); plus
# redis-benchmark on that Redis for the raw floor. Not run in CI.
#
# Usage: bash bench/serve.sh            (installs wrk, webdis, redis-server with apt-get if missing)
#        DURATION=10s bash bench/serve.sh
# Everything listens on 127.0.0.1 only, on free ports. The load generator shares the machine's
# cores with the servers and Redis: compare the rows with each other, not with other machines.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out
mkdir -p "$out"
duration=${DURATION:-10s}
connections=(1 16 64)

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v webdis >/dev/null || need+=(webdis)
command -v redis-server >/dev/null || need+=(redis-server)
command -v redis-benchmark >/dev/null || need+=(redis-tools)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
cargo build --release --quiet --bin upwire
bin=target/release/upwire

# shellcheck source=bench/lib.sh
. bench/lib.sh
start_redis
redis-cli -p "$redis_port" SET bench:key "value-of-bench-key-1234567890" >/dev/null

token=AXbenchToken0123456789
start_serve "$bin" "$token" --max-streams 200

start_webdis

# Both answer the same command, path style: GET of a 29-byte value.
curl -fsS -m 5 -H "Authorization: Bearer $token" "http://127.0.0.1:$serve_port/get/bench:key" >"$work/serve.out"
curl -fsS -m 5 "http://127.0.0.1:$webdis_port/GET/bench:key" >"$work/webdis.out"
echo "upwire serve answers: $(cat "$work/serve.out")"
echo "webdis answers:       $(cat "$work/webdis.out")"

# The @upstash/redis way for serve: POST / with a JSON array.
cat >"$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '["GET","bench:key"]'
wrk.headers["Content-Type"] = "application/json"
LUA

# A pipeline of 100 commands in one request (POST /pipeline), as @upstash/redis's pipeline()
# and auto-pipelining send them.
python3 - "$work/pipeline.lua" <<'PY'
import sys
body = "[" + ",".join(['["GET","bench:key"]'] * 100) + "]"
open(sys.argv[1], "w").write(
    'wrk.method = "POST"\nwrk.body = \'' + body + '\'\nwrk.headers["Content-Type"] = "application/json"\n'
)
PY

# wrk output → "rps p50_ms p99_ms"
parse_wrk() {
  awk '
    /Requests\/sec/ { rps = $2 }
    $1 == "50%" { p50 = $2 } $1 == "99%" { p99 = $2 }
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    END { printf "%.0f %.3f %.3f\n", rps, ms(p50), ms(p99) }'
}

results="$out/serve.txt"
: >"$results"
run() { # label connections wrk-args...
  local label=$1 c=$2
  shift 2
  local threads=1
  [ "$c" -ge 16 ] && threads=2
  wrk -t"$threads" -c"$c" -d"$duration" --latency "$@" >"$work/wrk.txt"
  read -r rps p50 p99 < <(parse_wrk <"$work/wrk.txt")
  printf '%-28s %4s %10s %9s %9s\n' "$label" "$c" "$rps" "$p50" "$p99" | tee -a "$results"
}

printf '%-28s %4s %10s %9s %9s\n' "server" "conn" "req/s" "p50 ms" "p99 ms" | tee -a "$results"
for c in "${connections[@]}"; do
  run "upwire serve GET /get/k" "$c" -H "Authorization: Bearer $token" "http://127.0.0.1:$serve_port/get/bench:key"
  run "webdis GET /GET/k" "$c" "http://127.0.0.1:$webdis_port/GET/bench:key"
  run "upwire serve POST / (json)" "$c" -s "$work/post.lua" -H "Authorization: Bearer $token" "http://127.0.0.1:$serve_port/"
done

echo
echo "pipeline of 100 GETs per request (commands/s = req/s x 100):" | tee -a "$results"
for c in 16 64; do
  run "upwire serve POST /pipeline x100" "$c" -s "$work/pipeline.lua" -H "Authorization: Bearer $token" "http://127.0.0.1:$serve_port/pipeline"
done

echo
echo "pub/sub fan-out, 100 subscribers, 2000 messages of 64 bytes (deliveries/s):" | tee -a "$results"
for run_ in 1 2 3; do
  read -r sse _ _ sse_s < <(python3 bench/fanout.py sse "$serve_port" "$token" "$redis_port" 100 2000)
  read -r resp _ _ resp_s < <(python3 bench/fanout.py resp "$redis_port" 100 2000)
  printf '%-28s %4s %10s %9s\n' "upwire serve SSE" "$run_" "$sse" "${sse_s}s" | tee -a "$results"
  printf '%-28s %4s %10s %9s\n' "redis SUBSCRIBE (RESP)" "$run_" "$resp" "${resp_s}s" | tee -a "$results"
done

echo
echo "redis-benchmark (GET, the same Redis, no HTTP):" | tee -a "$results"
for c in "${connections[@]}"; do
  rps=$(redis-benchmark -h 127.0.0.1 -p "$redis_port" -t get -n 200000 -c "$c" -q --csv | awk -F'","' 'NR == 2 { print $2 }')
  printf '%-28s %4s %10s\n' "redis-benchmark GET" "$c" "${rps%%\"*}" | tee -a "$results"
done
echo
echo "written to $results"
