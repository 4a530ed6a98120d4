#!/usr/bin/env bash
# Compatibility suite: the official @upstash/redis and @upstash/ratelimit clients (pinned in
# package-lock.json) against `upwire serve` in front of a real redis-server, all on free
# loopback ports, with node's built-in test runner: every compat/*.test.mjs, one file after
# the other (they share the databases). Two serve instances, each over its own redis-server,
# stand for two regions (MultiRegionRatelimit). Exits non-zero when any test fails.
#
# Usage: (cd compat && npm ci) && bash compat/run.sh
# Uses $UPWIRE_BIN when set (cargo test sets it), else builds and runs target/debug/upwire.
set -euo pipefail
case ${UPWIRE_BIN:-} in "" | /*) ;; *) UPWIRE_BIN=$PWD/$UPWIRE_BIN ;; esac
cd "$(dirname "$0")"

die() { echo "compat: $*" >&2; exit 2; }
command -v redis-server >/dev/null || die "redis-server is not installed (apt-get install redis-server)"
command -v node >/dev/null || die "node is not installed (apt-get install nodejs npm)"
for package in @upstash/redis @upstash/ratelimit; do
  [ -f "node_modules/$package/package.json" ] || die "run \`npm ci\` in compat/ first ($package is missing)"
done

bin=${UPWIRE_BIN:-}
if [ -z "$bin" ]; then
  (cd .. && cargo build --quiet --bin upwire)
  bin=../target/debug/upwire
fi

work=$(mktemp -d)
pids=()
# Every step may fail (a process that already exited): none may stop the cleanup.
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# A port nobody listens on right now, from the kernel.
free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'
}

# PING over bash's /dev/tcp, one second at most.
redis_up() {
  timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1 && printf 'PING\r\n' >&3 && head -c 7 <&3" 2>/dev/null | grep -q PONG
}

# start_redis NAME: a redis-server on a free port; sets redis_port.
start_redis() {
  redis_port=$(free_port)
  mkdir -p "$work/$1"
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$work/$1" --loglevel warning >"$work/$1.redis.log" 2>&1 &
  pids+=("$!")
  for _ in $(seq 50); do redis_up "$redis_port" && break; sleep 0.1; done
  redis_up "$redis_port" || { cat "$work/$1.redis.log" >&2; die "redis-server did not start on port $redis_port"; }
}

# wait_for_serve LOG: the URL and token serve printed in LOG; sets url and token.
wait_for_serve() {
  url=
  token=
  for _ in $(seq 100); do
    url=$(sed -n 's/^ *UPSTASH_REDIS_REST_URL=//p' "$1" | head -n 1)
    token=$(sed -n 's/^ *UPSTASH_REDIS_REST_TOKEN=//p' "$1" | head -n 1)
    [ -n "$url" ] && [ -n "$token" ] && return 0
    sleep 0.1
  done
  cat "$1" >&2
  die "upwire serve did not start (or printed no token)"
}

# No --token: serve makes a random one and prints it once, as a developer would see it. The
# suite reads it from there, so the printed pair is proven to work with the official client.
start_redis first
first_redis_port=$redis_port
readonly_token=AocompatReadOnlyToken0123456789
env -u UPWIRE_SERVE_TOKEN UPWIRE_SERVE_READONLY_TOKEN=$readonly_token \
  "$bin" serve --redis "redis://127.0.0.1:$redis_port" --listen 127.0.0.1:0 --quiet 2>"$work/serve.log" &
pids+=("$!")
wait_for_serve "$work/serve.log"
first_url=$url
first_token=$token

# The second region: its own redis-server and serve, with a random token too.
start_redis second
env -u UPWIRE_SERVE_TOKEN -u UPWIRE_SERVE_READONLY_TOKEN \
  "$bin" serve --redis "redis://127.0.0.1:$redis_port" --listen 127.0.0.1:0 --quiet 2>"$work/serve2.log" &
pids+=("$!")
wait_for_serve "$work/serve2.log"

echo "compat: @upstash/redis $(node -p 'require("./node_modules/@upstash/redis/package.json").version')" \
  "and @upstash/ratelimit $(node -p 'require("./node_modules/@upstash/ratelimit/package.json").version')" \
  "against upwire serve at $first_url and $url (redis-server on ports $first_redis_port and $redis_port)"

status=0
UPSTASH_REDIS_REST_URL=$first_url UPSTASH_REDIS_REST_TOKEN=$first_token UPWIRE_READONLY_TOKEN=$readonly_token \
  UPWIRE_FIRST_REDIS_PORT=$first_redis_port UPWIRE_SECOND_REST_URL=$url UPWIRE_SECOND_REST_TOKEN=$token \
  timeout 300 node --test --test-concurrency=1 --test-timeout=30000 ./*.test.mjs || status=$?
if [ "$status" -ne 0 ]; then
  echo "compat: FAILED (exit $status); serve logs:" >&2
  cat "$work/serve.log" "$work/serve2.log" >&2
fi
exit "$status"
