#!/usr/bin/env bash
# upwire on a monorepo of N apps, each a BullMQ worker in `apps/aN` with its own `.env`
# pointing at a database of its own: `init` (which groups the apps by the hosts their env
# files point at, one `[database.aN]` each), then `lint` and `resolve --format json` of the
# descriptor it wrote, where each database reads its own app's folder. Median of 3 runs
# each (hyperfine), N = 1, 1,000, 2,000 and 4,000 by default.
# Usage: bash bench/monorepo.sh [COUNTS...]
# Writes bench/out/monorepo-N.json (hyperfine) and prints a table.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out; mkdir -p "$out"
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
cargo build --release --quiet --bin upwire
bin=$(pwd)/${CARGO_TARGET_DIR:-target}/release/upwire
counts=("$@"); [ ${#counts[@]} -gt 0 ] || counts=(1 1000 2000 4000)
printf '%8s %12s %12s %12s\n' apps "init (s)" "lint (s)" "resolve (s)"
for n in "${counts[@]}"; do
  dir=$(mktemp -d)
  python3 - "$dir" "$n" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
open(f"{root}/package.json", "w").write('{"name":"big","private":true}')
for i in range(n):
    d = f"{root}/apps/a{i}"
    os.makedirs(d)
    open(f"{d}/package.json", "w").write('{"name":"a%d","dependencies":{"bullmq":"5.0.0"}}' % i)
    open(f"{d}/.env", "w").write(
        f"REDIS_URL=rediss://default:Pw{i:05d}xxxxxxxxxxxxxxxxxxxx@big-{i}-{10000 + i}.upstash.io:6379\n")
PY
  (cd "$dir" && hyperfine -N -i -r 3 --export-json "$OLDPWD/$out/monorepo-$n.json" \
    "$bin init --force" "$bin lint" "$bin resolve --format json" >/dev/null 2>&1)
  python3 - "$out/monorepo-$n.json" "$n" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
print("%8s %12.3f %12.3f %12.3f" % (sys.argv[2], *(x["median"] for x in r)))
PY
  rm -rf "$dir"
done
