#!/usr/bin/env bash
# The gateway load and fault tests (tests/integration/gateway_load.rs) at full size, in a
# release build: 64 concurrent keep-alive clients × 10,000 requests each (640,000 requests,
# every reply checked, twice), Redis killed and restarted mid-load, malformed requests under
# load, slow clients. Prints throughput, latency, error counts and the serve process's RSS.
#
#   bash bench/gateway_load.sh                      (64 × 10,000)
#   UPWIRE_LOAD_CLIENTS=128 UPWIRE_LOAD_REQUESTS=1000000 bash bench/gateway_load.sh
#
# Loopback only. Never run in CI (CI runs the same tests with 10,000 requests in a debug build).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v redis-server >/dev/null || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
}
export UPWIRE_LOAD_CLIENTS=${UPWIRE_LOAD_CLIENTS:-64}
export UPWIRE_LOAD_REQUESTS=${UPWIRE_LOAD_REQUESTS:-$((UPWIRE_LOAD_CLIENTS * 10000))}
echo "== $(nproc) cores, $UPWIRE_LOAD_CLIENTS clients, $UPWIRE_LOAD_REQUESTS requests per run (release build)"
# One test at a time: each measures the machine alone.
cargo test --release --test integration gateway_load -- --nocapture --test-threads=1 2>&1 |
  grep -E '^(gateway load|redis restart|slow clients|malformed|[a-z0-9 ,.()-]+: [0-9]{3}$|test |test result)'
