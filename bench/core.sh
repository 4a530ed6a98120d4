#!/usr/bin/env bash
# Benchmarks for the core (issue 2): `upwire lint` on a small env file against dotenv-linter
# and a hello-world Rust binary, and `upwire resolve` on 100 / 1,000 / 10,000 targets.
# Usage: bash bench/core.sh            (installs hyperfine and dotenv-linter if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out; mkdir -p "$out"
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }
command -v dotenv-linter >/dev/null || cargo install --locked dotenv-linter >/dev/null
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/upwire

# The floor: a hello-world Rust binary built with the same toolchain and profile.
hello="$out/hello"
if [ ! -x "$hello" ]; then
  printf 'fn main() { println!("hello"); }\n' > "$out/hello.rs"
  rustc -O -o "$hello" "$out/hello.rs"
fi

cat > "$out/bench.env" <<'ENV'
# app settings
NODE_ENV=production
PORT=3000
REDIS_URL=rediss://default:AXJkYXRhYmFzZS1wYXNzd29yZA@eu1-tidy-cat-12345.upstash.io:6379
UPSTASH_REDIS_REST_URL=https://eu1-tidy-cat-12345.upstash.io
UPSTASH_REDIS_REST_TOKEN=AXJkYXRhYmFzZS1wYXNzd29yZA
KV_REST_API_READ_ONLY_TOKEN=AoJkcmVhZC1vbmx5
LOG_LEVEL=info
SESSION_SECRET=abcdef0123456789
ENV

hyperfine -N -i --warmup 20 --runs 300 --export-json "$out/lint.json" \
  -n hello-world "$hello" \
  -n "upwire lint" "$bin lint $out/bench.env" \
  -n dotenv-linter "dotenv-linter check $out/bench.env"

export UPSTASH_REDIS_URL=rediss://default:AXJkYXRhYmFzZS1wYXNzd29yZA@eu1-tidy-cat-12345.upstash.io:6379
export UPSTASH_REDIS_REST_URL=https://eu1-tidy-cat-12345.upstash.io
export UPSTASH_REDIS_REST_TOKEN=AXJkYXRhYmFzZS1wYXNzd29yZA
export UPSTASH_REDIS_REST_READONLY_TOKEN=AoJkcmVhZC1vbmx5
args=()
for n in 100 1000 10000; do
  python3 bench/gen_descriptor.py "$n" > "$out/targets-$n.toml"
  args+=(-n "resolve $n" "$bin -c $out/targets-$n.toml resolve --format json")
done
hyperfine -N --warmup 3 --runs 20 --output=null --export-json "$out/resolve.json" "${args[@]}"
for n in 100 1000 10000; do
  /usr/bin/time -f "resolve $n targets: peak RSS %M KiB" "$bin" -c "$out/targets-$n.toml" resolve --format json >/dev/null
done
