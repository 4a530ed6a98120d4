#!/usr/bin/env bash
# Benchmarks for the core: `upwire lint` on a small env file against dotenv-linter
# and a hello-world Rust binary, `upwire fix` beside it (nothing to fix, and a dry
# run that fixes five problems), and `upwire resolve` on 100 / 1,000 / 10,000 targets.
# Usage: bash bench/core.sh     (installs hyperfine, time and dotenv-linter if missing)
# Writes bench/out/lint.json, resolve.json (hyperfine), resolve-rss.txt (peak RSS in KiB) and
# resolve-strace.txt (the system calls of one 10,000-target run: output is written in chunks).
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out; mkdir -p "$out"
need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
[ -x /usr/bin/time ] || need+=(time)
command -v strace >/dev/null || need+=(strace)
if [ ${#need[@]} -gt 0 ]; then apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null; fi
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
REDIS_URL=rediss://default:ATA5YXRhYmFzZS1wYXNzd29yZA@eu1-tidy-cat-12345.upstash.io:6379
UPSTASH_REDIS_REST_URL=https://eu1-tidy-cat-12345.upstash.io
UPSTASH_REDIS_REST_TOKEN=ATA5YXRhYmFzZS1wYXNzd29yZA
KV_REST_API_READ_ONLY_TOKEN=AjA5cmVhZC1vbmx5
LOG_LEVEL=info
SESSION_SECRET=abcdef0123456789
ENV

# The same file with five problems `fix` can fix (two rounds); `--dry-run` never writes it, so
# every run does the same work.
sed -e 's|rediss://default:ATA5YXRhYmFzZS1wYXNzd29yZA@|redis://default:ATA5YXRhYmFzZS1wYXNzd29yZA#@|' \
    -e 's|^UPSTASH_REDIS_REST_TOKEN=|UPSTASH_REDIS_REST_TOKEN=Bearer |' \
    -e 's|^PORT=3000|PORT=3000\nPORT=3000|' \
    -e 's|^UPSTASH_REDIS_REST_URL=https://\(.*\)|UPSTASH_REDIS_REST_URL=" https://\1"|' \
    "$out/bench.env" > "$out/bench-fix.env"

# `-n NAME COMMAND` pairs → NAME<TAB>COMMAND lines: the exact commands, for bench/report.py.
record() { local file=$1; shift; while [ $# -gt 0 ]; do
  if [ "$1" = -n ]; then printf '%s\t%s\n' "$2" "$3" >> "$file"; shift 3; else shift; fi; done; }
lint=(-n hello-world "$hello" -n "upwire lint" "$bin lint $out/bench.env"
  -n dotenv-linter "dotenv-linter check $out/bench.env"
  -n "upwire fix" "$bin fix $out/bench.env"
  -n "upwire fix --dry-run" "$bin fix --dry-run $out/bench-fix.env")
: > "$out/commands-core.tsv"
record "$out/commands-core.tsv" "${lint[@]}"
hyperfine -N -i --warmup 20 --runs 300 --export-json "$out/lint.json" "${lint[@]}"

export UPSTASH_REDIS_URL=rediss://default:ATA5YXRhYmFzZS1wYXNzd29yZA@eu1-tidy-cat-12345.upstash.io:6379
export UPSTASH_REDIS_REST_URL=https://eu1-tidy-cat-12345.upstash.io
export UPSTASH_REDIS_REST_TOKEN=ATA5YXRhYmFzZS1wYXNzd29yZA
export UPSTASH_REDIS_REST_READONLY_TOKEN=AjA5cmVhZC1vbmx5
args=()
for n in 100 1000 10000; do
  python3 bench/gen_descriptor.py "$n" > "$out/targets-$n.toml"
  args+=(-n "resolve $n" "$bin -c $out/targets-$n.toml resolve --format json")
done
record "$out/commands-core.tsv" "${args[@]}"
hyperfine -N --warmup 3 --runs 20 --output=null --export-json "$out/resolve.json" "${args[@]}"
: > "$out/resolve-rss.txt"
for n in 100 1000 10000; do
  /usr/bin/time -f "$n %M" -a -o "$out/resolve-rss.txt" "$bin" -c "$out/targets-$n.toml" resolve --format json >/dev/null
done
awk '{ printf "resolve %5s targets: peak RSS %.1f MiB\n", $1, $2 / 1024 }' "$out/resolve-rss.txt"
strace -c -f -o "$out/resolve-strace.txt" "$bin" -c "$out/targets-10000.toml" resolve --format json >/dev/null
awk '$NF == "write" { print "resolve 10000 targets:", $4, "write calls" }' "$out/resolve-strace.txt"
