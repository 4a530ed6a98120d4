#!/usr/bin/env bash
# The action's serve step: `upwire serve` in the background for the rest of the job, in front
# of UPWIRE_SERVE_REDIS, or of a throwaway redis-server (`--ephemeral`) when that is empty,
# with a token made for this run. UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN go to
# GITHUB_ENV for the later steps (the token masked in the log); serve's log is
# $RUNNER_TEMP/upwire-serve.log and its process id $RUNNER_TEMP/upwire-serve.pid.
#
# Environment: UPWIRE_SERVE_REDIS, UPWIRE_SERVE_LISTEN, UPWIRE_SERVE_ARGS, RUNNER_OS,
# RUNNER_TEMP, GITHUB_ENV, GITHUB_OUTPUT.
set -euo pipefail

listen=${UPWIRE_SERVE_LISTEN:-127.0.0.1:8079}
if [ -n "${UPWIRE_SERVE_REDIS:-}" ]; then
  source=(--redis "$UPWIRE_SERVE_REDIS")
else
  source=(--ephemeral)
  if ! command -v redis-server >/dev/null; then
    case "${RUNNER_OS:-}" in
      Linux)
        sudo apt-get update -qq
        sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
        # Debian's package starts a system redis on :6379; serve starts its own.
        sudo systemctl stop redis-server 2>/dev/null || true
        ;;
      macOS) brew install redis >/dev/null ;;
      *)
        echo "::error::serve without serve-redis needs redis-server on PATH; give serve-redis a Redis URL instead"
        exit 1
        ;;
    esac
  fi
fi

token=$(openssl rand -hex 24)
echo "::add-mask::$token"
log="$RUNNER_TEMP/upwire-serve.log"
# shellcheck disable=SC2086 # extra arguments, one word each
UPWIRE_SERVE_TOKEN="$token" nohup upwire serve "${source[@]}" --listen "$listen" --quiet ${UPWIRE_SERVE_ARGS:-} > "$log" 2>&1 &
echo $! > "$RUNNER_TEMP/upwire-serve.pid"

# Wait until it answers: at most 30 tries, one second apart.
if ! curl -fsS --retry 30 --retry-delay 1 --retry-connrefused --max-time 2 \
  -H "Authorization: Bearer $token" "http://$listen/ping" > /dev/null; then
  echo "::error::upwire serve did not answer on http://$listen; its log:"
  cat "$log"
  exit 1
fi
{
  echo "UPSTASH_REDIS_REST_URL=http://$listen"
  echo "UPSTASH_REDIS_REST_TOKEN=$token"
} >> "$GITHUB_ENV"
echo "url=http://$listen" >> "$GITHUB_OUTPUT"
echo "upwire serve: http://$listen answers; UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN are set for the next steps"
