#!/usr/bin/env bash
# Bursts from the official @upstash/redis client against `upwire serve` with its default
# settings (--max-connections 256 and all): compat/burst.mjs under node and under bun (npm's
# @oven/bun-linux-x64, pinned in package.json as an optional dependency), 20 rounds of 1000
# concurrent commands each, 0 may be rejected. Prints serve's peak RSS (VmHWM) at the end.
#
# Usage: (cd compat && npm ci) && bash compat/burst.sh
# Uses $UPWIRE_BIN when set (cargo test sets it), else builds and runs target/debug/upwire.
# Without bun's package (another platform) the bun half is skipped with a line saying so.
set -euo pipefail
case ${UPWIRE_BIN:-} in "" | /*) ;; *) UPWIRE_BIN=$PWD/$UPWIRE_BIN ;; esac
cd "$(dirname "$0")"
# shellcheck source=compat/lib.sh
. ./lib.sh

start_redis burst
env -u UPWIRE_SERVE_TOKEN -u UPWIRE_SERVE_READONLY_TOKEN \
  "$bin" serve --redis "redis://127.0.0.1:$redis_port" --listen 127.0.0.1:0 --quiet 2>"$work/serve.log" &
serve_pid=$!
pids+=("$serve_pid")
wait_for_serve "$work/serve.log"

status=0
export UPSTASH_REDIS_REST_URL=$url UPSTASH_REDIS_REST_TOKEN=$token
timeout 300 node burst.mjs || status=1
bun=node_modules/@oven/bun-linux-x64/bin/bun
if [ -x "$bun" ] && "$bun" --version >/dev/null 2>&1; then
  timeout 300 "$bun" burst.mjs || status=1
else
  echo "burst: bun is not installed here (npm's @oven/bun-linux-x64 is for x86-64 Linux); bun half skipped"
fi
echo "burst: upwire serve peak RSS $(awk '/^VmHWM/ {print $2" "$3}' "/proc/$serve_pid/status")"
if [ "$status" -ne 0 ]; then
  echo "burst: FAILED; serve log:" >&2
  cat "$work/serve.log" >&2
fi
exit "$status"
