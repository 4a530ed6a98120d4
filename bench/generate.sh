#!/usr/bin/env bash
# Benchmarks for `upwire generate` (issue 3): the bundled example (5 targets) and 1,000 targets
# (bench/gen_descriptor.py), each measured two ways:
#   fresh   every file is created (the output directory is emptied before each run), so each
#           run renders and writes every file (temp file + rename);
#   rerun   every file is already up to date, so each run renders, reads and compares.
# Usage: bash bench/generate.sh            (installs hyperfine if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
# BENCH_DIR puts the cases elsewhere, e.g. on tmpfs (/dev/shm) to take the disk out.
out=${BENCH_DIR:-bench/out/generate}; rm -rf "$out"; mkdir -p "$out"
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }
cargo build --release --quiet
bin="$PWD/target/release/upwire"

mkdir -p "$out/example"
cp examples/upwire.toml examples/example.env "$out/example/"
python3 bench/gen_descriptor.py 1000 > "$out/targets-1000.toml"
mkdir -p "$out/t1000"
cp "$out/targets-1000.toml" "$out/t1000/upwire.toml"
cp examples/example.env "$out/t1000/example.env"

# A fresh run needs an empty case directory. Deleting thousands of files right before each
# run makes the filesystem slow for the run itself (ext4 with `discard`: the deletes are
# flushed while upwire creates files), so the old directory is moved aside instead and
# deleted once at the end.
cat > "$out/fresh.sh" <<'SH'
#!/usr/bin/env bash
# fresh.sh CASE: move CASE's generated files aside, keeping its descriptor and env file.
set -euo pipefail
case_dir=$1; trash=$(dirname "$case_dir")/trash/$(date +%s%N)
mkdir -p "$trash"; mv "$case_dir" "$trash/"
mkdir "$case_dir"; cp "$trash/$(basename "$case_dir")"/{upwire.toml,example.env} "$case_dir/"
SH
# Let the deletes above reach the disk before anything is timed.
sync
gen() { printf '%s -c %s/upwire.toml --env-file %s/example.env generate' "$bin" "$1" "$1"; }

# -N: no shell between hyperfine and upwire; the output is not a terminal, so no colours.
hyperfine -N --warmup 3 --runs 30 --output=null --export-json "$out/fresh.json" \
  --prepare "bash $out/fresh.sh $out/example" -n "example fresh" "$(gen "$out/example")"
hyperfine -N --warmup 1 --runs 10 --output=null --export-json "$out/fresh-1000.json" \
  --prepare "bash $out/fresh.sh $out/t1000" -n "1000 targets fresh" "$(gen "$out/t1000")"
hyperfine -N --warmup 3 --runs 30 --output=null --export-json "$out/rerun.json" \
  -n "example rerun" "$(gen "$out/example")" \
  -n "1000 targets rerun" "$(gen "$out/t1000")"
rm -rf "$out/trash"
echo "files written for 1000 targets: $(find "$out/t1000" -type f | wc -l)"
python3 - "$out"/fresh.json "$out"/fresh-1000.json "$out"/rerun.json <<'PY'
import json, sys
for path in sys.argv[1:]:
    for r in json.load(open(path))["results"]:
        print(f"{r['command']:<20} median {r['median'] * 1000:7.1f} ms   min {r['min'] * 1000:7.1f} ms")
PY
