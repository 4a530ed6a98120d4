#!/usr/bin/env bash
# Compatibility suite: the official @upstash/redis client (pinned in package-lock.json) against
# `upwire serve` in front of a real redis-server, both on free loopback ports, with node's
# built-in test runner. Exits non-zero when any test fails.
#
# Usage: (cd compat && npm ci) && bash compat/run.sh
# Uses $UPWIRE_BIN when set (cargo test sets it), else builds and runs target/debug/upwire.
set -euo pipefail
case ${UPWIRE_BIN:-} in "" | /*) ;; *) UPWIRE_BIN=$PWD/$UPWIRE_BIN ;; esac
cd "$(dirname "$0")"

die() { echo "compat: $*" >&2; exit 2; }
command -v redis-server >/dev/null || die "redis-server is not installed (apt-get install redis-server)"
command -v node >/dev/null || die "node is not installed (apt-get install nodejs npm)"
[ -f node_modules/@upstash/redis/package.json ] || die "run \`npm ci\` in compat/ first"

bin=${UPWIRE_BIN:-}
if [ -z "$bin" ]; then
  (cd .. && cargo build --quiet --bin upwire)
  bin=../target/debug/upwire
fi

work=$(mktemp -d)
redis_pid=
serve_pid=
# Every step may fail (a process that already exited): none may stop the cleanup.
cleanup() {
  if [ -n "$serve_pid" ]; then kill "$serve_pid" 2>/dev/null || true; fi
  if [ -n "$redis_pid" ]; then kill "$redis_pid" 2>/dev/null || true; fi
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

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
  --dir "$work" --loglevel warning >"$work/redis.log" 2>&1 &
redis_pid=$!
for _ in $(seq 50); do redis_up "$redis_port" && break; sleep 0.1; done
redis_up "$redis_port" || { cat "$work/redis.log" >&2; die "redis-server did not start on port $redis_port"; }

# No --token: serve makes a random one and prints it once, as a developer would see it. The
# suite reads it from there, so the printed pair is proven to work with the official client.
readonly_token=AocompatReadOnlyToken0123456789
env -u UPWIRE_SERVE_TOKEN UPWIRE_SERVE_READONLY_TOKEN=$readonly_token \
  "$bin" serve --redis "redis://127.0.0.1:$redis_port" --listen 127.0.0.1:0 --quiet 2>"$work/serve.log" &
serve_pid=$!
url=
token=
for _ in $(seq 100); do
  url=$(sed -n 's/^ *UPSTASH_REDIS_REST_URL=//p' "$work/serve.log" | head -n 1)
  token=$(sed -n 's/^ *UPSTASH_REDIS_REST_TOKEN=//p' "$work/serve.log" | head -n 1)
  [ -n "$url" ] && [ -n "$token" ] && break
  sleep 0.1
done
[ -n "$url" ] && [ -n "$token" ] || { cat "$work/serve.log" >&2; die "upwire serve did not start (or printed no token)"; }
echo "compat: @upstash/redis $(node -p 'require("./node_modules/@upstash/redis/package.json").version') against upwire serve at $url (redis-server on port $redis_port)"

status=0
UPSTASH_REDIS_REST_URL=$url UPSTASH_REDIS_REST_TOKEN=$token UPWIRE_READONLY_TOKEN=$readonly_token \
  timeout 180 node --test --test-timeout=30000 upstash.test.mjs || status=$?
if [ "$status" -ne 0 ]; then
  echo "compat: FAILED (exit $status); serve log:" >&2
  cat "$work/serve.log" >&2
fi
exit "$status"
