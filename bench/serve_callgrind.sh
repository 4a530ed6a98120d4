#!/usr/bin/env bash
# Instructions per request of `upwire serve`, counted by callgrind: independent of what else
# the machine runs, so two builds compare exactly on a shared, busy machine. For each binary,
# serve runs under `valgrind --tool=callgrind` twice, once for SMALL and once for LARGE
# keep-alive GETs of a 29-byte value (path style, 4 connections, Python's http.client); the
# difference of the two totals divided by LARGE - SMALL is the cost of one request (start-up
# and shutdown cancel out).
#
# Usage: bash bench/serve_callgrind.sh BIN [BIN...]
#   SMALL, LARGE  requests per run (default 400 and 2400)
#   KEEP          a folder to keep the LARGE run's callgrind.out per binary in, for
#                 `callgrind_annotate --inclusive=yes FILE` (default: not kept)
# Needs valgrind, redis-server and python3. Loopback only, free ports.
set -euo pipefail
cd "$(dirname "$0")/.."
small=${SMALL:-400}
large=${LARGE:-2400}
[ $# -gt 0 ] || { echo "usage: bash bench/serve_callgrind.sh BIN [BIN...]" >&2; exit 2; }

# shellcheck source=bench/lib.sh
. bench/lib.sh
start_redis
redis-cli -p "$redis_port" SET bench:key "value-of-bench-key-1234567890" >/dev/null
token=AXbenchToken0123456789

# total BIN N OUT: serve's instruction total for N requests; its profile in OUT.
total() {
  local bin=$1 n=$2 out=$3 port pid
  port=$(free_port)
  UPWIRE_SERVE_TOKEN=$token valgrind --tool=callgrind --callgrind-out-file="$out" \
    "$bin" serve --redis "redis://127.0.0.1:$redis_port" --listen "127.0.0.1:$port" --quiet \
    2>"$work/valgrind.log" &
  pid=$!
  # valgrind starts slowly: up to 60 s for the listener.
  for _ in $(seq 600); do
    timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null && break
    sleep 0.1
  done
  python3 - "$port" "$n" "$token" <<'PY'
import http.client, sys, threading
port, n, token = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
def worker(k):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for _ in range(k):
        c.request("GET", "/get/bench:key", headers={"Authorization": "Bearer " + token})
        r = c.getresponse()
        r.read()
        assert r.status == 200, r.status
ts = [threading.Thread(target=worker, args=(n // 4,)) for _ in range(4)]
[t.start() for t in ts]
[t.join() for t in ts]
PY
  kill -INT "$pid"
  wait "$pid" || true
  awk '/^summary:/ { print $2 }' "$out"
}

printf '%-50s %14s %14s %12s\n' binary "Ir ($small)" "Ir ($large)" "Ir/request"
for bin in "$@"; do
  a=$(total "$bin" "$small" "$work/small.out")
  b=$(total "$bin" "$large" "$work/large.out")
  if [ -n "${KEEP:-}" ]; then
    mkdir -p "$KEEP"
    cp "$work/large.out" "$KEEP/callgrind.$(echo "$bin" | tr '/' '_').out"
  fi
  printf '%-50s %14d %14d %12.0f\n' "$bin" "$a" "$b" "$(echo "($b - $a) / ($large - $small)" | bc -l)"
done
