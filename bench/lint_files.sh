#!/usr/bin/env bash
# `upwire lint` over many env files in one folder (what a pre-commit hook in a monorepo passes)
# against dotenv-linter on the same folder, in the same run: 1,000 and 10,000 files of 33
# lines each (one in ten an example, `svcN.env.example` beside `svcN.env`, so that
# env-example-drift pairs files); then the system calls of one run of each.
# Usage: bash bench/lint_files.sh [COUNTS...]     (default: 1000 10000)
# Writes bench/out/lint-files.json (hyperfine) and bench/out/lint-files-strace-N.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out; mkdir -p "$out"
need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v strace >/dev/null || need+=(strace)
if [ ${#need[@]} -gt 0 ]; then apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null; fi
command -v dotenv-linter >/dev/null || cargo install --locked dotenv-linter >/dev/null
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/upwire
counts=("$@"); [ ${#counts[@]} -gt 0 ] || counts=(1000 10000)

# N files of 33 lines: comments, plain settings, one Redis URL and one REST token with a
# password/token of their own per file, so that every file adds secrets to mask.
make_folder() {
  local n=$1 dir=$out/lint-files-$1
  rm -rf "$dir"; mkdir -p "$dir"
  python3 - "$n" "$dir" <<'PY'
import sys
n, d = int(sys.argv[1]), sys.argv[2]
for i in range(n):
    j = i - i % 10
    lines = [f"# service {j}", "NODE_ENV=production", f"PORT={3000 + j % 1000}",
             f"REDIS_URL=rediss://default:AX{j:06d}cGFzc3dvcmQ@eu1-cat-{j}.upstash.io:6379",
             f"UPSTASH_REDIS_REST_URL=https://eu1-cat-{j}.upstash.io",
             f"UPSTASH_REDIS_REST_TOKEN=AX{j:06d}dG9rZW4tZm9yLXNlcnZpY2U",
             "LOG_LEVEL=info", f"APP_NAME=service-{j}"]
    lines += [f"SETTING_{k}=value-{k}" for k in range(33 - len(lines) - 1)]
    lines.append("FEATURE_FLAGS=a,b,c")
    assert len(lines) == 33
    if i % 10 == 1:
        # The example of the file before: the keys without values, one missing, one extra.
        keys = [l.split("=")[0] for l in lines if "=" in l and not l.startswith("#")]
        example = ["# service example"] + [k + "=" for k in keys[:-1] + ["NEW_KEY"]]
        open(f"{d}/svc{j:05d}.env.example", "w").write("\n".join(example) + "\n")
    else:
        open(f"{d}/svc{i:05d}.env", "w").write("\n".join(lines) + "\n")
PY
}

args=()
for n in "${counts[@]}"; do
  make_folder "$n"
  # Through a shell with the folder's glob: 10,000 paths are more than one argument of
  # hyperfine may hold (128 KiB). The glob costs both commands the same.
  args+=(-n "upwire lint, $n env files" "$bin lint --color never $out/lint-files-$n/*"
         -n "dotenv-linter, $n env files" "dotenv-linter check --plain --skip-updates $out/lint-files-$n/*")
done
# Both exit 1 (they find problems): -i. The commands' own output goes to /dev/null.
hyperfine -i --shell=bash --warmup 1 --runs 10 --output=null --export-json "$out/lint-files.json" "${args[@]}"
python3 - "$out/lint-files.json" <<'PY'
import json, sys
rows = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
for name, r in rows.items():
    print(f"{name:32} median {r['median'] * 1000:9.1f} ms  user+sys {(r['user'] + r['system']) * 1000:9.1f} ms")
for name in rows:
    if name.startswith("upwire lint, "):
        n = name.split(", ")[1]
        u, d = rows[name], rows.get(f"dotenv-linter, {n}")
        if d:
            print(f"{n}: upwire / dotenv-linter median {u['median'] / d['median']:.2f}x, "
                  f"user+sys {(u['user'] + u['system']) / (d['user'] + d['system']):.2f}x")
PY
for n in "${counts[@]}"; do
  files=("$out/lint-files-$n"/*)
  strace -c -f -o "$out/lint-files-strace-$n.txt" "$bin" lint --color never "${files[@]}" >/dev/null 2>&1 || true
  strace -c -f -o "$out/lint-files-strace-$n-dotenv-linter.txt" dotenv-linter check --plain --skip-updates "${files[@]}" >/dev/null 2>&1 || true
  for f in "$out/lint-files-strace-$n.txt" "$out/lint-files-strace-$n-dotenv-linter.txt"; do
    echo "$f: $(grep -E " total$" "$f")"
  done
done
