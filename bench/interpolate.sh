#!/usr/bin/env bash
# `upwire lint` on a descriptor whose `rest_token` is N copies of `${A}` (it was
# quadratic), N = 4,000 / 16,000 / 100,000, with `A` unset (one unresolved-variable finding)
# and set (a 1.2 MB resolved token to classify and scrub).
# Usage: bash bench/interpolate.sh     (installs hyperfine when missing)
# Writes bench/out/interpolate.json and commands-interpolate.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out; mkdir -p "$out"
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
cargo build --release --quiet --bin upwire
bin=${CARGO_TARGET_DIR:-target}/release/upwire

args=()
for n in 4000 16000 100000; do
  python3 - "$n" > "$out/interpolate-$n.toml" <<'PY'
import sys
n = int(sys.argv[1])
print('[project]\nname = "bench"\n\n[database.main]\n'
      'rest_url = "https://eu1-tidy-cat-12345.upstash.io"\n'
      'rest_token = "' + '${A}' * n + '"\n')
PY
  args+=(-n "lint ${n}x\${A} unset" "env -u A $bin lint $out/interpolate-$n.toml")
  args+=(-n "lint ${n}x\${A} set" "env A=AXsecret0123 $bin lint $out/interpolate-$n.toml")
done
record() { local file=$1; shift; while [ $# -gt 0 ]; do
  if [ "$1" = -n ]; then printf '%s\t%s\n' "$2" "$3" >> "$file"; shift 3; else shift; fi; done; }
: > "$out/commands-interpolate.tsv"
record "$out/commands-interpolate.tsv" "${args[@]}"
# -i: `lint` exits 1 when `A` is unset (the finding is an error).
hyperfine -N -i --warmup 2 --runs 10 --output=null --export-json "$out/interpolate.json" "${args[@]}"
