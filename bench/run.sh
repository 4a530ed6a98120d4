#!/usr/bin/env bash
# The benchmark command: every comparison in one run, written to BENCHMARKS.md at the root.
#   bench/core.sh      upwire lint vs dotenv-linter vs a hello-world Rust binary;
#                      upwire resolve at 100 / 1,000 / 10,000 targets (time, peak RSS)
#   bench/interpolate.sh  upwire lint on N copies of `${A}` in one value
#   bench/generate.sh  upwire generate at 5 / 100 / 1,000 / 10,000 targets, fresh and rerun,
#                      on tmpfs (upwire's own work) and 1,000 targets on the disk
#   bench/check.sh     upwire check vs redis-cli --tls PING on one TLS redis-server
#   bench/serve.sh     upwire serve vs webdis (wrk at 1 / 16 / 64 connections) and
#                      redis-benchmark on the same Redis
#   bench/client.sh    the generated Rust REST client vs @upstash/redis (Node) through the
#                      same upwire serve: ops/s, sequential and pipelined
# then bench/report.py renders BENCHMARKS.md from bench/out/.
#
# Usage: bash bench/run.sh        (as root: installs its tools with apt-get, cargo and npm)
# Takes about ten minutes. Not run in CI. Run it on a quiet machine: it samples the load
# average throughout and BENCHMARKS.md reports it, with whatever else was using the CPU.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out
mkdir -p "$out"

echo "== tools"
need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v webdis >/dev/null || need+=(webdis)
command -v wrk >/dev/null || need+=(wrk)
command -v redis-server >/dev/null || need+=(redis-server)
command -v redis-benchmark >/dev/null || need+=(redis-tools)
[ -x /usr/bin/time ] || need+=(time)
command -v openssl >/dev/null || need+=(openssl)
command -v curl >/dev/null || need+=(curl)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
# Debian's package starts a system redis on :6379; every benchmark starts its own.
if command -v systemctl >/dev/null; then systemctl stop redis-server 2>/dev/null || true; fi
command -v dotenv-linter >/dev/null || cargo install --locked dotenv-linter
# compat/'s pinned @upstash/redis (not reinstalled when present: other runs may be using it).
[ -f compat/node_modules/@upstash/redis/package.json ] || npm ci --prefix compat --no-audit --no-fund --silent
cargo build --release --quiet --bin upwire

echo "== machine"
{
  echo "date $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "cores $(nproc)"
  echo "cpu $(lscpu | sed -n 's/^Model name: *//p' | head -n 1)"
  echo "memory $(free -m | awk '/^Mem:/ { print $2 }') MiB"
  echo "kernel $(uname -r)"
  echo "os $(. /etc/os-release && echo "$PRETTY_NAME")"
  echo "rustc $(rustc --version)"
  echo "commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src templates Cargo.toml || echo ' (with uncommitted changes in src/)')"
  echo "hyperfine $(hyperfine --version | awk '{ print $2 }')"
  echo "dotenv-linter $(dotenv-linter --version | awk '{ print $2 }')"
  echo "redis-server $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/')"
  echo "webdis $(dpkg-query -W -f='${Version}' webdis 2>/dev/null || echo unknown)"
  echo "wrk $(dpkg-query -W -f='${Version}' wrk 2>/dev/null || echo unknown)"
  echo "node $(node --version)"
  echo "upstash-redis $(node -p 'require("./compat/node_modules/@upstash/redis/package.json").version')"
} | tee "$out/machine.txt"
# What else uses the CPU right now: top's second sample (the first counts from boot).
busy() { top -b -n 2 -d 3 -o %CPU -w 200 | awk '/^top -/ { n++ } n == 2' | sed -n '7,13p'; }
busy > "$out/busy-before.txt"

# Every 5 s while the benchmarks run: the load average, and other people's busy processes.
: > "$out/load.txt"
python3 bench/loadwatch.py $$ "$out/load.txt" &
sampler=$!
trap 'kill "$sampler" 2>/dev/null || true' EXIT

section() { echo; echo "== $1"; echo "$1 $(date +%s)" >> "$out/sections.txt"; }
: > "$out/sections.txt"
section "core"
bash bench/core.sh
section "interpolate"
bash bench/interpolate.sh
section "generate"
# tmpfs takes the shared virtual disk out of the figures; the disk run shows what it adds.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
  BENCH_DIR=/dev/shm/upwire-bench-generate GENERATE_JSON=$out/generate.json bash bench/generate.sh
  rm -rf /dev/shm/upwire-bench-generate
else
  GENERATE_JSON=$out/generate.json bash bench/generate.sh
fi
SIZES=1000 BENCH_DIR=$out/generate-disk GENERATE_JSON=$out/generate-disk.json bash bench/generate.sh
rm -rf "$out/generate-disk"
section "check"
bash bench/check.sh
section "serve"
bash bench/serve.sh
section "client"
bash bench/client.sh
section "end"

busy > "$out/busy-after.txt"
python3 bench/report.py "$out" > BENCHMARKS.md
echo
echo "written to BENCHMARKS.md"
