#!/usr/bin/env bash
# Benchmarks for `upwire generate`: the bundled example (5 targets) and 100 / 1,000 / 10,000
# targets (bench/gen_descriptor.py), each measured two ways:
#   fresh   every file is created (the output directory is emptied before each run), so each
#           run renders and writes every file (temp file + rename);
#   rerun   every file is already up to date, so each run renders, reads and compares.
# Time: hyperfine medians. Peak memory: /usr/bin/time -f %M, one run of each.
# Usage: bash bench/generate.sh            (installs hyperfine and time if missing)
#        BENCH_DIR=/dev/shm/upwire-generate bash bench/generate.sh   (tmpfs: no disk in it)
#        SIZES="1000" bash bench/generate.sh                         (fewer sizes)
# Writes $GENERATE_JSON (default bench/out/generate.json).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${BENCH_DIR:-bench/out/generate}; rm -rf "$out"; mkdir -p "$out"
json=${GENERATE_JSON:-bench/out/generate.json}; mkdir -p "$(dirname "$json")"
read -r -a sizes <<<"${SIZES:-100 1000 10000}"
need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null; fi
cargo build --release --quiet --bin upwire
bin="$PWD/target/release/upwire"

cases=(example)
mkdir -p "$out/example"
cp examples/upwire.toml examples/example.env "$out/example/"
for n in "${sizes[@]}"; do
  mkdir -p "$out/t$n"
  python3 bench/gen_descriptor.py "$n" > "$out/t$n/upwire.toml"
  cp examples/example.env "$out/t$n/example.env"
  cases+=("t$n")
done

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
runs() { # fewer runs for the big cases
  case $1 in t10000) echo 5 ;; t1000) echo 10 ;; *) echo 30 ;; esac
}

# -N: no shell between hyperfine and upwire; the output is not a terminal, so no colours.
: > "$out/rss.txt"
: > "$out/commands.tsv"
for c in "${cases[@]}"; do
  r=$(runs "$c")
  printf '%s\t%s\n' "$c" "$(gen "$out/$c")" >> "$out/commands.tsv"
  hyperfine -N --warmup 1 --runs "$r" --output=null --export-json "$out/fresh-$c.json" \
    --prepare "bash $out/fresh.sh $out/$c" -n "$c fresh" "$(gen "$out/$c")"
  hyperfine -N --warmup 1 --runs "$r" --output=null --export-json "$out/rerun-$c.json" \
    -n "$c rerun" "$(gen "$out/$c")"
  bash "$out/fresh.sh" "$out/$c"
  # shellcheck disable=SC2046
  /usr/bin/time -f "$c fresh %M" -a -o "$out/rss.txt" $(gen "$out/$c") >/dev/null 2>&1
  # shellcheck disable=SC2046
  /usr/bin/time -f "$c rerun %M" -a -o "$out/rss.txt" $(gen "$out/$c") >/dev/null 2>&1
  echo "$c files $(find "$out/$c" -type f | wc -l)" >> "$out/rss.txt"
done
rm -rf "$out/trash"
python3 - "$out" "$json" "${cases[@]}" <<'PY'
import json, sys
out, target, cases = sys.argv[1], sys.argv[2], sys.argv[3:]
commands = dict(line.rstrip("\n").split("\t") for line in open(f"{out}/commands.tsv"))
facts = {}
for line in open(f"{out}/rss.txt"):
    case, what, value = line.split()
    facts[(case, what)] = int(value)
rows = []
for case in cases:
    for mode in ("fresh", "rerun"):
        r = json.load(open(f"{out}/{mode}-{case}.json"))["results"][0]
        targets = 5 if case == "example" else int(case[1:])
        rows.append({"case": case, "targets": targets, "mode": mode, "command": commands[case],
                     "median_s": r["median"], "min_s": r["min"], "runs": len(r["times"]),
                     "peak_rss_kib": facts[(case, mode)], "files": facts[(case, "files")]})
        print(f"{case:<8} {mode:<6} median {r['median'] * 1000:8.1f} ms   "
              f"peak RSS {facts[(case, mode)] / 1024:6.1f} MiB   files {facts[(case, 'files')]}")
json.dump({"dir": out, "results": rows}, open(target, "w"), indent=1)
PY
