#!/usr/bin/env bash
# The generated Rust REST client against the official @upstash/redis Node client, through the
# same `upwire serve` (release build) in front of the same redis-server: ops per second,
# sequential (one request per command, awaited) and pipelined (BATCH commands per request).
# The Rust client is `upwire generate`'s src/redis_client.rs, verbatim (so with what it always
# does: `Upstash-Encoding: base64` replies decoded, the sync token carried, retries armed), in
# a scratch crate whose main.rs is bench/client/main.rs; the Node side is bench/client/node.mjs with
# compat/'s pinned @upstash/redis. Runs alternate between the clients; medians of RUNS runs.
#
# Usage: bash bench/client.sh      (needs redis-server, node and `npm ci` in compat/;
#        OPS=20000 BATCH=100 RUNS=5  bench/run.sh installs them)
# Writes bench/out/client.json and commands-client.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out
mkdir -p "$out"
ops=${OPS:-20000}
batch=${BATCH:-100}
runs=${RUNS:-5}
[ -f compat/node_modules/@upstash/redis/package.json ] || npm ci --prefix compat --no-audit --no-fund --silent
cargo build --release --quiet --bin upwire
bin=$PWD/target/release/upwire

# The Rust crate: generate a lambda target's client with the real binary, keep it verbatim.
krate=$out/client-crate
rm -rf "$krate"
mkdir -p "$krate"
cat >"$krate/upwire.toml" <<'TOML'
[database.main]
rest_url = "${UPSTASH_REDIS_REST_URL}"
rest_token = "${UPSTASH_REDIS_REST_TOKEN}"

[target.bench]
kind = "lambda"
TOML
(cd "$krate" && UPSTASH_REDIS_REST_URL=https://bench.upstash.io UPSTASH_REDIS_REST_TOKEN=AXbench \
  "$bin" generate --target bench >/dev/null)
deps=$(sed -n '/^\/\/! ```toml$/,/^\/\/! ```$/p' "$krate/src/redis_client.rs" | sed '1d;$d;s/^\/\/! //')
[ -n "$deps" ] || { echo "no Cargo.toml lines in the generated client's header" >&2; exit 1; }
printf '[package]\nname = "upwire-bench-client"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n[workspace]\n\n[dependencies]\n%s\n' \
  "$deps" >"$krate/Cargo.toml"
cp bench/client/main.rs "$krate/src/main.rs"
# The generated crates' shared target dir (tests/integration/generate.rs): built once.
CARGO_TARGET_DIR=$PWD/target/generated-crates cargo build --release --quiet --manifest-path "$krate/Cargo.toml"
rust_bin=$PWD/target/generated-crates/release/upwire-bench-client

# shellcheck source=bench/lib.sh
. bench/lib.sh
start_redis
token=AXbenchClientToken0123456789
start_serve "$bin" "$token"
export UPSTASH_REDIS_REST_URL=http://127.0.0.1:$serve_port UPSTASH_REDIS_REST_TOKEN=$token

results=$out/client.jsonl
: >"$results"
{
  for mode in sequential pipelined; do
    printf 'rust %s\t%s\n' "$mode" "$rust_bin $mode $ops $batch"
    printf 'node %s\t%s\n' "$mode" "node bench/client/node.mjs $mode $ops $batch default|tuned"
  done
} >"$out/commands-client.tsv"
for mode in sequential pipelined; do
  for run in $(seq "$runs"); do
    "$rust_bin" "$mode" "$ops" "$batch" | tee -a "$results"
    node bench/client/node.mjs "$mode" "$ops" "$batch" default | tee -a "$results"
    node bench/client/node.mjs "$mode" "$ops" "$batch" tuned | tee -a "$results"
  done
done
python3 - "$results" "$out/client.json" "$ops" "$batch" "$runs" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
summary = {"ops": int(sys.argv[3]), "batch": int(sys.argv[4]), "runs": int(sys.argv[5]), "results": []}
for key in sorted({(r["mode"], r["client"], r["config"]) for r in rows}):
    rates = [r["ops_per_sec"] for r in rows if (r["mode"], r["client"], r["config"]) == key]
    summary["results"].append({"mode": key[0], "client": key[1], "config": key[2],
                               "median_ops_per_sec": statistics.median(rates), "runs": rates})
    print(f"{key[0]:<11} {key[1]:<5} {key[2]:<10} median {statistics.median(rates):9.0f} ops/s")
median = {(r["mode"], r["client"], r["config"]): r["median_ops_per_sec"] for r in summary["results"]}
summary["ratios"] = {}
for mode in ("sequential", "pipelined"):
    # Against the faster of @upstash/redis's two configurations; the target is 2x.
    config = max(("default", "tuned"), key=lambda c: median[(mode, "node", c)])
    ratio = median[(mode, "rust", "generated")] / median[(mode, "node", config)]
    summary["ratios"][mode] = {"node_config": config, "ratio": ratio}
    print(f"{mode:<11} rust / node {config}: {ratio:.2f}x ({'met' if ratio >= 2 else 'NOT met'}: 2x)")
json.dump(summary, open(sys.argv[2], "w"), indent=1)
PY
