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

# shellcheck source=compat/lib.sh
. ./lib.sh

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
